// kv::Txn on RocksDB: reads inside a transaction see its own writes (deletes and counter
// additions included), scans merge them with the stored keys in order, and a failed
// transaction writes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "graph/kv/rocksdb_store.h"
#include "tests/graph/test_dir.h"

namespace kg::kv {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using KeyValues = std::vector<std::pair<std::string, std::string>>;

class KvTxnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = kg::testing::FreshTestDir("kg_kv_txn_test");
    RocksDbOptions options;
    options.sync = false;
    absl::StatusOr<std::unique_ptr<Store>> store = OpenRocksDbStore(dir_, options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Commits `pairs` as Puts in one transaction.
  void Seed(Space space, const KeyValues& pairs) {
    ASSERT_TRUE(store_
                    ->RunTxn([&](Txn& txn) {
                      for (const auto& [k, v] : pairs) txn.Put(space, k, v);
                      return absl::OkStatus();
                    })
                    .ok());
  }

  static KeyValues ScanAll(ReadView& view, Space space, std::string_view begin,
                           std::string_view end, bool reverse = false) {
    KeyValues out;
    std::unique_ptr<Cursor> c = view.Scan(space, begin, end, ScanOptions{reverse});
    std::string_view k, v;
    while (c->Next(&k, &v)) out.emplace_back(std::string(k), std::string(v));
    EXPECT_TRUE(c->status().ok()) << c->status();
    return out;
  }

  static std::optional<std::string> GetOrDie(ReadView& view, Space space, std::string_view key) {
    absl::StatusOr<std::optional<std::string>> v = view.Get(space, key);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::nullopt;
  }

  KeyValues Committed(Space space) {
    absl::StatusOr<std::unique_ptr<ReadView>> view = store_->Snapshot();
    EXPECT_TRUE(view.ok());
    return ScanAll(**view, space, "", "");
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(KvTxnTest, GetSeesPutsOverwritesAndDeletesOfTheTransaction) {
  Seed(Space::kMeta, {{"a", "1"}, {"b", "2"}});
  ASSERT_TRUE(store_
                  ->RunTxn([&](Txn& txn) {
                    EXPECT_EQ(GetOrDie(txn, Space::kMeta, "a"), "1");
                    txn.Put(Space::kMeta, "a", "10");
                    txn.Put(Space::kMeta, "a", "11");
                    EXPECT_EQ(GetOrDie(txn, Space::kMeta, "a"), "11");
                    txn.Delete(Space::kMeta, "b");
                    EXPECT_EQ(GetOrDie(txn, Space::kMeta, "b"), std::nullopt);
                    txn.Put(Space::kMeta, "c", "3");
                    txn.Delete(Space::kMeta, "c");
                    EXPECT_EQ(GetOrDie(txn, Space::kMeta, "c"), std::nullopt);
                    txn.Put(Space::kMeta, "b", "20");
                    EXPECT_EQ(GetOrDie(txn, Space::kMeta, "b"), "20");
                    // Another space holds other keys.
                    EXPECT_EQ(GetOrDie(txn, Space::kVertex, "a"), std::nullopt);
                    txn.Put(Space::kMeta, "e", "");
                    EXPECT_EQ(GetOrDie(txn, Space::kMeta, "e"), "");
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_THAT(Committed(Space::kMeta), ElementsAre(std::pair<std::string, std::string>{"a", "11"},
                                                   std::pair<std::string, std::string>{"b", "20"},
                                                   std::pair<std::string, std::string>{"e", ""}));
  EXPECT_THAT(Committed(Space::kVertex), IsEmpty());
}

TEST_F(KvTxnTest, ScansMergeTheTransactionsWritesWithTheStoreInKeyOrder) {
  Seed(Space::kMeta, {{"k1", "s1"}, {"k3", "s3"}, {"k5", "s5"}, {"k7", "s7"}});
  ASSERT_TRUE(store_
                  ->RunTxn([&](Txn& txn) {
                    txn.Put(Space::kMeta, "k0", "t0");  // before every stored key
                    txn.Put(Space::kMeta, "k4", "t4");  // between
                    txn.Put(Space::kMeta, "k5", "t5");  // overwrites
                    txn.Delete(Space::kMeta, "k3");     // hides a stored key
                    txn.Delete(Space::kMeta, "k6");     // deletes nothing
                    txn.Put(Space::kMeta, "k9", "t9");  // after
                    const KeyValues all = {{"k0", "t0"}, {"k1", "s1"}, {"k4", "t4"},
                                           {"k5", "t5"}, {"k7", "s7"}, {"k9", "t9"}};
                    EXPECT_EQ(ScanAll(txn, Space::kMeta, "", ""), all);
                    EXPECT_EQ(ScanAll(txn, Space::kMeta, "k1", "k7"),
                              KeyValues({{"k1", "s1"}, {"k4", "t4"}, {"k5", "t5"}}));
                    EXPECT_EQ(ScanAll(txn, Space::kMeta, "k2", "k5"), KeyValues({{"k4", "t4"}}));
                    KeyValues reversed(all.rbegin(), all.rend());
                    EXPECT_EQ(ScanAll(txn, Space::kMeta, "", "", true), reversed);
                    EXPECT_EQ(ScanAll(txn, Space::kMeta, "k1", "k7", true),
                              KeyValues({{"k5", "t5"}, {"k4", "t4"}, {"k1", "s1"}}));
                    EXPECT_EQ(ScanAll(txn, Space::kMeta, "k3", "k4", true), KeyValues());
                    // Writes made after a scan are seen by the next one.
                    txn.Delete(Space::kMeta, "k0");
                    txn.Delete(Space::kMeta, "k9");
                    EXPECT_EQ(ScanAll(txn, Space::kMeta, "", ""),
                              KeyValues({{"k1", "s1"}, {"k4", "t4"}, {"k5", "t5"}, {"k7", "s7"}}));
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(Committed(Space::kMeta),
            KeyValues({{"k1", "s1"}, {"k4", "t4"}, {"k5", "t5"}, {"k7", "s7"}}));
}

// A cursor walks the keys that existed when it opened: keys first written while it is open (a
// vertex that `g.V().addV()` creates while V() scans) are not returned, else such a traversal
// would never end; deletes and new values of existing keys are seen from its position on.
TEST_F(KvTxnTest, ACursorDoesNotReturnKeysFirstWrittenAfterItOpened) {
  Seed(Space::kMeta, {{"k1", "s1"}, {"k3", "s3"}, {"k5", "s5"}});
  for (bool reverse : {false, true}) {
    SCOPED_TRACE(reverse ? "reverse" : "forward");
    ASSERT_TRUE(store_
                    ->RunTxn([&](Txn& txn) {
                      txn.Put(Space::kMeta, "k2", "t2");  // before the cursor: seen
                      std::unique_ptr<Cursor> c =
                          txn.Scan(Space::kMeta, "", "", ScanOptions{reverse});
                      KeyValues seen;
                      std::string_view k, v;
                      int written = 0;
                      while (c->Next(&k, &v)) {
                        seen.emplace_back(std::string(k), std::string(v));
                        // Every step writes a key that sorts after each remaining one and
                        // before, plus a new value or a delete of a key still ahead.
                        txn.Put(Space::kMeta, "k" + std::to_string(++written) + "x", "new");
                        txn.Put(Space::kMeta, "k0" + std::to_string(written), "new");
                        txn.Put(Space::kMeta, "k9" + std::to_string(written), "new");
                        if (written == 1) txn.Put(Space::kMeta, reverse ? "k1" : "k5", "u");
                        if (written == 1) txn.Delete(Space::kMeta, "k3");
                      }
                      EXPECT_TRUE(c->status().ok()) << c->status();
                      KeyValues expected = {{"k1", "s1"}, {"k2", "t2"}, {"k5", "u"}};
                      if (reverse) expected = {{"k5", "s5"}, {"k2", "t2"}, {"k1", "u"}};
                      EXPECT_EQ(seen, expected);
                      // A cursor opened now sees them all.
                      EXPECT_EQ(ScanAll(txn, Space::kMeta, "", "").size(), 12u);
                      return absl::FailedPreconditionError("rolled back");
                    })
                    .message() == "rolled back");
  }
  EXPECT_EQ(Committed(Space::kMeta), KeyValues({{"k1", "s1"}, {"k3", "s3"}, {"k5", "s5"}}));
}

TEST_F(KvTxnTest, AScanOfAPrefixSpaceSeesOnlyItsRange) {
  // kAdj has a 9-byte prefix extractor: (tag, vertex id) prefixes as graph/ writes them.
  const std::string a(9, 'a'), b(9, 'b');
  Seed(Space::kAdj, {{a + "1", ""}, {b + "1", ""}});
  ASSERT_TRUE(
      store_
          ->RunTxn([&](Txn& txn) {
            txn.Put(Space::kAdj, a + "2", "x");
            txn.Put(Space::kAdj, b + "0", "y");
            txn.Delete(Space::kAdj, b + "1");
            EXPECT_EQ(ScanAll(txn, Space::kAdj, a, b), KeyValues({{a + "1", ""}, {a + "2", "x"}}));
            EXPECT_EQ(ScanAll(txn, Space::kAdj, b, b + "\xff"), KeyValues({{b + "0", "y"}}));
            EXPECT_EQ(ScanAll(txn, Space::kAdj, b, "", true), KeyValues({{b + "0", "y"}}));
            return absl::OkStatus();
          })
          .ok());
}

TEST_F(KvTxnTest, CounterAdditionsAreSeenByReadsAndScans) {
  Seed(Space::kCount, {{"c1", EncodeCounter(5)}});
  ASSERT_TRUE(store_
                  ->RunTxn([&](Txn& txn) {
                    txn.AddInt64(Space::kCount, "c1", 3);
                    txn.AddInt64(Space::kCount, "c1", -1);
                    txn.AddInt64(Space::kCount, "c2", 4);
                    EXPECT_EQ(GetOrDie(txn, Space::kCount, "c1"), EncodeCounter(7));
                    EXPECT_EQ(GetOrDie(txn, Space::kCount, "c2"), EncodeCounter(4));
                    txn.AddInt64(Space::kCount, "c2", 1);
                    EXPECT_EQ(ScanAll(txn, Space::kCount, "", ""),
                              KeyValues({{"c1", EncodeCounter(7)}, {"c2", EncodeCounter(5)}}));
                    // A put replaces the counter; additions after it add to the new value.
                    txn.Put(Space::kCount, "c1", EncodeCounter(100));
                    txn.AddInt64(Space::kCount, "c1", 2);
                    EXPECT_EQ(GetOrDie(txn, Space::kCount, "c1"), EncodeCounter(102));
                    // Additions after a delete start from zero.
                    txn.Delete(Space::kCount, "c2");
                    EXPECT_EQ(GetOrDie(txn, Space::kCount, "c2"), std::nullopt);
                    txn.AddInt64(Space::kCount, "c2", -3);
                    txn.AddInt64(Space::kCount, "c3", 0);
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(Committed(Space::kCount),
            KeyValues({{"c1", EncodeCounter(102)}, {"c2", EncodeCounter(-3)}}));
}

TEST_F(KvTxnTest, AFailedTransactionWritesNothing) {
  Seed(Space::kMeta, {{"a", "1"}});
  absl::Status s = store_->RunTxn([&](Txn& txn) {
    txn.Put(Space::kMeta, "a", "2");
    txn.Put(Space::kMeta, "b", "2");
    txn.AddInt64(Space::kCount, "c", 1);
    EXPECT_GT(txn.ApproximateBytes(), 0u);
    return absl::AbortedError("no");
  });
  EXPECT_EQ(s, absl::AbortedError("no"));
  EXPECT_EQ(Committed(Space::kMeta), KeyValues({{"a", "1"}}));
  EXPECT_THAT(Committed(Space::kCount), IsEmpty());
}

TEST_F(KvTxnTest, ABufferedValueOutlivesLaterWritesOfOtherKeys) {
  // Many keys in one transaction: nothing is lost or reordered as the buffer grows.
  KeyValues expected;
  ASSERT_TRUE(store_
                  ->RunTxn([&](Txn& txn) {
                    for (int i = 999; i >= 0; --i) {
                      char key[8];
                      std::snprintf(key, sizeof key, "k%04d", i);
                      txn.Put(Space::kVertex, key, std::string(i % 50, 'v'));
                      expected.emplace_back(key, std::string(i % 50, 'v'));
                    }
                    std::reverse(expected.begin(), expected.end());
                    EXPECT_EQ(ScanAll(txn, Space::kVertex, "", ""), expected);
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(Committed(Space::kVertex), expected);
}

TEST_F(KvTxnTest, InterleavedWritesReadsAndScansAgreeWithAnOrderedModel) {
  // Random puts (of shorter and longer values than the key held, and of a value read from the
  // transaction itself), deletes and reads over keys of 1 to 12 bytes that share prefixes, with
  // a scan of a random range in either direction every few writes: each read and scan must see
  // exactly what an ordered map of the same writes holds, and the commit must store it.
  std::map<std::string, std::string> model;
  std::mt19937 rng(20261126);
  auto random_key = [&] {
    static const char kAlphabet[] = {'\0', 'a', 'b', '\xff'};
    std::string k(1 + rng() % 12, 'a');
    for (char& c : k) c = kAlphabet[rng() % 4];
    return k;
  };
  KeyValues seed;
  for (int i = 0; i < 200; ++i) model[random_key()] = "stored" + std::to_string(i);
  for (const auto& [k, v] : model) seed.emplace_back(k, v);
  Seed(Space::kIndex, seed);
  ASSERT_TRUE(store_
                  ->RunTxn([&](Txn& txn) {
                    for (int step = 0; step < 3000; ++step) {
                      const std::string key = random_key();
                      const uint32_t op = rng() % 10;
                      if (op < 5) {
                        std::string value(rng() % 40, static_cast<char>('A' + step % 26));
                        txn.Put(Space::kIndex, key, value);
                        model[key] = value;
                      } else if (op < 7) {
                        txn.Delete(Space::kIndex, key);
                        model.erase(key);
                      } else if (op < 8) {
                        // A Put of the key's own buffered value, as a view of the buffer.
                        absl::StatusOr<std::optional<std::string>> v = txn.Get(Space::kIndex, key);
                        EXPECT_TRUE(v.ok());
                        if (v.ok() && v->has_value()) txn.Put(Space::kIndex, key, **v);
                      } else {
                        auto it = model.find(key);
                        EXPECT_EQ(GetOrDie(txn, Space::kIndex, key),
                                  it == model.end() ? std::nullopt
                                                    : std::optional<std::string>(it->second))
                            << "step " << step;
                      }
                      if (step % 7 != 0) continue;
                      std::string begin = random_key(), end = random_key();
                      if (end < begin) std::swap(begin, end);
                      if (step % 3 == 0) end.clear();  // to the end of the space
                      const bool reverse = step % 2 == 0;
                      KeyValues expected;
                      for (auto it = model.lower_bound(begin);
                           it != model.end() && (end.empty() || it->first < end); ++it) {
                        expected.emplace_back(it->first, it->second);
                      }
                      if (reverse) std::reverse(expected.begin(), expected.end());
                      EXPECT_EQ(ScanAll(txn, Space::kIndex, begin, end, reverse), expected)
                          << "step " << step;
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(Committed(Space::kIndex), KeyValues(model.begin(), model.end()));
}

TEST_F(KvTxnTest, KeysThatShareTheirFirst8And16BytesCommitAndScanInByteOrder) {
  // The buffer sorts keys by their first 16 bytes and compares whole keys only past them: keys
  // of 1 to 28 bytes built from few prefixes (a tag, a vertex id's zero bytes) and an alphabet
  // with 00 and FF, so that many tie on 8 and on 16 bytes, and a shorter key ties with its
  // zero-padded extensions. Written in random order with scans in between (which sort what was
  // written so far, so later keys are merged into that order), they must scan and commit in
  // byte order.
  std::mt19937 rng(16);
  static const char kAlphabet[] = {'\0', '\x01', 'a', '\xff'};
  const std::string prefixes[] = {std::string("\x02\0\0\0\0\0\0", 7),
                                  std::string("\x02\0\0\0\0\0\0\x10\0\0\0\x03\0\0\0", 15),
                                  std::string("\x03", 1), std::string()};
  std::map<std::string, std::string> model;
  ASSERT_TRUE(
      store_
          ->RunTxn([&](Txn& txn) {
            for (int i = 0; i < 4000; ++i) {
              std::string key = prefixes[rng() % 4];
              const size_t tail = rng() % 14;
              for (size_t j = 0; j < tail; ++j) key.push_back(kAlphabet[rng() % 4]);
              if (key.empty()) key = "a";
              const std::string value = std::to_string(i);
              txn.Put(Space::kAdj, key, value);
              model[key] = value;
              if (i % 500 == 499) {
                EXPECT_EQ(ScanAll(txn, Space::kAdj, "", ""), KeyValues(model.begin(), model.end()))
                    << "after " << i + 1 << " writes";
              }
            }
            return absl::OkStatus();
          })
          .ok());
  EXPECT_EQ(Committed(Space::kAdj), KeyValues(model.begin(), model.end()));
}

}  // namespace
}  // namespace kg::kv
