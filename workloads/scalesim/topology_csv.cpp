// SPDX-License-Identifier: Apache-2.0
// SCALE-Sim topology CSV -> Graph. Mirrors the behaviour (not the code) of
// scalesim/topology_utils.py in scalesim-project/scale-sim-v2 (read at commit 22f88b1; the
// conventions are written down in docs/scalesim_conventions.md, section 1):
//  - conv rows: name, ifmap H, ifmap W, filter R, filter S, channels C, filters K, stride
//    [, stride W]. SCALE-Sim's output size is ceil((H - R + stride) / stride) with Python's true
//    division, i.e. ceil((H - R) / stride) + 1, which is one more than floor((H - R) / stride) + 1
//    whenever the stride does not divide H - R (AlexNet conv1: 55, not 54). The windows of that
//    extra output row / column reach past the ifmap; SCALE-Sim leaves those elements without an
//    address but still streams them (they cost cycles and SRAM reads and count as MACs). We read
//    them as zero padding on the bottom / right edge only, so the layer has SCALE-Sim's GEMM view.
//  - rows whose name contains "DP" are depthwise: SCALE-Sim runs them as C separate one-channel
//    layers with K filters each, named "<name>Channel_<i>"; so do we (one layer each, in order).
//  - GEMM rows "name, M, N, K": SCALE-Sim's conv form is ifmap M x K, filter 1 x K, 1 channel,
//    N filters, stride 1, so ofmap = M x 1, window = K: GEMM view (M, Kred = K, N).
//  - SCALE-Sim asserts filter <= ifmap; it crashes on empty cells. We report those as errors,
//    but tolerate blank lines (also lines of only commas) and trailing empty cells. The form is
//    detected from the header (SCALE-Sim takes it from its -i flag).
#include "workloads/scalesim/topology_csv.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>

#include "sim/core/errors.hpp"
#include "workloads/ir/graph_checks.hpp"

namespace adasim::workloads {
namespace {

/// Layers one topology file may expand to, far above any published network's even with its
/// depthwise rows split per channel (MobileNets: a few thousand). 2^16: a 136-byte "DP" row of
/// 88,467 channels (found by fuzz_scalesim_csv) took 6 s under ASan at the former 2^18.
constexpr int64_t kMaxLayers = int64_t(1) << 16;

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string lower_squashed(const std::string& s) {  // "IFMAP  Height" -> "ifmap height"
  std::string out;
  for (char c : trim(s)) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += char(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

std::vector<std::string> split_cells(const std::string& line) {
  std::vector<std::string> cells;
  size_t start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    cells.push_back(trim(line.substr(start, comma == std::string::npos ? std::string::npos
                                                                       : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  while (!cells.empty() && cells.back().empty()) cells.pop_back();  // trailing commas
  return cells;
}

std::string quote(const std::string& s) { return "\"" + s + "\""; }

std::string join_quoted(const std::vector<std::string>& cells, size_t from) {
  std::string out;
  for (size_t i = from; i < cells.size(); ++i) out += (i > from ? ", " : "") + quote(cells[i]);
  return out;
}

enum class Form { kConv, kGemm };

const std::vector<std::string> kConvColumns = {"Layer name",   "IFMAP Height", "IFMAP Width",
                                               "Filter Height", "Filter Width", "Channels",
                                               "Num Filter",   "Strides"};
const std::vector<std::string> kGemmColumns = {"Layer", "M", "N", "K"};

struct Row {
  std::string name;
  int64_t h, w, r, s, c, k, stride_h, stride_w;
};

/// SCALE-Sim's output extent: ceil((in - window) / stride) + 1 (see the file comment).
int64_t scalesim_out(int64_t in, int64_t window, int64_t stride) {
  return (in - window + stride - 1) / stride + 1;
}

class TopologyReader {
 public:
  explicit TopologyReader(std::string file) : file_(std::move(file)) {}
  Graph read(std::istream& in);

 private:
  void issue(size_t line, const std::string& value, const std::string& expected) {
    issues_.push_back(sim::InputIssue{file_, "line " + std::to_string(line), value, expected});
  }
  bool parse_header(size_t line, const std::vector<std::string>& cells);
  std::optional<Row> parse_row(size_t line, const std::vector<std::string>& cells);
  void add_row(Graph& g, size_t line, const Row& row);
  void add_layer(Graph& g, const Row& row);

  std::string file_;
  std::vector<sim::InputIssue> issues_;
  Form form_ = Form::kConv;
  size_t columns_ = 8;  ///< data columns of the detected form (8 or 9 conv, 4 GEMM)
  std::map<std::string, size_t> names_;  ///< layer names (rows and depthwise channels) -> line
  std::vector<size_t> layer_lines_;  ///< line of each layer added to the graph
};

bool TopologyReader::parse_header(size_t line, const std::vector<std::string>& cells) {
  auto matches = [&](const std::vector<std::string>& want) {
    if (cells.size() < want.size()) return false;
    for (size_t i = 0; i < want.size(); ++i)
      if (lower_squashed(cells[i]) != lower_squashed(want[i])) return false;
    return true;
  };
  const bool stride_pair = cells.size() >= 9 && lower_squashed(cells[7]) == "stride height" &&
                           lower_squashed(cells[8]) == "stride width";
  if (matches(kGemmColumns)) {
    form_ = Form::kGemm;
    columns_ = 4;
  } else if (matches(kConvColumns)) {
    form_ = Form::kConv;
    columns_ = 8;
  } else if (stride_pair && cells.size() >= 7 &&
             std::equal(kConvColumns.begin(), kConvColumns.end() - 1, cells.begin(),
                        [](const std::string& a, const std::string& b) {
                          return lower_squashed(a) == lower_squashed(b);
                        })) {
    form_ = Form::kConv;
    columns_ = 9;
  } else {
    issue(line, join_quoted(cells, 0),
          "a SCALE-Sim header: \"Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter "
          "Width, Channels, Num Filter, Strides,\" or \"Layer, M, N, K,\"");
    return false;
  }
  const auto extra = std::find_if(cells.begin() + long(columns_), cells.end(),
                                  [](const std::string& c) { return !c.empty(); });
  if (extra != cells.end()) {
    issue(line, join_quoted(cells, columns_),
          "no header columns after column " + std::to_string(columns_) + " " +
              quote(cells[columns_ - 1]));
  }
  return true;
}

std::optional<Row> TopologyReader::parse_row(size_t line, const std::vector<std::string>& cells) {
  const std::vector<std::string> conv9 = {"Layer name",   "IFMAP Height",  "IFMAP Width",
                                          "Filter Height", "Filter Width", "Channels",
                                          "Num Filter",   "Stride height", "Stride width"};
  const std::vector<std::string>& names =
      form_ == Form::kGemm ? kGemmColumns : (columns_ == 9 ? conv9 : kConvColumns);
  const size_t required = form_ == Form::kGemm ? 4 : 8;
  bool ok = true;
  if (cells.size() < required) {
    issue(line, std::to_string(cells.size()) + " cells (" + join_quoted(cells, 0) + ")",
          std::to_string(required) + " cells: " + join_quoted(names, 0));
    return std::nullopt;
  }
  const auto extra = std::find_if(cells.begin() + long(std::min(columns_, cells.size())),
                                  cells.end(), [](const std::string& c) { return !c.empty(); });
  if (extra != cells.end()) {
    issue(line, join_quoted(cells, columns_),
          "nothing after column " + std::to_string(columns_) + " " + quote(names[columns_ - 1]) +
              " (SCALE-Sim has no further columns)");
    ok = false;
  }
  if (cells[0].empty()) {
    issue(line, quote(cells[0]), "a layer name in column 1");
    ok = false;
  } else if (auto [it, fresh] = names_.emplace(cells[0], line); !fresh) {
    issue(line, quote(cells[0]),
          "a layer name not used before (line " + std::to_string(it->second) + ")");
    ok = false;
  }
  std::vector<int64_t> v(columns_, 0);
  for (size_t i = 1; i < columns_ && i < cells.size(); ++i) {
    const std::string& cell = cells[i];
    if (i == 8 && cell.empty()) { v[8] = v[7]; continue; }  // stride width defaults to height
    // Window values (filter, strides; a GEMM's K is its filter width) have the bounds of kernels
    // and strides in JSON graphs and ONNX models; the other columns those of tensor dimensions.
    const bool window = form_ == Form::kGemm ? i == 3 : (i == 3 || i == 4 || i >= 7);
    const int64_t hi = window ? kMaxWindowAttr : kMaxTensorDim;
    const bool digits = !cell.empty() && cell.size() <= 12 &&
                        std::all_of(cell.begin(), cell.end(),
                                    [](char ch) { return ch >= '0' && ch <= '9'; });
    if (!digits || std::stoll(cell) < 1 || std::stoll(cell) > hi) {
      issue(line, quote(cell),
            "an integer in [1, " + std::to_string(hi) + "] in column " + std::to_string(i + 1) +
                " " + quote(names[i]));
      ok = false;
      continue;
    }
    v[i] = std::stoll(cell);
  }
  if (columns_ == 9 && cells.size() < 9) v[8] = v[7];
  if (!ok) return std::nullopt;
  Row row;
  row.name = cells[0];
  if (form_ == Form::kGemm) {
    // SCALE-Sim's conv form of a GEMM: ifmap M x K, filter 1 x K, 1 channel, N filters, stride 1.
    row.h = v[1]; row.w = v[3]; row.r = 1; row.s = v[3]; row.c = 1; row.k = v[2];
    row.stride_h = row.stride_w = 1;
    return row;
  }
  row.h = v[1]; row.w = v[2]; row.r = v[3]; row.s = v[4]; row.c = v[5]; row.k = v[6];
  row.stride_h = v[7];
  row.stride_w = columns_ == 9 ? v[8] : v[7];
  if (row.r > row.h) {
    issue(line, quote(cells[3]), "Filter Height <= IFMAP Height (" + cells[1] + ")");
    ok = false;
  }
  if (row.s > row.w) {
    issue(line, quote(cells[4]), "Filter Width <= IFMAP Width (" + cells[2] + ")");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return row;
}

void TopologyReader::add_row(Graph& g, size_t line, const Row& row) {
  if (row.name.find("DP") == std::string::npos) {
    add_layer(g, row);
    return;
  }
  // SCALE-Sim's depthwise naming: one single-channel layer per channel, with the row's filters.
  // Bounded: a channel count near kMaxTensorDim would otherwise build billions of layers.
  if (row.c > kMaxLayers || int64_t(g.layers.size()) + row.c > kMaxLayers) {
    issue(line, quote(std::to_string(row.c)) + " channels in a \"DP\" row",
          "at most " + std::to_string(kMaxLayers) +
              " layers in the file (a \"DP\" row adds one layer per channel)");
    return;
  }
  for (int64_t ch = 0; ch < row.c; ++ch) {
    Row one = row;
    one.name = row.name + "Channel_" + std::to_string(ch);
    one.c = 1;
    if (auto [it, fresh] = names_.emplace(one.name, line); !fresh) {
      issue(line, quote(one.name),
            "a layer name not used before (line " + std::to_string(it->second) +
                "; a \"DP\" row's channels are named <name>Channel_<i>)");
      return;
    }
    add_layer(g, one);
  }
}

void TopologyReader::add_layer(Graph& g, const Row& row) {
  TensorInfo in, w, out;
  in.name = row.name + ".ifmap";
  in.shape = {1, row.c, row.h, row.w};
  w.name = row.name + ".weight";
  w.shape = {row.k, row.c, row.r, row.s};
  w.is_constant = true;
  const int64_t p = scalesim_out(row.h, row.r, row.stride_h);
  const int64_t q = scalesim_out(row.w, row.s, row.stride_w);
  out.name = row.name + ".ofmap";
  out.shape = {1, row.k, p, q};
  Layer l;
  l.name = row.name;
  l.op = OpType::kConv2d;
  l.inputs = {in.name};
  l.weight = w.name;
  l.output = out.name;
  l.kernel_h = int(row.r);
  l.kernel_w = int(row.s);
  l.stride_h = int(row.stride_h);
  l.stride_w = int(row.stride_w);
  // The last output row / column's windows reach past the ifmap (stride not dividing H - R):
  // those elements read as zeros below and right of it (< stride of them).
  l.pad_b = int((p - 1) * row.stride_h + row.r - row.h);
  l.pad_r = int((q - 1) * row.stride_w + row.s - row.w);
  g.graph_inputs.push_back(in.name);
  g.graph_outputs.push_back(out.name);
  for (TensorInfo* t : {&in, &w, &out}) g.tensors[t->name] = *t;
  g.layers.push_back(std::move(l));
}

Graph TopologyReader::read(std::istream& in) {
  Graph g;
  g.source_file = file_;
  std::string stem = file_.substr(file_.find_last_of('/') == std::string::npos
                                      ? 0
                                      : file_.find_last_of('/') + 1);
  if (const size_t dot = stem.find_last_of('.'); dot != std::string::npos && dot > 0)
    stem = stem.substr(0, dot);
  g.name = stem;
  g.batch = 1;
  std::string text;
  size_t line_no = 0;
  bool header_seen = false, header_ok = false;
  while (std::getline(in, text)) {
    ++line_no;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    const std::vector<std::string> cells = split_cells(text);
    if (cells.empty()) continue;  // blank line, or only commas/spaces
    if (!header_seen) {
      header_seen = true;
      header_ok = parse_header(line_no, cells);
      if (!header_ok) break;  // rows cannot be read without knowing the form
      continue;
    }
    if (auto row = parse_row(line_no, cells)) {
      add_row(g, line_no, *row);
      layer_lines_.resize(g.layers.size(), line_no);  // a "DP" row adds one layer per channel
    }
  }
  if (!header_seen)
    issue(std::max<size_t>(line_no, 1), "an empty file", "a SCALE-Sim header and layer rows");
  else if (header_ok && g.layers.empty() && issues_.empty())
    issue(line_no, "no layer rows", "at least one layer row after the header");
  if (!issues_.empty()) throw sim::ConfigError(issues_);
  GraphLocator where;
  where.layer = [this](size_t i) { return "line " + std::to_string(layer_lines_.at(i)); };
  where.tensor = [this, &g](const std::string& tensor) {  // each row owns its three tensors
    for (size_t i = 0; i < g.layers.size(); ++i) {
      const Layer& l = g.layers[i];
      if (l.inputs.at(0) == tensor || l.weight == tensor || l.output == tensor)
        return "line " + std::to_string(layer_lines_.at(i));
    }
    return std::string("line 1");
  };
  check_graph_sizes(g, file_, where);
  return g;
}

}  // namespace

Graph parse_scalesim_topology(std::istream& in, const std::string& file_label) {
  return TopologyReader(file_label).read(in);
}

Graph load_scalesim_topology(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw sim::ConfigError(path, "line 0", "a file that cannot be opened",
                                  "a readable SCALE-Sim topology CSV");
  return parse_scalesim_topology(in, path);
}

}  // namespace adasim::workloads
