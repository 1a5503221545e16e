// Crash test: a writer process commits random synced batches and acknowledges each one on a pipe;
// the test kills it with SIGKILL at random moments, reopens the database and checks that
//  - Graph::Verify() holds (out/in twins, index and key entries resolve, counts equal scans,
//    provenance twins);
//  - every acknowledged batch is present, and at most one batch beyond the last acknowledgement
//    (the one in flight when the kill came);
//  - the newest batch is whole: everything it wrote is there with its stamp (no half batch).
// Then the next round resumes writing on the same directory. See
// ../shared/design/reliability-brief.md ("kill -9 test").
//
// The writer is this binary re-executed as `crash_test --crash-writer <dir> <seed> <round> <fd>`.
// Each batch is one Graph::Write tagged with its sequence number: it upserts a "Batch" vertex
// whose key is the number and whose properties list what the batch left behind, and the
// "Clock" vertex's `seq` property. Entity vertices and edges get a `stamp` property = seq whenever
// a batch touches them.
//
// Knobs (environment): KG_CRASH_SEED (default fixed), KG_CRASH_ROUNDS (default 50; 1000 by hand).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "graph/graph.h"

namespace kg::graph {
namespace {

constexpr uint64_t kDefaultSeed = 20261125;
constexpr int kDefaultRounds = 50;
constexpr int kAckFd = 3;  // the writer's end of the pipe, in the writer
constexpr size_t kWriteBufferBytes = 64 << 10;

const char* const kEntityLabels[] = {"Company", "Country", "Person", "Technology"};
const char* const kEdgeLabels[] = {"PARTNERS_WITH", "SUPPLIES", "OWNS"};
constexpr int kKeysPerLabel = 40;  // small pools: batches collide, update and delete each other
constexpr int kDocuments = 16;

// Indexes the writer declares; a later round declares more (filled from existing data while a
// kill may come). Property types match what the writer stores, or writes would be rejected.
const IndexSpec kIndexes[] = {
    {"Company", "revenue", Value::Type::kInt64},  {"Person", "name", Value::Type::kString},
    {"Technology", "stamp", Value::Type::kInt64}, {"Country", "code", Value::Type::kString},
    {"Person", "score", Value::Type::kDouble},    {"Company", "founded", Value::Type::kTimestamp},
};

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  uint64_t n;
  return v != nullptr && absl::SimpleAtoi(v, &n) ? n : fallback;
}

GraphOptions WriterOptions() {
  GraphOptions o;
  o.sync_writes = true;
  o.write_buffer_bytes = kWriteBufferBytes;  // flushes and compactions inside the kill window
  o.block_cache_bytes = 8 << 20;
  return o;
}

int64_t StampOf(const std::vector<std::pair<std::string, Value>>& props) {
  for (const auto& [k, v] : props) {
    if (k == "stamp" && v.is_int64()) return v.as_int64();
  }
  return -1;
}

int64_t StampOf(const Vertex& v) {
  std::vector<Value> s = v.Values("stamp");
  return s.size() == 1 && s[0].is_int64() ? s[0].as_int64() : -1;
}

// ------------------------------------------------------------------------------------------------
// The writer.

// One batch: random mutations of a small entity pool, then the Batch and Clock vertices.
class BatchWriter {
 public:
  BatchWriter(GraphTxn& txn, int64_t seq, uint64_t seed) : txn_(txn), seq_(seq), rng_(seed) {}

  absl::Status Run() {
    int ops = Uniform(1, 8);
    for (int i = 0; i < ops; ++i) {
      if (absl::Status s = RandomOp(); !s.ok()) return s;
    }
    return Seal();
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <typename T, size_t N>
  const T& Pick(const T (&a)[N]) {
    return a[Uniform(0, N - 1)];
  }

  std::pair<std::string, std::string> RandomEntity() {
    return {Pick(kEntityLabels), absl::StrCat("k", Uniform(0, kKeysPerLabel - 1))};
  }

  // Upserts a random entity with fresh properties; returns its id.
  absl::StatusOr<VertexId> Ensure(const std::pair<std::string, std::string>& entity) {
    const auto& [label, key] = entity;
    std::vector<PropertyWrite> props = {
        {"name", absl::StrCat(label, " ", key)},
        {"aliases",
         Value::List({absl::StrCat(key, "-a", Uniform(0, 3)), absl::StrCat(label, "/", key)})},
        {"stamp", Value(int64_t{seq_})},
    };
    if (label == "Company") {
      props.emplace_back("revenue", Value(int64_t{Uniform(0, 1000)}));
      props.emplace_back("founded", Value(Timestamp{int64_t{Uniform(0, 1 << 30)} * 1000}));
    } else if (label == "Country") {
      props.emplace_back("code", Value(absl::StrCat("C", Uniform(0, 20))));
    } else if (label == "Person") {
      props.emplace_back("score", Value(Uniform(0, 100) / 10.0));
    }
    absl::StatusOr<UpsertResult> r = txn_.UpsertVertex(label, key, props);
    if (!r.ok()) return r.status();
    touched_vertices_.insert(entity);
    return r->id;
  }

  absl::StatusOr<std::optional<VertexId>> Existing(
      const std::pair<std::string, std::string>& entity) {
    return txn_.FindVertexByKey(entity.first, entity.second);
  }

  // Up to 16 out-edges of a random existing entity.
  absl::StatusOr<std::vector<EdgeKey>> SomeEdges() {
    absl::StatusOr<std::optional<VertexId>> v = Existing(RandomEntity());
    if (!v.ok()) return v.status();
    std::vector<EdgeKey> edges;
    if (!v->has_value()) return edges;
    std::unique_ptr<EdgeStream> s = txn_.ScanEdges(**v, Direction::kOut);
    for (EdgeKey e; edges.size() < 16 && s->Next(&e);) edges.push_back(e);
    if (!s->status().ok()) return s->status();
    return edges;
  }

  absl::Status Stamp(VertexId id) {
    return txn_.SetVertexProperty(id, PropertyWrite("stamp", Value(int64_t{seq_})));
  }

  absl::Status RandomOp() {
    switch (Uniform(0, 10)) {
      case 0:
      case 1:
        return Ensure(RandomEntity()).status();
      case 2: {  // upsert an edge (rank 0 or 1: re-asserting a fact merges)
        absl::StatusOr<VertexId> a = Ensure(RandomEntity());
        if (!a.ok()) return a.status();
        absl::StatusOr<VertexId> b = Ensure(RandomEntity());
        if (!b.ok()) return b.status();
        absl::StatusOr<EdgeUpsertResult> e = txn_.UpsertEdge(
            *a, Pick(kEdgeLabels), *b, Uniform(0, 1),
            {{"stamp", Value(int64_t{seq_})}, {"weight", Value(Uniform(0, 100) / 100.0)}});
        if (!e.ok()) return e.status();
        touched_edges_.insert(e->key);
        return absl::OkStatus();
      }
      case 3: {  // add a parallel edge, sometimes with an external id
        absl::StatusOr<VertexId> a = Ensure(RandomEntity());
        if (!a.ok()) return a.status();
        absl::StatusOr<VertexId> b = Ensure(RandomEntity());
        if (!b.ok()) return b.status();
        Value external =
            Uniform(0, 2) == 0 ? Value(absl::StrCat("e", seq_, "-", Uniform(0, 1 << 20))) : Value();
        if (!external.is_null()) {
          absl::StatusOr<std::optional<EdgeKey>> clash = txn_.FindEdgeByExternalId(external);
          if (!clash.ok()) return clash.status();
          if (clash->has_value()) external = Value();
        }
        absl::StatusOr<EdgeKey> e =
            txn_.AddEdge(*a, Pick(kEdgeLabels), *b, external, {{"stamp", Value(int64_t{seq_})}});
        if (!e.ok()) return e.status();
        touched_edges_.insert(*e);
        return absl::OkStatus();
      }
      case 4: {  // delete an edge
        absl::StatusOr<std::vector<EdgeKey>> edges = SomeEdges();
        if (!edges.ok()) return edges.status();
        if (edges->empty()) return absl::OkStatus();
        return txn_.DeleteEdge((*edges)[Uniform(0, edges->size() - 1)]);
      }
      case 5: {  // set an edge property
        absl::StatusOr<std::vector<EdgeKey>> edges = SomeEdges();
        if (!edges.ok()) return edges.status();
        if (edges->empty()) return absl::OkStatus();
        const EdgeKey& e = (*edges)[Uniform(0, edges->size() - 1)];
        touched_edges_.insert(e);
        return txn_.SetEdgeProperty(e, "stamp", Value(int64_t{seq_}));
      }
      case 6: {  // list/set-cardinality properties, and removing an indexed one
        auto entity = RandomEntity();
        absl::StatusOr<std::optional<VertexId>> v = Existing(entity);
        if (!v.ok()) return v.status();
        if (!v->has_value()) return absl::OkStatus();
        PropertyWrite tag("tags", Value(absl::StrCat("t", Uniform(0, 5))),
                          Uniform(0, 1) ? Cardinality::kSet : Cardinality::kList);
        if (absl::Status s = txn_.SetVertexProperty(**v, tag); !s.ok()) return s;
        if (Uniform(0, 1) == 0) {
          if (absl::Status s = txn_.RemoveVertexProperty(**v, "revenue"); !s.ok()) return s;
        }
        touched_vertices_.insert(entity);
        return Stamp(**v);
      }
      case 7: {  // delete a vertex and, with it, its edges and provenance
        absl::StatusOr<std::optional<VertexId>> v = Existing(RandomEntity());
        if (!v.ok()) return v.status();
        if (!v->has_value()) return absl::OkStatus();
        return txn_.DeleteVertex(**v);
      }
      case 8:
      case 9: {  // a document and its evidence
        Document doc;
        doc.id = absl::StrCat("doc-", Uniform(0, kDocuments - 1));
        doc.title = absl::StrCat("title ", seq_);
        doc.content_hash = absl::StrCat(seq_);
        if (absl::Status s = txn_.PutDocument(doc); !s.ok()) return s;
        for (int i = Uniform(1, 3); i > 0; --i) {
          absl::StatusOr<VertexId> v = Ensure(RandomEntity());
          if (!v.ok()) return v.status();
          Evidence ev{doc.id, 0, 10, "a sentence", "rule-1", 0.9};
          if (absl::Status s = txn_.AddEvidence(*v, ev); !s.ok()) return s;
        }
        absl::StatusOr<std::vector<EdgeKey>> edges = SomeEdges();
        if (!edges.ok()) return edges.status();
        if (!edges->empty()) {
          Evidence ev{doc.id, 5, 20, "another sentence", "rule-2", 0.5};
          return txn_.AddEvidence((*edges)[Uniform(0, edges->size() - 1)], ev);
        }
        return absl::OkStatus();
      }
      default: {  // retract a document: deletes what only it supported
        std::string id = absl::StrCat("doc-", Uniform(0, kDocuments - 1));
        absl::StatusOr<std::optional<Document>> doc = txn_.GetDocument(id);
        if (!doc.ok()) return doc.status();
        if (!doc->has_value()) return absl::OkStatus();
        return txn_.RetractDocument(id).status();
      }
    }
  }

  // Records what the batch left behind (the touched elements that still exist) on its Batch
  // vertex, and advances the clock.
  absl::Status Seal() {
    std::vector<Value> vertices, edges;
    for (const auto& entity : touched_vertices_) {
      absl::StatusOr<std::optional<VertexId>> v = Existing(entity);
      if (!v.ok()) return v.status();
      if (v->has_value()) vertices.push_back(absl::StrCat(entity.first, "|", entity.second));
    }
    for (const EdgeKey& e : touched_edges_) {
      absl::StatusOr<std::optional<Edge>> edge = txn_.GetEdge(e);
      if (!edge.ok()) return edge.status();
      if (edge->has_value()) edges.push_back(e.ToString());
    }
    absl::StatusOr<UpsertResult> clock =
        txn_.UpsertVertex("Clock", "clock", {{"seq", Value(int64_t{seq_})}});
    if (!clock.ok()) return clock.status();
    absl::StatusOr<UpsertResult> batch = txn_.UpsertVertex("Batch", absl::StrCat(seq_),
                                                           {{"seq", Value(int64_t{seq_})},
                                                            {"vertices", Value::List(vertices)},
                                                            {"edges", Value::List(edges)}});
    if (!batch.ok()) return batch.status();
    if (!batch->created)
      return absl::InternalError(absl::StrCat("batch ", seq_, " already exists"));
    return absl::OkStatus();
  }

  GraphTxn& txn_;
  int64_t seq_;
  std::mt19937_64 rng_;
  std::set<std::pair<std::string, std::string>> touched_vertices_;
  std::set<EdgeKey> touched_edges_;
};

uint64_t BatchSeed(uint64_t seed, int64_t seq) {
  return seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(seq);
}

void WriteAll(int fd, const std::string& line) {
  // One write() of a short line: atomic on a pipe.
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
}

int RunWriter(const std::string& dir, uint64_t seed, int round) {
  auto fail = [](const absl::Status& s, const char* what) {
    std::fprintf(stderr, "crash writer: %s: %s\n", what, s.ToString().c_str());
    return 3;
  };
  absl::StatusOr<std::unique_ptr<Graph>> g = Graph::Open(dir, WriterOptions());
  if (!g.ok()) return fail(g.status(), "open");
  size_t declared = std::min<size_t>(std::size(kIndexes), 2 + round / 8);
  for (size_t i = 0; i < declared; ++i) {
    if (absl::Status s = (*g)->DeclareIndex(kIndexes[i]); !s.ok()) return fail(s, "declare index");
  }
  int64_t seq = 0;
  {
    std::unique_ptr<GraphReader> r = (*g)->Snapshot();
    absl::StatusOr<std::optional<VertexId>> clock = r->FindVertexByKey("Clock", "clock");
    if (!clock.ok()) return fail(clock.status(), "read clock");
    if (clock->has_value()) {
      absl::StatusOr<std::optional<Vertex>> v = r->GetVertex(**clock);
      if (!v.ok() || !v->has_value()) return fail(v.status(), "read clock vertex");
      seq = (*v)->Values("seq").at(0).as_int64();
    }
  }
  WriteAll(kAckFd, "READY\n");
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < give_up) {
    ++seq;
    absl::Status s = (*g)->Write(
        [&](GraphTxn& txn) { return BatchWriter(txn, seq, BatchSeed(seed, seq)).Run(); });
    if (!s.ok()) return fail(s, absl::StrCat("batch ", seq).c_str());
    WriteAll(kAckFd, absl::StrCat("ACK ", seq, "\n"));
  }
  return 0;  // the parent never killed us: it reports that
}

// ------------------------------------------------------------------------------------------------
// The test.

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() / absl::StrCat("kg_crash_test_", ::getpid())) {
    std::filesystem::remove_all(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// A running writer process and the read end of its pipe.
class Writer {
 public:
  Writer(const std::string& dir, uint64_t seed, int round) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    std::string seed_arg = absl::StrCat(seed), round_arg = absl::StrCat(round);
    const char* argv[] = {"crash_test",     "--crash-writer",  dir.c_str(),
                          seed_arg.c_str(), round_arg.c_str(), nullptr};
    pid_ = ::fork();
    if (pid_ == 0) {  // only async-signal-safe calls until exec
      if (fds[1] == kAckFd) {
        ::fcntl(kAckFd, F_SETFD, 0);
      } else {
        ::dup2(fds[1], kAckFd);
      }
      ::execv("/proc/self/exe", const_cast<char* const*>(argv));
      _exit(127);
    }
    ::close(fds[1]);
    fd_ = fds[0];
  }
  ~Writer() {
    if (pid_ > 0) Kill();
    if (fd_ >= 0) ::close(fd_);
  }
  bool started() const { return pid_ > 0 && fd_ >= 0; }

  // Reads lines until `deadline` or end of file. Returns false at end of file.
  bool ReadUntil(std::chrono::steady_clock::time_point deadline) {
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return true;
      pollfd p{fd_, POLLIN, 0};
      int n = ::poll(&p, 1, static_cast<int>(left.count()));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return true;
      if (!ReadSome()) return false;
      if (stop_at_ready_ && ready_) return true;
    }
  }

  // Waits (up to `timeout`) for the writer to open the database.
  bool WaitReady(std::chrono::milliseconds timeout) {
    stop_at_ready_ = true;
    ReadUntil(std::chrono::steady_clock::now() + timeout);
    stop_at_ready_ = false;
    return ready_;
  }

  // SIGKILL, reap, and read what was written before the kill. Returns the wait status.
  int Kill() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    while (ReadSome()) {
    }
    return status;
  }

  int64_t last_ack() const { return last_ack_; }
  int64_t acks() const { return acks_; }
  bool ready() const { return ready_; }
  const std::string& protocol_error() const { return protocol_error_; }

 private:
  // One read(); parses complete lines. False at end of file or error.
  bool ReadSome() {
    char buf[4096];
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) return true;
    if (n <= 0) return false;
    pending_.append(buf, n);
    size_t nl;
    while ((nl = pending_.find('\n')) != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      int64_t seq;
      if (line == "READY") {
        ready_ = true;
      } else if (absl::StartsWith(line, "ACK ") && absl::SimpleAtoi(line.substr(4), &seq) &&
                 (last_ack_ == 0 || seq == last_ack_ + 1)) {
        last_ack_ = seq;
        ++acks_;
      } else if (protocol_error_.empty()) {
        protocol_error_ = absl::StrCat("unexpected line from the writer: '", line, "'");
      }
    }
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string pending_;
  bool ready_ = false, stop_at_ready_ = false;
  int64_t last_ack_ = 0, acks_ = 0;
  std::string protocol_error_;
};

// Checks the database after a kill. `acked` is the highest sequence number ever acknowledged
// (or found present); sets *present to the highest present.
void CheckRecovered(const std::string& dir, int64_t acked, int64_t* present_out) {
  *present_out = acked;
  GraphOptions o = WriterOptions();
  o.read_only = true;
  o.create_if_missing = false;
  absl::StatusOr<std::unique_ptr<Graph>> g = Graph::Open(dir, o);
  ASSERT_TRUE(g.ok()) << "reopen after kill: " << g.status();

  absl::Status verified = (*g)->Verify();
  EXPECT_TRUE(verified.ok()) << verified;

  std::unique_ptr<GraphReader> r = (*g)->Snapshot();
  // Every batch 1..present exists, and nothing else.
  std::set<int64_t> batches;
  std::vector<Vertex> batch_rows;  // by seq
  if (std::optional<LabelId> label = r->FindLabel("Batch")) {
    std::unique_ptr<VertexIdStream> ids = r->ScanVerticesWithLabel(*label);
    for (VertexId id; ids->Next(&id);) {
      absl::StatusOr<std::optional<Vertex>> v = r->GetVertex(id);
      EXPECT_TRUE(v.ok() && v->has_value()) << "batch vertex " << id;
      if (!v.ok() || !v->has_value()) continue;
      int64_t seq = (*v)->Values("seq").at(0).as_int64();
      EXPECT_EQ((*v)->key, absl::StrCat(seq));
      batches.insert(seq);
      if (batch_rows.size() < static_cast<size_t>(seq)) batch_rows.resize(seq);
      batch_rows[seq - 1] = **v;
    }
    EXPECT_TRUE(ids->status().ok()) << ids->status();
  }
  int64_t present = batches.empty() ? 0 : *batches.rbegin();
  EXPECT_EQ(static_cast<int64_t>(batches.size()), present) << "batches missing below " << present;
  EXPECT_GE(present, acked) << "acknowledged batches lost";
  EXPECT_LE(present, acked + 1) << "more than the one in-flight batch beyond the last ACK";
  *present_out = present;
  if (present == 0) return;

  // The clock agrees with the newest batch.
  absl::StatusOr<std::optional<VertexId>> clock = r->FindVertexByKey("Clock", "clock");
  EXPECT_TRUE(clock.ok() && clock->has_value());
  if (clock.ok() && clock->has_value()) {
    absl::StatusOr<std::optional<Vertex>> v = r->GetVertex(**clock);
    EXPECT_TRUE(v.ok() && v->has_value());
    if (v.ok() && v->has_value()) {
      EXPECT_EQ((*v)->Values("seq").at(0).as_int64(), present);
    }
  }

  // The newest batches are whole: what the newest left behind carries its stamp; what the few
  // before it left behind is either gone (deleted later) or stamped no earlier than them.
  for (int64_t seq = present; seq >= 1 && seq > present - 8; --seq) {
    const Vertex& batch = batch_rows[seq - 1];
    for (const Value& entry : batch.Values("vertices").at(0).as_list()) {
      std::vector<std::string> parts = absl::StrSplit(entry.as_string(), '|');
      ASSERT_EQ(parts.size(), 2u);
      absl::StatusOr<std::optional<VertexId>> id = r->FindVertexByKey(parts[0], parts[1]);
      ASSERT_TRUE(id.ok()) << id.status();
      EXPECT_TRUE(id->has_value() || seq < present)
          << "batch " << seq << " wrote " << entry.as_string() << ", which is missing";
      if (!id->has_value()) continue;
      absl::StatusOr<std::optional<Vertex>> v = r->GetVertex(**id);
      ASSERT_TRUE(v.ok() && v->has_value());
      if (seq == present) {
        EXPECT_EQ(StampOf(**v), seq) << entry.as_string() << " is not from batch " << seq;
      } else {
        EXPECT_GE(StampOf(**v), seq) << entry.as_string() << " is older than batch " << seq;
      }
    }
    for (const Value& entry : batch.Values("edges").at(0).as_list()) {
      EdgeKey key;
      ASSERT_TRUE(EdgeKey::Parse(entry.as_string(), &key)) << entry.as_string();
      absl::StatusOr<std::optional<Edge>> e = r->GetEdge(key);
      ASSERT_TRUE(e.ok()) << e.status();
      EXPECT_TRUE(e->has_value() || seq < present)
          << "batch " << seq << " wrote edge " << entry.as_string() << ", which is missing";
      if (!e->has_value()) continue;
      if (seq == present) {
        EXPECT_EQ(StampOf((*e)->properties), seq) << "edge " << entry.as_string();
      } else {
        EXPECT_GE(StampOf((*e)->properties), seq) << "edge " << entry.as_string();
      }
    }
  }
}

TEST(CrashTest, KilledWriterLosesNoAcknowledgedBatchAndKeepsInvariants) {
  const uint64_t seed = EnvOr("KG_CRASH_SEED", kDefaultSeed);
  const int rounds = static_cast<int>(EnvOr("KG_CRASH_ROUNDS", kDefaultRounds));
  SCOPED_TRACE(absl::StrCat("seed ", seed, " (rerun with KG_CRASH_SEED=", seed, ")"));
  TempDir dir;
  {  // Create the database up front, so that a kill during the first open cannot leave a
     // directory that has RocksDB files but no graph format yet.
    absl::StatusOr<std::unique_ptr<Graph>> g = Graph::Open(dir.path(), WriterOptions());
    ASSERT_TRUE(g.ok()) << g.status();
  }
  std::mt19937_64 rng(seed);
  int64_t acked = 0;
  int64_t total_acks = 0;
  int kills_before_ready = 0;
  auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    auto delay = std::chrono::milliseconds(std::uniform_int_distribution<int>(5, 500)(rng));
    // One round in four counts the delay from the start, so that some kills land while the
    // writer opens the database (WAL replay, recovery flush, index declaration).
    bool from_start = round % 4 == 3;
    Writer writer(dir.path(), seed, round);
    ASSERT_TRUE(writer.started()) << "cannot start the writer: " << std::strerror(errno);
    if (!from_start) {
      ASSERT_TRUE(writer.WaitReady(std::chrono::seconds(30))) << "the writer did not start";
    }
    bool alive = writer.ReadUntil(std::chrono::steady_clock::now() + delay);
    if (!writer.ready()) ++kills_before_ready;
    int status = writer.Kill();
    ASSERT_TRUE(alive && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "the writer ended by itself (status " << status << "); see its stderr above";
    ASSERT_EQ(writer.protocol_error(), "");
    if (writer.acks() > 0) {
      ASSERT_EQ(writer.last_ack() - writer.acks(), acked) << "the writer skipped a sequence number";
    }
    acked = std::max(acked, writer.last_ack());
    total_acks += writer.acks();
    int64_t present = acked;
    CheckRecovered(dir.path(), acked, &present);
    if (HasFailure()) return;
    acked = present;  // the in-flight batch, if it landed, is now part of the history
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  size_t ssts = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
    if (f.path().extension() == ".sst") ++ssts;
  }
  std::printf(
      "crash test: %d kills (%d before the writer was ready), %lld batches acknowledged, "
      "%lld present, %zu SST files, %.1f s\n",
      rounds, kills_before_ready, static_cast<long long>(total_acks), static_cast<long long>(acked),
      ssts, seconds);
  // Not vacuous: the writer made progress and the small write buffer forced flushes.
  EXPECT_GE(total_acks, rounds);
  EXPECT_GT(ssts, 0u);
}

}  // namespace
}  // namespace kg::graph

int main(int argc, char** argv) {
  if (argc == 5 && std::string_view(argv[1]) == "--crash-writer") {
    uint64_t seed;
    int round;
    if (!absl::SimpleAtoi(argv[3], &seed) || !absl::SimpleAtoi(argv[4], &round)) return 2;
    return kg::graph::RunWriter(argv[2], seed, round);
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
