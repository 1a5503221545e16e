// Mutations: addV(), addE() with from()/to(), property(), drop(), mergeV()/mergeE()
// and addLabel(). A query that fails writes nothing (the context's write batch).
#include "query/compiler.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kg::query {

namespace {

// The vertex at one end of addE(): from()/to()'s label, traversal or value (a vertex or its
// id), else the incoming vertex; nullopt when there is none.
bool Resolve(Context* ctx, const EndSpec& spec, const Traverser& t, std::optional<graph::VertexId>* out) {
  out->reset();
  Value v;
  switch (spec.kind) {
    case EndSpec::kNone:
      if (t.obj.is_vertex()) *out = t.obj.vertex().id;
      return true;
    case EndSpec::kLabel: {
      std::optional<Value> x;
      if (!ScopeValue(ctx, t, spec.label, Pop::kLast, &x)) return false;
      if (!x) return true;
      v = *x;
      break;
    }
    case EndSpec::kTraversal: {
      std::optional<Value> x;
      if (!spec.child->First(t, &x)) return false;
      if (!x) return true;
      v = *x;
      break;
    }
    case EndSpec::kValue: v = spec.value; break;
  }
  if (v.is_vertex()) {
    *out = v.vertex().id;
    return true;
  }
  // An id: find the vertex.
  graph::Value g;
  if (v.ToGraph(&g)) {
    std::vector<graph::Value> cands = {g};
    if (v.is_integer()) {
      cands.push_back(graph::Value(v.ToInt64()));
      cands.push_back(graph::Value(static_cast<int32_t>(v.ToInt64())));
    }
    for (const auto& c : cands) {
      auto r = ctx->reader->FindVertexByExternalId(c);
      if (!r.ok()) return ctx->Fail(r.status());
      if (r->has_value()) {
        *out = **r;
        return true;
      }
    }
    if (v.is_integer() && v.ToInt64() > 0) {
      auto vx = ctx->GetVertex(static_cast<graph::VertexId>(v.ToInt64()));
      if (vx) *out = vx->id;
    }
  }
  return ctx->ok();
}

// Why addE() has no vertex at one end. Without from()/to() the incoming object is that end; a
// value that is neither a vertex nor the id of one is TinkerPop's "must resolve" error.
absl::Status UnresolvedEnd(const std::string& label, const char* end, const EndSpec& spec, const Traverser& t) {
  const Value* given = spec.kind == EndSpec::kValue                 ? &spec.value
                       : spec.kind == EndSpec::kNone && !t.root ? &t.obj
                                                                  : nullptr;
  if (given != nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "The value given to addE(", label, ").", end,
        "() must resolve to a Vertex or the ID of a Vertex present in the graph. The provided value does not: ",
        given->DebugString()));
  }
  bool out = std::string_view(end) == "from";
  return absl::FailedPreconditionError(absl::StrCat("The ", out ? "source" : "target",
                                                    " vertex of addE() could not be found: ",
                                                    out ? "Out" : "In", " Vertex not specified"));
}

absl::Status Hidden(const std::string& key) {
  return absl::InvalidArgumentError(absl::StrCat("Property key can not be a hidden key: ~", key));
}

// A merge map's property entry, unwrapping Cardinality.x(value).
bool PropertyWriteOf(const Value& k, const Value& v, graph::Cardinality def, graph::PropertyWrite* out,
                     absl::Status* err) {
  if (!k.is_string()) {
    *err = absl::InvalidArgumentError(absl::StrCat("property keys must be strings, got ", k.DebugString()));
    return false;
  }
  graph::Cardinality card = def;
  Value val = v;
  if (v.kind() == Value::Kind::kMap && v.as_map().size() == 1 && v.as_map()[0].first.is_string() &&
      absl::StartsWith(v.as_map()[0].first.as_string(), "\x01" "Cardinality.")) {
    std::string c = v.as_map()[0].first.as_string().substr(13);
    card = c == "set" ? graph::Cardinality::kSet : c == "list" ? graph::Cardinality::kList : graph::Cardinality::kSingle;
    val = v.as_map()[0].second;
  }
  graph::Value g;
  if (!val.ToGraph(&g)) {
    *err = absl::InvalidArgumentError(absl::StrCat("property value ", val.DebugString(), " cannot be stored"));
    return false;
  }
  *out = graph::PropertyWrite(k.as_string(), std::move(g), card);
  return true;
}

// Writes one property of a vertex or an edge. A null value removes the key, unless the query
// allows null property values (QueryOptions::allow_null_property_values), then it is stored.
absl::Status WriteProperty(Context* ctx, const Value& elem, const graph::PropertyWrite& w) {
  bool remove = w.value.is_null() && !ctx->allow_null_properties;
  if (elem.is_vertex()) {
    return remove ? ctx->txn->RemoveVertexProperty(elem.vertex().id, w.key)
                  : ctx->txn->SetVertexProperty(elem.vertex().id, w);
  }
  if (elem.is_edge()) {
    return remove ? ctx->txn->RemoveEdgeProperty(elem.edge().key, w.key)
                  : ctx->txn->SetEdgeProperty(elem.edge().key, w.key, w.value);
  }
  return absl::InvalidArgumentError(absl::StrCat("property() cannot be applied to ", elem.DebugString()));
}

bool GetMapArg(Context* ctx, const std::shared_ptr<Pipeline>& child, const Value& v, const Traverser& t,
               bool use_incoming, std::optional<Value>* out, bool any_value = false) {
  out->reset();
  if (child) {
    std::optional<Value> r;
    if (!child->First(t, &r)) return false;
    if (r) *out = *r;
  } else if (use_incoming) {
    *out = t.obj;
  } else {
    *out = v;
  }
  if (!any_value && *out && !(*out)->is_null() && (*out)->kind() != Value::Kind::kMap) {
    return ctx->Fail(absl::InvalidArgumentError(
        absl::StrCat("merge step expects a map, got ", (*out)->DebugString())));
  }
  return true;
}

bool VertexMatches(Context* ctx, graph::VertexId id, const ValueMap& m, bool* ok) {
  *ok = false;
  auto v = ctx->GetVertex(id);
  if (!v) return ctx->ok();
  for (const auto& [k, x] : m) {
    if (k.kind() == Value::Kind::kToken) {
      if (k.token() == Token::kLabel) {
        // A list of labels: the vertex has every one of them (TinkerPop's multi-label search).
        for (const Value& l : x.is_collection() ? x.as_list() : ValueList{x}) {
          if (!l.is_string() ||
              std::find(v->labels.begin(), v->labels.end(), l.as_string()) == v->labels.end())
            return true;
        }
      } else if (k.token() == Token::kId) {
        if (!Equals(ctx->VertexId(id), x)) return true;
      }
      continue;
    }
    if (!k.is_string()) return true;
    bool any = false;
    for (const auto& p : v->properties) {
      if (p.key == k.as_string() && Equals(Value::FromGraph(p.value), x)) any = true;
    }
    if (!any) return true;
  }
  *ok = true;
  return true;
}

bool EvalFolded(const FoldedArg& a, const Traverser& t, std::optional<Value>* out) {
  if (!a.child) {
    *out = a.constant;
    return true;
  }
  return a.child->First(t, out);
}

}  // namespace

bool Compiler::IsFoldableProperty(const Step& s) {
  if (s.name != "property" || s.args.size() != 2) return false;
  return !absl::StartsWith(EnumName(s.args[0]), "Cardinality.");
}

absl::StatusOr<FoldedProperty> Compiler::FoldProperty(const Step& s) {
  FoldedProperty f;
  for (int i = 0; i < 2; ++i) {
    FoldedArg& a = i == 0 ? f.key : f.value;
    if (s.args[i].kind == Expr::Kind::kTraversal) {
      auto c = ReadOnlyChild(s.args[i]);
      if (!c.ok()) return c.status();
      a.child = *c;
    } else {
      auto v = Eval(s.args[i]);
      if (!v.ok()) return v.status();
      a.constant = *v;
    }
  }
  return f;
}

absl::Status Compiler::AddMutation(Pipeline* p, const Step& s, const std::vector<const Step*>& steps,
                                   size_t* index) {
  Context* ctx = ctx_;
  const std::string& n = s.name;
  if (n == "addV") {
    std::vector<std::string> labels;
    std::vector<std::shared_ptr<Pipeline>> label_children;
    for (size_t a = 0; a < s.args.size(); ++a) {
      if (s.args[a].kind == Expr::Kind::kTraversal) {
        auto c = Child(s.args[a]);
        if (!c.ok()) return c.status();
        label_children.push_back(*c);
      } else {
        auto l = StringArg(s, a);
        if (!l.ok()) return l.status();
        labels.push_back(*l);
      }
    }
    // property(k, v) steps right after addV() (no cardinality, no meta-properties) are
    // arguments of the creation, as TinkerPop folds them into AddVertexStep: traversals among
    // them run on addV()'s input, a key given twice keeps every value (list cardinality), T.id
    // sets the id and T.label the label.
    std::vector<FoldedProperty> folded;
    while (*index + 1 < steps.size() && IsFoldableProperty(*steps[*index + 1])) {
      auto f = FoldProperty(*steps[*index + 1]);
      if (!f.ok()) return f.status();
      folded.push_back(std::move(*f));
      ++*index;
    }
    p->Add(std::make_unique<FlatMapOp>(ctx, "addV", [ctx, labels, label_children, folded](const Traverser& t, std::vector<Value>* out) {
      std::vector<std::string> ls = labels;
      for (const auto& c : label_children) {
        std::optional<Value> v;
        if (!c->First(t, &v)) return false;
        if (!v)
          return ctx->Fail(absl::InvalidArgumentError("addV() label traversal produced nothing"));
        bool several = label_children.size() + labels.size() > 1;
        if (!steps::LabelsFromTraversal(ctx, *v, several, &ls)) return false;
      }
      graph::Value id;
      std::vector<graph::PropertyWrite> props;
      for (const auto& f : folded) {
        std::optional<Value> key, value;
        if (!EvalFolded(f.key, t, &key) || !EvalFolded(f.value, t, &value)) return false;
        if (!key || !value) continue;
        if (key->kind() == Value::Kind::kToken && key->token() == Token::kLabel) {
          if (!value->is_string()) return ctx->Fail(absl::InvalidArgumentError("T.label must be a string"));
          ls = {value->as_string()};
          continue;
        }
        graph::Value g;
        if (!value->ToGraph(&g)) {
          return ctx->Fail(absl::InvalidArgumentError(absl::StrCat("property value ", value->DebugString(), " cannot be stored")));
        }
        if (key->kind() == Value::Kind::kToken && key->token() == Token::kId) {
          id = g;
          continue;
        }
        if (!key->is_string()) return ctx->Fail(absl::InvalidArgumentError(absl::StrCat("property keys must be strings, got ", key->DebugString())));
        if (g.is_null() && !ctx->allow_null_properties) continue;
        props.emplace_back(key->as_string(), std::move(g), graph::Cardinality::kList);
      }
      if (!steps::CreationLabels(ctx, &ls)) return false;
      auto r = ctx->txn->AddVertex(ls, "", id, props);
      if (!r.ok()) return ctx->Fail(r.status());
      ctx->InvalidateCache();
      out->push_back(Value::Vertex(*r));
      return true;
    }));
    return absl::OkStatus();
  }
  if (n == "addE") {
    std::string label;
    if (s.args.empty()) return Err(s.pos, "addE() needs an edge label");
    std::shared_ptr<Pipeline> label_child;
    if (s.args[0].kind == Expr::Kind::kTraversal) {
      auto c = Child(s.args[0]);
      if (!c.ok()) return c.status();
      label_child = *c;
    } else {
      auto l = StringArg(s, 0);
      if (!l.ok()) return l.status();
      label = *l;
    }
    auto op = std::make_unique<AddEdgeOp>(ctx, nullptr);
    AddEdgeOp* raw = op.get();
    *op = AddEdgeOp(ctx, [ctx, raw, label, label_child](const Traverser& t, std::vector<Traverser>* out) {
      std::string l = label;
      if (label_child) {
        std::optional<Value> v;
        if (!label_child->First(t, &v)) return false;
        if (!v || !v->is_string()) return ctx->Fail(absl::InvalidArgumentError("addE() label traversal must yield a string"));
        l = v->as_string();
      }
      std::optional<graph::VertexId> from, to;
      if (!Resolve(ctx, raw->from, t, &from) || !Resolve(ctx, raw->to, t, &to)) return false;
      if (!from) return ctx->Fail(UnresolvedEnd(l, "from", raw->from, t));
      if (!to) return ctx->Fail(UnresolvedEnd(l, "to", raw->to, t));
      auto r = ctx->txn->AddEdge(*from, l, *to, graph::Value(), {});
      if (!r.ok()) return ctx->Fail(r.status());
      ctx->InvalidateCache();
      out->push_back(ctx->Extend(t, Value::Edge(*r)));
      return true;
    });
    p->Add(std::move(op));
    return absl::OkStatus();
  }
  if (n == "property") {
    size_t off = 0;
    graph::Cardinality card = graph::Cardinality::kSingle;
    bool card_given = false;
    if (!s.args.empty()) {
      std::string en = EnumName(s.args[0]);
      if (absl::StartsWith(en, "Cardinality.")) {
        card_given = true;
        card = en == "Cardinality.set" ? graph::Cardinality::kSet
               : en == "Cardinality.list" ? graph::Cardinality::kList
                                          : graph::Cardinality::kSingle;
        off = 1;
      }
    }
    if (s.args.size() == off + 1) {
      // property(map), property(traversal yielding a map); property(null) changes nothing.
      std::shared_ptr<Pipeline> map_child;
      Value mv;
      if (s.args[off].kind == Expr::Kind::kTraversal) {
        auto c = ReadOnlyChild(s.args[off]);
        if (!c.ok()) return c.status();
        map_child = *c;
      } else {
        auto m = Eval(s.args[off]);
        if (!m.ok()) return m.status();
        if (m->is_null()) return absl::OkStatus();
        if (m->kind() != Value::Kind::kMap) return Err(s.args[off].pos, "property() expects a key and a value, or a map");
        mv = *m;
      }
      p->Add(std::make_unique<SideOp>(ctx, "property", [ctx, mv, map_child, card](Traverser* t) {
        Value m = mv;
        if (map_child) {
          std::optional<Value> r;
          if (!map_child->First(*t, &r)) return false;
          if (!r || r->is_null()) return true;
          if (r->kind() != Value::Kind::kMap) return ctx->Fail(TypeError("property", *r, "a map"));
          m = *r;
        }
        for (const auto& [k, v] : m.as_map()) {
          graph::PropertyWrite w("", graph::Value());
          absl::Status err;
          if (!PropertyWriteOf(k, v, card, &w, &err)) return ctx->Fail(err);
          absl::Status st = WriteProperty(ctx, t->obj, w);
          if (!st.ok()) return ctx->Fail(st);
        }
        ctx->InvalidateCache();
        return true;
      }));
      return absl::OkStatus();
    }
    if (s.args.size() < off + 2 || (s.args.size() - off) % 2 != 0) {
      return Err(s.pos, "property() takes a key and a value (and meta-property key/value pairs)");
    }
    // The key: a string, or a traversal whose first result is one.
    std::string k;
    std::shared_ptr<Pipeline> key_child;
    if (s.args[off].kind == Expr::Kind::kTraversal) {
      auto c = ReadOnlyChild(s.args[off]);
      if (!c.ok()) return c.status();
      key_child = *c;
    } else {
      auto key = Eval(s.args[off]);
      if (!key.ok()) return key.status();
      if (key->kind() == Value::Kind::kToken) {
        if (key->token() == Token::kLabel) return Err(s.pos, "Property key can not be a hidden key: ~label");
        return Err(s.pos, "property(T.id, ...) is only allowed right after addV()");
      }
      if (!key->is_string()) return Err(s.args[off].pos, "property() key must be a string");
      k = key->as_string();
    }
    std::shared_ptr<Pipeline> value_child;
    Value value;
    if (s.args[off + 1].kind == Expr::Kind::kTraversal) {
      auto c = ReadOnlyChild(s.args[off + 1]);
      if (!c.ok()) return c.status();
      value_child = *c;
    } else {
      auto v = Eval(s.args[off + 1]);
      if (!v.ok()) return v.status();
      value = *v;
    }
    std::vector<std::pair<std::string, graph::Value>> meta;
    for (size_t i = off + 2; i + 1 < s.args.size(); i += 2) {
      auto mk = Eval(s.args[i]);
      auto mv = Eval(s.args[i + 1]);
      if (!mk.ok()) return mk.status();
      if (!mv.ok()) return mv.status();
      graph::Value g;
      if (!mk->is_string() || !mv->ToGraph(&g)) return Err(s.args[i].pos, "meta-property must be a key and a value");
      meta.emplace_back(mk->as_string(), g);
    }
    // A value traversal gives one value; with Cardinality.list or set each of its results is
    // added, and with an explicit Cardinality.single more than one result is an error.
    bool each_result = card_given && card != graph::Cardinality::kSingle;
    bool one_result = card_given && card == graph::Cardinality::kSingle;
    p->Add(std::make_unique<SideOp>(ctx, "property", [ctx, k, key_child, value, value_child, card, meta, each_result,
                                                      one_result](Traverser* t) {
      std::string key = k;
      if (key_child) {
        std::optional<Value> r;
        if (!key_child->First(*t, &r)) return false;
        if (!r) return true;
        if (!r->is_string()) return ctx->Fail(TypeError("property", *r, "a string key"));
        key = r->as_string();
      }
      std::vector<Value> values = {value};
      if (value_child) {
        std::vector<Traverser> rs;
        if (!value_child->RunAll(*t, &rs)) return false;
        if (rs.empty()) return true;
        if (one_result && (rs.size() > 1 || rs[0].bulk > 1)) {
          return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
              "property(single, ", key, ", traversal) expects one value, the traversal gave several")));
        }
        values.clear();
        for (const auto& r : rs) {
          for (int64_t b = 0; b < r.bulk && (each_result || values.empty()); ++b) values.push_back(r.obj);
        }
      }
      for (const Value& v : values) {
        graph::Value g;
        if (!v.ToGraph(&g)) {
          return ctx->Fail(absl::InvalidArgumentError(absl::StrCat("property value ", v.DebugString(), " cannot be stored")));
        }
        graph::PropertyWrite w(key, g, card);
        w.meta = meta;
        absl::Status st = WriteProperty(ctx, t->obj, w);
        if (!st.ok()) return ctx->Fail(st);
      }
      ctx->InvalidateCache();
      return true;
    }));
    return absl::OkStatus();
  }
  if (n == "drop") {
    auto buf = std::make_shared<std::vector<Value>>();
    p->Add(std::make_unique<BarrierOp>(
        ctx, "drop", [buf] { buf->clear(); },
        [ctx, buf](Traverser&& t) {
          buf->push_back(std::move(t.obj));
          return ctx->Hold(1);
        },
        [ctx, buf](std::vector<Traverser>*) {
          ctx->Release(buf->size());
          // Meta-properties are named by position, which the other drops may change.
          std::vector<steps::MetaPropertyRef> metas;
          for (const auto& v : *buf) {
            if (v.kind() != Value::Kind::kProperty ||
                std::holds_alternative<graph::EdgeKey>(v.property().owner))
              continue;
            auto r = steps::ResolveMetaProperty(ctx, v.property());
            if (r.ok()) metas.push_back(*std::move(r));
          }
          for (const auto& v : *buf) {
            absl::Status st;
            switch (v.kind()) {
              case Value::Kind::kVertex: {
                auto x = ctx->reader->GetVertex(v.vertex().id);
                if (x.ok() && x->has_value()) st = ctx->txn->DeleteVertex(v.vertex().id);
                break;
              }
              case Value::Kind::kEdge: {
                auto x = ctx->reader->GetEdge(v.edge().key);
                if (x.ok() && x->has_value()) st = ctx->txn->DeleteEdge(v.edge().key);
                break;
              }
              case Value::Kind::kVertexProperty:
                st = ctx->txn->RemoveVertexPropertyValue(v.vertex_property().vertex, v.vertex_property().key,
                                                         v.vertex_property().value);
                break;
              case Value::Kind::kProperty:
                if (auto* e = std::get_if<graph::EdgeKey>(&v.property().owner)) {
                  st = ctx->txn->RemoveEdgeProperty(*e, v.property().key);
                }  // meta-properties: below
                break;
              default:
                st = absl::InvalidArgumentError(absl::StrCat("drop() cannot be applied to ", v.DebugString()));
            }
            if (!st.ok()) return ctx->Fail(st);
            ctx->InvalidateCache();
          }
          if (absl::Status st = steps::DropMetaProperties(ctx, metas); !st.ok())
            return ctx->Fail(st);
          buf->clear();
          return true;
        }));
    return absl::OkStatus();
  }
  if (n == "mergeV" || n == "mergeE") {
    bool vertex = n == "mergeV";
    auto st = std::make_shared<MergeState>();
    std::shared_ptr<Pipeline> arg_child;
    Value arg;
    bool use_incoming = s.args.empty();
    if (s.args.size() > 1) return Err(s.pos, absl::StrCat(n, "() takes at most one argument"));
    if (!s.args.empty()) {
      if (s.args[0].kind == Expr::Kind::kTraversal) {
        auto c = Child(s.args[0]);
        if (!c.ok()) return c.status();
        arg_child = *c;
      } else {
        auto v = Eval(s.args[0]);
        if (!v.ok()) return v.status();
        arg = *v;
        if (!arg.is_null() && arg.kind() != Value::Kind::kMap) {
          return Err(s.args[0].pos, absl::StrCat(n, "() expects a map, got ", arg.DebugString()));
        }
      }
    }
    MergeState* raw = st.get();
    BranchFn fn = [ctx, raw, arg_child, arg, use_incoming, vertex](const Traverser& t, std::vector<Traverser>* out) {
      std::optional<Value> m;
      if (!GetMapArg(ctx, arg_child, arg, t, use_incoming, &m)) return false;
      ValueMap search = m && !m->is_null() ? m->as_map() : ValueMap{};
      for (const auto& [k, v] : search) {
        if (k.is_string() && (k.as_string() == "~label" || k.as_string() == "~id")) return ctx->Fail(Hidden(k.as_string().substr(1)));
      }
      // No hidden keys, and no hidden or empty T.label values (TinkerPop's ElementHelper).
      auto hidden_free = [ctx](const std::optional<Value>& opt) {
        if (!opt || opt->is_null()) return true;
        for (const auto& [k, v] : opt->as_map()) {
          if (k.is_string() && absl::StartsWith(k.as_string(), "~")) return ctx->Fail(Hidden(k.as_string().substr(1)));
          if (k.kind() != Value::Kind::kToken || k.token() != Token::kLabel) continue;
          for (const Value& l : v.is_collection() ? v.as_list() : ValueList{v}) {
            if (l.is_string() && !steps::ValidLabel(ctx, l.as_string())) return false;
          }
        }
        return true;
      };
      if (!hidden_free(m)) return false;
      std::optional<Value> on_create;
      if (raw->has_create && !GetMapArg(ctx, raw->on_create, raw->on_create_v, t, false, &on_create)) return false;
      if (!hidden_free(on_create)) return false;
      // A constant onMatch map is checked even when nothing matches.
      if (raw->has_match && !raw->on_match && !hidden_free(raw->on_match_v)) return false;
      // A constant onCreate map that contradicts the merge map is an error even when nothing
      // is created; one a traversal computes is checked only when it is used (at creation).
      if (!raw->on_create && on_create && !on_create->is_null()) {
        for (const auto& [k, v] : on_create->as_map()) {
          for (const auto& [sk, sv] : search) {
            if (sk == k && !Equals(sv, v)) {
              return ctx->Fail(absl::InvalidArgumentError("option(onCreate) cannot override values from merge() argument"));
            }
          }
        }
      }
      auto apply_props = [&](const ValueMap& props, const Value& elem) {
        for (const auto& [k, v] : props) {
          if (k.kind() == Value::Kind::kToken) {
            if (k.token() == Token::kLabel && elem.is_vertex()) {
              std::vector<std::string> ls;
              if (v.is_string()) ls.push_back(v.as_string());
              if (v.is_collection()) for (const auto& x : v.as_list()) if (x.is_string()) ls.push_back(x.as_string());
              if (!steps::LabelsMayChange(ctx, "option(onMatch)")) return false;
              absl::Status s3 = ctx->txn->AddVertexLabels(elem.vertex().id, ls);
              if (!s3.ok()) return ctx->Fail(s3);
              continue;
            }
            return ctx->Fail(absl::InvalidArgumentError(absl::StrCat(
                "option(onMatch) cannot set ", TokenName(k.token()), " of an existing element")));
          }
          graph::PropertyWrite w("", graph::Value());
          absl::Status err;
          if (!PropertyWriteOf(k, v, graph::Cardinality::kSingle, &w, &err)) return ctx->Fail(err);
          absl::Status s2 = WriteProperty(ctx, elem, w);
          if (!s2.ok()) return ctx->Fail(s2);
        }
        ctx->InvalidateCache();
        return true;
      };
      // option(onMatch): a traversal runs on each matched element (TinkerPop's MergeStep).
      auto on_match_apply = [&](const Value& elem) {
        if (!raw->has_match) return true;
        std::optional<Value> on_match;
        if (!GetMapArg(ctx, raw->on_match, raw->on_match_v, ctx->Extend(t, elem), false, &on_match)) return false;
        if (!hidden_free(on_match)) return false;
        return !on_match || on_match->is_null() || apply_props(on_match->as_map(), elem);
      };
      if (vertex) {
        // Find the matches.
        std::vector<graph::VertexId> matches;
        std::optional<Value> id, label;
        for (const auto& [k, v] : search) {
          if (k.kind() == Value::Kind::kToken && k.token() == Token::kId) id = v;
          if (k.kind() == Value::Kind::kToken && k.token() == Token::kLabel) label = v;
        }
        std::unique_ptr<graph::VertexIdStream> stream;
        std::vector<graph::VertexId> cands;
        if (id) {
          std::optional<graph::VertexId> vid;
          EndSpec spec;
          spec.kind = EndSpec::kValue;
          spec.value = *id;
          if (!Resolve(ctx, spec, t, &vid)) return false;
          if (vid) cands.push_back(*vid);
        } else {
          if (label && label->is_string()) {
            auto l = ctx->reader->FindLabel(label->as_string());
            if (l) stream = ctx->reader->ScanVerticesWithLabel(*l);
          } else {
            stream = ctx->reader->ScanVertices();
          }
          if (stream) {
            for (graph::VertexId v; stream->Next(&v);) cands.push_back(v);
            if (!stream->status().ok()) return ctx->Fail(stream->status());
          }
        }
        for (auto c : cands) {
          bool ok;
          if (!VertexMatches(ctx, c, search, &ok)) return false;
          if (ok) matches.push_back(c);
        }
        if (!matches.empty()) {
          for (auto v : matches) {
            Value elem = Value::Vertex(v);
            if (!on_match_apply(elem)) return false;
            out->push_back(ctx->Extend(t, elem));
          }
          return true;
        }
        ValueMap create = search;
        if (on_create && !on_create->is_null()) {
          for (const auto& [k, v] : on_create->as_map()) {
            auto it = std::find_if(create.begin(), create.end(), [&key = k](const auto& e) { return e.first == key; });
            if (it != create.end()) {
              if (!Equals(it->second, v)) {
                return ctx->Fail(absl::InvalidArgumentError("option(onCreate) cannot override values from merge() argument"));
              }
              continue;
            }
            create.emplace_back(k, v);
          }
        }
        std::vector<std::string> l;
        graph::Value ext;
        std::vector<graph::PropertyWrite> props;
        for (const auto& [k, v] : create) {
          if (k.is_string() && absl::StartsWith(k.as_string(), "~")) return ctx->Fail(Hidden(k.as_string().substr(1)));
          if (k.kind() == Value::Kind::kToken) {
            if (k.token() == Token::kLabel) {
              l.clear();
              if (v.is_string()) {
                l.push_back(v.as_string());
              } else if (v.is_collection()) {
                for (const auto& x : v.as_list()) {
                  if (!x.is_string()) return ctx->Fail(absl::InvalidArgumentError("T.label must be a string"));
                  l.push_back(x.as_string());
                }
              } else {
                return ctx->Fail(absl::InvalidArgumentError("T.label must be a string or a list of strings"));
              }
            } else if (k.token() == Token::kId) {
              v.ToGraph(&ext);
            }
            continue;
          }
          graph::PropertyWrite w("", graph::Value());
          absl::Status err;
          if (!PropertyWriteOf(k, v, graph::Cardinality::kSingle, &w, &err)) return ctx->Fail(err);
          props.push_back(std::move(w));
        }
        if (!steps::CreationLabels(ctx, &l)) return false;
        auto r = ctx->txn->AddVertex(l, "", ext, props);
        if (!r.ok()) return ctx->Fail(r.status());
        ctx->InvalidateCache();
        out->push_back(ctx->Extend(t, Value::Vertex(*r)));
        return true;
      }
      // mergeE
      std::optional<Value> label, id;
      std::optional<graph::VertexId> src, dst;
      ValueMap props_search;
      for (const auto& [k, v] : search) {
        if (k.kind() == Value::Kind::kToken) {
          if (k.token() == Token::kLabel) label = v;
          else if (k.token() == Token::kId) id = v;
          else if (k.token() == Token::kOut || k.token() == Token::kIn) {
            Value end = v;
            if (v.kind() == Value::Kind::kToken) {
              // Merge.outV / Merge.inV: the vertex comes from option().
              bool out_side = v.token() == Token::kOut;
              std::optional<Value> mm;
              if (!GetMapArg(ctx, out_side ? raw->out_v : raw->in_v, out_side ? raw->out_v_v : raw->in_v_v, t, false, &mm, true)) return false;
              if (!mm) continue;
              end = *mm;
            }
            std::optional<graph::VertexId> vid;
            if (end.kind() == Value::Kind::kMap) {
              auto stream = ctx->reader->ScanVertices();
              for (graph::VertexId c; stream->Next(&c);) {
                bool ok;
                if (!VertexMatches(ctx, c, end.as_map(), &ok)) return false;
                if (ok) {
                  vid = c;
                  break;
                }
              }
            } else {
              EndSpec spec;
              spec.kind = EndSpec::kValue;
              spec.value = end;
              if (!Resolve(ctx, spec, t, &vid)) return false;
            }
            if (!vid) {
              return ctx->Fail(absl::FailedPreconditionError(absl::StrCat(
                  "Vertex does not exist for mergeE: ", k.token() == Token::kOut ? "out" : "in", " vertex ", end.DebugString())));
            }
            (k.token() == Token::kOut ? src : dst) = vid;
          }
          continue;
        }
        props_search.push_back({k, v});
      }
      std::vector<graph::EdgeKey> cands;
      {
        std::unique_ptr<graph::EdgeStream> es;
        std::optional<graph::LabelId> lid;
        if (label && label->is_string()) {
          lid = ctx->reader->FindLabel(label->as_string());
        }
        if (!(label && label->is_string() && !lid)) {
          if (src) es = ctx->reader->ScanEdges(*src, graph::Direction::kOut, lid);
          else if (dst) es = ctx->reader->ScanEdges(*dst, graph::Direction::kIn, lid);
          else es = ctx->reader->ScanAllEdges();
          for (graph::EdgeKey k; es->Next(&k);) {
            if (lid && k.label != *lid) continue;
            if (src && k.src != *src) continue;
            if (dst && k.dst != *dst) continue;
            cands.push_back(k);
          }
          if (!es->status().ok()) return ctx->Fail(es->status());
        }
      }
      std::vector<graph::EdgeKey> matches;
      for (const auto& k : cands) {
        auto e = ctx->GetEdge(k);
        if (!e) continue;
        bool ok = true;
        if (id && !Equals(ctx->EdgeId(k), *id)) ok = false;
        for (const auto& [pk, pv] : props_search) {
          const graph::Value* x = pk.is_string() ? e->Find(pk.as_string()) : nullptr;
          if (!x || !Equals(Value::FromGraph(*x), pv)) ok = false;
        }
        if (ok) matches.push_back(k);
      }
      if (!matches.empty()) {
        for (const auto& k : matches) {
          Value elem = Value::Edge(k);
          if (!on_match_apply(elem)) return false;
          out->push_back(ctx->Extend(t, elem));
        }
        return true;
      }
      std::string l = label && label->is_string() ? label->as_string() : "edge";
      if (on_create && !on_create->is_null()) {
        for (const auto& [k, v] : on_create->as_map()) {
          auto it = std::find_if(search.begin(), search.end(), [&key = k](const auto& e) { return e.first == key; });
          if (it != search.end() && !Equals(it->second, v)) {
            return ctx->Fail(absl::InvalidArgumentError("option(onCreate) cannot override values from merge() argument"));
          }
          if (k.kind() == Value::Kind::kToken) {
            if (k.token() == Token::kLabel && v.is_string()) l = v.as_string();
            if (k.token() == Token::kId && !id) id = v;
            if ((k.token() == Token::kOut && !src) || (k.token() == Token::kIn && !dst)) {
              std::optional<graph::VertexId> vid;
              EndSpec spec;
              spec.kind = EndSpec::kValue;
              spec.value = v;
              if (!Resolve(ctx, spec, t, &vid)) return false;
              if (!vid) return ctx->Fail(absl::FailedPreconditionError(absl::StrCat("Vertex does not exist for mergeE: ", v.DebugString())));
              (k.token() == Token::kOut ? src : dst) = vid;
            }
            continue;
          }
          if (it == search.end()) props_search.push_back({k, v});
        }
      }
      if (!src || !dst) {
        return ctx->Fail(absl::FailedPreconditionError(absl::StrCat(
            !src ? "Out Vertex not specified" : "In Vertex not specified",
            ": mergeE() needs both Direction.OUT and Direction.IN to create an edge")));
      }
      std::vector<graph::PropertyWrite> props;
      for (const auto& [k, v] : props_search) {
        graph::PropertyWrite w("", graph::Value());
        absl::Status err;
        if (!PropertyWriteOf(k, v, graph::Cardinality::kSingle, &w, &err)) return ctx->Fail(err);
        props.push_back(std::move(w));
      }
      graph::Value ext;
      if (id) id->ToGraph(&ext);
      auto r = ctx->txn->AddEdge(*src, l, *dst, ext, props);
      if (!r.ok()) return ctx->Fail(r.status());
      ctx->InvalidateCache();
      out->push_back(ctx->Extend(t, Value::Edge(*r)));
      return true;
    };
    p->Add(std::make_unique<MergeOp>(ctx, n, st, fn));
    return absl::OkStatus();
  }
  return Err(s.pos, absl::StrCat(n, "() is not supported"));
}

std::optional<absl::Status> Compiler::AddMutationStep(Pipeline* p, const Step& s,
    const StepList& steps, size_t* index) {
  Context* ctx = ctx_;
  const std::string& n = s.name;
  // ---- mutations ----
  if (n == "addV" || n == "addE" || n == "property" || n == "drop" || n == "mergeV" ||
      n == "mergeE") {
    return AddMutation(p, s, steps, index);
  }

  if (n == "addLabel") {
    KG_ASSIGN(labels, StringArgs(s));
    p->Add(std::make_unique<SideOp>(ctx, n, [ctx, labels](Traverser* t) {
      if (!t->obj.is_vertex()) return ctx->Fail(TypeError("addLabel", t->obj, "a vertex"));
      if (!steps::LabelsMayChange(ctx, "addLabel()")) return false;
      absl::Status st = ctx->txn->AddVertexLabels(t->obj.vertex().id, labels);
      if (!st.ok()) return ctx->Fail(st);
      ctx->InvalidateCache();
      return true;
    }));
    return absl::OkStatus();
  }
  return std::nullopt;
}

}  // namespace kg::query
