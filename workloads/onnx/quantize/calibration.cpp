// SPDX-License-Identifier: Apache-2.0
// Calibration samples and activation ranges (see calibration.hpp).
#include "workloads/onnx/quantize/calibration.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "sim/core/errors.hpp"
#include "workloads/onnx/tensor_file.hpp"
#include "workloads/reference/reference_ops.hpp"

namespace adasim::workloads::quantize {
namespace {

namespace fs = std::filesystem;
using Shape = std::vector<int64_t>;

std::string render(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

/// Binary 8-bit netpbm (P5 grey / P6 RGB, maxval 255) as a [1, C, H, W] float tensor, pixel / 255.
/// Another maxval is refused, not rescaled silently.
FloatTensor read_netpbm(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw sim::ConfigError(path, "", "a file that cannot be opened", "a readable image");
  std::string magic;
  in >> std::setw(8) >> magic;
  if (magic != "P5" && magic != "P6")
    throw sim::ConfigError(path, "header", "magic '" + magic + "'",
                           "a binary 8-bit PGM (P5) or PPM (P6) image");
  static constexpr const char* kNames[3] = {"width", "height", "maxval"};
  int64_t dims[3] = {0, 0, 0};  // width, height, maxval
  for (int i = 0; i < 3; ++i) {
    while (in >> std::ws && in.peek() == '#') in.ignore(1 << 20, '\n');  // comments
    std::string token;
    in >> std::setw(12) >> token;
    const bool digits =
        !token.empty() && token.size() <= 6 &&
        std::all_of(token.begin(), token.end(), [](unsigned char ch) { return std::isdigit(ch); });
    dims[i] = digits ? std::stoll(token) : 0;
    const bool ok = i == 2 ? dims[i] == 255 : dims[i] >= 1 && dims[i] <= 65535;
    if (!ok)
      throw sim::ConfigError(
          path, std::string("header ") + kNames[i], token.empty() ? "nothing" : "'" + token + "'",
          i == 2 ? "255 (8-bit images, read as pixel / 255)" : "an integer in [1, 65535]");
  }
  in.get();  // the single whitespace before the pixels
  const int64_t c = magic == "P6" ? 3 : 1, h = dims[1], w = dims[0];
  if (h * w > (int64_t(1) << 26))
    throw sim::ConfigError(path, "header",
                           std::to_string(w) + " x " + std::to_string(h) + " pixels",
                           "an image of at most 2^26 pixels");
  // The bytes left are counted before the pixels are allocated: a 20-byte file claiming 2^26
  // RGB pixels is refused without taking 200 MB first.
  const std::streamoff at = in.tellg();
  in.seekg(0, std::ios::end);
  const std::streamoff left = in.tellg() - at;
  in.seekg(at);
  std::vector<unsigned char> px;
  if (at >= 0 && left >= c * h * w) px.resize(size_t(c * h * w));
  if (px.empty() || !in.read(reinterpret_cast<char*>(px.data()), std::streamsize(px.size())))
    throw sim::ConfigError(path, "pixels", "a truncated file",
                           std::to_string(c * h * w) + " bytes of pixels");
  FloatTensor t{{1, c, h, w}, std::vector<float>(px.size())};
  for (int64_t y = 0; y < h; ++y)  // interleaved RGB -> planar CHW
    for (int64_t x = 0; x < w; ++x)
      for (int64_t ch = 0; ch < c; ++ch)
        t.data[size_t((ch * h + y) * w + x)] = float(px[size_t((y * w + x) * c + ch)]) / 255.0f;
  return t;
}

FloatTensor read_sample_file(const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  if (ext == ".pgm" || ext == ".ppm") return read_netpbm(path);
  const HostTensor h = read_tensor_file(path);
  if (!h.is_float())
    throw sim::ConfigError(path, "element type", h.type, "float32 calibration data");
  return {h.shape, h.floats};
}

/// Splits t into samples of `shape` along dim 0.
void add_samples(const std::string& path, const FloatTensor& t, const Shape& shape,
                 std::vector<Sample>& out) {
  bool ok = !shape.empty() && t.shape.size() == shape.size() && shape[0] > 0 &&
            t.shape[0] % shape[0] == 0;
  for (size_t d = 1; ok && d < shape.size(); ++d) ok = t.shape[d] == shape[d];
  if (!ok)
    throw sim::ConfigError(
        path, "shape", render(t.shape),
        "the model input's shape " + render(shape) + " (or a multiple of it along dim 0)");
  const int64_t per = t.elements() / (t.shape[0] / shape[0]);
  for (int64_t k = 0; k < t.shape[0] / shape[0]; ++k)
    out.push_back({FloatTensor{
        shape, std::vector<float>(t.data.begin() + k * per, t.data.begin() + (k + 1) * per)}});
}

/// Standard normal values from splitmix64 and the Box-Muller transform (the same on every
/// platform, unlike std::normal_distribution).
FloatTensor normal_tensor(const Shape& shape, uint64_t& state) {
  FloatTensor t{
      shape, std::vector<float>(size_t(std::max<int64_t>(0, FloatTensor{shape, {}}.elements())))};
  for (size_t i = 0; i < t.data.size(); i += 2) {
    const double u1 = (double(splitmix64_next(state) >> 11) + 1.0) / 9007199254740993.0;
    const double u2 = double(splitmix64_next(state) >> 11) / 9007199254740992.0;
    const double r = std::sqrt(-2.0 * std::log(u1));
    t.data[i] = float(r * std::cos(2 * M_PI * u2));
    if (i + 1 < t.data.size()) t.data[i + 1] = float(r * std::sin(2 * M_PI * u2));
  }
  return t;
}

}  // namespace

std::vector<Sample> calibration_samples(const std::vector<std::string>& paths,
                                        const std::vector<InputSpec>& inputs, int synthetic,
                                        uint64_t seed) {
  std::vector<Sample> out;
  if (paths.empty()) {
    uint64_t state = seed ^ 0x43414C4942ULL;  // "CALIB"
    for (int k = 0; k < synthetic; ++k) {
      Sample s;
      for (const InputSpec& in : inputs) s.push_back(normal_tensor(in.shape, state));
      out.push_back(std::move(s));
    }
    return out;
  }
  if (inputs.size() != 1) {  // one file per input, in order, for each sample (as --input)
    if (paths.size() % inputs.size() != 0)
      throw sim::ConfigError(paths.front(), "--calib", std::to_string(paths.size()) + " files",
                             "a multiple of the model's " + std::to_string(inputs.size()) +
                                 " float inputs (one file per input per sample, in input order)");
    for (size_t k = 0; k < paths.size(); k += inputs.size()) {
      Sample s;
      for (size_t i = 0; i < inputs.size(); ++i) {
        std::vector<Sample> one;
        add_samples(paths[k + i], read_sample_file(paths[k + i]), inputs[i].shape, one);
        if (one.size() != 1)
          throw sim::ConfigError(paths[k + i], "shape", "a batch of samples",
                                 render(inputs[i].shape));
        s.push_back(std::move(one[0][0]));
      }
      out.push_back(std::move(s));
    }
    return out;
  }
  for (const std::string& p : paths) {
    std::vector<std::string> files;
    if (fs::is_directory(p)) {
      for (const auto& e : fs::directory_iterator(p)) {
        const std::string ext = e.path().extension().string();
        if (ext == ".pb" || ext == ".npy" || ext == ".pgm" || ext == ".ppm")
          files.push_back(e.path().string());
      }
      std::sort(files.begin(), files.end());
      if (files.empty())
        throw sim::ConfigError(p, "--calib", "a folder without .pb / .npy / .pgm / .ppm files",
                               "calibration data");
    } else {
      files.push_back(p);
    }
    for (const std::string& f : files) add_samples(f, read_sample_file(f), inputs[0].shape, out);
  }
  return out;
}

std::map<std::string, Range> calibrate(FloatEvaluator& eval, const std::vector<Sample>& samples,
                                       const QuantizeOptions& o) {
  std::map<std::string, Range> minmax;
  for (const Sample& s : samples)
    eval.run(s, [&](const std::string& name, const FloatTensor& t) {
      auto [it, fresh] = minmax.try_emplace(name, Range{});
      for (float v : t.data) {
        if (!std::isfinite(v)) continue;
        it->second.lo = std::min(it->second.lo, double(v));
        it->second.hi = std::max(it->second.hi, double(v));
      }
      (void)fresh;
    });
  if (o.method == QuantizeOptions::Method::kMinMax) return minmax;
  // Percentiles: a histogram of each value over its min-max range.
  constexpr int kBins = 4096;
  std::map<std::string, std::vector<uint64_t>> hist;
  for (const Sample& s : samples)
    eval.run(s, [&](const std::string& name, const FloatTensor& t) {
      const Range& r = minmax.at(name);
      std::vector<uint64_t>& h = hist[name];
      h.resize(kBins, 0);
      const double width = (r.hi - r.lo) / kBins;
      for (float v : t.data) {
        if (!std::isfinite(v) || width <= 0) continue;
        ++h[size_t(std::min<double>(kBins - 1, std::max(0.0, (double(v) - r.lo) / width)))];
      }
    });
  std::map<std::string, Range> out;
  for (const auto& [name, h] : hist) {
    const Range& r = minmax.at(name);
    uint64_t total = 0;
    for (uint64_t c : h) total += c;
    const double width = (r.hi - r.lo) / kBins;
    const double tail = double(total) * (100.0 - o.percentile) / 100.0;
    int lo = 0, hi = kBins - 1;
    for (double acc = 0; lo < kBins - 1 && acc + double(h[size_t(lo)]) <= tail; ++lo)
      acc += double(h[size_t(lo)]);
    for (double acc = 0; hi > 0 && acc + double(h[size_t(hi)]) <= tail; --hi)
      acc += double(h[size_t(hi)]);
    out[name] = {std::min(0.0, r.lo + width * lo), std::max(0.0, r.lo + width * (hi + 1))};
  }
  return out;
}

}  // namespace adasim::workloads::quantize
