// safetensors: round trips for every dtype, and every malformed header the reader must refuse
// with a message naming the file and the offending field.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>

#include "common/oracle.h"
#include "io/builders.h"
#include "io/model_files.h"
#include "io/safetensors.h"

using namespace easel;
using namespace easel::test;
namespace fs = std::filesystem;

namespace {
// A safetensors image from a literal header (padded to 8 unless `pad` is false) and data bytes.
std::string st_image(std::string header, const std::string& data, bool pad = true) {
  while (pad && (header.size() + 8) % 8) header += ' ';
  std::string out(8, '\0');
  uint64_t n = header.size();
  std::memcpy(out.data(), &n, 8);
  return out + header + data;
}
std::string write_st(const std::string& name, const std::string& header, const std::string& data) {
  static fs::path dir = temp_dir("safetensors_hostile");
  fs::path p = dir / name;
  write_file(p, st_image(header, data));
  return p.string();
}
}  // namespace

TEST(Safetensors, RoundTripEveryDtype) {
  fs::path dir = temp_dir("safetensors_roundtrip");
  std::map<std::string, Tensor> ts;
  const DType all[] = {DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64, DType::I32,
                       DType::I16, DType::I8,  DType::U8,  DType::BOOL, DType::F8_E4M3, DType::F8_E5M2};
  for (DType d : all) {
    Tensor t = Tensor::empty({3, 5}, d);
    auto* p = static_cast<uint8_t*>(t.raw());
    for (size_t i = 0; i < t.nbytes(); ++i) p[i] = uint8_t(i * 7 + int(d));
    if (d == DType::BOOL)
      for (size_t i = 0; i < t.nbytes(); ++i) p[i] &= 1;
    ts[std::string(dtype_name(d))] = t;
  }
  ts["empty"] = Tensor::empty({0, 4}, DType::F32);
  ts["scalar"] = Tensor::from({}, std::vector<float>{2.5f});
  save_safetensors((dir / "all.safetensors").string(), ts, {{"format", "pt"}, {"note", "x"}});
  TensorStore s = load_weights((dir / "all.safetensors").string());
  EXPECT_EQ(s.format, "safetensors");
  EXPECT_EQ(s.metadata.at("note"), "x");
  ASSERT_EQ(s.tensors.size(), ts.size());
  for (auto& [n, t] : ts) {
    const Tensor& u = s.at(n);
    EXPECT_EQ(u.dtype(), t.dtype()) << n;
    EXPECT_EQ(u.shape(), t.shape()) << n;
    EXPECT_EQ(std::memcmp(u.raw(), t.raw(), t.nbytes()), 0) << n;
  }
  EXPECT_FLOAT_EQ(s.at("scalar").f32()[0], 2.5f);
  // Zero-copy: aligned tensors are views sharing the mapping (BF16 sits at data offset 0);
  // the odd-sized U8/I8/... tensors leave later ones misaligned, and those are copies.
  size_t views = 0;
  for (auto& [n, t] : s.tensors) views += t.holder() == s.at("BF16").holder();
  EXPECT_GE(views, 2u);
}

TEST(Safetensors, MisalignedDataIsCopiedNotMisread) {
  // An unpadded header misaligns the F32 data; values must still read correctly.
  std::string h = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  fs::path p = temp_dir("safetensors_misaligned") / "m.safetensors";
  write_file(p, st_image(h, f32_bytes({1.5f, -2.f}), false));
  TensorStore s = load_safetensors(p.string());
  ASSERT_EQ(reinterpret_cast<uintptr_t>(s.at("a").raw()) % 4, 0u);
  EXPECT_EQ(s.at("a").f32()[0], 1.5f);
  EXPECT_EQ(s.at("a").f32()[1], -2.f);
}

TEST(Safetensors, HostileHeaders) {
  const std::string ok8 = f32_bytes({1, 2});
  struct Case {
    const char* name;
    std::string header, data, needle;
  } cases[] = {
      {"bad_json", R"({"a":{"dtype":"F32",)", ok8, "not valid JSON"},
      {"not_object", R"([1,2,3])", ok8, "JSON object"},
      {"unknown_dtype", R"({"a":{"dtype":"F12","shape":[2],"data_offsets":[0,8]}})", ok8, "unknown dtype 'F12'"},
      {"dtype_not_string", R"({"a":{"dtype":4,"shape":[2],"data_offsets":[0,8]}})", ok8, "'dtype'"},
      {"no_shape", R"({"a":{"dtype":"F32","data_offsets":[0,8]}})", ok8, "'shape'"},
      {"negative_dim", R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", ok8, "non-negative"},
      {"float_dim", R"({"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}})", ok8, "non-negative"},
      {"absurd_shape", R"({"a":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,8]}})", ok8,
       "absurdly large"},
      {"size_mismatch", R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", ok8,
       "needs 12 bytes but data_offsets span 8"},
      {"out_of_range", R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", ok8, "outside the data section"},
      {"huge_offset", R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[18446744073709551608,18446744073709551615]}})",
       ok8, "outside the data section"},
      {"begin_after_end", R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})", ok8, "outside the data section"},
      {"offsets_shape", R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", ok8, "data_offsets"},
      {"overlap", R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
       ok8, "overlap"},
      {"duplicate_key", R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
       ok8, "key 'a' twice"},
      {"metadata_not_string", R"({"__metadata__":{"format":1},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
       ok8, "__metadata__['format'] must be a string"},
      {"metadata_not_map", R"({"__metadata__":["x"]})", ok8, "__metadata__ must be an object"},
      {"entry_not_object", R"({"a":[1]})", ok8, "tensor 'a': entry must be an object"},
      {"deep_nesting", std::string(5000, '[') + std::string(5000, ']'), ok8, "JSON object"},
      {"deep_nesting_obj", R"({"__metadata__":{"a":)" + std::string(100, '[') + std::string(100, ']') + "}}", ok8,
       "nests deeper"},
  };
  for (auto& c : cases) {
    std::string p = write_st(std::string(c.name) + ".safetensors", c.header, c.data);
    std::string m = error_of([&] { load_safetensors(p); });
    EXPECT_NE(m.find(c.needle), std::string::npos) << c.name << ": " << m;
    EXPECT_NE(m.find(p), std::string::npos) << c.name << " message must name the file: " << m;
  }
  std::printf("%zu hostile safetensors headers refused\n", std::size(cases));
}

TEST(Safetensors, HostileLengths) {
  fs::path dir = temp_dir("safetensors_lengths");
  auto with_len = [&](const char* name, uint64_t len, const std::string& rest) {
    std::string b(8, '\0');
    std::memcpy(b.data(), &len, 8);
    write_file(dir / name, b + rest);
    return (dir / name).string();
  };
  EXPECT_ERROR(load_safetensors(with_len("beyond", 1000, "{}")), "runs past the end of the file");
  EXPECT_ERROR(load_safetensors(with_len("huge", 1ull << 62, "{}")), "exceeds");
  EXPECT_ERROR(load_safetensors(with_len("max", ~0ull, "{}")), "exceeds");
  EXPECT_ERROR(load_safetensors(with_len("zero", 0, "")), "JSON object");
  write_file(dir / "short", "abc");
  EXPECT_ERROR(load_safetensors((dir / "short").string()), "need at least 8");
  write_file(dir / "empty", "");
  EXPECT_ERROR(load_safetensors((dir / "empty").string()), "need at least 8");
  EXPECT_ERROR(load_safetensors((dir / "missing").string()), "cannot open");
}

TEST(Safetensors, EveryTruncationOfASmallFileFails) {
  std::string img = st_image(
      R"({"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[8,14]}})",
      f32_bytes({1, 2}) + std::string(6, '\x3f'));
  ASSERT_NO_THROW(safetensors_from_memory((const uint8_t*)img.data(), img.size(), nullptr, "full"));
  size_t refused = 0;
  for (size_t n = 0; n < img.size(); ++n) {
    std::string cut = img.substr(0, n);
    std::string m = error_of([&] { safetensors_from_memory((const uint8_t*)cut.data(), cut.size(), nullptr, "cut"); });
    EXPECT_NE(m, "<no error>") << "truncated at " << n;
    refused += m != "<no error>";
  }
  std::printf("small file: %zu/%zu truncations refused\n", refused, img.size());
}

TEST(Safetensors, TruncatedOracleFilesFail) {
  size_t files = 0, refused = 0, tried = 0;
  for (auto& f : oracle_files("tiny-sd15", ".safetensors")) {
    std::string img = read_file(f);
    uint64_t hl;
    std::memcpy(&hl, img.data(), 8);
    std::vector<size_t> cuts;
    for (size_t k = 0; k < 64; ++k) cuts.push_back(img.size() * k / 64);           // spread through the file
    for (size_t d = 0; d < 24; ++d) cuts.push_back(std::min<size_t>(8 + hl - 12 + d, img.size() - 1));  // around the header end
    cuts.push_back(img.size() - 1);
    ++files;
    auto t0 = std::chrono::steady_clock::now();
    for (size_t n : cuts) {
      fs::path p = temp_dir("safetensors_trunc") / "t.safetensors";
      write_file(p, img.substr(0, n));
      std::string m = error_of([&] { load_weights(p.string()); });
      ++tried;
      refused += m != "<no error>";
      EXPECT_NE(m, "<no error>") << f << " truncated at " << n;
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%s: %zu truncations, %.2f s\n", f.filename().c_str(), cuts.size(), s);
  }
  EXPECT_GT(files, 0u);
  std::printf("oracle safetensors: %zu/%zu truncations refused over %zu files\n", refused, tried, files);
}
