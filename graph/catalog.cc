#include "graph/catalog.h"

#include <mutex>

namespace kg::graph {

std::optional<LabelId> Catalog::FindLabel(std::string_view name) const {
  std::shared_lock lock(mu_);
  auto it = ids_.find(std::string(name));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::string Catalog::LabelName(LabelId id) const {
  std::shared_lock lock(mu_);
  return id < names_.size() ? names_[id] : std::string();
}

std::vector<IndexDef> Catalog::Indexes() const {
  std::shared_lock lock(mu_);
  return indexes_;
}

LabelId Catalog::next_label() const {
  std::shared_lock lock(mu_);
  return names_.empty() ? 1 : static_cast<LabelId>(names_.size());
}

uint32_t Catalog::next_index() const {
  std::shared_lock lock(mu_);
  uint32_t next = 1;
  for (const IndexDef& d : indexes_) next = std::max(next, d.id + 1);
  return next;
}

void Catalog::Apply(const CatalogDelta& delta) {
  std::unique_lock lock(mu_);
  for (const auto& [name, id] : delta.labels) {
    ids_[name] = id;
    if (names_.size() <= id) names_.resize(id + 1);
    names_[id] = name;
  }
  for (const IndexDef& d : delta.indexes) indexes_.push_back(d);
}

void Catalog::Revert(const CatalogDelta& delta) {
  std::unique_lock lock(mu_);
  for (const auto& [name, id] : delta.labels) {
    ids_.erase(name);
    if (id < names_.size()) names_[id].clear();
    while (names_.size() > 1 && names_.back().empty()) names_.pop_back();
  }
  for (const IndexDef& d : delta.indexes) {
    std::erase_if(indexes_, [&](const IndexDef& x) { return x.id == d.id; });
  }
}

}  // namespace kg::graph
