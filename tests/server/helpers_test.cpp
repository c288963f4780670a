// Server building blocks without HTTP: base64, styles.csv, the latent preview, and styles
// applied to a request.
#include <gtest/gtest.h>

#include <fstream>

#include "common/oracle.h"
#include "fake_service.h"
#include "server/api_request.h"
#include "server/base64.h"
#include "server/preview.h"
#include "server/server_options.h"
#include "server/styles.h"

namespace easel::test {
namespace {
using server::base64_decode;
using server::base64_encode;

TEST(ServerHelpers, Base64RoundTripAndRejects) {
  for (size_t n = 0; n < 70; ++n) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = uint8_t(i * 37 + 11);
    const std::string e = base64_encode(v);
    EXPECT_EQ(e.size(), (n + 2) / 3 * 4);
    auto d = base64_decode(e);
    ASSERT_TRUE(d) << n;
    EXPECT_EQ(*d, v) << n;
  }
  EXPECT_EQ(base64_encode(std::vector<uint8_t>{'M', 'a', 'n'}), "TWFu");
  EXPECT_EQ(base64_encode(std::vector<uint8_t>{'M'}), "TQ==");
  auto d = base64_decode("data:image/png;base64,TW Fu\n");  // prefix and whitespace accepted
  ASSERT_TRUE(d);
  EXPECT_EQ(std::string(d->begin(), d->end()), "Man");
  EXPECT_FALSE(base64_decode("TWF*"));
  EXPECT_FALSE(base64_decode("TQ==TQ=="));  // data after padding
  EXPECT_FALSE(base64_decode("T"));         // a lone sextet
  EXPECT_FALSE(base64_decode("data:nocomma"));
}

TEST(ServerHelpers, StylesCsv) {
  const auto dir = temp_dir("server_styles");
  const auto path = (dir / "styles.csv").string();
  std::ofstream(path) << "name,prompt,negative_prompt\n"
                         "Cinematic,\"cinematic still of {prompt}, film grain\",\"cartoon, \"\"flat\"\"\"\n"
                         "Plain,masterpiece,\n"
                         ",ignored,row\n"
                         "Multi,\"line one\nline two\",x\n";
  auto s = server::load_styles(path);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].name, "Cinematic");
  EXPECT_EQ(s[0].prompt, "cinematic still of {prompt}, film grain");
  EXPECT_EQ(s[0].negative_prompt, "cartoon, \"flat\"");
  EXPECT_EQ(s[1].negative_prompt, "");
  EXPECT_EQ(s[2].prompt, "line one\nline two");
  EXPECT_TRUE(server::load_styles((dir / "missing.csv").string()).empty());

  // Applied as A1111 does: {prompt} is replaced, otherwise the style is appended.
  FakeService svc;
  server::ServerOptions opts(svc);
  auto r = server::parse_generation_request({{"prompt", "a fox"}, {"negative_prompt", "ugly"}, {"styles", {"Cinematic", "Plain", "Unknown"}}},
                                            false, opts, {}, s);
  EXPECT_EQ(r.job.params.prompt, "cinematic still of a fox, film grain, masterpiece");
  EXPECT_EQ(r.job.params.negative_prompt, "ugly, cartoon, \"flat\"");
}

TEST(ServerHelpers, LatentPreview) {
  Tensor lat = Tensor::zeros({2, 4, 3, 5});
  lat.f32()[1 * 60 + 0 * 15 + 7] = 1.0f;  // image 1, channel 0, pixel 7
  Image im = server::latent_preview(lat, 1);
  ASSERT_EQ(im.width, 5);
  ASSERT_EQ(im.height, 3);
  EXPECT_EQ(im.rgb[0], 128);  // zero latent -> mid grey
  // channel 0 maps to (0.298, 0.207, 0.208): (1 + 0.298) / 2 * 255 = 165.5 -> 165/166
  EXPECT_NEAR(im.rgb[7 * 3 + 0], 165.5, 0.6);
  EXPECT_NEAR(im.rgb[7 * 3 + 1], (1 + 0.207) / 2 * 255, 0.6);
  EXPECT_EQ(server::latent_preview(lat, 2).width, 0);  // out of range: empty, no crash
}

}  // namespace
}  // namespace easel::test
