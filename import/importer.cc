// ImportFiles: the two passes over CSV/TSV, JSON Lines and GraphSON files (see import.h).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <unordered_map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "graph/absl_compat.h"
#include "graph/normalize.h"
#include "import/columns.h"
#include "import/csv.h"
#include "import/csv_blocks.h"
#include "import/graphson_reader.h"
#include "import/huge_page_allocator.h"
#include "import/import.h"
#include "nlohmann/json.hpp"

namespace kg::import {
namespace {

using graph::PropertyWrite;
using graph::Value;

enum class Format { kCsv, kTsv, kJsonl, kGraphson };

// A read-only memory map of a whole file; pages already parsed can be dropped so that a large
// import does not keep its input resident.
class MappedFile {
 public:
  ~MappedFile() {
    if (data_ != nullptr && size_ > 0) munmap(const_cast<char*>(data_), size_);
  }
  absl::Status Open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return absl::InvalidArgumentError(absl::StrCat(path, ": not a regular file"));
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        return absl::InternalError(absl::StrCat(path, ": cannot map: ", std::strerror(errno)));
      }
      madvise(p, size_, MADV_SEQUENTIAL);
      data_ = static_cast<const char*>(p);
    }
    ::close(fd);
    return absl::OkStatus();
  }
  std::string_view text() const { return std::string_view(data_ == nullptr ? "" : data_, size_); }
  // Tells the kernel the bytes before `offset` will not be read again.
  void DropBefore(size_t offset) {
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_t end = offset / page * page;
    if (end > dropped_) {
      madvise(const_cast<char*>(data_) + dropped_, end - dropped_, MADV_DONTNEED);
      dropped_ = end;
    }
  }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
  size_t dropped_ = 0;
};

struct InputFile {
  std::string path;
  Format format;
  FileSchema schema;  // CSV/TSV
  // A GraphSON file is read twice: for its vertices with the vertex files, then for its edges
  // (which may name vertices of later lines) with the edge files.
  bool graphson_edges = false;
  size_t graphson_vertex_part = 0;  // with graphson_edges: the index of the vertex reading
};

// A vertex an edge can name: its first label (index into Importer::labels_), its key when it
// differs from the id it is registered under (JSON Lines), and the id the sink gave it.
struct KnownVertex {
  uint32_t label = 0;
  bool used = false;  // in IdRegistry's dense tables: whether the slot holds a vertex
  graph::VertexId id = 0;
};

// A JSON Lines vertex also keeps its key, which its reference does not spell.
struct JsonVertex {
  KnownVertex vertex;
  std::string key;
};

// Starts loading the cache line at `address`. The empty asm hands the address over as if it were
// read there: without it GCC 12 dropped IdRegistry::PrefetchShared's prefetch from the block
// workers' code altogether (no prefetch instruction in their loop, a cache miss per lookup:
// bench/README.md, import_bench, session 7).
inline void PrefetchLine(const void* address) {
  asm volatile("" : "+r"(address));
  __builtin_prefetch(address);
}

// The vertices of this import that later rows can name. CSV ids live per ID space; ids that are
// plain decimal numbers (most exports') are keyed as integers. The CSV maps are flat and compact
// because every endpoint of every edge is looked up, and cache misses are most of that cost;
// their entries may move on insertion, so a pointer is held only while one row is processed (edge
// rows insert nothing). JSON entries are node-based and never move.
class IdRegistry {
 public:
  KnownVertex* FindCsv(std::string_view space, std::string_view id) {
    uint64_t number;
    if (int s = SpaceIndex(space, false); s >= 0 && AsNumber(id, &number)) {
      return FindNumber(s, number);
    }
    Compose(space, id);
    auto it = by_text_.find(buffer_);
    return it == by_text_.end() ? nullptr : &it->second;
  }
  // Starts loading the entry FindCsv would read, where that is cheap to know.
  void PrefetchCsv(std::string_view space, std::string_view id) {
    uint64_t number;
    if (int s = SpaceIndex(space, false);
        s >= 0 && AsNumber(id, &number) && number < dense_[s].size()) {
      PrefetchLine(&dense_[s][number]);
    }
  }
  // Returns the entry and whether it is new.
  std::pair<KnownVertex*, bool> InsertCsv(std::string_view space, std::string_view id) {
    uint64_t number;
    if (AsNumber(id, &number)) {
      int s = SpaceIndex(space, true);
      if (KnownVertex* known = FindNumber(s, number)) return {known, false};
      DenseTable& dense = dense_[s];
      if (number >= dense.size()) {
        // Grow while the table stays at least a quarter full, else use the hash map.
        size_t limit = 4 * (dense_count_[s] + 1) + kDenseSlack;
        if (number < limit)
          dense.resize(std::min(std::max<size_t>(number + 1, 2 * dense.size()), limit));
      }
      if (number < dense.size()) {
        ++dense_count_[s];
        dense[number].used = true;
        return {&dense[number], true};
      }
      return {&by_number_[Pack(s, number)], true};
    }
    Compose(space, id);
    auto [it, inserted] = by_text_.try_emplace(buffer_);
    return {&it->second, inserted};
  }
  // For several threads at once while nothing is inserted (the edge files of a one-pass import):
  // the index of an ID space (-1 when no vertex file has it), then FindCsv's lookup in it with
  // the caller's buffer, and PrefetchCsv's.
  int FindSpace(std::string_view space) const {
    for (size_t i = 0; i < spaces_.size(); ++i) {
      if (spaces_[i] == space) return static_cast<int>(i);
    }
    return -1;
  }
  const KnownVertex* FindShared(int space_index, std::string_view space, std::string_view id,
                                std::string* buffer) const {
    uint64_t number;
    if (space_index >= 0 && AsNumber(id, &number)) return FindNumberShared(space_index, number);
    ComposeInto(space, id, buffer);
    auto it = by_text_.find(*buffer);
    return it == by_text_.end() ? nullptr : &it->second;
  }
  void PrefetchShared(int space_index, std::string_view id) const {
    uint64_t number;
    if (space_index >= 0 && AsNumber(id, &number) && number < dense_[space_index].size()) {
      PrefetchLine(&dense_[space_index][number]);
    }
  }
  // JSON Lines references: "j:" + id, or "k:" + label + NUL + canonical key.
  JsonVertex* FindJson(const std::string& ref) {
    auto it = json_.find(ref);
    return it == json_.end() ? nullptr : &it->second;
  }
  JsonVertex& Json(const std::string& ref) { return json_[ref]; }

 private:
  static constexpr int kNumberBits = 48;
  static bool AsNumber(std::string_view id, uint64_t* out) {
    if (id.empty() || id.size() > 14 || (id[0] == '0' && id.size() > 1)) return false;
    uint64_t n = 0;
    for (char c : id) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    *out = n;
    return n < (uint64_t{1} << kNumberBits);
  }
  // Ids that are small numbers (most exports number their rows) index a table per ID space: one
  // cache miss per lookup instead of a hash probe's two; others go to a hash map.
  static constexpr size_t kDenseSlack = 4096;
  // In huge pages where the kernel has them: edge rows read it at random.
  using DenseTable = std::vector<KnownVertex, HugePageAllocator<KnownVertex>>;

  static uint64_t Pack(int space, uint64_t number) {
    return (static_cast<uint64_t>(space) << kNumberBits) | number;
  }
  KnownVertex* FindNumber(int space, uint64_t number) {
    return const_cast<KnownVertex*>(FindNumberShared(space, number));
  }
  const KnownVertex* FindNumberShared(int space, uint64_t number) const {
    const DenseTable& dense = dense_[space];
    if (number < dense.size() && dense[number].used) return &dense[number];
    if (by_number_.empty()) return nullptr;
    auto it = by_number_.find(Pack(space, number));
    return it == by_number_.end() ? nullptr : &it->second;
  }
  int SpaceIndex(std::string_view space, bool add) {
    for (size_t i = 0; i < spaces_.size(); ++i) {
      if (spaces_[i] == space) return static_cast<int>(i);
    }
    if (!add) return -1;
    spaces_.emplace_back(space);
    dense_.emplace_back();
    dense_count_.push_back(0);
    return static_cast<int>(spaces_.size() - 1);
  }
  void Compose(std::string_view space, std::string_view id) { ComposeInto(space, id, &buffer_); }
  static void ComposeInto(std::string_view space, std::string_view id, std::string* buffer) {
    buffer->assign("c:");
    buffer->append(space);
    buffer->push_back('\0');
    buffer->append(id);
  }

  std::vector<std::string> spaces_;
  std::vector<DenseTable> dense_;    // by space, then number
  std::vector<size_t> dense_count_;  // slots used, by space
  absl::flat_hash_map<uint64_t, KnownVertex> by_number_;
  absl::flat_hash_map<std::string, KnownVertex> by_text_;
  absl::node_hash_map<std::string, JsonVertex> json_;
  std::string buffer_;
};

struct ParsedVertex {
  std::vector<std::string> labels;
  std::string key;
  std::vector<PropertyWrite> props;
  // Where rows name it: a CSV id in its ID space, or a JSON Lines reference.
  bool csv = false;
  std::string space;
  std::string json_ref;
};

struct EndpointText {
  std::string label, key;
  const KnownVertex* known = nullptr;  // a vertex of this import, or null for one in the database
};

struct ParsedEdge {
  std::string label;
  EndpointText from, to;
  std::vector<PropertyWrite> props;
};

absl::StatusOr<Format> FormatOf(const std::string& path) {
  std::string lower = absl::AsciiStrToLower(path);
  if (absl::EndsWith(lower, ".csv")) return Format::kCsv;
  if (absl::EndsWith(lower, ".tsv")) return Format::kTsv;
  if (absl::EndsWith(lower, ".jsonl") || absl::EndsWith(lower, ".ndjson")) return Format::kJsonl;
  if (absl::EndsWith(lower, ".json")) return Format::kGraphson;
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": unknown format; expected a .csv, .tsv, .jsonl (JSON Lines) or .json (GraphSON) file"));
}

class Importer {
 public:
  Importer(RowSink& sink, const ImportOptions& options) : sink_(sink), options_(options) {}

  absl::StatusOr<ImportSummary> Run(const std::vector<std::string>& paths) {
    start_ = std::chrono::steady_clock::now();
    if (absl::Status s = Plan(paths); !s.ok()) return s;
    bool one_pass = sink_.atomic() && !options_.dry_run;
    progress_.bytes_total = total_bytes_ * (one_pass || options_.dry_run ? 1 : 2);
    if (one_pass) {
      validating_ = writing_ = true;
      if (absl::Status s = Pass(); !s.ok()) return s;
    } else {
      validating_ = true;
      if (absl::Status s = Pass(); !s.ok()) return s;
      if (!options_.dry_run) {
        validating_ = false;
        writing_ = true;
        summary_.vertex_rows = summary_.edge_rows = 0;
        if (absl::Status s = Pass(); !s.ok()) return s;
      }
    }
    if (absl::Status s = WriteBadRowsReport(); !s.ok()) return s;
    if (writing_) {
      if (absl::Status s = sink_.Finish(&summary_); !s.ok()) return s;
    }
    summary_.bad_rows = static_cast<int64_t>(bad_rows_.size());
    summary_.seconds = Seconds();
    return summary_;
  }

 private:
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  // Orders the files: CSV and GraphSON vertices, then JSON Lines, then CSV and GraphSON edges.
  absl::Status Plan(const std::vector<std::string>& paths) {
    if (paths.empty()) return absl::InvalidArgumentError("no files to import");
    std::vector<InputFile> vertex_files, jsonl_files, edge_files;
    for (const std::string& path : paths) {
      absl::StatusOr<Format> format = FormatOf(path);
      if (!format.ok()) return format.status();
      MappedFile file;
      if (absl::Status s = file.Open(path); !s.ok()) return s;
      total_bytes_ += file.text().size();
      InputFile input{path, *format, {}};
      if (*format == Format::kJsonl) {
        jsonl_files.push_back(std::move(input));
        continue;
      }
      if (*format == Format::kGraphson) {
        total_bytes_ += file.text().size();  // read twice
        vertex_files.push_back(input);
        input.graphson_edges = true;
        edge_files.push_back(std::move(input));
        continue;
      }
      CsvReader reader(file.text(), *format == Format::kTsv ? '\t' : ',');
      std::vector<CsvField> header;
      if (!reader.Next(&header)) {
        if (!reader.status().ok()) return absl::InvalidArgumentError(absl::StrCat(path, ":", reader.status().message()));
        return absl::InvalidArgumentError(absl::StrCat(path, ": empty file, expected a header line"));
      }
      absl::StatusOr<FileSchema> schema = ParseHeader(header);
      if (!schema.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ":", reader.row_line(), ": ", schema.status().message()));
      }
      input.schema = *std::move(schema);
      if (!input.schema.edges) {
        const std::string& space = input.schema.columns[input.schema.id].id_space;
        if (std::find(csv_vertex_spaces_.begin(), csv_vertex_spaces_.end(), space) ==
            csv_vertex_spaces_.end()) {
          csv_vertex_spaces_.push_back(space);
        }
      }
      (input.schema.edges ? edge_files : vertex_files).push_back(std::move(input));
    }
    for (auto* group : {&vertex_files, &jsonl_files, &edge_files}) {
      for (InputFile& f : *group) files_.push_back(std::move(f));
    }
    for (InputFile& f : files_) {
      if (!f.graphson_edges) continue;
      for (size_t i = 0; i < files_.size(); ++i) {
        if (files_[i].format == Format::kGraphson && !files_[i].graphson_edges &&
            files_[i].path == f.path) {
          f.graphson_vertex_part = i;
        }
      }
    }
    return absl::OkStatus();
  }

  absl::Status Pass() {
    bool vertices_done = false;
    for (size_t i = 0; i < files_.size(); ++i) {
      // Plan() put the files that hold only edges last.
      if (writing_ && !vertices_done && EdgesOnly(files_[i])) {
        vertices_done = true;
        if (absl::Status s = sink_.NoMoreVertices(); !s.ok()) return s;
      }
      MappedFile file;
      if (absl::Status s = file.Open(files_[i].path); !s.ok()) return s;
      absl::Status s = files_[i].format == Format::kJsonl      ? JsonlFile(i, file)
                       : files_[i].format == Format::kGraphson ? GraphsonFile(i, file)
                                                               : CsvFile(i, file);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

  static bool EdgesOnly(const InputFile& f) {
    return f.format == Format::kGraphson ? f.graphson_edges
                                         : f.format != Format::kJsonl && f.schema.edges;
  }

  // A row failed: with room in the budget it is recorded and skipped, else the import fails.
  absl::Status BadRow(size_t file, int64_t line, const absl::Status& error, std::string_view raw) {
    std::string message = absl::StrCat(files_[file].path, ":", error.message());
    if (static_cast<int64_t>(bad_rows_.size()) >= options_.max_bad_rows) {
      return absl::InvalidArgumentError(message);
    }
    bad_lines_.insert({file, line});
    bad_rows_.push_back(absl::StrCat(message, "\n\t", Sv(raw), "\n"));
    return absl::OkStatus();
  }

  bool IsBad(size_t file, int64_t line) const { return bad_lines_.count({file, line}) > 0; }

  // Counts a row; now and then reports progress and asks whether to stop. Returns CANCELLED when
  // the caller's `cancelled` says so.
  absl::Status Progress(uint64_t bytes_in_file) {
    ++progress_.rows;
    if ((progress_.rows & 1023) != 0) return absl::OkStatus();
    if (options_.cancelled && options_.cancelled()) {
      return absl::CancelledError(absl::StrCat("the import was cancelled after ", progress_.rows, " rows"));
    }
    if (!options_.on_progress) return absl::OkStatus();
    double now = Seconds();
    if (now - last_progress_ < 0.1) return absl::OkStatus();
    last_progress_ = now;
    progress_.bytes_done = bytes_before_ + bytes_in_file;
    progress_.seconds = now;
    options_.on_progress(progress_);
    return absl::OkStatus();
  }

  // How far ahead of the row being processed its endpoints are prefetched: far enough that the
  // id-table reads an edge row needs (random reads of a table as large as the import's vertex
  // count, mostly cache misses) overlap instead of stalling one by one.
  static constexpr size_t kPrefetchRows = 16;
  static constexpr size_t kBlockPrefetchRows = 64;

  static char Delimiter(const InputFile& input) {
    return input.format == Format::kTsv ? '\t' : ',';
  }

  absl::Status CsvFile(size_t index, MappedFile& file) {
    const InputFile& input = files_[index];
    // Edge rows of a one-pass import change nothing that other edge rows read: their checks and
    // id lookups can run on several threads (CsvEdgeBlocks).
    bool blocks = input.schema.edges && validating_ && writing_ && options_.parse_threads > 0;
    absl::Status s = blocks ? CsvEdgeBlocks(index, file)
                            : CsvRows(index, file, /*skip_rows=*/1, /*start=*/0, /*line=*/1);
    if (!s.ok()) return s;
    bytes_before_ += file.text().size();
    return absl::OkStatus();
  }

  // The rows from byte `start` (a row boundary, on line `line`), split into fields on a thread of
  // their own (CsvReadAhead), a few batches ahead.
  absl::Status CsvRows(size_t index, MappedFile& file, size_t skip_rows, size_t start,
                       int64_t line) {
    const InputFile& input = files_[index];
    CsvReadAhead rows(file.text(), Delimiter(input), skip_rows, start, line);
    for (absl::Span<const CsvRow> batch; !(batch = rows.NextBatch()).empty();) {
      if (input.schema.edges) {
        for (size_t i = 0; i < std::min(kPrefetchRows, batch.size()); ++i) {
          PrefetchEndpoints(input.schema, batch[i].fields);
        }
      }
      for (size_t i = 0; i < batch.size(); ++i) {
        if (input.schema.edges && i + kPrefetchRows < batch.size()) {
          PrefetchEndpoints(input.schema, batch[i + kPrefetchRows].fields);
        }
        if (absl::Status s = ProcessCsvRow(index, file, batch[i]); !s.ok()) return s;
      }
    }
    if (!rows.status().ok()) {
      return absl::InvalidArgumentError(absl::StrCat(input.path, ":", rows.status().message()));
    }
    return absl::OkStatus();
  }

  // One data row of a CSV file: progress, the bad-row budget, the row itself.
  absl::Status ProcessCsvRow(size_t index, MappedFile& file, const CsvRow& row) {
    const InputFile& input = files_[index];
    if (absl::Status p = Progress(row.end); !p.ok()) return p;
    if (!validating_ && IsBad(index, row.line)) return absl::OkStatus();
    absl::Status s = input.schema.edges ? CsvEdge(input.schema, row.fields, row.line)
                                        : CsvVertex(input.schema, row.fields, row.line);
    return FinishCsvRow(index, file, row.line, row.start, row.end, s);
  }

  // What a row's outcome `s` means: a bad row (skipped within the budget) or the import's end;
  // and now and then the input before the row is let go. [start, end) is the row's text.
  absl::Status FinishCsvRow(size_t index, MappedFile& file, int64_t line, size_t start, size_t end,
                            const absl::Status& s) {
    if (!s.ok()) {
      if (!validating_ || s.code() != absl::StatusCode::kInvalidArgument) {
        return absl::Status(s.code(), absl::StrCat(files_[index].path, ":", s.message()));
      }
      std::string_view raw = file.text().substr(start, end - start);
      absl::string_view trimmed = absl::StripTrailingAsciiWhitespace(Sv(raw));
      if (absl::Status b = BadRow(index, line, s, std::string_view(trimmed.data(), trimmed.size()));
          !b.ok()) {
        return b;
      }
    }
    if ((progress_.rows & 0xFFFF) == 0) file.DropBefore(start);
    return absl::OkStatus();
  }

  // --- Edge files in blocks -------------------------------------------------------------------

  // An edge row parsed on a worker thread: `ready` when it passed every check CsvCommon and
  // CsvEdge make and both ends are vertices of the import with ids; else the caller reads it
  // again the ordinary way, which reports what is wrong with it exactly as for any row.
  struct BlockEdgeRow {
    size_t end = 0;    // the offset after the row's line
    int64_t line = 0;  // counted from the block's first line, from 0
    bool ready = false;
    std::string_view from_id, to_id, label;
    graph::VertexId from = 0, to = 0;
    std::vector<PropertyWrite> props;
  };
  struct EdgeBlock {
    bool simple = true;  // IsSimpleCsvBlock: else no row was parsed
    int64_t lines = 0;   // the newlines in the block
    size_t rows = 0;
    std::vector<BlockEdgeRow> row;  // reused from block to block: [0, rows) hold this one's
    std::vector<std::string_view> fields;
    std::string buffer;
  };

  // The rows of an edge file: checks and id lookups on options_.parse_threads threads in blocks
  // (import/csv_blocks.h); the rows reach the sink here, in order, as CsvRows would send them.
  // From the first block that is not simple (a quoted field, a lone '\r') on, CsvRows reads on.
  absl::Status CsvEdgeBlocks(size_t index, MappedFile& file) {
    const InputFile& input = files_[index];
    const FileSchema& schema = input.schema;
    std::string_view text = file.text();
    char delimiter = Delimiter(input);
    CsvRow row;
    CsvReader header(text, delimiter);
    if (!header.Next(&row.fields)) return CsvRows(index, file, 1, 0, 1);  // reports it
    // Where the next row starts (the end of the last one sent), and on which line.
    size_t row_start = header.offset();
    int64_t row_line = header.line();
    const std::string& from_space = schema.columns[schema.start].id_space;
    const std::string& to_space = schema.columns[schema.end].id_space;
    int from_index = ids_.FindSpace(from_space), to_index = ids_.FindSpace(to_space);
    CsvBlocks<EdgeBlock> blocks(
        text, row_start, options_.parse_block_bytes, options_.parse_threads,
        [&](size_t begin, size_t end, EdgeBlock* out) {
          auto resolve = [&](size_t i) {
            BlockEdgeRow& r = out->row[i];
            if (!r.ready) return;
            const KnownVertex* from =
                ids_.FindShared(from_index, from_space, r.from_id, &out->buffer);
            const KnownVertex* to = ids_.FindShared(to_index, to_space, r.to_id, &out->buffer);
            r.ready = from != nullptr && from->id != 0 && to != nullptr && to->id != 0;
            if (r.ready) {
              r.from = from->id;
              r.to = to->id;
            }
          };
          // The lookups are random reads of a table as large as the import: each row's are
          // prefetched as it is split, and made kBlockPrefetchRows rows later (splitting a row
          // takes a fraction of what the caller's work on a row does, hence the longer lead).
          ParseEdgeBlock(schema, delimiter, text.substr(begin, end - begin), begin, out,
                         [&](size_t i) {
                           const BlockEdgeRow& r = out->row[i];
                           if (r.ready) {
                             ids_.PrefetchShared(from_index, r.from_id);
                             ids_.PrefetchShared(to_index, r.to_id);
                           }
                           if (i >= kBlockPrefetchRows) resolve(i - kBlockPrefetchRows);
                         });
          size_t i = out->rows > kBlockPrefetchRows ? out->rows - kBlockPrefetchRows : 0;
          for (; i < out->rows; ++i) resolve(i);
        });
    int64_t block_line = row_line;  // the line the block starts on
    while (const EdgeBlock* b = blocks.Next()) {
      if (!b->simple) return CsvRows(index, file, 0, row_start, row_line);
      for (size_t i = 0; i < b->rows; ++i) {
        const BlockEdgeRow& r = b->row[i];
        int64_t line = block_line + r.line;
        if (r.ready) {
          if (absl::Status p = Progress(r.end); !p.ok()) return p;
          ++summary_.edge_rows;
          absl::Status sent =
              sink_.Edge(Endpoint{{}, {}, r.from}, r.label, Endpoint{{}, {}, r.to}, r.props);
          if (absl::Status s = FinishCsvRow(index, file, line, row_start, r.end, sent); !s.ok()) {
            return s;
          }
        } else {
          CsvReader reader(text, delimiter, row_start, row_line);
          if (!reader.Next(&row.fields) || reader.offset() != r.end) {
            return CsvRows(index, file, 0, row_start, row_line);  // not expected: read on serially
          }
          row.line = reader.row_line();
          row.start = row_start;
          row.end = r.end;
          if (absl::Status s = ProcessCsvRow(index, file, row); !s.ok()) return s;
        }
        row_start = r.end;
        row_line = line + 1;
      }
      block_line += b->lines;
    }
    return absl::OkStatus();
  }

  // Splits a simple block into rows and makes CsvCommon's and CsvEdge's checks on each, telling
  // `parsed` the index of each row parsed; the ids are looked up by the caller. Reads only what
  // no edge row changes.
  template <typename Parsed>
  static void ParseEdgeBlock(const FileSchema& schema, char delimiter, std::string_view bytes,
                             size_t offset, EdgeBlock* out, Parsed parsed) {
    out->rows = 0;
    out->lines = 0;
    out->simple = IsSimpleCsvBlock(bytes);
    if (!out->simple) return;
    for (size_t pos = 0; pos < bytes.size();) {
      const void* newline = std::memchr(bytes.data() + pos, '\n', bytes.size() - pos);
      size_t line_end = newline == nullptr
                            ? bytes.size()
                            : static_cast<size_t>(static_cast<const char*>(newline) - bytes.data());
      size_t content_end = line_end;
      if (content_end > pos && bytes[content_end - 1] == '\r') --content_end;
      size_t next = newline == nullptr ? bytes.size() : line_end + 1;
      if (content_end > pos) {  // empty lines are no rows
        if (out->rows == out->row.size()) out->row.emplace_back();
        BlockEdgeRow& r = out->row[out->rows++];
        r.end = offset + next;
        r.line = out->lines;
        CheckEdgeFields(schema, delimiter, bytes.substr(pos, content_end - pos), &out->fields, &r);
        parsed(out->rows - 1);
      }
      if (newline != nullptr) ++out->lines;
      pos = next;
    }
  }

  static bool IsAscii(std::string_view text) {
    unsigned char any = 0;
    for (char c : text) any |= static_cast<unsigned char>(c);
    return any < 0x80;
  }

  // CsvCommon's and CsvEdge's checks on one line of a simple block, in the same order and with
  // the same properties; r->ready says whether all passed.
  static void CheckEdgeFields(const FileSchema& schema, char delimiter, std::string_view line,
                              std::vector<std::string_view>* fields, BlockEdgeRow* r) {
    r->ready = false;
    r->props.clear();
    SplitSimpleCsvLine(line, delimiter, fields);
    if (fields->size() != schema.columns.size()) return;
    if (!IsAscii(line) && !graph::IsValidUtf8(line)) return;  // the fields' bytes, and delimiters
    for (size_t i = 0; i < fields->size(); ++i) {
      std::string_view f = (*fields)[i];
      const Column& c = schema.columns[i];
      bool stored_id = c.role == ColumnRole::kId && !c.name.empty();
      if ((c.role != ColumnRole::kProperty && !stored_id) || f.empty()) continue;
      if (stored_id) {
        r->props.emplace_back(c.name, Value(std::string(f)));
        continue;
      }
      absl::StatusOr<Value> v = ParseTypedValue(f, c.type);
      if (!v.ok()) return;
      r->props.emplace_back(c.name, *std::move(v));
    }
    if (schema.start < 0 || schema.end < 0 || schema.type < 0) return;
    r->from_id = (*fields)[schema.start];
    r->to_id = (*fields)[schema.end];
    r->label = (*fields)[schema.type];
    r->ready = !r->from_id.empty() && !r->to_id.empty() && !r->label.empty();
  }

  void PrefetchEndpoints(const FileSchema& schema, const std::vector<CsvField>& row) {
    if (row.size() != schema.columns.size()) return;
    ids_.PrefetchCsv(schema.columns[schema.start].id_space, row[schema.start].text);
    ids_.PrefetchCsv(schema.columns[schema.end].id_space, row[schema.end].text);
  }

  static absl::Status FieldError(const CsvField& f, std::string_view message) {
    return absl::InvalidArgumentError(absl::StrCat(f.line, ":", f.column, ": ", Sv(message)));
  }

  // Checks the column count and UTF-8, then parses the property columns.
  absl::Status CsvCommon(const FileSchema& schema, const std::vector<CsvField>& row, int64_t line,
                         std::vector<PropertyWrite>* props) {
    if (row.size() != schema.columns.size()) {
      return absl::InvalidArgumentError(absl::StrCat(line, ":1: expected ", schema.columns.size(),
                                                     " fields, found ", row.size()));
    }
    for (size_t i = 0; i < row.size(); ++i) {
      const CsvField& f = row[i];
      if (!graph::IsValidUtf8(f.text)) return FieldError(f, "broken UTF-8");
      const Column& c = schema.columns[i];
      bool stored_id = c.role == ColumnRole::kId && !c.name.empty();
      if (c.role != ColumnRole::kProperty && !stored_id) continue;
      if (f.text.empty() && !f.quoted) continue;  // an empty field is an absent property
      if (stored_id) {
        props->emplace_back(c.name, Value(f.text));
        continue;
      }
      absl::StatusOr<Value> v = ParseTypedValue(f.text, c.type);
      if (!v.ok()) {
        return FieldError(f, absl::StrCat("column '", c.name, "' (", TypeName(c.type), "): ",
                                          v.status().message()));
      }
      props->emplace_back(c.name, *std::move(v));
    }
    return absl::OkStatus();
  }

  absl::Status CsvVertex(const FileSchema& schema, const std::vector<CsvField>& row, int64_t line) {
    ParsedVertex v;
    if (absl::Status s = CsvCommon(schema, row, line, &v.props); !s.ok()) return s;
    const CsvField& id = row[schema.id];
    if (id.text.empty()) return FieldError(id, "empty :ID");
    const std::string& space = schema.columns[schema.id].id_space;
    if (schema.label >= 0) {
      for (absl::string_view l : absl::StrSplit(row[schema.label].text, ';', absl::SkipWhitespace())) {
        v.labels.emplace_back(absl::StripAsciiWhitespace(l));
      }
    }
    if (v.labels.empty()) {
      if (space.empty()) return FieldError(schema.label >= 0 ? row[schema.label] : id, "no label");
      v.labels.push_back(space);
    }
    v.key = id.text;
    v.csv = true;
    v.space = space;
    return EmitVertex(v, id);
  }

  absl::Status ResolveCsvEndpoint(const CsvField& f, const std::string& space, const char* what,
                                  EndpointText* out) {
    if (f.text.empty()) return FieldError(f, absl::StrCat("empty ", what));
    if (KnownVertex* known = ids_.FindCsv(space, f.text)) {
      out->known = known;
      // Names are only needed to write, and only by a sink that gave no id (see Endpoint).
      if (!writing_ || known->id != 0) return absl::OkStatus();
      out->label = labels_[known->label];
      out->key = f.text;
      return absl::OkStatus();
    }
    // Not in this import: an existing vertex whose label is the ID space.
    if (!space.empty()) {
      absl::StatusOr<bool> exists = sink_.Exists(space, f.text);
      if (!exists.ok()) return exists.status();
      if (*exists) {
        out->label = space;
        out->key = f.text;
        return absl::OkStatus();
      }
    }
    return FieldError(f, absl::StrCat("unknown ", what, " '", f.text, "'",
                                      space.empty() ? "" : absl::StrCat(" (ID space ", space, ")"),
                                      ": no vertex of the import has this id"));
  }

  absl::Status CsvEdge(const FileSchema& schema, const std::vector<CsvField>& row, int64_t line) {
    ParsedEdge e;
    if (absl::Status s = CsvCommon(schema, row, line, &e.props); !s.ok()) return s;
    if (absl::Status s = ResolveCsvEndpoint(
            row[schema.start], schema.columns[schema.start].id_space, ":START_ID", &e.from);
        !s.ok()) {
      return s;
    }
    if (absl::Status s = ResolveCsvEndpoint(row[schema.end], schema.columns[schema.end].id_space,
                                            ":END_ID", &e.to);
        !s.ok()) {
      return s;
    }
    e.label = row[schema.type].text;
    if (e.label.empty()) return FieldError(row[schema.type], "empty :TYPE");
    return EmitEdge(e);
  }

  absl::Status EmitVertex(const ParsedVertex& v, const CsvField& id_field) {
    ++summary_.vertex_rows;
    uint32_t label = InternLabel(v.labels[0]);
    KnownVertex* known = nullptr;
    if (validating_) {
      bool inserted = true;
      if (v.csv) {
        std::tie(known, inserted) = ids_.InsertCsv(v.space, v.key);
      } else {
        JsonVertex& j = ids_.Json(v.json_ref);
        inserted = j.key.empty();
        j.key = v.key;
        known = &j.vertex;
      }
      if (!inserted && known->label != label) {
        return FieldError(id_field, absl::StrCat("id '", id_field.text, "' is already used by a ",
                                                 labels_[known->label], " vertex"));
      }
      known->label = label;
    }
    if (!writing_) return absl::OkStatus();
    absl::StatusOr<graph::VertexId> id = sink_.Vertex(v.labels, v.key, v.props);
    if (!id.ok()) return id.status();
    if (!known) {
      JsonVertex* j = v.csv ? nullptr : ids_.FindJson(v.json_ref);
      known = v.csv ? ids_.FindCsv(v.space, v.key) : (j ? &j->vertex : nullptr);
    }
    if (known) known->id = *id;
    return absl::OkStatus();
  }

  absl::Status EmitEdge(const ParsedEdge& e) {
    ++summary_.edge_rows;
    if (!writing_) return absl::OkStatus();
    auto endpoint = [](const EndpointText& t) {
      return Endpoint{t.label, t.key, t.known ? t.known->id : 0};
    };
    return sink_.Edge(endpoint(e.from), e.label, endpoint(e.to), e.props);
  }

  uint32_t InternLabel(const std::string& label) {
    auto [it, inserted] = label_ids_.try_emplace(label, static_cast<uint32_t>(labels_.size()));
    if (inserted) labels_.push_back(label);
    return it->second;
  }

  // --- JSON Lines ---------------------------------------------------------------------------------

  // One row per non-blank line (JSON Lines, GraphSON): progress, skipping rows found bad in the
  // validation pass, and the bad-row budget. `row` handles one line.
  template <typename RowFn>
  absl::Status LineFile(size_t index, MappedFile& file, RowFn row) {
    std::string_view text = file.text();
    int64_t line = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view raw = text.substr(pos, end - pos);
      ++line;
      pos = end + 1;
      if (absl::StripAsciiWhitespace(Sv(raw)).empty()) continue;
      if (absl::Status p = Progress(std::min(pos, text.size())); !p.ok()) return p;
      if (!validating_ && IsBad(index, line)) continue;
      absl::Status s = row(raw, line);
      if (!s.ok()) {
        if (!validating_ || s.code() != absl::StatusCode::kInvalidArgument) {
          return absl::Status(s.code(), absl::StrCat(files_[index].path, ":", s.message()));
        }
        if (absl::Status b = BadRow(index, line, s, raw); !b.ok()) return b;
      }
    }
    bytes_before_ += text.size();
    return absl::OkStatus();
  }

  absl::Status JsonlFile(size_t index, MappedFile& file) {
    return LineFile(index, file,
                    [this](std::string_view raw, int64_t line) { return JsonlLine(raw, line); });
  }

  static absl::Status LineError(int64_t line, int64_t column, std::string_view message) {
    return absl::InvalidArgumentError(absl::StrCat(line, ":", column, ": ", Sv(message)));
  }

  static int64_t ColumnOfByte(std::string_view raw, size_t byte) {
    int64_t column = 1;
    for (size_t i = 0; i < byte && i < raw.size(); ++i) {
      if ((static_cast<unsigned char>(raw[i]) & 0xC0) != 0x80) ++column;
    }
    return column;
  }

  static absl::StatusOr<Value> JsonToValue(const nlohmann::json& j) {
    switch (j.type()) {
      case nlohmann::json::value_t::string:
        return Value(j.get<std::string>());
      case nlohmann::json::value_t::boolean:
        return Value(j.get<bool>());
      case nlohmann::json::value_t::number_integer:
        return Value(j.get<int64_t>());
      case nlohmann::json::value_t::number_unsigned: {
        uint64_t u = j.get<uint64_t>();
        if (u > static_cast<uint64_t>(INT64_MAX)) return absl::InvalidArgumentError("integer too large");
        return Value(static_cast<int64_t>(u));
      }
      case nlohmann::json::value_t::number_float:
        return Value(j.get<double>());
      case nlohmann::json::value_t::array: {
        graph::ValueList list;
        for (const auto& e : j) {
          absl::StatusOr<Value> v = JsonToValue(e);
          if (!v.ok()) return v.status();
          list.push_back(*std::move(v));
        }
        return Value(std::move(list));
      }
      case nlohmann::json::value_t::object: {
        graph::ValueMap map;
        for (const auto& [k, e] : j.items()) {
          absl::StatusOr<Value> v = JsonToValue(e);
          if (!v.ok()) return v.status();
          map.emplace_back(k, *std::move(v));
        }
        return Value(std::move(map));
      }
      default:
        return Value();
    }
  }

  static std::optional<std::string> ScalarText(const nlohmann::json& j) {
    if (j.is_string()) return j.get<std::string>();
    if (j.is_number_integer()) return std::to_string(j.get<int64_t>());
    return std::nullopt;
  }

  absl::Status JsonlLine(std::string_view raw, int64_t line) {
    if (!graph::IsValidUtf8(raw)) return LineError(line, 1, "broken UTF-8");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(raw.begin(), raw.end());
    } catch (const nlohmann::json::parse_error& e) {
      size_t byte = e.byte > 0 ? e.byte - 1 : 0;
      // what() is "[json.exception...] parse error at line 1, column 16: <reason>".
      std::string what = e.what();
      size_t at = what.find(": ", what.find("column "));
      return LineError(line, ColumnOfByte(raw, byte),
                       absl::StrCat("invalid JSON: ", at == std::string::npos ? what : what.substr(at + 2)));
    }
    if (!j.is_object()) return LineError(line, 1, "expected a JSON object");
    std::vector<PropertyWrite> props;
    if (j.contains("props")) {
      if (!j["props"].is_object()) return LineError(line, 1, "\"props\" must be an object");
      for (const auto& [k, e] : j["props"].items()) {
        if (e.is_null()) continue;
        absl::StatusOr<Value> v = JsonToValue(e);
        if (!v.ok()) return LineError(line, 1, absl::StrCat("property '", k, "': ", v.status().message()));
        props.emplace_back(k, *std::move(v));
      }
    }
    if (j.contains("from")) return JsonlEdge(j, line, std::move(props));
    ParsedVertex v;
    v.props = std::move(props);
    const nlohmann::json& label = j.value("label", nlohmann::json());
    if (label.is_string()) {
      v.labels.push_back(label.get<std::string>());
    } else if (label.is_array()) {
      for (const auto& l : label) {
        if (!l.is_string()) return LineError(line, 1, "\"label\" must be a string or a list of strings");
        v.labels.push_back(l.get<std::string>());
      }
    }
    if (v.labels.empty() || v.labels[0].empty()) return LineError(line, 1, "a vertex needs a \"label\"");
    std::optional<std::string> key = ScalarText(j.value("key", nlohmann::json()));
    if (!key || key->empty()) return LineError(line, 1, "a vertex needs a \"key\" (a string)");
    v.key = *key;
    absl::StatusOr<std::string> canonical = graph::CanonicalKey(v.key);
    if (!canonical.ok()) return LineError(line, 1, std::string(canonical.status().message()));
    std::string by_key = absl::StrCat("k:", v.labels[0], std::string(1, '\0'), *canonical);
    if (j.contains("id")) {
      std::optional<std::string> id = ScalarText(j["id"]);
      if (!id) return LineError(line, 1, "\"id\" must be a string or an integer");
      v.json_ref = "j:" + *id;
    } else {
      v.json_ref = by_key;
    }
    CsvField where;
    where.line = line;
    where.column = 1;
    where.text = v.key;
    if (absl::Status s = EmitVertex(v, where); !s.ok()) return s;
    if (v.json_ref != by_key) {  // also reachable as [label, key]
      JsonVertex& k = ids_.Json(by_key);
      k = ids_.Json(v.json_ref);
    }
    return absl::OkStatus();
  }

  // A vertex of a CSV file of this import with this first label and id, whatever its ID space:
  // what a JSON Lines [label, key] may name. (CSV vertices are registered by ID space and id
  // only, which keeps the CSV path lean; this lookup is the JSON path's rare fallback.)
  KnownVertex* FindCsvVertex(const std::string& label, const std::string& key) {
    auto label_id = label_ids_.find(label);
    if (label_id == label_ids_.end()) return nullptr;
    for (const std::string& space : csv_vertex_spaces_) {
      KnownVertex* known = ids_.FindCsv(space, key);
      if (known != nullptr && known->label == label_id->second) return known;
    }
    return nullptr;
  }

  absl::Status JsonlEndpoint(const nlohmann::json& j, int64_t line, const char* what,
                             EndpointText* out) {
    if (j.is_array() && j.size() == 2 && j[0].is_string()) {
      std::optional<std::string> key = ScalarText(j[1]);
      if (!key) return LineError(line, 1, absl::StrCat("\"", what, "\" must be [label, key] or an id"));
      out->label = j[0].get<std::string>();
      out->key = *key;
      absl::StatusOr<std::string> canonical = graph::CanonicalKey(out->key);
      if (!canonical.ok()) return LineError(line, 1, std::string(canonical.status().message()));
      if (JsonVertex* known =
              ids_.FindJson(absl::StrCat("k:", out->label, std::string(1, '\0'), *canonical))) {
        out->known = &known->vertex;
        return absl::OkStatus();
      }
      if (KnownVertex* known = FindCsvVertex(out->label, out->key)) {
        out->known = known;
        return absl::OkStatus();
      }
      absl::StatusOr<bool> exists = sink_.Exists(out->label, out->key);
      if (!exists.ok()) return exists.status();
      if (*exists) return absl::OkStatus();
      return LineError(line, 1, absl::StrCat("unknown \"", what, "\" vertex [", out->label, ", ",
                                             out->key, "]: not in the import or the database"));
    }
    std::optional<std::string> id = ScalarText(j);
    if (!id) return LineError(line, 1, absl::StrCat("\"", what, "\" must be [label, key] or an id"));
    JsonVertex* known = ids_.FindJson("j:" + *id);
    if (known == nullptr) {
      return LineError(line, 1, absl::StrCat("unknown \"", what, "\" id '", *id,
                                             "': no earlier line has this id"));
    }
    out->label = labels_[known->vertex.label];
    out->key = known->key;
    out->known = &known->vertex;
    return absl::OkStatus();
  }

  absl::Status JsonlEdge(const nlohmann::json& j, int64_t line, std::vector<PropertyWrite> props) {
    ParsedEdge e;
    e.props = std::move(props);
    if (!j.contains("to")) return LineError(line, 1, "an edge needs \"from\" and \"to\"");
    if (absl::Status s = JsonlEndpoint(j["from"], line, "from", &e.from); !s.ok()) return s;
    if (absl::Status s = JsonlEndpoint(j["to"], line, "to", &e.to); !s.ok()) return s;
    const nlohmann::json& label = j.value("label", nlohmann::json());
    if (!label.is_string() || label.get<std::string>().empty()) {
      return LineError(line, 1, "an edge needs a \"label\" (a string)");
    }
    e.label = label.get<std::string>();
    return EmitEdge(e);
  }

  // --- GraphSON ------------------------------------------------------------------------------------

  // One reading of a GraphSON file: its vertices, or (graphson_edges) its edges.
  absl::Status GraphsonFile(size_t index, MappedFile& file) {
    const InputFile& input = files_[index];
    return LineFile(index, file, [&](std::string_view raw, int64_t line) {
      // A line that failed as a vertex is skipped silently when its edges are read: it was
      // reported once.
      if (input.graphson_edges && IsBad(input.graphson_vertex_part, line)) return absl::OkStatus();
      return GraphsonLineRows(raw, line, input.graphson_edges);
    });
  }

  absl::Status GraphsonLineRows(std::string_view raw, int64_t line, bool edges) {
    absl::StatusOr<GraphsonLine> parsed = ParseGraphsonLine(raw);
    if (!parsed.ok()) return absl::InvalidArgumentError(absl::StrCat(line, ":", parsed.status().message()));
    if (!edges) {
      ParsedVertex v;
      v.labels = std::move(parsed->labels);
      v.key = std::move(parsed->key);
      v.props = std::move(parsed->props);
      v.json_ref = "g:" + v.key;
      CsvField where;
      where.line = line;
      where.column = 1;
      where.text = v.key;
      return EmitVertex(v, where);
    }
    // The whole line is one row: every edge is checked before any is sent.
    std::vector<ParsedEdge> rows;
    for (GraphsonEdge& e : parsed->out_edges) {
      ParsedEdge row;
      row.label = std::move(e.label);
      row.props = std::move(e.props);
      if (absl::Status s = GraphsonEndpoint(parsed->key, line, &row.from); !s.ok()) return s;
      if (absl::Status s = GraphsonEndpoint(e.in_key, line, &row.to); !s.ok()) return s;
      rows.push_back(std::move(row));
    }
    for (const ParsedEdge& row : rows) {
      if (absl::Status s = EmitEdge(row); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status GraphsonEndpoint(const std::string& key, int64_t line, EndpointText* out) {
    JsonVertex* known = ids_.FindJson("g:" + key);
    if (known == nullptr) {
      return LineError(line, 1, absl::StrCat("an edge names vertex id '", key,
                                             "', which no vertex line of the file has"));
    }
    out->label = labels_[known->vertex.label];
    out->key = key;
    out->known = &known->vertex;
    return absl::OkStatus();
  }

  absl::Status WriteBadRowsReport() {
    if (bad_rows_.empty()) return absl::OkStatus();
    std::ofstream out(options_.bad_rows_report, std::ios::trunc);
    for (const std::string& r : bad_rows_) out << r;
    out.close();
    if (!out) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot write the bad-rows report ", options_.bad_rows_report));
    }
    return absl::OkStatus();
  }

  RowSink& sink_;
  const ImportOptions& options_;
  bool validating_ = false;  // this pass checks rows and registers ids
  bool writing_ = false;     // this pass sends rows to the sink
  std::vector<InputFile> files_;
  std::vector<std::string> csv_vertex_spaces_;  // the ID spaces of the CSV vertex files
  IdRegistry ids_;
  std::vector<std::string> labels_;
  absl::flat_hash_map<std::string, uint32_t> label_ids_;
  std::set<std::pair<size_t, int64_t>> bad_lines_;
  std::vector<std::string> bad_rows_;
  ImportSummary summary_;
  ImportProgress progress_;
  uint64_t total_bytes_ = 0, bytes_before_ = 0;
  double last_progress_ = 0;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

absl::StatusOr<ImportSummary> ImportFiles(const std::vector<std::string>& paths, RowSink& sink,
                                          const ImportOptions& options) {
  Importer importer(sink, options);
  return importer.Run(paths);
}

}  // namespace kg::import
