// A1111 ImageRNG against the stored draws ({case}_draw{k}: draw0 = initial noise, then the
// sampler draws), with each case's settings from the oracle's JSON case lists; seed rules.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "common/oracle.h"
#include "io/safetensors.h"
#include "rng_oracle.h"
#include "sampling/rng/image_rng.h"

using namespace easel;
using namespace easel::test;
using nlohmann::json;

namespace {

// Every "imagerng_cases" entry of every JSON file in the rng oracle folder, by case name.
std::map<std::string, json> image_cases() {
  std::map<std::string, json> out;
  for (const auto& p : oracle_files("rng", ".json")) {
    std::ifstream f(p);
    json j = json::parse(f);
    if (!j.contains("imagerng_cases")) continue;
    for (const auto& c : j["imagerng_cases"]) out[c.at("case").get<std::string>()] = c;
  }
  return out;
}

ImageRngOptions options_for(const json& c, RandnSource src) {
  ImageRngOptions o;
  o.source = src;
  o.shape = c.at("shape").get<Shape>();
  for (const auto& s : c.at("seeds")) o.seeds.push_back(uint64_t(s.get<int64_t>()));
  for (const auto& s : c.at("subseeds")) o.subseeds.push_back(uint64_t(s.get<int64_t>()));
  o.subseed_strength = c.at("subseed_strength").get<double>();
  o.seed_resize_from_h = c.at("seed_resize_from_h").get<int64_t>();
  o.seed_resize_from_w = c.at("seed_resize_from_w").get<int64_t>();
  o.eta_noise_seed_delta = c.at("eta_noise_seed_delta").get<int64_t>();
  return o;
}

}  // namespace

TEST(RngOracle, ImageRng) {
  const auto cases = image_cases();
  int files_with_images = 0;
  for (const auto& path : oracle_files("rng", ".safetensors")) {
    TensorStore st = load_safetensors(path.string());
    const RandnSource src = file_source(st);
    std::map<std::string, std::map<int, std::string>> draws;  // case -> draw index -> tensor
    for (const auto& [name, t] : st.tensors) {
      CaseName c = parse_case_name(name);
      if (c.kind == CaseKind::Image) draws[c.name][c.call] = name;
    }
    if (draws.empty()) continue;
    ++files_with_images;
    int tensors = 0, passed = 0;
    int64_t mismatches = 0;
    double max_abs = 0;
    for (const auto& [case_name, by_draw] : draws) {
      auto it = cases.find(case_name);
      ASSERT_NE(it, cases.end()) << path.filename() << ": no JSON settings for case '" << case_name << "'";
      ImageRng rng(options_for(it->second, src));
      int expect = 0;
      for (const auto& [k, name] : by_draw) {
        ASSERT_EQ(k, expect++) << path.filename() << ": draws of '" << case_name << "' have a gap before " << name;
        Tensor want = st.at(name).to_f32();
        Tensor got = rng.next(want.shape());
        BitDiff d = bit_compare(got.f32(), want.f32(), want.numel());
        ++tensors;
        passed += d.mismatches == 0;
        mismatches += d.mismatches;
        max_abs = std::max(max_abs, d.max_abs);
        EXPECT_EQ(d.mismatches, 0) << path.filename() << ": " << name << " max |diff| " << d.max_abs;
      }
      EXPECT_EQ(rng.draws(), int64_t(by_draw.size()));
    }
    std::printf("[rng] %-32s %-10s %3d/%3d draws bit-exact (%zu cases), %lld mismatching values, max |diff| %g\n",
                path.filename().c_str(), std::string(randn_source_name(src)).c_str(), passed, tensors,
                draws.size(), (long long)mismatches, max_abs);
  }
  EXPECT_GT(files_with_images, 0);
}

TEST(RngSeeds, PlanAndResolve) {
  JobSeeds a = plan_seeds(10, 100, 0.0, 3);
  EXPECT_EQ(a.seeds, (std::vector<uint64_t>{10, 11, 12}));
  EXPECT_EQ(a.subseeds, (std::vector<uint64_t>{100, 101, 102}));
  JobSeeds b = plan_seeds(10, 100, 0.5, 2);  // variation: one seed for all images
  EXPECT_EQ(b.seeds, (std::vector<uint64_t>{10, 10}));
  EXPECT_EQ(resolve_seed(1234), 1234u);
  for (int i = 0; i < 100; ++i) EXPECT_LT(resolve_seed(-1), 4294967294u);
}

TEST(RngImage, ShapeChecksAndResizeIdentity) {
  ImageRngOptions o;
  o.shape = {4, 8, 8};
  o.seeds = {5, 6};
  ImageRng r(o);
  EXPECT_THROW(r.next({1, 4, 8, 8}), Error);
  Tensor a = r.next({2, 4, 8, 8});
  // "Resize seed from" the image's own size is no resize at all.
  o.seed_resize_from_h = 64;
  o.seed_resize_from_w = 64;
  ImageRng same(o);
  Tensor b = same.first();
  EXPECT_EQ(0, std::memcmp(a.f32(), b.f32(), a.nbytes()));
  EXPECT_THROW(same.first(), Error);
  // Larger source than target: a centred crop of the fresh-seed noise.
  o.seeds = {5};
  o.seed_resize_from_h = 96;
  o.seed_resize_from_w = 80;
  Tensor c = ImageRng(o).first();
  Tensor big = randn_seeded(RandnSource::Cpu, 5, {4, 12, 10});
  for (int ch = 0; ch < 4; ++ch)
    for (int y = 0; y < 8; ++y)
      for (int x = 0; x < 8; ++x) EXPECT_EQ(c.f32()[(ch * 8 + y) * 8 + x], big.f32()[(ch * 12 + y + 2) * 10 + x + 1]);
  // A1111's defaults (-1) and sizes under 8 px leave the image's own noise untouched.
  o.seed_resize_from_h = -1;
  EXPECT_EQ(0, std::memcmp(ImageRng(o).first().f32(), randn_seeded(RandnSource::Cpu, 5, {4, 8, 8}).f32(), 256 * 4));
  o.seed_resize_from_h = 4;
  EXPECT_EQ(0, std::memcmp(ImageRng(o).first().f32(), randn_seeded(RandnSource::Cpu, 5, {4, 8, 8}).f32(), 256 * 4));
  ImageRngOptions bad = o;
  bad.shape = {4, 8};
  EXPECT_THROW(ImageRng{bad}, Error);
}
