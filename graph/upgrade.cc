#include "graph/upgrade.h"

#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "graph/codec.h"
#include "graph/layout.h"

namespace kg::graph {
namespace {

using kv::Space;

// One bounded step: rewrites up to `limit` keys of [*begin, end) with `rewrite`, which puts the
// new form of one entry (and deletes the old one if it moves) or skips it. *begin moves past the
// last key seen; *done when the range is exhausted.
using Rewrite = absl::FunctionRef<absl::Status(kv::Txn&, std::string_view, std::string_view)>;

absl::Status RewriteBatch(kv::Store& store, Space space, std::string* begin, std::string_view end,
                          size_t limit, Rewrite rewrite, bool* done) {
  std::string last;
  size_t seen = 0;
  absl::Status s = store.RunTxn([&](kv::Txn& txn) {
    std::unique_ptr<kv::Cursor> cursor = txn.Scan(space, *begin, end);
    std::string_view k, v;
    while (seen < limit && cursor->Next(&k, &v)) {
      if (absl::Status st = rewrite(txn, k, v); !st.ok()) return st;
      last.assign(k);
      ++seen;
    }
    return cursor->status();
  });
  if (!s.ok()) return s;
  *done = seen < limit;
  if (!*done) *begin = last + std::string(1, '\0');  // the next key after `last`
  return absl::OkStatus();
}

// Runs RewriteBatch over the whole range, counting committed batches against the test limit.
absl::Status RewriteRange(kv::Store& store, Space space, std::string begin, std::string_view end,
                          const UpgradeOptions& options, int64_t* batches, Rewrite rewrite) {
  for (bool done = false; !done;) {
    if (options.max_batches >= 0 && *batches >= options.max_batches) {
      return absl::AbortedError(absl::StrCat("upgrade stopped after ", *batches, " batches"));
    }
    if (absl::Status s =
            RewriteBatch(store, space, &begin, end, options.batch_entries, rewrite, &done);
        !s.ok()) {
      return s;
    }
    ++*batches;
  }
  return absl::OkStatus();
}

absl::Status MoveOutEdge(kv::Txn& txn, std::string_view key, std::string_view value) {
  EdgeKey edge;
  if (!layout::DecodeFormat3OutEdgeKey(key, &edge)) {
    return absl::DataLossError("upgrade to format 4: undecodable format-3 out-edge key");
  }
  txn.Put(Space::kAdj, layout::OutEdgeKey(edge), value);
  txn.Delete(Space::kAdj, key);
  return absl::OkStatus();
}

absl::Status RepointEdgeId(kv::Txn& txn, std::string_view key, std::string_view value) {
  if (value.empty() || value[0] != layout::kFormat3OutTag) return absl::OkStatus();  // done
  EdgeKey edge;
  if (!layout::DecodeFormat3OutEdgeKey(value, &edge)) {
    return absl::DataLossError("upgrade to format 4: undecodable edge id entry");
  }
  txn.Put(Space::kKey, key, layout::OutEdgeKey(edge));
  return absl::OkStatus();
}

}  // namespace

absl::Status UpgradeFormat3To4(kv::Store& store, const UpgradeOptions& options) {
  int64_t batches = 0;
  const std::string old_out(1, layout::kFormat3OutTag);
  if (absl::Status s = RewriteRange(store, Space::kAdj, old_out, codec::PrefixSuccessor(old_out),
                                    options, &batches, MoveOutEdge);
      !s.ok()) {
    return s;
  }
  const std::string edge_ids(1, layout::kEdgeExternalIdTag);
  if (absl::Status s = RewriteRange(store, Space::kKey, edge_ids, codec::PrefixSuccessor(edge_ids),
                                    options, &batches, RepointEdgeId);
      !s.ok()) {
    return s;
  }
  return store.RunTxn([](kv::Txn& txn) {
    txn.Put(Space::kMeta, layout::kFormatKey, "4");
    return absl::OkStatus();
  });
}

}  // namespace kg::graph
