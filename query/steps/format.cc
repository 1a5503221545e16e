// format(string): TinkerPop 3.7's string template step. Each %{name} in the template is replaced
// by, in this order: the element's property `name` (a vertex, an edge or a vertex property),
// else the value `name` names in scope (a map key of the object, a path label, a side effect);
// %{_} takes the next by() modulator's value (the object itself without by()). A variable
// without a value (or a null one) filters the traverser out, as TinkerPop's FormatStep does.
// "%%{x}" is not a variable (a % before it escapes it) and stays as written.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "query/by.h"
#include "query/exec_helpers.h"
#include "query/filters.h"
#include "query/ops.h"
#include "query/steps/steps.h"

namespace kg::query::steps {
namespace {

// One piece of the template: literal text, or a variable (its name) to substitute.
struct Segment {
  std::string text;
  bool variable = false;
};

// Java's regex "." does not match line terminators, so a %{...} spanning one is not a variable.
bool HasLineTerminator(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos ||
         s.find("\xC2\x85") != std::string_view::npos ||      // U+0085
         s.find("\xE2\x80\xA8") != std::string_view::npos ||  // U+2028
         s.find("\xE2\x80\xA9") != std::string_view::npos;    // U+2029
}

// The template split as TinkerPop's pattern (?<!%)%\{(.*?)\} splits it.
std::vector<Segment> ParseTemplate(const std::string& format) {
  std::vector<Segment> out;
  size_t literal_from = 0;
  for (size_t i = 0; i + 1 < format.size(); ++i) {
    if (format[i] != '%' || format[i + 1] != '{') continue;
    if (i > 0 && format[i - 1] == '%') continue;
    size_t close = format.find('}', i + 2);
    if (close == std::string::npos) break;
    std::string_view name(format.data() + i + 2, close - i - 2);
    if (HasLineTerminator(name)) continue;
    if (i > literal_from) out.push_back({format.substr(literal_from, i - literal_from), false});
    out.push_back({std::string(name), true});
    literal_from = close + 1;
    i = close;
  }
  if (literal_from < format.size()) out.push_back({format.substr(literal_from), false});
  return out;
}

class FormatOp : public FlatMapOp, public ByOwner {
 public:
  FormatOp(Context* ctx, std::string format)
      : FlatMapOp(ctx, "format", nullptr), format_(std::move(format)),
        segments_(ParseTemplate(format_)) {
    fn_ = [this](const Traverser& t, std::vector<Value>* out) { return Format(t, out); };
  }
  std::string Describe() const override { return absl::StrCat("format(\"", format_, "\")"); }

 private:
  bool Format(const Traverser& t, std::vector<Value>* out) {
    std::string result;
    size_t next_by = 0;  // the by() ring starts over for each traverser
    for (const Segment& seg : segments_) {
      if (!seg.variable) {
        absl::StrAppend(&result, seg.text);
        continue;
      }
      std::optional<Value> v;
      if (!Lookup(t, seg.text, &next_by, &v)) return false;
      if (!v || v->is_null()) return true;  // unproductive: the traverser is filtered out
      absl::StrAppend(&result, JavaString(ctx_, *v));
    }
    out->push_back(Value(std::move(result)));
    return true;
  }

  bool Lookup(const Traverser& t, const std::string& name, size_t* next_by,
              std::optional<Value>* out) {
    out->reset();
    if (name == "_") {
      if (bys_.empty()) {
        *out = t.obj;
        return true;
      }
      const By& by = bys_[(*next_by)++ % bys_.size()];
      return EvalBy(ctx_, by, t, out);
    }
    if (t.obj.is_element() || t.obj.kind() == Value::Kind::kVertexProperty) {
      std::vector<Value> values;
      if (!PropertyValues(ctx_, t.obj, name, &values)) return false;
      if (values.size() > 1) {
        return ctx_->Fail(absl::InvalidArgumentError(absl::StrCat(
            "Multiple properties exist for the provided key, use Vertex.properties(", name, ")")));
      }
      if (values.size() == 1) {
        *out = std::move(values[0]);
        return true;
      }
    }
    return ScopeValue(ctx_, t, name, Pop::kLast, out);
  }

  std::string format_;
  std::vector<Segment> segments_;
};

}  // namespace

std::unique_ptr<Op> Format(Context* ctx, std::string format) {
  return std::make_unique<FormatOp>(ctx, std::move(format));
}

}  // namespace kg::query::steps
