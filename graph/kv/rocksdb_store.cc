#include "graph/kv/rocksdb_store.h"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/perf_level.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/utilities/table_properties_collectors.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <vector>

#include "absl/strings/str_cat.h"
#include "graph/absl_compat.h"
#include "graph/kv/write_buffer.h"

namespace kg::kv {
namespace {

// Signed 64-bit add over 8-byte little-endian values: counters change without being read.
class AddInt64Operator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice&, const rocksdb::Slice* existing, const rocksdb::Slice& value,
             std::string* new_value, rocksdb::Logger*) const override {
    absl::StatusOr<int64_t> base =
        existing ? DecodeCounter(std::string_view(existing->data(), existing->size())) : 0;
    absl::StatusOr<int64_t> delta = DecodeCounter(std::string_view(value.data(), value.size()));
    if (!base.ok() || !delta.ok()) return false;  // RocksDB reports Corruption
    *new_value = EncodeCounter(static_cast<int64_t>(static_cast<uint64_t>(*base) +
                                                    static_cast<uint64_t>(*delta)));
    return true;
  }
  const char* Name() const override { return "kg.AddInt64"; }
};

std::string_view View(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }
rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

absl::Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(Sv(what), ": ", s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    return absl::UnavailableError(
        absl::StrCat(Sv(what), ": the database is locked by another process (", s.ToString(), ")"));
  }
  if (s.IsInvalidArgument()) return absl::FailedPreconditionError(message);
  return absl::InternalError(message);
}

// Streams [begin, end) of one column family from a RocksDB iterator. It owns the bounds that
// ReadOptions::iterate_{lower,upper}_bound point to, so they live exactly as long as the iterator.
class RocksCursor : public Cursor {
 public:
  struct Bounds {
    std::string begin, end;
    rocksdb::Slice begin_slice, end_slice;
  };

  // `make` creates the iterator from read options that point into this cursor's bounds.
  template <typename MakeIterator>
  RocksCursor(std::string_view begin, std::string_view end, bool reverse,
              rocksdb::ReadOptions read_options, MakeIterator make)
      : bounds_(std::make_unique<Bounds>()), reverse_(reverse) {
    bounds_->begin.assign(begin);
    bounds_->end.assign(end);
    bounds_->begin_slice = rocksdb::Slice(bounds_->begin);
    bounds_->end_slice = rocksdb::Slice(bounds_->end);
    read_options.iterate_lower_bound = &bounds_->begin_slice;
    if (!end.empty()) read_options.iterate_upper_bound = &bounds_->end_slice;
    it_.reset(make(read_options));
  }

  bool Next(std::string_view* key, std::string_view* value) override {
    if (!started_) {
      started_ = true;
      SeekToStart();
    } else if (it_->Valid()) {
      reverse_ ? it_->Prev() : it_->Next();
    }
    if (!it_->Valid()) return false;
    // Checked here as well as by RocksDB: a write batch's own entries ignore iterator bounds.
    std::string_view k = View(it_->key());
    if (reverse_ ? k < std::string_view(bounds_->begin)
                 : !bounds_->end.empty() && k >= std::string_view(bounds_->end)) {
      return false;
    }
    *key = k;
    *value = View(it_->value());
    return true;
  }

  absl::Status status() const override { return FromRocks(it_->status(), "scan"); }

 private:
  void SeekToStart() {
    if (!reverse_) {
      it_->Seek(bounds_->begin_slice);
    } else if (bounds_->end.empty()) {
      it_->SeekToLast();
    } else {
      it_->SeekForPrev(bounds_->end_slice);
      if (it_->Valid() && View(it_->key()) >= std::string_view(bounds_->end)) it_->Prev();
    }
  }

  std::unique_ptr<Bounds> bounds_;  // declared before it_: outlives it
  std::unique_ptr<rocksdb::Iterator> it_;
  bool reverse_;
  bool started_ = false;
};

class RocksStore;

// Turns RocksDB's perf counters off on this thread for its lifetime, then restores the level.
class PerfLevelOff {
 public:
  PerfLevelOff() : saved_(rocksdb::GetPerfLevel()) {
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  }
  ~PerfLevelOff() { rocksdb::SetPerfLevel(saved_); }
  PerfLevelOff(const PerfLevelOff&) = delete;
  PerfLevelOff& operator=(const PerfLevelOff&) = delete;

 private:
  rocksdb::PerfLevel saved_;
};

class RocksReadView : public ReadView {
 public:
  RocksReadView(RocksStore* store, const rocksdb::Snapshot* snapshot)
      : store_(store), snapshot_(snapshot) {}
  ~RocksReadView() override;

  absl::StatusOr<std::optional<std::string>> Get(Space space, std::string_view key) override;
  std::unique_ptr<Cursor> Scan(Space space, std::string_view begin, std::string_view end,
                               ScanOptions options) override;

 private:
  RocksStore* store_;
  const rocksdb::Snapshot* snapshot_;
};

class RocksTxn : public Txn {
 public:
  explicit RocksTxn(RocksStore* store) : store_(store) {}
  absl::StatusOr<std::optional<std::string>> Get(Space space, std::string_view key) override;
  std::unique_ptr<Cursor> Scan(Space space, std::string_view begin, std::string_view end,
                               ScanOptions options) override;
  void Put(Space space, std::string_view key, std::string_view value) override {
    buffer_.Put(space, key, value);
  }
  void Delete(Space space, std::string_view key) override { buffer_.Delete(space, key); }
  // Counter additions are summed in the buffer and written as one merge per key.
  void AddInt64(Space space, std::string_view key, int64_t delta) override {
    buffer_.AddInt64(space, key, delta);
  }
  size_t ApproximateBytes() const override { return buffer_.bytes(); }
  // The batch to commit: each key's last write, in key order within each column family (the
  // memtable's skiplist inserts keys in ascending order far faster: each insert starts where
  // the last one ended).
  absl::StatusOr<rocksdb::WriteBatch*> FinalBatch();

 private:
  // Reads of the store outside this transaction's writes (writers are serialised, so the
  // latest state is the state this transaction started from).
  absl::StatusOr<std::optional<std::string>> GetStored(Space space, std::string_view key);

  RocksStore* store_;
  WriteBuffer buffer_;
  rocksdb::WriteBatch batch_;  // FinalBatch()
};

class RocksStore : public Store {
 public:
  RocksStore(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> handles,
             const RocksDbOptions& options)
      : db_(std::move(db)), options_(options) {
    for (int i = 0; i < kNumSpaces; ++i) handles_[i] = handles[i];
    default_cf_ = handles[kNumSpaces];
  }

  ~RocksStore() override {
    if (!options_.read_only) db_->FlushWAL(true).PermitUncheckedError();
    for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->DestroyColumnFamilyHandle(default_cf_);
    db_->Close().PermitUncheckedError();
  }

  absl::Status RunTxn(absl::FunctionRef<absl::Status(Txn&)> fn) override {
    if (options_.read_only) return absl::FailedPreconditionError("the database is open read-only");
    std::lock_guard<std::mutex> lock(write_mu_);
    // RocksDB counts every key comparison in a thread-local perf context by default (a TLS
    // lookup per comparison, ~40 per memtable insert); kg never reads those counters.
    PerfLevelOff perf_off;
    RocksTxn txn(this);
    if (absl::Status s = fn(txn); !s.ok()) return s;
    absl::StatusOr<rocksdb::WriteBatch*> batch = txn.FinalBatch();
    if (!batch.ok()) return batch.status();
    if ((*batch)->Count() == 0) return absl::OkStatus();
    rocksdb::WriteOptions wo;
    wo.sync = options_.sync;
    return FromRocks(db_->Write(wo, *batch), "commit");
  }

  absl::StatusOr<std::unique_ptr<ReadView>> Snapshot() override {
    return std::unique_ptr<ReadView>(new RocksReadView(this, db_->GetSnapshot()));
  }

  absl::Status Checkpoint(const std::string& dir) override {
    if (std::filesystem::exists(dir)) {
      return absl::AlreadyExistsError(absl::StrCat("backup directory ", dir, " already exists"));
    }
    rocksdb::Checkpoint* raw = nullptr;
    if (absl::Status s = FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint");
        !s.ok()) {
      return s;
    }
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    return FromRocks(checkpoint->CreateCheckpoint(dir), absl::StrCat("checkpoint to ", dir));
  }

  uint64_t ApproximateDiskBytes() override {
    // Aggregated: GetIntProperty would answer for the default column family only, which kg
    // leaves empty.
    uint64_t total = 0, v = 0;
    if (db_->GetAggregatedIntProperty(rocksdb::DB::Properties::kLiveSstFilesSize, &v)) total = v;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(db_->GetName(), ec)) {
      if (entry.path().extension() == ".log") total += entry.file_size(ec);
    }
    return total;
  }

  absl::StatusOr<std::unique_ptr<BulkWriter>> StartBulkWrite(const std::string& temp_dir) override;

  rocksdb::DB* db() { return db_.get(); }
  const RocksDbOptions& options() const { return options_; }
  rocksdb::ColumnFamilyHandle* cf(Space s) { return handles_[static_cast<int>(s)]; }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::array<rocksdb::ColumnFamilyHandle*, kNumSpaces> handles_{};
  rocksdb::ColumnFamilyHandle* default_cf_ = nullptr;
  RocksDbOptions options_;
  std::mutex write_mu_;
};

RocksReadView::~RocksReadView() { store_->db()->ReleaseSnapshot(snapshot_); }

absl::StatusOr<std::optional<std::string>> RocksReadView::Get(Space space, std::string_view key) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  std::string value;
  rocksdb::Status s = store_->db()->Get(ro, store_->cf(space), ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, absl::StrCat("read ", SpaceName(space)));
  return value;
}

std::unique_ptr<Cursor> RocksReadView::Scan(Space space, std::string_view begin,
                                            std::string_view end, ScanOptions options) {
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot_;
  ro.auto_prefix_mode = true;  // prefix bloom filters only where the bounds allow
  rocksdb::DB* db = store_->db();
  rocksdb::ColumnFamilyHandle* cf = store_->cf(space);
  return std::make_unique<RocksCursor>(begin, end, options.reverse, ro,
                                       [&](const rocksdb::ReadOptions& bounded) {
                                         return db->NewIterator(bounded, cf);
                                       });
}

absl::StatusOr<std::optional<std::string>> RocksTxn::GetStored(Space space,
                                                              std::string_view key) {
  std::string value;
  rocksdb::Status s =
      store_->db()->Get(rocksdb::ReadOptions(), store_->cf(space), ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, absl::StrCat("read ", SpaceName(space)));
  return value;
}

absl::StatusOr<std::optional<std::string>> RocksTxn::Get(Space space, std::string_view key) {
  const WriteBuffer::Entry* written = buffer_.Find(space, key);
  if (written == nullptr) return GetStored(space, key);
  std::optional<std::string> stored;
  if (written->kind == WriteBuffer::Entry::Kind::kAddOnly) {
    absl::StatusOr<std::optional<std::string>> s = GetStored(space, key);
    if (!s.ok()) return s.status();
    stored = *std::move(s);
  }
  absl::StatusOr<std::optional<std::string>> value = WriteBuffer::Resolve(*written, stored);
  if (!value.ok()) {
    return absl::DataLossError(
        absl::StrCat("read ", SpaceName(space), ": ", value.status().message()));
  }
  return value;
}

std::unique_ptr<Cursor> RocksTxn::Scan(Space space, std::string_view begin, std::string_view end,
                                       ScanOptions options) {
  rocksdb::ReadOptions ro;
  ro.auto_prefix_mode = true;
  rocksdb::DB* db = store_->db();
  rocksdb::ColumnFamilyHandle* cf = store_->cf(space);
  auto stored = std::make_unique<RocksCursor>(begin, end, options.reverse, ro,
                                              [&](const rocksdb::ReadOptions& bounded) {
                                                return db->NewIterator(bounded, cf);
                                              });
  return buffer_.Scan(space, begin, end, options.reverse, std::move(stored));
}

absl::StatusOr<rocksdb::WriteBatch*> RocksTxn::FinalBatch() {
  // Room for every key and value and each record's few bytes of framing (a type, a column
  // family and two lengths), so that the batch is not regrown and copied as it fills.
  constexpr size_t kRecordFraming = 12;
  batch_ = rocksdb::WriteBatch(buffer_.bytes() + kRecordFraming * buffer_.keys());
  rocksdb::Status s;
  for (int i = 0; i < kNumSpaces && s.ok(); ++i) {
    rocksdb::ColumnFamilyHandle* cf = store_->cf(static_cast<Space>(i));
    buffer_.ForEach(static_cast<Space>(i), [&](const WriteBuffer::Entry& e) {
      if (!s.ok()) return;
      const rocksdb::Slice key = ToSlice(e.key);
      switch (e.kind) {
        case WriteBuffer::Entry::Kind::kPut:
          s = batch_.Put(cf, key, ToSlice(e.value));
          break;
        case WriteBuffer::Entry::Kind::kDelete:
          // Additions after a delete count from zero: the sum replaces the key.
          s = e.add == 0 ? batch_.Delete(cf, key) : batch_.Put(cf, key, EncodeCounter(e.add));
          return;
        case WriteBuffer::Entry::Kind::kAddOnly:
          break;
      }
      if (s.ok() && e.add != 0) s = batch_.Merge(cf, key, EncodeCounter(e.add));
    });
  }
  if (!s.ok()) return FromRocks(s, "commit");
  return &batch_;
}

// Data blocks of the adjacency files of a bulk write, instead of the column family's 4 KiB. Every
// edge is two keys of this space, and each block costs a ZSTD call with its setup, a checksum, an
// index entry and a flush: with a quarter of the blocks the edge files take ~10% less CPU, and
// ZSTD finds more to share (-11% on disk; bench/README.md, import_bench). Reads of these files
// are mostly per-vertex prefix scans, which read consecutive blocks anyway; a point read that
// misses the block cache decompresses 16 KiB instead of 4. Files that compactions write again get
// the column family's size.
constexpr size_t kBulkAdjacencyBlockBytes = 16 << 10;

void UseBulkAdjacencyBlocks(rocksdb::Options* options) {
  const auto* table = options->table_factory->GetOptions<rocksdb::BlockBasedTableOptions>();
  if (table == nullptr) return;
  rocksdb::BlockBasedTableOptions bulk = *table;
  bulk.block_size = kBulkAdjacencyBlockBytes;
  options->table_factory.reset(rocksdb::NewBlockBasedTableFactory(bulk));
}

// One SST file of a bulk write, opened on its first key (RocksDB refuses an empty file). It
// counts its own entries, so that threads writing different files share nothing.
class RocksBulkFile : public BulkFile {
 public:
  RocksBulkFile(RocksStore* store, Space space, std::string path, bool no_deletions)
      : store_(store), space_(space), path_(std::move(path)), no_deletions_(no_deletions) {}

  absl::Status Put(std::string_view key, std::string_view value) override {
    if (!writer_) {
      if (absl::Status s = Ready(); !s.ok()) return s;
    }
    Count(key.size() + value.size());
    rocksdb::Status s = writer_->Put(ToSlice(key), ToSlice(value));
    // Twice per edge: no status conversion unless it failed.
    return s.ok() ? absl::OkStatus() : FromRocks(s, "bulk write");
  }

  absl::Status AddInt64(std::string_view key, int64_t delta) override {
    if (!writer_) {
      if (absl::Status s = Ready(); !s.ok()) return s;
    }
    Count(key.size() + 8);
    rocksdb::Status s = writer_->Merge(ToSlice(key), ToSlice(EncodeCounter(delta)));
    return s.ok() ? absl::OkStatus() : FromRocks(s, "bulk write");  // once per vertex degree
  }

  absl::Status Delete(std::string_view key) override {
    if (no_deletions_) {
      return absl::FailedPreconditionError("a deletion in a bulk file opened for no deletions");
    }
    if (absl::Status s = Ready(); !s.ok()) return s;
    Count(key.size());
    return FromRocks(writer_->Delete(ToSlice(key)), "bulk write");
  }

  absl::Status Finish() override {
    if (!writer_) return absl::OkStatus();
    rocksdb::ExternalSstFileInfo info;
    absl::Status s = FromRocks(writer_->Finish(&info), "bulk write finish");
    writer_.reset();
    finished_ = true;
    if (s.ok()) file_bytes_ = info.file_size;
    return s;
  }

  Space space() const { return space_; }
  const std::string& path() const { return path_; }
  bool has_file() const { return entries_ > 0; }
  uint64_t entries() const { return entries_; }
  uint64_t raw_bytes() const { return raw_bytes_; }
  uint64_t file_bytes() const { return writer_ ? writer_->FileSize() : file_bytes_; }

 private:
  absl::Status Ready() {
    if (writer_) return absl::OkStatus();
    if (finished_) return absl::FailedPreconditionError("bulk write after the file was finished");
    // The column family's own options: same table format, filters and prefix extractor.
    rocksdb::Options options(store_->db()->GetDBOptions(),
                             store_->db()->GetOptions(store_->cf(space_)));
    // The collectors only flag files dense with deletions for compaction (a cost on every key).
    if (no_deletions_) options.table_properties_collector_factories.clear();
    if (space_ == Space::kAdj) UseBulkAdjacencyBlocks(&options);
    // Without page-cache invalidation: it asks the table builder for its file size on every
    // key, and the files are read again right away (ingest, the first queries).
    writer_ = std::make_unique<rocksdb::SstFileWriter>(rocksdb::EnvOptions(), options,
                                                       store_->cf(space_),
                                                       /*invalidate_page_cache=*/false);
    absl::Status s = FromRocks(writer_->Open(path_), absl::StrCat("create ", path_));
    if (!s.ok()) writer_.reset();
    return s;
  }

  void Count(size_t bytes) {
    ++entries_;
    raw_bytes_ += bytes;
  }

  RocksStore* store_;
  Space space_;
  std::string path_;
  bool no_deletions_;
  std::unique_ptr<rocksdb::SstFileWriter> writer_;
  bool finished_ = false;
  uint64_t entries_ = 0, raw_bytes_ = 0, file_bytes_ = 0;
};

// Hands out the files of a bulk write; Commit ingests every file in one IngestExternalFiles
// call, which RocksDB records atomically in the MANIFEST.
class RocksBulkWriter : public BulkWriter {
 public:
  RocksBulkWriter(RocksStore* store, std::string temp_dir)
      : store_(store), temp_dir_(std::move(temp_dir)) {}

  ~RocksBulkWriter() override {
    files_.clear();
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
  }

  absl::StatusOr<BulkFile*> NewFile(Space space, bool no_deletions) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string path = absl::StrCat(temp_dir_, "/", SpaceName(space), ".", files_.size(), ".sst");
    files_.push_back(std::make_unique<RocksBulkFile>(store_, space, std::move(path), no_deletions));
    return files_.back().get();
  }

  absl::Status Put(Space space, std::string_view key, std::string_view value) override {
    absl::StatusOr<BulkFile*> f = Default(space);
    return f.ok() ? (*f)->Put(key, value) : f.status();
  }

  absl::Status AddInt64(Space space, std::string_view key, int64_t delta) override {
    absl::StatusOr<BulkFile*> f = Default(space);
    return f.ok() ? (*f)->AddInt64(key, delta) : f.status();
  }

  absl::Status Delete(Space space, std::string_view key) override {
    absl::StatusOr<BulkFile*> f = Default(space);
    return f.ok() ? (*f)->Delete(key) : f.status();
  }

  uint64_t EntriesAdded() const override { return Sum(&RocksBulkFile::entries); }
  uint64_t RawBytesAdded() const override { return Sum(&RocksBulkFile::raw_bytes); }
  uint64_t BytesWritten() const override { return Sum(&RocksBulkFile::file_bytes); }

  // One argument per column family, holding all of its files (disjoint ranges: the ingest puts
  // them at the lowest level they fit).
  absl::Status Commit() override {
    std::lock_guard<std::mutex> lock(mu_);
    std::array<std::vector<std::string>, kNumSpaces> paths;
    for (const auto& f : files_) {
      if (absl::Status s = f->Finish(); !s.ok()) return s;
      if (f->has_file()) paths[static_cast<int>(f->space())].push_back(f->path());
    }
    std::vector<rocksdb::IngestExternalFileArg> args;
    for (int i = 0; i < kNumSpaces; ++i) {
      if (paths[i].empty()) continue;
      rocksdb::IngestExternalFileArg arg;
      arg.column_family = store_->cf(static_cast<Space>(i));
      arg.external_files = std::move(paths[i]);
      arg.options.move_files = true;
      arg.options.snapshot_consistency = true;
      args.push_back(std::move(arg));
    }
    if (args.empty()) return absl::OkStatus();
    return FromRocks(store_->db()->IngestExternalFiles(args), "bulk ingest");
  }

 private:
  absl::StatusOr<BulkFile*> Default(Space space) {
    BulkFile*& f = defaults_[static_cast<int>(space)];  // one thread per space
    if (f) return f;
    absl::StatusOr<BulkFile*> made = NewFile(space, /*no_deletions=*/false);
    if (made.ok()) f = *made;
    return made;
  }

  uint64_t Sum(uint64_t (RocksBulkFile::*field)() const) const {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t total = 0;
    for (const auto& f : files_) total += (f.get()->*field)();
    return total;
  }

  RocksStore* store_;
  std::string temp_dir_;
  mutable std::mutex mu_;  // guards files_ (not the files themselves)
  std::vector<std::unique_ptr<RocksBulkFile>> files_;
  std::array<BulkFile*, kNumSpaces> defaults_{};
};

absl::StatusOr<std::unique_ptr<BulkWriter>> RocksStore::StartBulkWrite(
    const std::string& temp_dir) {
  if (options_.read_only) return absl::FailedPreconditionError("the database is open read-only");
  std::error_code ec;
  std::filesystem::remove_all(temp_dir, ec);  // what a crashed load left behind
  if (!std::filesystem::create_directories(temp_dir, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create bulk-load directory ", temp_dir, ": ", ec.message()));
  }
  return std::unique_ptr<BulkWriter>(new RocksBulkWriter(this, temp_dir));
}

rocksdb::ColumnFamilyOptions ColumnFamilyOptionsFor(Space space, const RocksDbOptions& options,
                                                    std::shared_ptr<rocksdb::Cache> cache) {
  rocksdb::ColumnFamilyOptions cf;
  cf.write_buffer_size = options.write_buffer_bytes;
  // A memtable bloom filter answers a point read of a key that is not there without a search of
  // the skiplist, but every insert pays for it: a hash and a cache miss in a 1.3 MB bitmap per
  // key (two in a space with a prefix extractor). Only the spaces whose keys the write path
  // looks up before they exist keep it: a new entity's unique key and vertex row, a new
  // document. Adjacency, provenance, counters and indexes are written far more than they are
  // read absent (~96% of the keys an ingest stores; the row caches and the known-absent edges of
  // new vertices answer most of those reads): without it, an ingest's store side takes ~10% less
  // CPU (bench/README.md, session 10). Nothing changes on disk: SST files keep their filters.
  if (space == Space::kVertex || space == Space::kKey || space == Space::kDoc) {
    cf.memtable_prefix_bloom_size_ratio = 0.02;
    cf.memtable_whole_key_filtering = true;
  }
  // A commit inserts its keys in order, but consecutive keys of one space usually land far apart
  // in the memtable (the in-edges of different entities, their degree counters, provenance rows
  // of different vertices): a search from the top of the skiplist per key. Keys that share a
  // (tag, vertex) prefix are inserted next to the previous one with that prefix (a new
  // document's edge at an entity goes right after the last one), so the memtable remembers
  // where that was. Memtable only: nothing changes on disk or in the WAL.
  if (space == Space::kAdj || space == Space::kProv || space == Space::kCount) {
    cf.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(9));
  }
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  switch (space) {
    case Space::kCount:
      cf.merge_operator = std::make_shared<AddInt64Operator>();
      break;
    case Space::kAdj:
      // (direction, vertex): the prefix of every per-vertex edge scan.
      cf.prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(9));
      table.whole_key_filtering = false;
      cf.table_properties_collector_factories.push_back(
          rocksdb::NewCompactOnDeletionCollectorFactory(128 * 1024, 16 * 1024));
      break;
    case Space::kIndex:
      cf.table_properties_collector_factories.push_back(
          rocksdb::NewCompactOnDeletionCollectorFactory(128 * 1024, 16 * 1024));
      break;
    default:
      break;
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kZSTD;
  return cf;
}

bool DirectoryIsEmpty(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::is_empty(dir, ec) && !ec;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenRocksDbStore(const std::string& dir,
                                                        const RocksDbOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  bool exists = fs::exists(dir, ec);
  if (exists && !fs::is_directory(dir, ec)) {
    return absl::FailedPreconditionError(absl::StrCat(dir, " is not a directory"));
  }
  bool fresh = !exists || DirectoryIsEmpty(dir);
  if (fresh && (!options.create_if_missing || options.read_only)) {
    return absl::NotFoundError(absl::StrCat("no database in ", dir));
  }
  if (!fresh && !fs::exists(fs::path(dir) / "CURRENT", ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, " is not a kg database (it is not empty and has no CURRENT file)"));
  }
  if (!exists && !fs::create_directories(dir, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create directory ", dir, ": ", ec.message()));
  }

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = fresh;
  db_options.create_missing_column_families = fresh;
  db_options.paranoid_checks = true;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 4;

  std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (int i = 0; i < kNumSpaces; ++i) {
    Space space = static_cast<Space>(i);
    descriptors.emplace_back(SpaceName(space), ColumnFamilyOptionsFor(space, options, cache));
  }
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());

  if (!fresh) {
    std::vector<std::string> existing;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_options, dir, &existing);
    if (!s.ok()) return FromRocks(s, absl::StrCat("open ", dir));
    for (const auto& d : descriptors) {
      if (std::find(existing.begin(), existing.end(), d.name) == existing.end()) {
        return absl::FailedPreconditionError(absl::StrCat(
            dir, " is a RocksDB database but not a kg database (no column family ", d.name, ")"));
      }
    }
  }

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db_options, dir, descriptors, &handles, &raw)
          : rocksdb::DB::Open(db_options, dir, descriptors, &handles, &raw);
  if (!s.ok()) return FromRocks(s, absl::StrCat("open ", dir));
  return std::unique_ptr<Store>(
      new RocksStore(std::unique_ptr<rocksdb::DB>(raw), std::move(handles), options));
}

}  // namespace kg::kv
