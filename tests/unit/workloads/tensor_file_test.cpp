// SPDX-License-Identifier: Apache-2.0
// Host tensor files: .pb and .npy round trips for every element type, hand-written .npy bytes,
// malformed files (each a ConfigError naming the file), TensorProto typed fields, and the host
// conversions QuantizeLinear / DequantizeLinear checked against the ONNX backend test data.
#include "workloads/onnx/tensor_file.hpp"

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "reference_data.hpp"
#include "sim/core/errors.hpp"

namespace adasim::workloads {
namespace {

namespace fs = std::filesystem;

std::string temp_path(const std::string& name) {
  const fs::path dir =
      fs::path(testing::TempDir()) / ("adasim_tensor_file_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return (dir / name).string();
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

/// A .npy file from a header dict written by hand (format 1.0 unless `major` says otherwise).
std::string npy_bytes(const std::string& dict, const std::string& data, int major = 1) {
  std::string header = dict;
  const size_t fixed = 6 + 2 + (major == 1 ? 2 : 4);
  while ((fixed + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += char(major);
  out += char(0);
  const size_t len = header.size();
  out += char(len & 0xFF);
  out += char((len >> 8) & 0xFF);
  if (major != 1) out += std::string(2, '\0');
  return out + header + data;
}

std::vector<HostTensor> every_type() {
  return {
      HostTensor::make_float("f", {2, 3}, {0.5f, -1.25f, 3.0e-8f, 1e30f, -0.0f, 7.0f}),
      HostTensor::make_int("u", kTypeUint8, {4}, {0, 1, 200, 255}),
      HostTensor::make_int("i", kTypeInt8, {2, 2}, {-128, -1, 0, 127}),
      HostTensor::make_int("u16", kTypeUint16, {3}, {0, 40000, 65535}),
      HostTensor::make_int("i16", kTypeInt16, {3}, {-32768, -2, 32767}),
      HostTensor::make_int("w", kTypeInt32, {3}, {-2147483648LL, 0, 2147483647LL}),
      HostTensor::make_int("l", kTypeInt64, {2}, {-(int64_t(1) << 62), (int64_t(1) << 40) + 3}),
      HostTensor::make_float("scalar", {}, {2.5f}),
      HostTensor::make_int("empty", kTypeInt8, {0, 3}, {}),
  };
}

void expect_same(const HostTensor& a, const HostTensor& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.shape, b.shape);
  EXPECT_EQ(a.ints, b.ints);
  ASSERT_EQ(a.floats.size(), b.floats.size());
  for (size_t i = 0; i < a.floats.size(); ++i)  // bit patterns, so -0.0 counts
    EXPECT_EQ(std::memcmp(&a.floats[i], &b.floats[i], 4), 0) << a.name << " element " << i;
}

TensorInfo info8(const std::string& name, std::vector<int64_t> shape, bool is_signed,
                 double scale = 1.0, int32_t zero_point = 0) {
  TensorInfo t;
  t.name = name;
  t.shape = std::move(shape);
  t.is_signed = is_signed;
  t.scale = scale;
  t.zero_point = zero_point;
  return t;
}

/// The ConfigError thrown by reading `path`; fails if none.
sim::ConfigError read_error(const std::string& path) {
  try {
    read_tensor_file(path);
  } catch (const sim::ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no ConfigError for " << path;
  return sim::ConfigError("", "", "", "");
}

TEST(TensorFile, PbRoundTripEveryType) {
  for (const HostTensor& t : every_type()) {
    const std::string path = temp_path(t.name + ".pb");
    write_tensor_pb(path, t);
    const HostTensor r = read_tensor_file(path);
    EXPECT_EQ(r.name, t.name);
    EXPECT_EQ(r.source, path);
    expect_same(r, t);
  }
}

TEST(TensorFile, NpyRoundTripEveryType) {
  for (const HostTensor& t : every_type()) {
    const std::string path = temp_path(t.name + ".npy");
    write_npy(path, t);
    const HostTensor r = read_tensor_file(path);
    EXPECT_EQ(r.name, "");  // .npy files carry no name
    expect_same(r, t);
    // Data starts at a multiple of 64 bytes, as numpy.lib.format writes it.
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t header_len = size_t(uint8_t(bytes[8])) | size_t(uint8_t(bytes[9])) << 8;
    EXPECT_EQ((10 + header_len) % 64, 0u);
    EXPECT_EQ(bytes[10 + header_len - 1], '\n');
  }
}

TEST(TensorFile, HandWrittenNpy) {
  const std::string p1 = temp_path("hand_i4.npy");
  // int32 [2, 3] = 1..6, then -1 in the last element, little-endian.
  std::string data;
  for (int32_t v : {1, 2, 3, 4, 5, -1})
    for (int b = 0; b < 4; ++b) data += char((uint32_t(v) >> (8 * b)) & 0xFF);
  write_bytes(p1, npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", data));
  HostTensor t = read_tensor_file(p1);
  EXPECT_EQ(t.type, "int32");
  EXPECT_EQ(t.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(t.ints, (std::vector<int64_t>{1, 2, 3, 4, 5, -1}));

  const std::string p2 = temp_path("hand_u1_v2.npy");  // format 2.0, 1-D, double quotes
  write_bytes(p2, npy_bytes("{\"descr\": \"|u1\", \"fortran_order\": False, \"shape\": (3,)}",
                            std::string("\x00\x80\xff", 3), 2));
  t = read_tensor_file(p2);
  EXPECT_EQ(t.type, "uint8");
  EXPECT_EQ(t.shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(t.ints, (std::vector<int64_t>{0, 128, 255}));

  const std::string p3 = temp_path("hand_f4_scalar.npy");  // scalar 1.5f = 0x3FC00000
  write_bytes(p3, npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
                            std::string("\x00\x00\xc0\x3f", 4)));
  t = read_tensor_file(p3);
  EXPECT_EQ(t.type, "float32");
  EXPECT_TRUE(t.shape.empty());
  ASSERT_EQ(t.floats.size(), 1u);
  EXPECT_EQ(t.floats[0], 1.5f);

  // int16 [3] = -2, 300, -32768 and uint16 [2] = 40000, 1, little-endian two bytes each.
  const std::string p5 = temp_path("hand_i2.npy");
  write_bytes(p5, npy_bytes("{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }",
                            std::string("\xfe\xff\x2c\x01\x00\x80", 6)));
  t = read_tensor_file(p5);
  EXPECT_EQ(t.type, "int16");
  EXPECT_EQ(t.ints, (std::vector<int64_t>{-2, 300, -32768}));
  const std::string p6 = temp_path("hand_u2.npy");
  write_bytes(p6, npy_bytes("{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }",
                            std::string("\x40\x9c\x01\x00", 4)));
  t = read_tensor_file(p6);
  EXPECT_EQ(t.type, "uint16");
  EXPECT_EQ(t.ints, (std::vector<int64_t>{40000, 1}));

  const std::string p4 = temp_path("hand_i1_i8.npy");
  write_bytes(p4,
              npy_bytes("{'descr': '|i1', 'fortran_order': False, 'shape': (2,), }", "\xfe\x05"));
  EXPECT_EQ(read_tensor_file(p4).ints, (std::vector<int64_t>{-2, 5}));
}

TEST(TensorFile, MalformedNpyNamesTheFile) {
  const std::string ok_dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }";
  struct Case {
    std::string name, bytes, where;
  };
  const std::vector<Case> cases = {
      {"truncated.npy", npy_bytes(ok_dict, std::string(7, '\0')), "data"},
      {"too_long.npy", npy_bytes(ok_dict, std::string(9, '\0')), "data"},
      {"magic.npy", "\x93NUMPX" + npy_bytes(ok_dict, std::string(8, '\0')).substr(6), "byte 0"},
      {"fortran.npy",
       npy_bytes("{'descr': '<i4', 'fortran_order': True, 'shape': (2,), }", std::string(8, '\0')),
       "header fortran_order"},
      {"f8.npy",
       npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                 std::string(16, '\0')),
       "header descr"},
      {"big_endian.npy",
       npy_bytes("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", std::string(8, '\0')),
       "header descr"},
      {"version3.npy", npy_bytes(ok_dict, std::string(8, '\0'), 3), "format version"},
      {"no_shape.npy",
       npy_bytes("{'descr': '<i4', 'fortran_order': False, }", std::string(8, '\0')), "header"},
      {"extra_key.npy",
       npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), 'x': 1}", ""), "header"},
      {"header_cut.npy", npy_bytes(ok_dict, "").substr(0, 40), "header"},
      {"tiny.npy", "\x93NUM", "byte 0"},
  };
  for (const Case& c : cases) {
    const std::string path = temp_path(c.name);
    write_bytes(path, c.bytes);
    const sim::ConfigError e = read_error(path);
    ASSERT_EQ(e.issues().size(), 1u) << c.name;
    EXPECT_EQ(e.issues()[0].file, path) << c.name;
    EXPECT_EQ(e.issues()[0].where, c.where) << c.name << ": " << e.what();
  }
}

TEST(TensorFile, MalformedPbNamesTheFile) {
  const std::string garbage = temp_path("garbage.pb");
  write_bytes(garbage, "\xff\xff\xff\xff not a protobuf");
  EXPECT_NE(std::string(read_error(garbage).what()).find("garbage.pb"), std::string::npos);

  onnx::TensorProto t;
  t.set_name("x");
  t.set_data_type(onnx::TensorProto::INT32);
  t.add_dims(3);
  t.set_raw_data(std::string(11, '\0'));  // 3 int32 need 12 bytes
  const std::string short_raw = temp_path("short_raw.pb");
  write_bytes(short_raw, t.SerializeAsString());
  sim::ConfigError e = read_error(short_raw);
  EXPECT_EQ(e.issues()[0].file, short_raw);
  EXPECT_EQ(e.issues()[0].value, "11 bytes");

  t.set_data_type(onnx::TensorProto::DOUBLE);
  t.set_raw_data(std::string(24, '\0'));
  const std::string dbl = temp_path("double.pb");
  write_bytes(dbl, t.SerializeAsString());
  e = read_error(dbl);
  EXPECT_EQ(e.issues()[0].value, "double");

  t.set_data_type(onnx::TensorProto::FLOAT);
  t.clear_raw_data();
  t.set_data_location(onnx::TensorProto::EXTERNAL);
  auto* kv = t.add_external_data();
  kv->set_key("location");
  kv->set_value("weights.bin");
  const std::string ext = temp_path("external.pb");
  write_bytes(ext, t.SerializeAsString());
  e = read_error(ext);
  EXPECT_EQ(e.issues()[0].value, "external data");

  const std::string missing = temp_path("does_not_exist.pb");
  EXPECT_EQ(read_error(missing).issues()[0].file, missing);
}

TEST(TensorFile, TypedRepeatedFields) {
  onnx::TensorProto f;
  f.set_name("f");
  f.set_data_type(onnx::TensorProto::FLOAT);
  f.add_dims(2);
  f.add_float_data(1.5f);
  f.add_float_data(-2.0f);
  const std::string pf = temp_path("typed_f.pb");
  write_bytes(pf, f.SerializeAsString());
  EXPECT_EQ(read_tensor_file(pf).floats, (std::vector<float>{1.5f, -2.0f}));

  onnx::TensorProto u;  // uint8 values live in int32_data
  u.set_data_type(onnx::TensorProto::UINT8);
  u.add_dims(3);
  for (int v : {0, 7, 255}) u.add_int32_data(v);
  const std::string pu = temp_path("typed_u8.pb");
  write_bytes(pu, u.SerializeAsString());
  EXPECT_EQ(read_tensor_file(pu).ints, (std::vector<int64_t>{0, 7, 255}));
  u.set_int32_data(1, 256);  // out of uint8 range
  write_bytes(pu, u.SerializeAsString());
  EXPECT_EQ(read_error(pu).issues()[0].where, "tensor '' int32_data[1]");

  onnx::TensorProto l;
  l.set_data_type(onnx::TensorProto::INT64);
  l.add_dims(1);
  l.add_dims(2);
  l.add_int64_data(-1);
  l.add_int64_data(int64_t(1) << 50);
  const std::string pl = temp_path("typed_i64.pb");
  write_bytes(pl, l.SerializeAsString());
  const HostTensor r = read_tensor_file(pl);
  EXPECT_EQ(r.shape, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(r.ints, (std::vector<int64_t>{-1, int64_t(1) << 50}));
}

TEST(TensorFile, OutputFilesWriteBothFormats) {
  const std::string dir = temp_path("dump");
  write_output_files(dir, {HostTensor::make_int("y", kTypeUint8, {2}, {3, 250}),
                           HostTensor::make_float("z", {1}, {0.25f})});
  EXPECT_EQ(read_tensor_file(dir + "/output_0.pb").name, "y");
  EXPECT_EQ(read_tensor_file(dir + "/output_0.npy").ints, (std::vector<int64_t>{3, 250}));
  EXPECT_EQ(read_tensor_file(dir + "/output_1.pb").floats, (std::vector<float>{0.25f}));
  EXPECT_EQ(read_tensor_file(dir + "/output_1.npy").floats, (std::vector<float>{0.25f}));
}

TEST(TensorFileConvert, RoundHalfToEven) {
  EXPECT_EQ(round_half_to_even(2.5), 2.0);
  EXPECT_EQ(round_half_to_even(3.5), 4.0);
  EXPECT_EQ(round_half_to_even(-2.5), -2.0);
  EXPECT_EQ(round_half_to_even(-3.5), -4.0);
  EXPECT_EQ(round_half_to_even(-0.4), 0.0);
  EXPECT_EQ(round_half_to_even(1.5000001), 2.0);
  EXPECT_EQ(round_half_to_even(0.49999999999999994), 0.0);
}

TEST(TensorFileConvert, IntegerStorageBitForBit) {
  const TensorInfo u = info8("u", {3}, false);
  const Int8Buffer q =
      to_int8_storage(HostTensor::make_int("u", kTypeUint8, {3}, {200, 0, 255}), u);
  EXPECT_EQ(q.data, (std::vector<int8_t>{-56, 0, -1}));
  EXPECT_EQ(from_int8_storage(q, u, "u").ints, (std::vector<int64_t>{200, 0, 255}));
  const TensorInfo s = info8("s", {3}, true);
  EXPECT_THROW(to_int8_storage(HostTensor::make_int("u", kTypeUint8, {3}, {200, 0, 1}), s),
               sim::ConfigError);  // 200 is not an int8 value
  EXPECT_EQ(to_int32_buffer(HostTensor::make_int("b", kTypeInt32, {2}, {-5, 70000})).data,
            (std::vector<int32_t>{-5, 70000}));
}

TEST(TensorFileConvert, SixteenBitTensorsKeepTheirIntegers) {
  TensorInfo u = info8("u16", {3}, false);
  u.bits = 16;
  EXPECT_EQ(to_wide_values(HostTensor::make_int("x", kTypeUint16, {3}, {0, 40000, 65535}), u).data,
            (std::vector<int32_t>{0, 40000, 65535}));
  TensorInfo s = info8("s12", {2}, true);
  s.bits = 12;  // [-2048, 2047]; any integer element type whose values lie in it
  EXPECT_EQ(to_wide_values(HostTensor::make_int("x", kTypeInt32, {2}, {-2048, 2047}), s).data,
            (std::vector<int32_t>{-2048, 2047}));
  try {
    to_wide_values(HostTensor::make_int("x", kTypeInt16, {2}, {5, 2048}), s);
    FAIL() << "expected a ConfigError";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.issues().at(0).where, "element 1");
    EXPECT_EQ(e.issues().at(0).value, "2048");
    EXPECT_NE(e.issues().at(0).expected.find("[-2048, 2047]"), std::string::npos);
  }
  EXPECT_THROW(
      to_wide_values(HostTensor::make_int("x", kTypeInt8, {3}, {1, 2, 3}), info8("n", {3}, true)),
      sim::ModelError);  // an 8-bit tensor goes to int8 storage
}

/// The ONNX backend test's own expected values for QuantizeLinear / DequantizeLinear.
TEST(TensorFileConvert, QuantizeDequantizeMatchOnnxTestData) {
  const std::string q_dir = test::kOnnxNodeData + "test_quantizelinear/test_data_set_0/";
  const std::string d_dir = test::kOnnxNodeData + "test_dequantizelinear/test_data_set_0/";
  ASSERT_TRUE(fs::exists(q_dir) && fs::exists(d_dir))
      << "ONNX backend test data not found under " << test::kOnnxNodeData
      << ": install the Debian package libonnx-testdata (a declared dependency, see "
         "scripts/install_deps.sh)";
  const HostTensor x = read_tensor_file(q_dir + "input_0.pb");
  const HostTensor scale = read_tensor_file(q_dir + "input_1.pb");
  const HostTensor zp = read_tensor_file(q_dir + "input_2.pb");
  const HostTensor want = read_tensor_file(q_dir + "output_0.pb");
  const TensorInfo info = info8("y", x.shape, false, scale.floats.at(0), int32_t(zp.ints.at(0)));
  EXPECT_EQ(from_int8_storage(quantize_linear(x, info), info, "y").ints,
            want.ints);  // includes saturation

  const HostTensor q = read_tensor_file(d_dir + "input_0.pb");
  const HostTensor dscale = read_tensor_file(d_dir + "input_1.pb");
  const HostTensor dzp = read_tensor_file(d_dir + "input_2.pb");
  const HostTensor dwant = read_tensor_file(d_dir + "output_0.pb");
  const TensorInfo dinfo = info8("x", q.shape, false, dscale.floats.at(0), int32_t(dzp.ints.at(0)));
  EXPECT_EQ(dequantize_linear(to_int8_storage(q, dinfo), dinfo, "y").floats, dwant.floats);
}

TEST(TensorFileConvert, QuantizeRoundsHalfToEvenInFloat32) {
  const TensorInfo info = info8("q", {5}, true, 0.5, 3);
  // x / 0.5 = 1.25 -> 1, 1.5 -> 2 (even), 2.5 -> 2 (even), -2.5 -> -2, 1000 -> saturates at 127.
  const Int8Buffer q = quantize_linear(
      HostTensor::make_float("x", {5}, {0.625f, 0.75f, 1.25f, -1.25f, 500.0f}), info);
  EXPECT_EQ(q.data, (std::vector<int8_t>{4, 5, 5, 1, 127}));
  Int32Buffer acc({2});
  acc.data = {-3, 16777217};
  TensorInfo wide = info8("acc", {2}, true, 0.25);
  wide.bits = 32;
  EXPECT_EQ(dequantize_linear(acc, wide, "y").floats, (std::vector<float>{-0.75f, 4194304.0f}));
}

TEST(TensorFileConvert, ExactIntegerConversion) {
  EXPECT_EQ(exact_integer_type(HostTensor::make_float("a", {3}, {0, 5, 255}), "a"), "uint8");
  EXPECT_EQ(exact_integer_type(HostTensor::make_float("b", {3}, {-128, 0, 127}), "b"), "int8");
  try {
    exact_integer_type(HostTensor::make_float("w", {2}, {1.0f, 0.5f}), "weight 'w'");
    ADD_FAILURE() << "no error for 0.5";
  } catch (const sim::ConfigError& e) {
    EXPECT_EQ(e.issues()[0].where, "weight 'w' element 1");
    EXPECT_EQ(e.issues()[0].value, "0.5");
    EXPECT_NE(e.issues()[0].expected.find("quantize the model"), std::string::npos);
  }
  EXPECT_THROW(exact_integer_type(HostTensor::make_float("c", {2}, {-1, 200}), "c"),
               sim::ConfigError);
  EXPECT_THROW(exact_integer_type(HostTensor::make_float("d", {1}, {256}), "d"), sim::ConfigError);
  const TensorInfo u = info8("u", {2}, false);
  EXPECT_EQ(exact_int8_storage(HostTensor::make_float("u", {2}, {255, 3}), u, "u").data,
            (std::vector<int8_t>{-1, 3}));
  EXPECT_EQ(exact_int32_buffer(HostTensor::make_float("b", {2}, {-70000, 4}), "b").data,
            (std::vector<int32_t>{-70000, 4}));
  EXPECT_THROW(exact_int32_buffer(HostTensor::make_float("b", {1}, {0.25f}), "b"),
               sim::ConfigError);
}

}  // namespace
}  // namespace adasim::workloads
