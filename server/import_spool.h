// Where ImportFiles keeps the files a client streams in: a private directory under
// <data_dir>/import-spool, removed with everything in it when the import ends (or, after a
// crash, when kgd starts again).
//
//   absl::StatusOr<std::unique_ptr<ImportSpool>> spool = ImportSpool::Create(graph.dir(), limit);
//   (*spool)->BeginFile("data/people.csv", 1234);   // INVALID_ARGUMENT, RESOURCE_EXHAUSTED
//   (*spool)->Append(chunk);                        // more than declared: INVALID_ARGUMENT
//   (*spool)->Close();                              // fewer than declared: INVALID_ARGUMENT
//   ImportFiles((*spool)->paths(), ...);
//   std::string message = (*spool)->ClientNames(error.message());
#ifndef KG_SERVER_IMPORT_SPOOL_H_
#define KG_SERVER_IMPORT_SPOOL_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kg::server {

// The directory under a data directory that holds every import's spool.
std::string ImportSpoolRoot(const std::string& data_dir);

// Removes what imports interrupted by a crash left behind.
void RemoveStaleImportSpools(const std::string& data_dir);

class ImportSpool {
 public:
  // `max_bytes` bounds the sum of the files' declared sizes (--max_import_bytes).
  static absl::StatusOr<std::unique_ptr<ImportSpool>> Create(const std::string& data_dir,
                                                             uint64_t max_bytes);
  ~ImportSpool();
  ImportSpool(const ImportSpool&) = delete;
  ImportSpool& operator=(const ImportSpool&) = delete;

  // Starts the next file: `name` is the client's, `size` the bytes that will follow.
  absl::Status BeginFile(const std::string& name, uint64_t size);
  absl::Status Append(std::string_view bytes);
  // Ends the current file, checking that all its declared bytes arrived.
  absl::Status Close();

  // The spooled files, in the order they came; the extension of each is the client's.
  std::vector<std::string> paths() const;
  uint64_t bytes_received() const { return received_; }
  uint64_t bytes_declared() const { return declared_; }
  // A file in the spool directory for the import's own use (the bad-rows report).
  std::string PathFor(const std::string& leaf) const { return dir_ + "/" + leaf; }

  // `text` with every spooled path replaced by the name the client gave that file.
  std::string ClientNames(std::string_view text) const;
  // The client's name of the file a message starting "PATH:" is about, or "" when none.
  std::string FileOfMessage(std::string_view message) const;

 private:
  struct File {
    std::string name;  // the client's
    std::string path;  // in the spool
    uint64_t size = 0;
  };
  ImportSpool(std::string dir, uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}

  std::string dir_;
  uint64_t max_bytes_;
  std::vector<File> files_;
  std::FILE* current_ = nullptr;
  uint64_t current_bytes_ = 0;
  uint64_t received_ = 0;
  uint64_t declared_ = 0;
};

}  // namespace kg::server

#endif  // KG_SERVER_IMPORT_SPOOL_H_
