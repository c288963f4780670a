// The allow-list pickle VM: the opcodes of protocols 0-5 produce the right inert values, every
// global off the list is refused by name whichever opcode reaches it, and hostile structure
// (nesting, memo, lengths, cycles) ends in an Error quickly.
#include <gtest/gtest.h>

#include <chrono>

#include "io/builders.h"
#include "io/pickle.h"

using namespace easel;
using namespace easel::test;
using namespace easel::pickle;

namespace {
std::string eval(const std::string& b, size_t max_len = 400) {
  Heap h = run(reinterpret_cast<const uint8_t*>(b.data()), b.size(), "test.pkl");
  return repr(h, h.root, max_len);
}
std::string err(const std::string& b, const Limits& lim = {}) {
  return error_of([&] { run(reinterpret_cast<const uint8_t*>(b.data()), b.size(), "test.pkl", lim); });
}
}  // namespace

TEST(Pickle, Protocol0Text) {
  // dict(a=1, b=[2.5, 'x', True, -3], c=(None,), d=12345678901234567890L) as protocol 0 writes it.
  std::string p =
      "(dp0\nVa\np1\nI1\nsVb\np2\n(lp3\nF2.5\naS'x\\n\\x41'\np4\naI01\naI-3\nasVc\np5\n(Ntp6\nsVd\np7\n"
      "L12345678901234567890L\nsVu\np8\nVcaf\\u00e9\np9\nsg9\ng4\ns.";
  EXPECT_EQ(eval(p), "{a: 1, b: [2.5, x\nA, True, -3], c: (None), d: 12345678901234567890, u: caf\xc3\xa9, caf\xc3\xa9: x\nA}");
}

TEST(Pickle, Protocol2Binary) {
  Pickle p;
  p.proto(2).op(']').op('q').raw(std::string(1, '\0')).mark();
  p.op('K').raw("\x07").op('M').raw(std::string("\x34\x12", 2)).op('J').raw(std::string("\xfe\xff\xff\xff", 4));
  p.raw(std::string("\x8a\x02\x00\x80", 4));          // LONG1 -32768
  p.raw(std::string("\x8a\x00", 2));                   // LONG1 0
  p.raw(std::string("\x8b\x09\x00\x00\x00", 5) + std::string(8, '\0') + "\x01");  // LONG4 2^64
  p.raw("G").raw(std::string("\xc0\x00\x00\x00\x00\x00\x00\x00", 8));  // -2.0
  p.raw("U\x03" "abc").raw(std::string("T\x02\x00\x00\x00", 5) + "de").bytes("\x01\x02");
  p.op('N').op('\x88').op('\x89').op(')').integer(1).op('\x85').integer(1).integer(2).op('\x86');
  p.integer(1).integer(2).integer(3).op('\x87').op('h').raw(std::string(1, '\0'));
  p.op('e').stop();
  // The list holds itself last (BINGET 0): rendering stops at a bounded depth.
  std::string r = eval(p.b);
  const std::string one = "7, 4660, -2, -32768, 0, 0x010000000000000000, -2.0, abc, de, <2 bytes>, None, True, False, "
                          "(), (1), (1, 2), (1, 2, 3), ";
  EXPECT_EQ(r.rfind("[" + one + "[" + one + "[", 0), 0u) << r;
  EXPECT_LE(r.size(), 403u);
}

TEST(Pickle, Protocol4And5) {
  Pickle p;
  p.proto(4).op('\x95').u64(60);
  p.stack_global("collections", "OrderedDict").op('\x94').op(')').op('R').op('\x94');
  p.mark().raw("\x8c\x01k").op('\x94').op('\x8f').op('\x94').mark().integer(1).integer(2).op('\x90');
  p.raw("\x8c\x01" "f").mark().integer(3).op('\x91');
  p.raw("\x8d").u64(2).raw("\xc3\xa9").raw("\x8e").u64(1).raw("z").raw("\x96").u64(2).raw("yy");
  p.op('h').raw(std::string(1, '\x02'));
  p.op('u').stop();
  Heap h = run(reinterpret_cast<const uint8_t*>(p.b.data()), p.b.size(), "p4");
  const Value& d = h[h.root];
  ASSERT_EQ(d.kind, Kind::Dict);
  ASSERT_EQ(d.dict.size(), 4u);
  EXPECT_EQ(h[d.dict[0].second].kind, Kind::Set);
  EXPECT_EQ(h[d.dict[0].second].items.size(), 2u);
  EXPECT_EQ(h[d.dict[1].second].items.size(), 1u);
  EXPECT_EQ(h[d.dict[2].first].str, "\xc3\xa9");
  EXPECT_EQ(h[d.dict[2].second].kind, Kind::Bytes);
  EXPECT_EQ(h[d.dict[3].second].str, "k");  // BINGET 2 is the memoized "k"
}

TEST(Pickle, TorchTensorsAndExtras) {
  // A state dict holding a _rebuild_parameter-wrapped tensor, a numpy global_step, a set and
  // a ModelCheckpoint callback built with NEWOBJ + BUILD.
  std::string extra = Pickle()
                          .str("global_step")
                          .global("numpy.core.multiarray", "scalar")
                          .global("numpy", "dtype").str("i8").op('\x89').op('\x88').op('\x87').op('R')
                          .mark().integer(3).str("<").op('N').op('N').op('N').integer(-1).integer(-1).integer(0).op('t').op('b')
                          .global("_codecs", "encode").str(std::string("\x07\x00\x00\x00\x00\x00\x00\x00", 8)).str("latin1")
                          .op('\x86').op('R').op('\x86').op('R')
                          .str("callbacks")
                          .global("pytorch_lightning.callbacks.model_checkpoint", "ModelCheckpoint").op(')').op('\x81')
                          .op('}').str("best").raw("G").raw(std::string("\x3f\xf8\0\0\0\0\0\0", 8)).op('s').op('b')
                          .str("tags").global("__builtin__", "set").op(']').str("a").op('a').op('\x85').op('R')
                          .b;
  std::string p = torch_pickle({{"w", "0", "HalfStorage", 6, 0, {2, 3}, {3, 1}, true}}, true, extra);
  Heap h = run(reinterpret_cast<const uint8_t*>(p.data()), p.size(), "t.pkl");
  EXPECT_EQ(repr(h, h.get(h.root, "global_step")), "7");
  EXPECT_EQ(repr(h, h.get(h.root, "callbacks")),
            "pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint {best: 1.5}");
  EXPECT_EQ(repr(h, h.get(h.root, "tags")), "{a}");
  Ref sd = h.get(h.root, "state_dict");
  const Value& t = h[h.get(sd, "w")];
  ASSERT_EQ(t.kind, Kind::Tensor);
  EXPECT_EQ(t.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(t.stride, (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(h[t.items[0]].dtype, DType::F16);
  EXPECT_EQ(h[t.items[0]].str, "0");
  EXPECT_EQ(h[t.items[0]].i, 6);
}

TEST(Pickle, ForbiddenGlobalsAreRefusedByName) {
  const std::pair<const char*, const char*> bad[] = {
      {"os", "system"}, {"posix", "system"}, {"nt", "system"}, {"builtins", "eval"}, {"builtins", "exec"},
      {"__builtin__", "eval"}, {"builtins", "getattr"}, {"builtins", "__import__"}, {"builtins", "open"},
      {"subprocess", "Popen"}, {"subprocess", "check_output"}, {"subprocess", "run"}, {"os", "popen"},
      {"shutil", "rmtree"}, {"pickle", "loads"}, {"_pickle", "loads"}, {"copyreg", "_reconstructor"},
      {"functools", "partial"}, {"operator", "attrgetter"}, {"webbrowser", "open"}, {"numpy", "load"},
      {"numpy.core.multiarray", "_reconstruct"}, {"torch", "load"}, {"torch.storage", "_load_from_bytes"},
      {"torch.nn.modules.conv", "Conv2d"}, {"torch._utils", "_rebuild_device_tensor_from_numpy"},
      {"collections", "OrderedDict.fromkeys"}, {"torch", "FloatStorage\nx"}, {"", ""}, {"torch._utils ", "_rebuild_tensor_v2"},
  };
  size_t refused = 0, routes = 0;
  for (auto& [m, n] : bad) {
    std::string g = std::string(m) + "." + n;
    std::string call_args = Pickle().mark().str("echo pwned").op('t').b;
    // Every route by which a pickle can name a global and then act on it.
    std::vector<std::pair<std::string, std::string>> ways = {
        {"GLOBAL", Pickle().proto(2).global(m, n).stop().b},
        {"GLOBAL+REDUCE", Pickle().proto(2).global(m, n).raw(call_args).op('R').stop().b},
        {"STACK_GLOBAL+REDUCE", Pickle().proto(4).stack_global(m, n).raw(call_args).op('R').stop().b},
        {"GLOBAL+NEWOBJ", Pickle().proto(2).global(m, n).op(')').op('\x81').stop().b},
        {"NEWOBJ_EX", Pickle().proto(4).stack_global(m, n).op(')').op('}').op('\x92').stop().b},
        {"INST", Pickle().mark().str("echo").raw("i" + std::string(m) + "\n" + n + "\n").stop().b},
        {"OBJ", Pickle().proto(1).mark().global(m, n).str("echo").op('o').stop().b},
        {"BUILD", Pickle().proto(2).op('}').global(m, n).op('b').stop().b},
        {"BUILD-state", Pickle().proto(2).global("collections", "OrderedDict").op(')').op('R').global(m, n).op('b').stop().b},
        {"persistent-id", Pickle().proto(2).mark().str("storage").global(m, n).str("0").str("cpu").integer(1).op('t').op('Q').stop().b},
    };
    for (auto& [how, pk] : ways) {
      std::string e = err(pk);
      ++routes;
      bool named = e.find("pickle global '" + g.substr(0, 40)) != std::string::npos && e.find("is not allowed") != std::string::npos;
      if (g.find('\n') != std::string::npos)
        named = e != "<no error>";  // a newline splits the name: still an error, just a different one
      EXPECT_TRUE(named) << g << " via " << how << ": " << e;
      refused += named;
    }
  }
  std::printf("forbidden globals: %zu/%zu (global x route) refused with the global named\n", refused, routes);
}

TEST(Pickle, AllowedGlobalsMisusedAreErrors) {
  EXPECT_ERROR(run((const uint8_t*)"x", 0, "e"), "ends without STOP");
  EXPECT_EQ(err(Pickle().proto(2).global("torch", "FloatStorage").op(')').op('R').stop().b).find("cannot be called") !=
                std::string::npos, true);
  EXPECT_NE(err(Pickle().proto(2).global("torch._utils", "_rebuild_tensor_v2").op(')').op('\x81').stop().b)
                .find("cannot be instantiated"), std::string::npos);
  EXPECT_NE(err(Pickle().proto(2).str("os.system").op(')').op('R').stop().b).find("not a callable"), std::string::npos);
  EXPECT_NE(err(Pickle().proto(2).op(']').op('}').op('b').stop().b).find("BUILD on a list"), std::string::npos);
  EXPECT_NE(err(Pickle().proto(2).integer(3).op(']').op('b').stop().b).find("BUILD on a int"), std::string::npos);
  // _rebuild_tensor_v2 with wrong argument kinds, negative sizes, mismatched ranks.
  auto rebuild = [](const std::string& args) {
    return Pickle().proto(2).global("torch._utils", "_rebuild_tensor_v2").mark().raw(args).op('t').op('R').stop().b;
  };
  std::string storage = Pickle().mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(4).op('t').op('Q').b;
  EXPECT_NE(err(rebuild(Pickle().str("s").integer(0).op(')').op(')').b)).find("argument 0 must be a storage"), std::string::npos);
  EXPECT_NE(err(rebuild(storage + Pickle().integer(-1).op(')').op(')').b)).find("negative"), std::string::npos);
  EXPECT_NE(err(rebuild(storage + Pickle().integer(0).integer(2).op('\x85').op(')').b)).find("dims"), std::string::npos);
  EXPECT_NE(err(rebuild(storage + Pickle().integer(0).integer(-2).op('\x85').integer(1).op('\x85').b)).find("non-negative"),
            std::string::npos);
  // Persistent ids must be torch storage tuples naming a storage type.
  EXPECT_NE(err(Pickle().proto(2).str("x").op('Q').stop().b).find("persistent id"), std::string::npos);
  EXPECT_NE(err(Pickle().proto(2).mark().str("storage").global("collections", "OrderedDict").str("0").str("cpu").integer(1).op('t').op('Q').stop().b)
                .find("storage type"), std::string::npos);
  // _codecs.encode with an exotic encoding.
  EXPECT_NE(err(Pickle().proto(2).global("_codecs", "encode").str("a").str("rot13").op('\x86').op('R').stop().b).find("encoding"),
            std::string::npos);
}

TEST(Pickle, MalformedStreams) {
  struct Case {
    std::string bytes, needle;
  } cases[] = {
      {"", "ends without STOP"},
      {"\x80\x02", "ends without STOP"},
      {"\x80\x06.", "unsupported protocol 6"},
      {"0.", "stack underflow"},
      {"(0.", "stack underflow"},
      {"1.", "no MARK"},
      {"N\xff.", "unknown opcode 0xff"},
      {"h\x05.", "memo key 5 not found"},
      {"j\x01\x02\x03\x04.", "memo key"},
      {"q\x01.", "stack underflow"},
      {"\x82\x01.", "EXT"},
      {"Pabc\n.", "PERSID"},
      {"\x97.", "out-of-band"},
      {"X\xff\xff\xff\xff", "needs 4294967295 bytes"},
      {std::string("\x8d\xff\xff\xff\xff\xff\xff\xff\x3f", 9), "bytes but only"},
      {std::string("\x8b\xff\xff\xff\xff", 5), "negative length"},
      {std::string("T\xff\xff\xff\xff", 5), "negative length"},
      {"Iabc\n.", "bad integer"},
      {"I123", "missing end of line"},
      {"Fx\n.", "bad number"},
      {"S'abc\n.", "not a quoted string"},
      {"S'ab\\'\n.", "dangling backslash"},
      {"S'\\x4'\n.", "bad \\x escape"},
      {"V\\u12\n.", "truncated escape"},
      {"V\\U00110000\n.", "out of range"},
      {"(Nd.", "odd number"},
      {"}(Nu.", "odd number"},
      {"NNa.", "APPEND expects a list"},
      {"N(Ne.", "APPENDS expects a list"},
      {"NNNs.", "SETITEM expects a dict"},
      {"N(\x90.", "ADDITEMS expects a set"},
      {std::string("\x95\xff\xff\xff\xff\xff\x00\x00\x00", 9), "FRAME"},
      {"o.", "no MARK"},
      {"(o.", "OBJ without a class"},
      {"\x80\x04\x8c\x01" "aN\x93.", "STACK_GLOBAL expects two strings"},
      {"\x80\x02)}N\x92.", "NEWOBJ_EX"},
  };
  for (auto& c : cases) {
    std::string e = err(c.bytes);
    EXPECT_NE(e.find(c.needle), std::string::npos) << "bytes " << c.bytes << ": " << e;
    EXPECT_NE(e.find("test.pkl"), std::string::npos) << e;
  }
  std::printf("%zu malformed pickle streams refused\n", std::size(cases));
}

TEST(Pickle, HostileStructureEndsQuickly) {
  auto t0 = std::chrono::steady_clock::now();
  // 100k nested MARKs.
  EXPECT_NE(err(std::string(100000, '(') + ".").find("nested MARKs"), std::string::npos);
  // A stack of 2M Nones.
  EXPECT_NE(err(std::string(2000000, 'N') + ".").find("stack deeper"), std::string::npos);
  // 3M distinct memo entries (LONG_BINPUT with fresh indices).
  {
    Pickle p;
    p.op('N');
    for (uint32_t i = 0; i < 3000000; ++i) p.op('r').u32(i * 7919u);
    EXPECT_NE(err(p.stop().b).find("memo larger"), std::string::npos);
  }
  // Object count limit (small limit so the test is fast).
  {
    Limits lim;
    lim.max_objects = 1000;
    EXPECT_NE(err(Pickle().op(']').raw(std::string(5000, ']')).stop().b, lim).find("more than 1000 objects"),
              std::string::npos);
  }
  // A list nested 1M deep through the memo, then a cycle: must load and render boundedly.
  {
    Pickle p;
    p.op(']').op('r').u32(0);
    for (int i = 0; i < 1000000; ++i) p.op(']').op('2').op('r').u32(1).op('a').op('0').op('j').u32(1);
    p.op('0').op('j').u32(0).op('2').op('a').stop();  // root appended to itself
    std::string r;
    EXPECT_NO_THROW(r = eval(p.b));
    EXPECT_LE(r.size(), 404u);
  }
  // Quadratic work: SETITEMS of a large dict re-run through the memo hits the work limit.
  {
    Pickle p;
    p.op('}').op('r').u32(0).op('0').mark();
    for (int i = 0; i < 1000; ++i) p.str(std::string(1000, 'k') + std::to_string(i)).op('N').op('\x86');
    p.op('l').op('r').u32(1).op('0');  // a list of 1000 (long key, None) pairs
    p.op('j').u32(0);
    for (int i = 0; i < 100000; ++i) p.global("collections", "OrderedDict").op('j').u32(1).op('\x85').op('R').op('0');
    std::string e = err(p.stop().b);
    EXPECT_NE(e.find("work limit"), std::string::npos) << e;
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("hostile pickle structures: all ended in %.2f s\n", s);
  EXPECT_LT(s, 30.0);
}
