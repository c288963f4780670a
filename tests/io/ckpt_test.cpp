// torch zip checkpoints built here: dtypes, shared and strided storages, byte order, deflated
// entries, state_dict nesting and metadata; and every way a checkpoint can lie about its tensors.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>

#include "common/oracle.h"
#include "io/builders.h"
#include "io/model_files.h"
#include "io/torch_zip.h"

using namespace easel;
using namespace easel::test;
namespace fs = std::filesystem;

namespace {
TensorStore load_image(const std::string& z) {
  auto holder = std::make_shared<std::string>(z);
  return torch_zip_from_memory(reinterpret_cast<const uint8_t*>(holder->data()), holder->size(), holder, "t.ckpt");
}
std::vector<float> values(const Tensor& t) {
  Tensor f = t.to_f32();
  return {f.f32(), f.f32() + f.numel()};
}
std::string half_bytes(const std::vector<float>& v) {
  std::string s;
  for (float x : v) {
    uint16_t h = f32_to_f16(x);
    s += char(h & 0xff), s += char(h >> 8);
  }
  return s;
}
std::string numpy_step(int64_t v) {
  // The bytes travel as a latin-1 str, which the pickle stores as UTF-8.
  std::string raw;
  for (int i = 0; i < 8; ++i) {
    uint8_t c = uint8_t(uint64_t(v) >> (8 * i));
    if (c < 0x80) raw += char(c);
    else raw += char(0xc0 | c >> 6), raw += char(0x80 | (c & 0x3f));
  }
  return Pickle()
      .str("global_step")
      .global("numpy.core.multiarray", "scalar")
      .global("numpy", "dtype").str("i8").op('\x89').op('\x88').op('\x87').op('R')
      .mark().integer(3).str("<").op('N').op('N').op('N').integer(-1).integer(-1).integer(0).op('t').op('b')
      .global("_codecs", "encode").str(raw).str("latin1").op('\x86').op('R')
      .op('\x86').op('R')
      .str("epoch").integer(3)
      .b;
}
}  // namespace

TEST(Ckpt, SyntheticCheckpointLoads) {
  for (bool deflate : {false, true}) {
    std::vector<CkptTensor> ts = {
        {"a.weight", "0", "FloatStorage", 6, 0, {2, 3}, {3, 1}},
        {"a.bias", "1", "HalfStorage", 3, 0, {3}, {1}},
        {"t.weight", "0", "FloatStorage", 6, 0, {3, 2}, {1, 3}},         // transposed view of storage 0
        {"shared.tail", "0", "FloatStorage", 6, 4, {2}, {1}},           // offset into storage 0
        {"p.weight", "2", "LongStorage", 2, 0, {2}, {1}, true},         // nn.Parameter
        {"empty", "1", "HalfStorage", 3, 3, {0, 5}, {5, 1}},
    };
    std::string pk = torch_pickle(ts, true, numpy_step(1234));
    std::string i64(16, '\0');
    int64_t lv[2] = {-5, 1ll << 40};
    std::memcpy(i64.data(), lv, 16);
    std::string z = make_zip({{"arch/data.pkl", pk},
                              {"arch/byteorder", "little"},
                              {"arch/data/0", f32_bytes({1, 2, 3, 4, 5, 6}), deflate},
                              {"arch/data/1", half_bytes({0.5f, -1.f, 2.f}), deflate},
                              {"arch/data/2", i64, deflate},
                              {"arch/version", "3\n"}});
    TensorStore s = load_image(z);
    EXPECT_EQ(s.format, "ckpt");
    ASSERT_EQ(s.tensors.size(), ts.size());
    EXPECT_EQ(values(s.at("a.weight")), (std::vector<float>{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(s.at("a.bias").dtype(), DType::F16);
    EXPECT_EQ(values(s.at("a.bias")), (std::vector<float>{0.5f, -1.f, 2.f}));
    EXPECT_EQ(s.at("t.weight").shape(), (Shape{3, 2}));
    EXPECT_EQ(values(s.at("t.weight")), (std::vector<float>{1, 4, 2, 5, 3, 6}));
    EXPECT_EQ(values(s.at("shared.tail")), (std::vector<float>{5, 6}));
    EXPECT_EQ(s.at("p.weight").dtype(), DType::I64);
    EXPECT_EQ(static_cast<const int64_t*>(s.at("p.weight").raw())[1], 1ll << 40);
    EXPECT_EQ(s.at("empty").shape(), (Shape{0, 5}));
    EXPECT_EQ(s.metadata.at("global_step"), "1234");
    EXPECT_EQ(s.metadata.at("epoch"), "3");
    if (!deflate) {  // stored entries: views sharing the image, tail is inside a's storage
      EXPECT_EQ(static_cast<const float*>(s.at("shared.tail").raw()), static_cast<const float*>(s.at("a.weight").raw()) + 4);
      EXPECT_EQ(s.at("a.weight").holder(), s.at("a.bias").holder());
    }
  }
}

TEST(Ckpt, BareStateDictBigEndianAndDetection) {
  std::string pk = torch_pickle({{"x", "0", "FloatStorage", 2, 0, {2}, {1}}, {"y", "1", "ShortStorage", 1, 0, {}, {}}}, false);
  std::string be_f = {'\x3f', '\x80', 0, 0, '\x40', 0, 0, 0};  // 1.0f, 2.0f big-endian
  std::string z = make_zip({{"m/data.pkl", pk}, {"m/byteorder", "big"}, {"m/data/0", be_f}, {"m/data/1", std::string("\x01\x02", 2)}});
  TensorStore s = load_image(z);
  EXPECT_EQ(values(s.at("x")), (std::vector<float>{1, 2}));
  EXPECT_EQ(static_cast<const int16_t*>(s.at("y").raw())[0], 0x0102);
  // Detection by content: a ".safetensors" name holding a torch zip still loads as a checkpoint.
  fs::path d = temp_dir("ckpt_detect");
  write_file(d / "misnamed.safetensors", z);
  EXPECT_EQ(detect_weights_format((d / "misnamed.safetensors").string()), "torch-zip");
  EXPECT_EQ(load_weights((d / "misnamed.safetensors").string()).tensors.size(), 2u);
  write_file(d / "legacy.pt", std::string("\x80\x02\x8a\x0a", 4) + "junk");
  EXPECT_ERROR(load_weights((d / "legacy.pt").string()), "legacy");
  write_file(d / "junk.bin", "hello there");
  EXPECT_ERROR(load_weights((d / "junk.bin").string()), "unrecognised weights format");
  EXPECT_ERROR(load_weights(d.string()), "is a folder");
}

TEST(Ckpt, LyingCheckpointsAreRefused) {
  auto ck = [](const std::vector<CkptTensor>& ts, std::vector<ZipItem> extra = {}, const std::string& pkl = "") {
    std::vector<ZipItem> items = {{"c/data.pkl", pkl.empty() ? torch_pickle(ts) : pkl}};
    items.insert(items.end(), extra.begin(), extra.end());
    return make_zip(items);
  };
  const ZipItem d0 = {"c/data/0", f32_bytes({1, 2, 3, 4})};
  EXPECT_ERROR(load_image(ck({{"w", "0", "FloatStorage", 4, 0, {4}, {1}}})), "storage '0' has no entry 'c/data/0'");
  EXPECT_ERROR(load_image(ck({{"w", "0", "FloatStorage", 5, 0, {4}, {1}}}, {d0})), "declares 5 x F32");
  EXPECT_ERROR(load_image(ck({{"w", "0", "FloatStorage", 4, 1, {4}, {1}}}, {d0})), "tensor 'w' [4] (offset 1) reaches past");
  EXPECT_ERROR(load_image(ck({{"w", "0", "FloatStorage", 4, 0, {2, 2}, {3, 1}}}, {d0})), "reaches past its storage");
  EXPECT_ERROR(load_image(ck({{"w", "0", "FloatStorage", 4, 0, {1ll << 40, 1ll << 40}, {1ll << 40, 1ll << 40}}}, {d0})),
               "more than 2^48 elements");
  EXPECT_ERROR(load_image(ck({{"w", "../0", "FloatStorage", 4, 0, {4}, {1}}}, {d0})), "not a plain name");
  EXPECT_ERROR(load_image(ck({{"w", "0", "ComplexFloatStorage", 4, 0, {4}, {1}}}, {d0})),
               "pickle global 'torch.ComplexFloatStorage' is not allowed");
  EXPECT_ERROR(load_image(ck({}, {d0, {"c/byteorder", "middle"}})), "byteorder entry is 'middle'");
  EXPECT_ERROR(load_image(make_zip({{"c/data/0", "x"}})), "no '<name>/data.pkl'");
  EXPECT_ERROR(load_image(make_zip({{"a/data.pkl", torch_pickle({})}, {"b/data.pkl", torch_pickle({})}})), "two pickles");
  EXPECT_ERROR(load_image(ck({}, {}, Pickle().proto(2).op(']').stop().b)), "holds a list, expected a dict");
  EXPECT_ERROR(load_image(ck({}, {}, Pickle().proto(2).op('}').integer(1).integer(2).op('s').stop().b)),
               "state dict key is a int");
  // A malicious global inside a checkpoint: the message names both the file and the global.
  std::string evil = Pickle().proto(2).op('}').str("x").global("posix", "system").str("rm -rf ~").op('\x85').op('R').op('s').stop().b;
  std::string e = error_of([&] { load_image(ck({}, {}, evil)); });
  EXPECT_NE(e.find("t.ckpt"), std::string::npos) << e;
  EXPECT_NE(e.find("pickle global 'posix.system' is not allowed"), std::string::npos) << e;
}

TEST(Ckpt, TruncatedOracleCheckpointsFail) {
  size_t files = 0, refused = 0, tried = 0;
  for (auto& f : oracle_files("tiny-sd15", ".ckpt")) {
    std::string img = read_file(f);
    ++files;
    auto t0 = std::chrono::steady_clock::now();
    std::vector<size_t> cuts;
    for (size_t k = 0; k < 96; ++k) cuts.push_back(img.size() * k / 96);
    for (size_t d = 1; d < 40; ++d) cuts.push_back(img.size() - d);  // inside the end-of-directory records
    for (size_t n : cuts) {
      std::string cut = img.substr(0, n);
      std::string m = error_of([&] { load_image(cut); });
      ++tried;
      refused += m != "<no error>";
      EXPECT_NE(m, "<no error>") << f << " truncated at " << n;
    }
    std::printf("%s: %zu truncations refused of %zu, %.2f s\n", f.filename().c_str(), refused, cuts.size(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  EXPECT_GT(files, 0u);
}
