// The pattern language of the name tables: captures, expressions, expansion.
#include <gtest/gtest.h>

#include "core/error.h"
#include "naming/name_pattern.h"

using namespace easel::naming;

TEST(NamePattern, CapturesIndicesAndRest) {
  auto c = match_pattern("down_blocks.{i}.resnets.{j}.*", "down_blocks.3.resnets.12.conv1.weight");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->vars.at("i"), 3);
  EXPECT_EQ(c->vars.at("j"), 12);
  EXPECT_EQ(c->rest, "conv1.weight");
  EXPECT_FALSE(match_pattern("down_blocks.{i}.resnets.{j}.*", "down_blocks.x.resnets.1.a"));
  EXPECT_FALSE(match_pattern("a.{i}", "a.1b"));
  EXPECT_FALSE(match_pattern("abc", "abcd"));
  EXPECT_TRUE(match_pattern("*.position_ids", "x.y.position_ids"));
  EXPECT_FALSE(match_pattern("*.position_ids", "x.y.position_idsz"));
  // The same variable twice must capture the same value.
  EXPECT_TRUE(match_pattern("{i}.{i}", "4.4"));
  EXPECT_FALSE(match_pattern("{i}.{i}", "4.5"));
}

TEST(NamePattern, ExpressionsAndExpansion) {
  Vars v{{"i", 2}, {"j", 1}, {"n", 2}, {"L", 4}};
  EXPECT_EQ(eval_index_expr("i*(n+1)+j+1", v), 8);
  EXPECT_EQ(eval_index_expr("(i+1)*(n+1)", v), 9);
  EXPECT_EQ(eval_index_expr("L-1-i", v), 1);
  EXPECT_EQ(eval_index_expr("2*j", v), 2);
  EXPECT_EQ(expand_pattern("input_blocks.{i*(n+1)+j+1}.0.*", v, "in_layers.0.weight"),
            "input_blocks.8.0.in_layers.0.weight");
  EXPECT_EQ(expand_pattern("layers.{i}.self_attn.{qkv}_proj.weight", v, "", "k"), "layers.2.self_attn.k_proj.weight");
  EXPECT_THROW(eval_index_expr("i+zz", v), easel::Error);
  EXPECT_THROW(expand_pattern("a.{L-9}", v, ""), easel::Error);  // negative index
}
