#include "graph/bulk/run_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace kg::graph::bulk {
namespace {

constexpr size_t kBufferBytes = 1 << 20;

absl::Status IoError(std::string_view what, const std::string& path, int error) {
  return absl::InternalError(
      absl::StrCat(std::string(what), " ", path, ": ", std::strerror(error)));
}

}  // namespace

RunFileWriter::~RunFileWriter() {
  if (file_) std::fclose(file_);
}

absl::Status RunFileWriter::Create(const std::string& path) {
  path_ = path;
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) return IoError("create", path, errno);
  std::setvbuf(file_, nullptr, _IOFBF, kBufferBytes);
  return absl::OkStatus();
}

void RunFileWriter::Write(const void* data, size_t size) {
  if (ok_ && size > 0) ok_ = std::fwrite(data, 1, size, file_) == size;
}

void RunFileWriter::WriteVarint(uint64_t n) {
  uint8_t bytes[10];
  size_t size = 0;
  while (n >= 0x80) {
    bytes[size++] = static_cast<uint8_t>(n | 0x80);
    n >>= 7;
  }
  bytes[size++] = static_cast<uint8_t>(n);
  Write(bytes, size);
}

absl::Status RunFileWriter::Close() {
  int error = ok_ ? 0 : errno;
  bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!closed && error == 0) error = errno;
  if (!ok_ || !closed) return IoError("write", path_, error);
  return absl::OkStatus();
}

RunFileReader::~RunFileReader() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status RunFileReader::Open(const std::string& path) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return IoError("open", path, errno);
  struct stat st;
  if (fstat(fd_, &st) != 0) return IoError("stat", path, errno);
  buffer_size_ = std::clamp<size_t>(static_cast<size_t>(st.st_size), 1, kBufferBytes);
  return absl::OkStatus();
}

absl::Status RunFileReader::Truncated() const {
  return absl::DataLossError(absl::StrCat("truncated sort run ", path_));
}

bool RunFileReader::Refill(absl::Status* status) {
  if (!buffer_) buffer_.reset(new char[buffer_size_]);
  begin_ = end_ = 0;
  while (true) {
    ssize_t n = ::read(fd_, buffer_.get(), buffer_size_);
    if (n >= 0) {
      end_ = static_cast<size_t>(n);
      return n > 0;
    }
    if (errno != EINTR) {
      *status = IoError("read", path_, errno);
      return false;
    }
  }
}

size_t RunFileReader::Copy(char* data, size_t size, absl::Status* status) {
  size_t copied = 0;
  while (copied < size) {
    if (begin_ == end_ && !Refill(status)) break;
    size_t n = std::min(size - copied, end_ - begin_);
    std::memcpy(data + copied, buffer_.get() + begin_, n);
    begin_ += n;
    copied += n;
  }
  return copied;
}

bool RunFileReader::ReadAcrossRefill(void* data, size_t size, absl::Status* status) {
  size_t n = Copy(static_cast<char*>(data), size, status);
  if (n == size) return true;
  if (n != 0 && status->ok()) *status = Truncated();
  return false;
}

bool RunFileReader::ReadRest(void* data, size_t size, absl::Status* status) {
  if (Copy(static_cast<char*>(data), size, status) == size) return true;
  if (status->ok()) *status = Truncated();
  return false;
}

bool RunFileReader::ReadVarint(uint64_t* n, absl::Status* status) {
  *n = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    uint8_t c;
    if (Copy(reinterpret_cast<char*>(&c), 1, status) != 1) break;
    *n |= static_cast<uint64_t>(c & 0x7F) << shift;
    if ((c & 0x80) == 0) return true;
  }
  if (status->ok()) *status = Truncated();
  return false;
}

}  // namespace kg::graph::bulk
