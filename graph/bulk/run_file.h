// Sequential binary files for sorted runs: what a sorter spills and reads back. Records are
// written in host byte order (a run never leaves the process that wrote it); a reader reports a
// file that ends inside a record as data loss.
#ifndef KG_GRAPH_BULK_RUN_FILE_H_
#define KG_GRAPH_BULK_RUN_FILE_H_

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace kg::graph::bulk {

class RunFileWriter {
 public:
  RunFileWriter() = default;
  ~RunFileWriter();
  RunFileWriter(const RunFileWriter&) = delete;
  RunFileWriter& operator=(const RunFileWriter&) = delete;

  absl::Status Create(const std::string& path);
  void Write(const void* data, size_t size);  // errors surface in Close()
  void WriteVarint(uint64_t n);
  absl::Status Close();

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  bool ok_ = true;
};

// Reads through its own buffer: records are a few dozen bytes, and a locked stdio call per
// record costs more than the copy.
class RunFileReader {
 public:
  RunFileReader() = default;
  ~RunFileReader();
  RunFileReader(const RunFileReader&) = delete;
  RunFileReader& operator=(const RunFileReader&) = delete;

  absl::Status Open(const std::string& path);
  // Reads exactly `size` (> 0) bytes. False at a clean end of file (nothing read); a partial
  // read sets *status to a data-loss error and returns false. Inline for the common case of a
  // record that lies whole in the buffer: a merge reads every edge record here, and with a
  // constant size the copy is a few moves instead of a call to memcpy.
  bool Read(void* data, size_t size, absl::Status* status) {
    if (end_ - begin_ >= size) {
      std::memcpy(data, buffer_.get() + begin_, size);
      begin_ += size;
      return true;
    }
    return ReadAcrossRefill(data, size, status);
  }
  // Reads the rest of a record: as Read, but running out is always an error.
  bool ReadRest(void* data, size_t size, absl::Status* status);
  bool ReadVarint(uint64_t* n, absl::Status* status);

 private:
  bool ReadAcrossRefill(void* data, size_t size, absl::Status* status);
  // Copies up to `size` bytes; fewer only at the end of the file or on an error (*status).
  size_t Copy(char* data, size_t size, absl::Status* status);
  bool Refill(absl::Status* status);
  absl::Status Truncated() const;

  std::string path_;
  int fd_ = -1;
  std::unique_ptr<char[]> buffer_;  // no larger than the file: a merge may open many small runs
  size_t buffer_size_ = 0;
  size_t begin_ = 0, end_ = 0;  // unread bytes of buffer_
};

}  // namespace kg::graph::bulk

#endif  // KG_GRAPH_BULK_RUN_FILE_H_
