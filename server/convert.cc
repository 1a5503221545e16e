#include "server/convert.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "graph/normalize.h"

namespace kg::server {
namespace {

std::string IdText(const graph::Value& id) {
  if (id.is_string()) return id.as_string();
  if (id.is_integer()) return absl::StrCat(id.ToInt64());
  return id.DebugString();
}

}  // namespace

void GraphValueToProto(const graph::Value& value, v1::Value* out) {
  using T = graph::Value::Type;
  switch (value.type()) {
    case T::kNull:
      out->set_null(v1::NULL_VALUE);
      break;
    case T::kBool:
      out->set_bool_value(value.as_bool());
      break;
    case T::kInt32:
      out->set_int32_value(value.as_int32());
      break;
    case T::kInt64:
      out->set_int64_value(value.as_int64());
      break;
    case T::kFloat:
      out->set_float_value(value.as_float());
      break;
    case T::kDouble:
      out->set_double_value(value.as_double());
      break;
    case T::kString:
      out->set_string_value(value.as_string());
      break;
    case T::kTimestamp:
      out->set_timestamp_micros(value.as_timestamp().micros);
      break;
    case T::kList: {
      v1::ValueList* list = out->mutable_list();
      for (const graph::Value& item : value.as_list()) GraphValueToProto(item, list->add_values());
      break;
    }
    case T::kMap: {
      v1::ValueMap* map = out->mutable_map();
      for (const auto& [k, v] : value.as_map()) {
        v1::MapEntry* e = map->add_entries();
        e->mutable_key()->set_string_value(k);
        GraphValueToProto(v, e->mutable_value());
      }
      break;
    }
  }
}

absl::StatusOr<graph::Value> GraphValueFromProto(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::KIND_NOT_SET:
    case v1::Value::kNull:
      return graph::Value();
    case v1::Value::kBoolValue:
      return graph::Value(value.bool_value());
    case v1::Value::kInt32Value:
      return graph::Value(value.int32_value());
    case v1::Value::kInt64Value:
      return graph::Value(static_cast<int64_t>(value.int64_value()));
    case v1::Value::kFloatValue:
      return graph::Value(value.float_value());
    case v1::Value::kDoubleValue:
      return graph::Value(value.double_value());
    case v1::Value::kStringValue:
      if (!graph::IsValidUtf8(value.string_value())) {
        return absl::InvalidArgumentError("a string value is not valid UTF-8");
      }
      return graph::Value(value.string_value());
    case v1::Value::kTimestampMicros:
      return graph::Value(graph::Timestamp{value.timestamp_micros()});
    case v1::Value::kList: {
      graph::ValueList items;
      for (const v1::Value& item : value.list().values()) {
        absl::StatusOr<graph::Value> v = GraphValueFromProto(item);
        if (!v.ok()) return v.status();
        items.push_back(*std::move(v));
      }
      return graph::Value::List(std::move(items));
    }
    case v1::Value::kMap: {
      graph::ValueMap entries;
      for (const v1::MapEntry& e : value.map().entries()) {
        if (e.key().kind_case() != v1::Value::kStringValue) {
          return absl::InvalidArgumentError("a stored map must have string keys");
        }
        absl::StatusOr<graph::Value> v = GraphValueFromProto(e.value());
        if (!v.ok()) return v.status();
        entries.emplace_back(e.key().string_value(), *std::move(v));
      }
      return graph::Value::Map(std::move(entries));
    }
    default:
      break;
  }
  return absl::InvalidArgumentError(
      "a vertex, edge, property, path, set or token cannot be used as a stored value");
}

absl::StatusOr<query::Value> QueryParamFromProto(const v1::Value& value) {
  if (value.kind_case() == v1::Value::kSet) {
    query::ValueList items;
    for (const v1::Value& item : value.set().values()) {
      absl::StatusOr<query::Value> v = QueryParamFromProto(item);
      if (!v.ok()) return v.status();
      items.push_back(*std::move(v));
    }
    return query::Value::Set(std::move(items));
  }
  absl::StatusOr<graph::Value> v = GraphValueFromProto(value);
  if (!v.ok()) return v.status();
  return query::Value::FromGraph(*v);
}

std::string DisplayName(const graph::Vertex& vertex) {
  for (const graph::VertexProperty& p : vertex.properties) {
    if (p.key == "name" && p.value.is_string()) return p.value.as_string();
  }
  return vertex.key;
}

void VertexToProto(const graph::Vertex& vertex, bool with_properties, v1::Vertex* out) {
  out->set_id(vertex.id);
  for (const std::string& label : vertex.labels) out->add_labels(label);
  if (!vertex.external_id.is_null())
    GraphValueToProto(vertex.external_id, out->mutable_external_id());
  out->set_key(vertex.key);
  if (!with_properties) return;
  for (const graph::VertexProperty& p : vertex.properties) {
    v1::VertexProperty* vp = out->add_properties();
    vp->set_key(p.key);
    GraphValueToProto(p.value, vp->mutable_value());
    if (!p.id.is_null()) GraphValueToProto(p.id, vp->mutable_id());
    for (const auto& [k, v] : p.meta) {
      v1::Property* m = vp->add_meta();
      m->set_key(k);
      GraphValueToProto(v, m->mutable_value());
    }
  }
}

void EdgeToProto(const graph::Edge& edge, graph::GraphReader* reader, v1::Edge* out) {
  out->set_id(edge.external_id.is_null() ? edge.key.ToString() : IdText(edge.external_id));
  out->set_label(edge.label);
  out->set_out_id(edge.key.src);
  out->set_in_id(edge.key.dst);
  out->set_rank(edge.key.rank);
  if (!edge.external_id.is_null()) GraphValueToProto(edge.external_id, out->mutable_external_id());
  for (const auto& [k, v] : edge.properties) {
    v1::Property* p = out->add_properties();
    p->set_key(k);
    GraphValueToProto(v, p->mutable_value());
  }
  if (reader == nullptr) return;
  if (out->label().empty()) out->set_label(reader->LabelName(edge.key.label));
}

void VertexFiller::Fill(graph::VertexId id, v1::Vertex* out) {
  if (reader_ == nullptr) return;
  absl::StatusOr<std::optional<graph::Vertex>> v = reader_->GetVertex(id);
  if (!v.ok() || !v->has_value()) return;
  const graph::Vertex& vertex = **v;
  out->set_key(vertex.key);
  if (out->labels().empty()) {
    for (const std::string& label : vertex.labels) out->add_labels(label);
  }
  if (!vertex.external_id.is_null() && !out->has_external_id()) {
    GraphValueToProto(vertex.external_id, out->mutable_external_id());
  }
  v1::Vertex props;
  VertexToProto(vertex, /*with_properties=*/true, &props);
  *out->mutable_properties() = std::move(*props.mutable_properties());
}

void QueryValueToProto(const query::Value& value, v1::Value* out, VertexFiller* filler) {
  using K = query::Value::Kind;
  switch (value.kind()) {
    case K::kNull:
      out->set_null(v1::NULL_VALUE);
      break;
    case K::kBool:
      out->set_bool_value(value.as_bool());
      break;
    case K::kInt32:
      out->set_int32_value(value.as_int32());
      break;
    case K::kInt64:
      out->set_int64_value(value.as_int64());
      break;
    case K::kFloat:
      out->set_float_value(value.as_float());
      break;
    case K::kDouble:
      out->set_double_value(value.as_double());
      break;
    case K::kString:
      out->set_string_value(value.as_string());
      break;
    case K::kTimestamp:
      out->set_timestamp_micros(value.as_timestamp().micros);
      break;
    case K::kVertex: {
      const query::VertexRef& ref = value.vertex();
      v1::Vertex* v = out->mutable_vertex();
      v->set_id(ref.id);
      if (ref.info != nullptr) {
        for (const std::string& label : ref.info->labels) v->add_labels(label);
        // The user-visible id is the external id when there is one, else the internal id.
        const graph::Value& id = ref.info->id;
        bool is_internal = id.is_integer() && static_cast<uint64_t>(id.ToInt64()) == ref.id;
        if (!id.is_null() && !is_internal) GraphValueToProto(id, v->mutable_external_id());
      }
      if (filler != nullptr) filler->Fill(ref.id, v);
      break;
    }
    case K::kEdge: {
      const query::EdgeRef& ref = value.edge();
      v1::Edge* e = out->mutable_edge();
      e->set_id(ref.key.ToString());
      e->set_out_id(ref.key.src);
      e->set_in_id(ref.key.dst);
      e->set_rank(ref.key.rank);
      if (ref.info != nullptr) {
        if (!ref.info->id.is_null()) e->set_id(IdText(ref.info->id));
        if (!ref.info->labels.empty()) e->set_label(ref.info->labels.front());
        e->set_out_label(ref.info->out_label);
        e->set_in_label(ref.info->in_label);
        if (!ref.info->out_id.is_null())
          GraphValueToProto(ref.info->out_id, e->mutable_out_external_id());
        if (!ref.info->in_id.is_null())
          GraphValueToProto(ref.info->in_id, e->mutable_in_external_id());
      }
      break;
    }
    case K::kVertexProperty: {
      const query::VertexPropertyRef& p = value.vertex_property();
      v1::VertexProperty* vp = out->mutable_vertex_property();
      vp->set_key(p.key);
      vp->set_vertex_id(p.vertex);
      GraphValueToProto(p.value, vp->mutable_value());
      if (!p.id.is_null()) GraphValueToProto(p.id, vp->mutable_id());
      for (const auto& [k, v] : p.meta) {
        v1::Property* m = vp->add_meta();
        m->set_key(k);
        GraphValueToProto(v, m->mutable_value());
      }
      break;
    }
    case K::kProperty: {
      const query::PropertyRef& p = value.property();
      v1::Property* wire = out->mutable_property();
      wire->set_key(p.key);
      GraphValueToProto(p.value, wire->mutable_value());
      break;
    }
    case K::kPath: {
      const query::PathValue& path = value.path();
      v1::Path* wire = out->mutable_path();
      for (size_t i = 0; i < path.objects.size(); ++i) {
        QueryValueToProto(path.objects[i], wire->add_objects(), filler);
        v1::PathLabels* labels = wire->add_labels();
        if (i < path.labels.size()) {
          for (const std::string& l : path.labels[i]) labels->add_labels(l);
        }
      }
      break;
    }
    case K::kList:
    case K::kSet: {
      v1::ValueList* list = value.kind() == K::kSet ? out->mutable_set() : out->mutable_list();
      for (const query::Value& item : value.as_list()) {
        QueryValueToProto(item, list->add_values(), filler);
      }
      break;
    }
    case K::kMap: {
      v1::ValueMap* map = out->mutable_map();
      for (const auto& [k, v] : value.as_map()) {
        v1::MapEntry* e = map->add_entries();
        QueryValueToProto(k, e->mutable_key(), filler);
        QueryValueToProto(v, e->mutable_value(), filler);
      }
      break;
    }
    case K::kToken:
      out->set_token(query::TokenName(value.token()));
      break;
  }
}

absl::StatusOr<ingest::ExtractionInput> ExtractionInputFromProto(
    const v1::DocumentExtraction& extraction, ingest::Document document) {
  ingest::ExtractionInput input;
  // Proto3 cannot tell an unset confidence from 0; 0 is no confidence anyone means.
  auto confidence = [](double c) { return c == 0 ? 1.0 : c; };
  for (const v1::ExplainedEntity& e : extraction.entities()) {
    ingest::InputEntity& in = input.entities.emplace_back();
    in.label = e.label();
    in.name = e.name();
    in.aliases.assign(e.aliases().begin(), e.aliases().end());
    in.confidence = confidence(e.confidence());
  }
  for (int i = 0; i < extraction.relations_size(); ++i) {
    const v1::ExplainedRelation& r = extraction.relations(i);
    ingest::InputRelation& in = input.relations.emplace_back();
    in.subject = r.subject_name();
    in.edge = r.edge();
    in.object = r.object_name();
    for (const v1::Property& q : r.qualifiers()) {
      absl::StatusOr<graph::Value> v = GraphValueFromProto(q.value());
      if (!v.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("document ", document.id, ": relation ", i,
                                                       ": qualifier '", q.key(),
                                                       "': ", v.status().message()));
      }
      in.props.emplace_back(q.key(), *std::move(v));
    }
    in.evidence = r.evidence();
    in.confidence = confidence(r.confidence());
  }
  input.document = std::move(document);
  return input;
}

}  // namespace kg::server
