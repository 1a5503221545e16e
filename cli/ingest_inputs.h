// The inputs of `kg ingest` and `kg eval`: files and directories of articles, read into
// IngestDocuments/Evaluate requests.
#ifndef KG_CLI_INGEST_INPUTS_H_
#define KG_CLI_INGEST_INPUTS_H_

#include <string>
#include <vector>

#include "kg/v1/kg.pb.h"

namespace kg::cli {

// Files named on the command line are taken as given; directories contribute the files whose
// extension is in `extensions` (lower case, with the dot), recursively, in name order. False
// (with a message) for a path that does not exist or a directory that cannot be read.
bool CollectFiles(const std::vector<std::string>& args, const std::vector<std::string>& extensions,
                  std::vector<std::string>* files, std::string* error);

// The extensions of article files: .txt .md .markdown .text .jsonl.
const std::vector<std::string>& DocumentExtensions();

// What the lines of a JSON Lines file may be.
enum class JsonlKind {
  kDocuments,  // {id, title, source, published, text}: kgd extracts
  kExtracted,  // {"document": {...}, "entities": [...], "relations": [...]}: already extracted
  kDetect,     // either, told by the first line; a file holds one kind
};

// One document per text file; one per line of a JSON Lines file, of the kinds `kind` allows
// (an already extracted line becomes a Document with its `extraction` set; its format is in
// ingest/ingest.h, ReadJsonlExtractions). False (with a message naming the file and line) when
// it cannot be read, when a line does not follow its format, or when a file mixes the kinds.
bool ReadDocuments(const std::string& path, std::vector<v1::Document>* out, std::string* error,
                   JsonlKind kind = JsonlKind::kDocuments);

// The whole file into `*out`; false (with a message) when it cannot be read.
bool ReadWholeFile(const std::string& path, std::string* out, std::string* error);

}  // namespace kg::cli

#endif  // KG_CLI_INGEST_INPUTS_H_
