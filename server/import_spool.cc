#include "server/import_spool.h"

#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "graph/absl_compat.h"

namespace kg::server {
namespace {

// The last component of the client's name: a client cannot place a file outside the spool.
std::string SafeLeaf(const std::string& name) {
  std::string leaf = name.substr(name.find_last_of('/') + 1);
  if (leaf.empty() || leaf == "." || leaf == "..") return "unnamed";
  return leaf;
}

absl::Status WriteError(const std::string& name) {
  const int error = errno;
  std::string message =
      absl::StrCat("cannot spool ", name, " on the server: ", std::strerror(error));
  if (error == ENOSPC || error == EDQUOT) return absl::ResourceExhaustedError(message);
  return absl::InternalError(message);
}

}  // namespace

std::string ImportSpoolRoot(const std::string& data_dir) { return data_dir + "/import-spool"; }

void RemoveStaleImportSpools(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::remove_all(ImportSpoolRoot(data_dir), ec);
}

absl::StatusOr<std::unique_ptr<ImportSpool>> ImportSpool::Create(const std::string& data_dir,
                                                                 uint64_t max_bytes) {
  const std::string root = ImportSpoolRoot(data_dir);
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  std::string pattern = root + "/XXXXXX";
  if (ec || mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create a spool directory in ", root));
  }
  return std::unique_ptr<ImportSpool>(new ImportSpool(pattern, max_bytes));
}

ImportSpool::~ImportSpool() {
  if (current_ != nullptr) std::fclose(current_);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

absl::Status ImportSpool::BeginFile(const std::string& name, uint64_t size) {
  if (absl::Status s = Close(); !s.ok()) return s;
  if (name.empty()) return absl::InvalidArgumentError("a file header without a name");
  if (size > max_bytes_ - std::min(declared_, max_bytes_)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the files add up to more than the server's limit of --max_import_bytes=", max_bytes_,
        " bytes (at ", name, "); split the import or raise the limit"));
  }
  const std::string sub = absl::StrCat(dir_, "/", files_.size());
  std::error_code ec;
  std::filesystem::create_directory(sub, ec);
  File file{name, absl::StrCat(sub, "/", SafeLeaf(name)), size};
  current_ = ec ? nullptr : std::fopen(file.path.c_str(), "wb");
  if (current_ == nullptr) return WriteError(name);
  declared_ += size;
  current_bytes_ = 0;
  files_.push_back(std::move(file));
  return absl::OkStatus();
}

absl::Status ImportSpool::Append(std::string_view bytes) {
  if (current_ == nullptr) return absl::InvalidArgumentError("file data before a file header");
  const File& file = files_.back();
  if (bytes.size() > file.size - current_bytes_) {
    return absl::InvalidArgumentError(
        absl::StrCat(file.name, ": more data than the ", file.size, " bytes its header declared"));
  }
  if (std::fwrite(bytes.data(), 1, bytes.size(), current_) != bytes.size()) {
    return WriteError(file.name);
  }
  current_bytes_ += bytes.size();
  received_ += bytes.size();
  return absl::OkStatus();
}

absl::Status ImportSpool::Close() {
  if (current_ == nullptr) return absl::OkStatus();
  std::FILE* f = std::exchange(current_, nullptr);
  const File& file = files_.back();
  if (std::fclose(f) != 0) return WriteError(file.name);
  if (current_bytes_ != file.size) {
    return absl::InvalidArgumentError(absl::StrCat(file.name, ": ", current_bytes_,
                                                   " bytes arrived of the ", file.size,
                                                   " its header declared"));
  }
  return absl::OkStatus();
}

std::vector<std::string> ImportSpool::paths() const {
  std::vector<std::string> out;
  for (const File& f : files_) out.push_back(f.path);
  return out;
}

std::string ImportSpool::ClientNames(std::string_view text) const {
  std::vector<std::pair<std::string, std::string>> renames;
  for (const File& f : files_) renames.emplace_back(f.path, f.name);
  return absl::StrReplaceAll(Sv(text), renames);
}

std::string ImportSpool::FileOfMessage(std::string_view message) const {
  for (const File& f : files_) {
    if (message.size() > f.path.size() && message.substr(0, f.path.size()) == f.path &&
        message[f.path.size()] == ':') {
      return f.name;
    }
  }
  return "";
}

}  // namespace kg::server
