// Start steps and moves: V()/E() with the index plans, out()/in()/both() and their edge
// forms, outV()/inV()/otherV(), inject(), and the traversal source steps (with*()).
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

absl::Status Compiler::Source(const Step& s) {
  if (s.name == "withSideEffect") {
    if (s.args.size() < 2) return Err(s.pos, "withSideEffect() takes a key and a value");
    auto k = StringArg(s, 0);
    if (!k.ok()) return k.status();
    auto v = Eval(s.args[1]);
    if (!v.ok()) return v.status();
    ctx_->side_effects[*k] = *v;
    if (s.args.size() > 2) {
      std::string op = EnumName(s.args[2]);
      if (!absl::StartsWith(op, "Operator.")) return Err(s.args[2].pos, "withSideEffect() expects an Operator");
      ctx_->side_effect_ops[*k] = op.substr(9);
      if (op == "Operator.addAll" && v->is_collection()) ctx_->aggregates[*k] = v->as_list();
    } else if (v->is_collection()) {
      ctx_->aggregates[*k] = v->as_list();
    }
    return absl::OkStatus();
  }
  if (s.name == "withStrategies") {
    for (const auto& a : s.args) {
      if (a.kind == Expr::Kind::kParam && a.name == "ProductiveByStrategy") {
        ctx_->productive_by = true;
        notes.push_back("ProductiveByStrategy: an unproductive by() yields null");
      }
    }
    return absl::OkStatus();
  }
  if (s.name == "withoutStrategies") {
    for (const auto& a : s.args) {
      if (a.kind == Expr::Kind::kParam && a.name == "ConnectiveStrategy") {
        ctx_->connective_strategy = false;
        notes.push_back("without ConnectiveStrategy: a bare and()/or() has no child traversals");
      }
    }
    return absl::OkStatus();
  }
  if (s.name == "withBulk") {
    if (s.args.size() != 1) return Err(s.pos, "withBulk() takes true or false");
    auto v = Eval(s.args[0]);
    if (!v.ok()) return v.status();
    if (v->kind() != Value::Kind::kBool) {
      return Err(s.args[0].pos, "withBulk() takes true or false");
    }
    ctx_->bulk = v->as_bool();
    return absl::OkStatus();
  }
  if (s.name == "withSack") {
    if (s.args.empty() || s.args.size() > 2) {
      return Err(s.pos, "withSack() takes an initial value and optionally a merge Operator");
    }
    if (s.args[0].kind == Expr::Kind::kTraversal) return Err(s.args[0].pos, "withSack() expects a value");
    auto v = Eval(s.args[0]);
    if (!v.ok()) return v.status();
    ctx_->sack_initial = *v;
    if (s.args.size() == 2) {
      std::string op = EnumName(s.args[1]);
      if (!absl::StartsWith(op, "Operator.")) return Err(s.args[1].pos, "withSack() expects an Operator to merge sacks");
      ctx_->sack_merge = op.substr(9);
    }
    return absl::OkStatus();
  }
  if (s.name == "with" && !s.args.empty() && s.args[0].kind == Expr::Kind::kLiteral &&
      s.args[0].literal.is_string()) {
    const std::string& option = s.args[0].literal.as_string();
    if (option == "multilabel" || option == "singlelabel") {
      ctx_->multi_label = option == "multilabel";
      return absl::OkStatus();
    }
    if (option == "allowNullPropertyValues") {
      auto v = s.args.size() == 2 ? Eval(s.args[1]) : absl::StatusOr<Value>(Value(true));
      if (!v.ok()) return v.status();
      if (v->kind() != Value::Kind::kBool) return Err(s.args[1].pos, "with(\"allowNullPropertyValues\") expects true or false");
      ctx_->allow_null_properties = v->as_bool();
      return absl::OkStatus();
    }
    if (option == "vertexLabelCardinality") {
      auto v = s.args.size() == 2 ? Eval(s.args[1]) : absl::StatusOr<Value>(Value());
      if (!v.ok()) return v.status();
      if (!v->is_string() || (v->as_string() != "one" && v->as_string() != "zeroOrMore")) {
        return Err(s.args.size() == 2 ? s.args[1].pos : s.pos,
                   "with(\"vertexLabelCardinality\") expects \"one\" or \"zeroOrMore\"");
      }
      ctx_->options.vertex_label_cardinality =
          v->as_string() == "one" ? LabelCardinality::kOne : LabelCardinality::kZeroOrMore;
      return absl::OkStatus();
    }
  }
  // with(), withoutStrategies(), withSack(), ...: accepted, no effect.
  notes.push_back(absl::StrCat("source step ", s.name, "() accepted without effect"));
  return absl::OkStatus();
}

void Compiler::PlanVertexScan(GraphStartOp* op, const std::vector<const Step*>& steps, size_t i) {
  std::string label, key;
  std::optional<Value> value;
  for (size_t j = i + 1; j < steps.size(); ++j) {
    const Step& s = *steps[j];
    if (s.name == "hasLabel" && s.args.size() == 1 && !IsPredicate(s.args[0])) {
      auto v = Eval(s.args[0]);
      if (v.ok() && v->is_string()) label = v->as_string();
      continue;
    }
    if (s.name == "has" && (s.args.size() == 2 || s.args.size() == 3) && !IsPredicate(s.args.back()) &&
        s.args.back().kind != Expr::Kind::kTraversal) {
      size_t ki = s.args.size() - 2;
      auto k = Eval(s.args[ki]);
      auto v = Eval(s.args.back());
      if (!k.ok() || !v.ok() || !k->is_string()) continue;
      if (s.args.size() == 3) {
        auto l = Eval(s.args[0]);
        if (!l.ok() || !l->is_string()) continue;
        label = l->as_string();
      }
      if (!value) {
        key = k->as_string();
        value = *v;
      }
      continue;
    }
    if (s.name == "as" || s.name == "has" || s.name == "hasLabel" || s.name == "hasId") continue;
    break;
  }
  if (value && !label.empty()) {
    for (const auto& spec : ctx_->reader->Indexes()) {
      if (spec.label == label && spec.key == key) {
        op->plan = GraphStartOp::Plan::kIndexExact;
        op->label = label;
        op->key = key;
        op->value = *value;
        notes.push_back(absl::StrCat("index: V().has(", label, ", ", key, ", v) -> property index seek"));
        return;
      }
    }
  }
  const std::vector<std::string>& alias_keys = ctx_->alias_properties;
  if (value && value->is_string() &&
      std::find(alias_keys.begin(), alias_keys.end(), key) != alias_keys.end()) {
    op->plan = GraphStartOp::Plan::kAlias;
    op->label = label;
    op->value = *value;
    notes.push_back(absl::StrCat("index: V().has(\"", key, "\", ", value->DebugString(),
                                 ") -> name/alias index lookup"));
    return;
  }
  if (!label.empty()) {
    op->plan = GraphStartOp::Plan::kLabel;
    op->label = label;
    notes.push_back(absl::StrCat("index: V().hasLabel(", label, ") -> label scan"));
  }
}

std::optional<absl::Status> Compiler::AddMoveStep(Pipeline* p, const Step& s,
    const StepList& steps, size_t* index) {
  Context* ctx = ctx_;
  const std::string& n = s.name;
  // to(Direction, labels...), toE(Direction, labels...) and toV(Direction): TinkerPop's
  // direction-parameterised forms of out()/in()/both(), outE()... and outV()/inV()/bothV().
  if ((n == "to" || n == "toE" || n == "toV") && !s.args.empty() &&
      absl::StartsWith(EnumName(s.args[0]), "Direction.")) {
    Step vertex_step = DirectionStep(s);
    if (vertex_step.name.empty()) {
      return Err(s.args[0].pos, absl::StrCat(n, "() expects Direction.OUT, IN or BOTH"));
    }
    return AddStep(p, vertex_step, steps, index);
  }

  // ---- start and graph steps ----
  if (n == "V" || n == "E") {
    auto op = std::make_unique<GraphStartOp>(ctx, n == "V");
    for (const auto& a : s.args) {
      if (a.kind == Expr::Kind::kTraversal) {
        KG_ASSIGN(c, ReadOnlyChild(a));
        op->id_children.push_back(c);
        continue;
      }
      KG_ASSIGN(v, Eval(a));
      op->ids.push_back(v);
    }
    if (!s.args.empty()) {
      op->plan = GraphStartOp::Plan::kIds;
    } else {
      // V().count(), V().hasLabel(l).count(), E().count(), E().hasLabel(l).count(): read the
      // maintained counts.
      size_t j = *index + 1;
      std::optional<std::string> label;
      if (j < steps.size() && steps[j]->name == "hasLabel" && steps[j]->args.size() == 1 &&
          !IsPredicate(steps[j]->args[0])) {
        auto l = Eval(steps[j]->args[0]);
        if (l.ok() && l->is_string()) {
          label = l->as_string();
          ++j;
        }
      }
      if (!child_ && *index == 0 && j < steps.size() && steps[j]->name == "count" &&
          steps[j]->args.empty() && (steps[j - 1]->name != "hasLabel" || label)) {
        bool vertices = n == "V";
        std::optional<std::string> lab = label;
        notes.push_back(absl::StrCat(n, "()", lab ? absl::StrCat(".hasLabel(", *lab, ")") : "",
                                     ".count() -> maintained count"));
        p->Add(std::make_unique<FlatMapOp>(
            ctx, absl::StrCat(n, "()", lab ? absl::StrCat(".hasLabel(", *lab, ")") : "", ".count() [maintained count]"),
            [ctx, vertices, lab](const Traverser&, std::vector<Value>* out) {
              std::optional<graph::LabelId> id;
              if (lab) {
                id = ctx->reader->FindLabel(*lab);
                if (!id) {
                  out->push_back(Value(int64_t{0}));
                  return true;
                }
              }
              auto c = vertices ? ctx->reader->CountVertices(id) : ctx->reader->CountEdges(id);
              if (!c.ok()) return ctx->Fail(c.status());
              out->push_back(Value(*c));
              return true;
            }));
        *index = j;
        return absl::OkStatus();
      }
      if (n == "V") PlanVertexScan(op.get(), steps, *index);
    }
    p->Add(std::move(op));
    return absl::OkStatus();
  }

  if (n == "out" || n == "in" || n == "both" || n == "outE" || n == "inE" || n == "bothE") {
    KG_ASSIGN(labels, StringArgs(s));
    int dirs = absl::StartsWith(n, "out") ? 1 : absl::StartsWith(n, "in") ? 2 : 3;
    if (*index + 1 < steps.size() && steps[*index + 1]->name == "count" && steps[*index + 1]->args.empty()) {
      // AdjacentToIncident + CountStrategy: out(l).count() sums maintained degrees, no scan.
      ++*index;
      notes.push_back(absl::StrCat(n, "(", absl::StrJoin(labels, ","), ").count() -> sum of maintained degrees"));
      auto total = std::make_shared<int64_t>(0);
      p->Add(std::make_unique<BarrierOp>(
          ctx, absl::StrCat(n, "(", absl::StrJoin(labels, ","), ").count() [degree sum]"), [total] { *total = 0; },
          [ctx, total, dirs, labels, n](Traverser&& t) {
            if (!t.obj.is_vertex()) return ctx->Fail(TypeError(n, t.obj, "a vertex"));
            for (int d = 1; d <= 2; ++d) {
              if (!(dirs & d)) continue;
              auto dir = d == 1 ? graph::Direction::kOut : graph::Direction::kIn;
              std::vector<std::optional<graph::LabelId>> ls;
              if (labels.empty()) ls.push_back(std::nullopt);
              for (const auto& l : labels) {
                auto id = ctx->reader->FindLabel(l);
                if (id) ls.push_back(id);
              }
              for (const auto& l : ls) {
                auto deg = ctx->reader->Degree(t.obj.vertex().id, dir, l);
                if (!deg.ok()) return ctx->Fail(deg.status());
                *total = SatAdd(*total, SatMul(*deg, t.bulk));
              }
            }
            return true;
          },
          [ctx, total](std::vector<Traverser>* out) {
            out->push_back(ctx->Fresh(Value(*total), 1));
            return true;
          }));
      return absl::OkStatus();
    }
    p->Add(std::make_unique<AdjacentOp>(ctx, n, dirs, absl::EndsWith(n, "E"), labels));
    return absl::OkStatus();
  }

  if (n == "outV" || n == "inV" || n == "bothV" || n == "otherV") {
    KG_RETURN_IF_ERROR(NArgs(s, 0, 0));
    std::string name = n;
    p->Add(std::make_unique<FlatMapOp>(ctx, n, [ctx, name](const Traverser& t, std::vector<Value>* out) {
      if (!t.obj.is_edge()) return ctx->Fail(TypeError(name, t.obj, "an edge"));
      const auto& k = t.obj.edge().key;
      if (name == "outV") out->push_back(Value::Vertex(k.src));
      else if (name == "inV") out->push_back(Value::Vertex(k.dst));
      else if (name == "bothV") {
        out->push_back(Value::Vertex(k.src));
        out->push_back(Value::Vertex(k.dst));
      } else {
        // The end we did not come from: the object before the edge in the path.
        const PathNode* prev = t.path && t.path->prev ? t.path->prev.get() : nullptr;
        if (prev && prev->obj.is_vertex() && prev->obj.vertex().id == k.src) {
          out->push_back(Value::Vertex(k.dst));
        } else {
          out->push_back(Value::Vertex(k.src));
        }
      }
      return true;
    }));
    return absl::OkStatus();
  }

  if (n == "inject") {
    ValueList vals;
    for (const auto& a : s.args) {
      KG_ASSIGN(v, Eval(a));
      vals.push_back(v);
    }
    if (s.args.empty()) vals.clear();
    p->Add(std::make_unique<InjectOp>(ctx, vals, /*feed_first=*/child_ && p->empty()));
    return absl::OkStatus();
  }
  return std::nullopt;
}

}  // namespace kg::query
