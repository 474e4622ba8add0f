// SPDX-License-Identifier: Apache-2.0
// Strict JSON input parsing (json_input.hpp): a SAX handler that builds the document itself, so
// that it knows the JSON pointer of every event and can refuse duplicate keys, deep nesting and
// out-of-range numbers with the location.
#include "sim/core/json_input.hpp"

#include <fstream>
#include <sstream>

namespace adasim::sim {
namespace {

using nlohmann::json;

// nlohmann's exception ids (json.exception.<kind>.<id>).
constexpr int kNumberOverflowId = 406;

std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

/// At most `max` characters of `s` (control bytes as '?'), with "..." when shortened.
std::string excerpt(const std::string& s, size_t max = 40) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    out += c < 0x20 || c == 0x7f ? '?' : s[i];
  }
  return s.size() > max ? out + "..." : out;
}

/// "line L, column C" (both from 1) of the byte at `index` (from 0).
std::string line_column(const std::string& text, size_t index) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < index && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

/// "syntax error while parsing object - unexpected string literal; expected '}'" out of
/// nlohmann's "[json.exception.parse_error.101] parse error at line 4, column 3: <this>; last
/// read: '...'".
std::string syntax_detail(const std::string& what) {
  std::string d = what;
  const size_t col = d.find("column ");
  const size_t colon = d.find(": ", col == std::string::npos ? 0 : col);
  if (colon != std::string::npos) d = d.substr(colon + 2);
  const size_t last = d.find("; last read:");
  if (last != std::string::npos) d = d.substr(0, last);
  return d;
}

/// Builds the document from SAX events, tracking the pointer of the value being read.
class StrictDomBuilder {
 public:
  explicit StrictDomBuilder(const std::string& text) : text_(text) {}

  bool null() { return put(json(nullptr)); }
  bool boolean(bool v) { return put(json(v)); }
  bool number_integer(json::number_integer_t v) { return put(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return put(json(v)); }
  bool number_float(json::number_float_t v, const json::string_t&) { return put(json(v)); }
  bool string(json::string_t& v) { return put(json(std::move(v))); }
  bool binary(json::binary_t& v) { return put(json::binary(std::move(v))); }

  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(json::string_t& k) {
    Frame& f = frames_.back();
    f.key = k;
    if (f.node->contains(k) && duplicates_.size() < kMaxIssues)
      duplicates_.push_back(InputIssue{"", pointer() + "/" + pointer_token(k),
                                       "a second \"" + excerpt(k) + "\" key in the same object",
                                       "each key at most once per object"});
    return true;
  }

  bool parse_error(std::size_t position, const std::string& last_token, const json::exception& ex) {
    // `position` counts the characters read: the last one is where parsing failed (nlohmann's
    // own convention); a number out of range is located at its first digit.
    const size_t last = position > 0 ? position - 1 : 0;
    if (ex.id == kNumberOverflowId) {
      const size_t start = position >= last_token.size() ? position - last_token.size() : 0;
      fatal_ = InputIssue{"", slot_pointer() + " (" + line_column(text_, start) + ")",
                          excerpt(last_token),
                          "a number within the range of a double (magnitude below 1.8e308)"};
    } else {
      fatal_ =
          InputIssue{"", line_column(text_, last),
                     last_token.empty() ? "the end of the input" : "'" + excerpt(last_token) + "'",
                     "valid JSON (" + syntax_detail(ex.what()) + ")"};
    }
    return false;
  }

  json& root() { return root_; }
  std::vector<InputIssue>& duplicates() { return duplicates_; }
  std::optional<InputIssue>& fatal() { return fatal_; }

 private:
  static constexpr size_t kMaxIssues = 50;

  struct Frame {
    json* node;
    std::string token;  // this container's key / index in its parent
    std::string key;    // objects: the key whose value comes next
  };

  /// Pointer of the innermost open container.
  std::string pointer() const {
    std::string out;
    for (size_t i = 1; i < frames_.size(); ++i) out += "/" + frames_[i].token;
    return out;
  }

  /// Pointer of the value about to be read.
  std::string slot_pointer() const {
    if (frames_.empty()) return "/";
    return pointer() + "/" + next_token();
  }

  std::string next_token() const {
    const Frame& f = frames_.back();
    return f.node->is_object() ? pointer_token(f.key) : std::to_string(f.node->size());
  }

  /// Stores `v` in the slot the parser is at; returns the stored value.
  json* place(json v) {
    if (frames_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Frame& f = frames_.back();
    if (f.node->is_object()) {
      json& slot = (*f.node)[f.key];
      slot = std::move(v);
      return &slot;
    }
    f.node->push_back(std::move(v));
    return &f.node->back();
  }

  bool put(json v) {
    place(std::move(v));
    return true;
  }

  bool open(json container) {
    const std::string token = frames_.empty() ? "" : next_token();
    if (frames_.size() >= kMaxJsonDepth) {
      fatal_ =
          InputIssue{"", pointer() + "/" + token,
                     "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels",
                     "at most " + std::to_string(kMaxJsonDepth) + " nested arrays and objects"};
      return false;
    }
    json* node = place(std::move(container));
    frames_.push_back(Frame{node, token, ""});
    return true;
  }

  bool close() {
    frames_.pop_back();
    return true;
  }

  const std::string& text_;
  json root_;
  std::vector<Frame> frames_;
  std::vector<InputIssue> duplicates_;
  std::optional<InputIssue> fatal_;
};

std::vector<InputIssue> with_file(std::vector<InputIssue> issues, const std::string& file) {
  for (InputIssue& i : issues) i.file = file;
  return issues;
}

}  // namespace

json parse_json_input(const std::string& text, const std::string& file) {
  StrictDomBuilder dom(text);
  const bool ok = json::sax_parse(text, &dom);
  if (!ok || dom.fatal()) {
    InputIssue issue =
        dom.fatal().value_or(InputIssue{"", "", "text that stops parsing", "valid JSON"});
    throw ConfigError(with_file({std::move(issue)}, file));
  }
  if (!dom.duplicates().empty()) throw ConfigError(with_file(std::move(dom.duplicates()), file));
  return std::move(dom.root());
}

json read_json_input(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, "", "no readable file at this path", "a readable JSON file");
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_json_input(buf.str(), path);
}

JsonValueParse parse_json_value(const std::string& text) {
  StrictDomBuilder dom(text);
  const bool ok = json::sax_parse(text, &dom);
  JsonValueParse out;
  if (ok && !dom.fatal() && dom.duplicates().empty()) {
    out.value = std::move(dom.root());
    return out;
  }
  const std::optional<InputIssue>& f = dom.fatal();
  const bool json_like =
      !dom.duplicates().empty() || (f && f->expected.rfind("valid JSON", 0) != 0);
  if (json_like) out.issue = f ? *f : dom.duplicates().front();
  return out;
}

}  // namespace adasim::sim
