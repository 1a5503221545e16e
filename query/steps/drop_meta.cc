// drop() of meta-properties (g.V().properties().properties("k").drop()). The store keeps a
// vertex property's meta-properties with its value, so dropping one rewrites the values of
// that key: every value is removed and written back, in order, with the meta-property gone
// from the one it belonged to.
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "query/steps/steps.h"

namespace kg::query::steps {

absl::StatusOr<MetaPropertyRef> ResolveMetaProperty(Context* ctx, const PropertyRef& p) {
  const auto* owner = std::get_if<std::pair<graph::VertexId, int64_t>>(&p.owner);
  if (owner == nullptr) return absl::InvalidArgumentError("not a meta-property");
  auto v = ctx->GetVertex(owner->first);
  if (!v || owner->second < 0 || owner->second >= static_cast<int64_t>(v->properties.size())) {
    return absl::NotFoundError("the meta-property's vertex property is gone");
  }
  MetaPropertyRef r;
  r.vertex = owner->first;
  r.key = v->properties[owner->second].key;
  r.meta_key = p.key;
  for (int64_t i = 0; i < owner->second; ++i) {
    if (v->properties[i].key == r.key) ++r.ordinal;
  }
  return r;
}

absl::Status DropMetaProperties(Context* ctx, const std::vector<MetaPropertyRef>& refs) {
  // The meta keys to drop, by vertex property: (vertex, key) -> ordinal -> meta keys.
  std::map<std::pair<graph::VertexId, std::string>, std::multimap<size_t, std::string>> drops;
  for (const auto& r : refs) drops[{r.vertex, r.key}].emplace(r.ordinal, r.meta_key);
  for (const auto& [vertex_key, metas] : drops) {
    const auto& [id, key] = vertex_key;
    auto v = ctx->reader->GetVertex(id);
    if (!v.ok()) return v.status();
    if (!v->has_value()) continue;  // the vertex itself was dropped
    std::vector<graph::PropertyWrite> rewritten;
    for (const auto& p : (*v)->properties) {
      if (p.key != key) continue;
      graph::PropertyWrite w(p.key, p.value, graph::Cardinality::kList);
      w.id = p.id;  // a rewritten property keeps its id
      auto [begin, end] = metas.equal_range(rewritten.size());
      for (const auto& [meta_key, meta_value] : p.meta) {
        bool dropped = false;
        for (auto it = begin; it != end; ++it) dropped = dropped || it->second == meta_key;
        if (!dropped) w.meta.emplace_back(meta_key, meta_value);
      }
      rewritten.push_back(std::move(w));
    }
    if (absl::Status st = ctx->txn->RemoveVertexProperty(id, key); !st.ok()) return st;
    for (const auto& w : rewritten) {
      if (absl::Status st = ctx->txn->SetVertexProperty(id, w); !st.ok()) return st;
    }
    ctx->InvalidateCache();
  }
  return absl::OkStatus();
}

}  // namespace kg::query::steps
