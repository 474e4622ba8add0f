// SPDX-License-Identifier: Apache-2.0
// Compressed storage formats: seeded random round trips of every format over awkward lengths, value
// ranges and zero points (encode/decode exact, encode size == encoded_size, stream ==
// ceil(bits/8)), and sizes counted by hand on small fixed vectors (the arithmetic is in the
// comments).
#include "arch/sparse/compression.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "sim/core/errors.hpp"

namespace adasim::arch {
namespace {

constexpr SparseFormat kAll[] = {SparseFormat::kDense, SparseFormat::kBitmask, SparseFormat::kRle,
                                 SparseFormat::kCsr, SparseFormat::kNm};

std::vector<int8_t> bytes(std::initializer_list<int> v) { return {v.begin(), v.end()}; }

/// Encodes, decodes and checks every invariant; returns the size for hand-count checks.
EncodedSize round_trip(SparseFormat f, const FormatParams& p, const std::vector<int8_t>& d,
                       int8_t zero) {
  const std::string where = std::string(to_string(f)) + " n=" + std::to_string(d.size()) +
                            " bits=" + std::to_string(p.bits) + " zero=" + std::to_string(zero);
  const Encoded e = encode(f, p, d.data(), int64_t(d.size()), zero);
  EXPECT_EQ(e.elements, int64_t(d.size())) << where;
  EXPECT_EQ(int64_t(e.stream.size()), (e.size.total_bits() + 7) / 8) << where;
  EXPECT_EQ(e.size.bytes(), int64_t(e.stream.size())) << where;
  EXPECT_EQ(e.size, encoded_size(f, p, d.data(), int64_t(d.size()), zero)) << where;
  EXPECT_EQ(decode(e), d) << where;
  return e.size;
}

/// A random run: each element is zero with probability p_zero, else uniform over the range of
/// (bits, is_signed), stored as a byte (unsigned bit for bit).
std::vector<int8_t> random_run(std::mt19937_64& rng, size_t n, double p_zero, int bits,
                               bool is_signed, int8_t zero) {
  const int lo = is_signed ? -(1 << (bits - 1)) : 0;
  const int hi = is_signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
  std::uniform_int_distribution<int> value(lo, hi);
  std::bernoulli_distribution is_zero(p_zero);
  std::vector<int8_t> d(n);
  for (auto& v : d) v = is_zero(rng) ? zero : int8_t(uint8_t(value(rng)));
  return d;
}

/// Makes a run satisfy n:m per group by zeroing the excess nonzeros of each group.
void force_nm(std::vector<int8_t>& d, int8_t zero, int n, int m) {
  for (size_t g = 0; g < d.size(); g += size_t(m)) {
    int kept = 0;
    for (size_t j = g; j < std::min(d.size(), g + size_t(m)); ++j)
      if (d[j] != zero && ++kept > n) d[j] = zero;
  }
}

TEST(Compression, FormatNamesRoundTrip) {
  for (SparseFormat f : kAll) EXPECT_EQ(sparse_format_from_string(to_string(f)), f);
  EXPECT_EQ(sparse_format_from_string("rle"), SparseFormat::kRle);
  EXPECT_FALSE(sparse_format_from_string("RLE").has_value());
  EXPECT_FALSE(sparse_format_from_string("").has_value());
}

TEST(Compression, BitStreamIsLsbFirst) {
  BitWriter w;
  w.put(0b101, 3);  // bits 0..2
  w.put(0x3F, 6);   // bits 3..8: spills one bit into byte 1
  w.put(0, 0);      // a zero-width field writes nothing
  ASSERT_EQ(w.bit_count(), 9);
  ASSERT_EQ(w.bytes().size(), 2u);
  EXPECT_EQ(w.bytes()[0], 0b11111101);  // 0b101 | 0x3F << 3, low byte
  EXPECT_EQ(w.bytes()[1], 0b00000001);  // the top bit of 0x3F, the rest zero padding
  BitReader r(w.bytes(), w.bit_count());
  EXPECT_EQ(r.get(3), 0b101u);
  EXPECT_EQ(r.get(6), 0x3Fu);
  EXPECT_THROW(r.get(1), sim::ModelError);  // bit 9 is padding, not data
}

TEST(Compression, RandomRoundTripsAllFormats) {
  std::mt19937_64 rng(20240611);
  const size_t lengths[] = {0, 1, 2, 3, 4, 5, 7, 8, 31, 32, 33, 63, 64, 65, 100, 257, 1000};
  const double zero_probs[] = {0.0, 0.3, 0.7, 0.95, 1.0};
  struct Storage {
    int bits;
    bool is_signed;
    int8_t zero;
  };
  const Storage storages[] = {
      {8, true, 0},
      {8, true, -3},
      {8, false, 0},                     // uint8 zero point 0
      {8, false, int8_t(-128)},          // uint8 zero point 128
      {8, false, int8_t(uint8_t(200))},  // uint8 zero point 200 = byte -56
      {4, true, 0},
      {4, true, -8},
      {4, false, 7},
      {1, false, 0},
      {3, true, -1},
  };
  for (const Storage& st : storages)
    for (size_t n : lengths)
      for (double pz : zero_probs) {
        std::vector<int8_t> d = random_run(rng, n, pz, st.bits, st.is_signed, st.zero);
        FormatParams p;
        p.bits = st.bits;
        p.is_signed = st.is_signed;
        for (SparseFormat f : {SparseFormat::kDense, SparseFormat::kBitmask})
          round_trip(f, p, d, st.zero);
        for (int run_bits : {1, 2, 5, 8}) {
          p.run_bits = run_bits;
          round_trip(SparseFormat::kRle, p, d, st.zero);
        }
        p.run_bits = 5;
        // CSR: one row of n, and every [rows][cols] factorisation with rows in 2..5.
        round_trip(SparseFormat::kCsr, p, d, st.zero);
        for (int64_t rows = 2; rows <= 5; ++rows)
          if (n % size_t(rows) == 0) {
            p.rows = rows;
            round_trip(SparseFormat::kCsr, p, d, st.zero);
          }
        p.rows = 1;
        for (auto [nn, mm] : {std::pair{2, 4}, {1, 4}, {1, 2}, {3, 8}, {1, 1}, {4, 4}}) {
          std::vector<int8_t> s = d;
          force_nm(s, st.zero, nn, mm);
          p.n = nn;
          p.m = mm;
          EXPECT_TRUE(satisfies_nm(s.data(), s.size(), st.zero, nn, mm));
          round_trip(SparseFormat::kNm, p, s, st.zero);
        }
      }
}

TEST(Compression, LongRunsRoundTrip) {
  // Zero runs of every length around multiples of 32 (Eyeriss 5-bit runs), inside and at the end.
  FormatParams p;
  for (int z : {30, 31, 32, 33, 63, 64, 65, 96, 200}) {
    std::vector<int8_t> inner(size_t(z), 0), tail(size_t(z), 0);
    inner.push_back(9);
    tail.insert(tail.begin(), 9);
    for (SparseFormat f : kAll) {
      round_trip(f, p, inner, 0);
      round_trip(f, p, tail, 0);
    }
  }
}

TEST(Compression, EmptyRunIsEmptyInEveryFormat) {
  for (SparseFormat f : kAll) {
    const Encoded e = encode(f, FormatParams{}, nullptr, 0, 0);
    EXPECT_EQ(e.size.total_bits(), 0) << to_string(f);
    EXPECT_TRUE(e.stream.empty());
    EXPECT_TRUE(decode(e).empty());
    EXPECT_EQ(decode_cycles(f, FormatParams{}, 0, e.size), 0);
  }
}

TEST(Compression, DenseAndBitmaskHandCounted) {
  // 16 int8 values, 3 nonzeros.
  const auto d = bytes({0, 5, 0, 0, 0, 0, -7, 0, 0, 0, 0, 0, 0, 0, 0, 127});
  FormatParams p;
  // dense: 16 * 8 = 128 payload bits, no metadata; one value per cycle = 16 cycles.
  EncodedSize s = round_trip(SparseFormat::kDense, p, d, 0);
  EXPECT_EQ(s.payload_bits, 128);
  EXPECT_EQ(s.metadata_bits, 0);
  EXPECT_EQ(decode_cycles(SparseFormat::kDense, p, 16, s), 16);
  // bitmask: 16 mask bits + 3 * 8 = 24 payload bits = 40 bits = 5 bytes; cycles max(3, 1) = 3.
  s = round_trip(SparseFormat::kBitmask, p, d, 0);
  EXPECT_EQ(s.metadata_bits, 16);
  EXPECT_EQ(s.payload_bits, 24);
  EXPECT_EQ(s.bytes(), 5);
  EXPECT_EQ(decode_cycles(SparseFormat::kBitmask, p, 16, s), 3);
  // The stream: mask 0b1000'0000'0100'0010 LSB first = bytes 0x42, 0x80, then 5, -7, 127.
  const Encoded e = encode(SparseFormat::kBitmask, p, d.data(), 16, 0);
  EXPECT_EQ(e.stream, (std::vector<uint8_t>{0x42, 0x80, 5, uint8_t(-7), 127}));
  // 4-bit values: 16 * 4 = 64 dense bits; bitmask 16 + 3 * 4 = 28 bits (d holds 5, -7, but 127
  // does not fit 4 bits signed, so use a fitting vector).
  p.bits = 4;
  const auto d4 = bytes({0, 5, 0, 0, 0, 0, -7, 0, 0, 0, 0, 0, 0, 0, 0, 7});
  EXPECT_EQ(round_trip(SparseFormat::kDense, p, d4, 0).total_bits(), 64);
  EXPECT_EQ(round_trip(SparseFormat::kBitmask, p, d4, 0).total_bits(), 28);
  EXPECT_THROW(encode(SparseFormat::kDense, p, d.data(), 16, 0), sim::ModelError);
  // Bitmask of 200 all-zero elements: 200 mask bits, no payload; cycles ceil(200 / 64) = 4.
  std::vector<int8_t> zeros(200, 0);
  s = round_trip(SparseFormat::kBitmask, FormatParams{}, zeros, 0);
  EXPECT_EQ(s.total_bits(), 200);
  EXPECT_EQ(decode_cycles(SparseFormat::kBitmask, FormatParams{}, 200, s), 4);
}

TEST(Compression, RleHandCounted) {
  FormatParams p;  // 8-bit values, 5-bit runs (max run 31): a code word is 13 bits
  // 40 zeros: zeros 1..31 build run 31, zero 32 is emitted as (31, explicit 0), zeros 33..40 are
  // a trailing run of 8 ending in (7, explicit 0). 2 words = 2 * 5 metadata + 2 * 8 payload.
  std::vector<int8_t> zeros40(40, 0);
  EncodedSize s = round_trip(SparseFormat::kRle, p, zeros40, 0);
  EXPECT_EQ(s.metadata_bits, 10);
  EXPECT_EQ(s.payload_bits, 16);
  EXPECT_EQ(decode_cycles(SparseFormat::kRle, p, 40, s), 2);
  // Eyeriss-style example: 0 0 12 0 0 0 0 53 0 0 22 -> (2,12) (4,53) (2,22): 3 words = 39 bits.
  const auto d = bytes({0, 0, 12, 0, 0, 0, 0, 53, 0, 0, 22});
  s = round_trip(SparseFormat::kRle, p, d, 0);
  EXPECT_EQ(s.metadata_bits, 15);
  EXPECT_EQ(s.payload_bits, 24);
  // Stream: word 0 = run 2 (bits 0..4) | 12 << 5 = 0b0001'1000'0010 -> byte 0 = 0x82, ...
  const Encoded e = encode(SparseFormat::kRle, p, d.data(), int64_t(d.size()), 0);
  EXPECT_EQ(e.stream[0], 0x82);
  // Same values plus one trailing zero: one more word (0, explicit 0) = 52 bits.
  auto d2 = d;
  d2.push_back(0);
  EXPECT_EQ(round_trip(SparseFormat::kRle, p, d2, 0).total_bits(), 52);
  // 32 zeros then 5: (31, explicit 0) then (0, 5) = 2 words; 31 zeros then 5: (31, 5) = 1 word.
  std::vector<int8_t> z32(32, 0), z31(31, 0);
  z32.push_back(5);
  z31.push_back(5);
  EXPECT_EQ(round_trip(SparseFormat::kRle, p, z32, 0).total_bits(), 26);
  EXPECT_EQ(round_trip(SparseFormat::kRle, p, z31, 0).total_bits(), 13);
  // No zeros: one word per value with run 0: 4 * 13 = 52 bits (RLE costs more than dense 32).
  EXPECT_EQ(round_trip(SparseFormat::kRle, p, bytes({1, 2, 3, 4}), 0).total_bits(), 52);
  // Zero point 128 of a uint8 tensor (byte -128): byte 0 is a nonzero value there.
  FormatParams u;
  u.is_signed = false;
  s = round_trip(SparseFormat::kRle, u, bytes({-128, -128, 0, -128}), int8_t(-128));
  EXPECT_EQ(s.metadata_bits, 2 * 5);  // (2, byte 0), (0, explicit zero -128)
}

TEST(Compression, CsrHandCounted) {
  // 3x4 tile, 4 nonzeros:   [0 1 0 0]
  //                         [0 0 0 0]
  //                         [2 0 3 4]
  const auto d = bytes({0, 1, 0, 0, 0, 0, 0, 0, 2, 0, 3, 4});
  FormatParams p;
  p.rows = 3;
  p.cols = 4;
  // ptr_bits = ceil(log2(12 + 1)) = 4, col_bits = ceil(log2 4) = 2.
  // metadata = (3 + 1) * 4 + 4 * 2 = 24; payload = 4 * 8 = 32; cycles = 3 rows + 4 nnz = 7.
  EncodedSize s = round_trip(SparseFormat::kCsr, p, d, 0);
  EXPECT_EQ(s.metadata_bits, 24);
  EXPECT_EQ(s.payload_bits, 32);
  EXPECT_EQ(s.bytes(), 7);
  EXPECT_EQ(decode_cycles(SparseFormat::kCsr, p, 12, s), 7);
  // Row pointers 0, 1, 1, 4 (4 bits each, LSB first) -> bytes 0x10, 0x41.
  const Encoded e = encode(SparseFormat::kCsr, p, d.data(), 12, 0);
  EXPECT_EQ(e.stream[0], 0x10);
  EXPECT_EQ(e.stream[1], 0x41);
  // cols = 0 derives cols = 12 / rows: the same tile.
  p.cols = 0;
  EXPECT_EQ(round_trip(SparseFormat::kCsr, p, d, 0), s);
  // One row of 12: ptr_bits 4, col_bits ceil(log2 12) = 4: 2 * 4 + 4 * 4 = 24 metadata too.
  p.rows = 1;
  s = round_trip(SparseFormat::kCsr, p, d, 0);
  EXPECT_EQ(s.metadata_bits, 24);
  // One column (cols = 1): col_bits is at least 1.
  p.rows = 12;
  p.cols = 1;
  s = round_trip(SparseFormat::kCsr, p, d, 0);
  EXPECT_EQ(s.metadata_bits, 13 * 4 + 4 * 1);
  // A tile that does not hold n elements is the caller's bug.
  p.rows = 5;
  p.cols = 0;
  EXPECT_THROW(encode(SparseFormat::kCsr, p, d.data(), 12, 0), sim::ModelError);
}

TEST(Compression, NmHandCounted) {
  // 2:4 on 8 values, groups [0 3 0 -1] and [0 0 0 6]: 2 slots each, 4 slots in all.
  // metadata = 4 * ceil(log2 4) = 8, payload = 4 * 8 = 32 (the second group pads with one zero).
  const auto d = bytes({0, 3, 0, -1, 0, 0, 0, 6});
  FormatParams p;  // n = 2, m = 4 by default
  EXPECT_TRUE(satisfies_nm(d.data(), d.size(), 0, 2, 4));
  EncodedSize s = round_trip(SparseFormat::kNm, p, d, 0);
  EXPECT_EQ(s.metadata_bits, 8);
  EXPECT_EQ(s.payload_bits, 32);
  EXPECT_EQ(decode_cycles(SparseFormat::kNm, p, 8, s), 4);
  // Group 0 indices 1, 3 -> bits 01 11 -> then values 3, -1; group 1 indices 0 (pad), 3.
  const Encoded e = encode(SparseFormat::kNm, p, d.data(), 8, 0);
  EXPECT_EQ(e.stream[0] & 0x0F, 0b1101);
  // A tail of 3 < m = 4 is its own group with min(2, 3) = 2 slots: 11 values = 3 groups, 6 slots.
  const auto d11 = bytes({0, 3, 0, -1, 0, 0, 0, 6, 1, 0, 0});
  s = round_trip(SparseFormat::kNm, p, d11, 0);
  EXPECT_EQ(s.payload_bits, 6 * 8);
  EXPECT_EQ(s.metadata_bits, 6 * 2);
  // A tail of 1 (m - 3) stores min(2, 1) = 1 slot: 9 values = 2 * 2 + 1 = 5 slots.
  EXPECT_EQ(round_trip(SparseFormat::kNm, p, bytes({1, 0, 0, 1, 0, 0, 0, 0, 4}), 0).payload_bits,
            5 * 8);
  // Groups restart at each row: [2][6] tile = per row groups of 4 and 2 -> 2 + 2 slots per row
  // (rows 1 0 2 0 | 3 4 and 5 0 0 0 | 6 0).
  p.rows = 2;
  const auto d12 = bytes({1, 0, 2, 0, 3, 4, 5, 0, 0, 0, 6, 0});
  EXPECT_TRUE(satisfies_nm(d12.data(), d12.size(), 0, 2, 4, 6));
  EXPECT_FALSE(satisfies_nm(d12.data(), d12.size(), 0, 2, 4));  // one row: group 3 4 5 0
  EXPECT_EQ(round_trip(SparseFormat::kNm, p, d12, 0).payload_bits, 8 * 8);
  EXPECT_THROW(encode(SparseFormat::kNm, FormatParams{}, d12.data(), 12, 0), sim::ModelError);
}

TEST(Compression, NmViolationThrowsNamingTheGroup) {
  // Groups of 4: group 0 = 1 0 0 1 (ok), group 1 = 0 2 3 4 (3 nonzeros > 2).
  const auto d = bytes({1, 0, 0, 1, 0, 2, 3, 4});
  EXPECT_FALSE(satisfies_nm(d.data(), d.size(), 0, 2, 4));
  EXPECT_TRUE(satisfies_nm(d.data(), d.size(), 0, 3, 4));
  for (bool sized : {false, true}) {
    try {
      if (sized)
        encoded_size(SparseFormat::kNm, FormatParams{}, d.data(), 8, 0);
      else
        encode(SparseFormat::kNm, FormatParams{}, d.data(), 8, 0);
      ADD_FAILURE() << "no throw";
    } catch (const sim::ModelError& e) {
      EXPECT_NE(std::string(e.what()).find("group 1"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(satisfies_nm(d.data(), d.size(), 0, 5, 4), sim::ModelError);
}

TEST(Compression, InvalidParamsAndStreamsThrow) {
  const auto d = bytes({1, 0, 2});
  FormatParams p;
  p.bits = 9;
  EXPECT_THROW(encode(SparseFormat::kDense, p, d.data(), 3, 0), sim::ModelError);
  p = {};
  p.run_bits = 0;
  EXPECT_THROW(encode(SparseFormat::kRle, p, d.data(), 3, 0), sim::ModelError);
  p = {};
  p.n = 3;
  p.m = 2;
  EXPECT_THROW(encode(SparseFormat::kNm, p, d.data(), 3, 0), sim::ModelError);
  // Zero byte not representable in 4-bit unsigned storage.
  p = {};
  p.bits = 4;
  p.is_signed = false;
  EXPECT_THROW(encode(SparseFormat::kBitmask, p, d.data(), 3, int8_t(-128)), sim::ModelError);
  // A truncated or padded stream is rejected.
  Encoded e = encode(SparseFormat::kRle, FormatParams{}, d.data(), 3, 0);
  e.stream.pop_back();
  EXPECT_THROW(decode(e), sim::ModelError);
  e = encode(SparseFormat::kRle, FormatParams{}, d.data(), 3, 0);
  e.elements = 2;  // the second word runs past the end
  EXPECT_THROW(decode(e), sim::ModelError);
}

}  // namespace
}  // namespace adasim::arch
