// tests/cpp/types/nested_types_test.cpp
// Differential tests of lists (all layouts, quoting, NULLs, empty, multidimensional,
// slices), struct → record, map → jsonb, dictionary and run-end encoded columns.
#include <cmath>

#include "type_test_util.hpp"

namespace riffq::test {
namespace {

using types::EncodeOptions;

class NestedTypes : public TypesDiffTest {};

TEST_F(NestedTypes, ListOfInt32) {
  ArrowNode child = prim<int32_t>({1, 2, std::nullopt, 3, 4});
  SchemaNode f = field("+l", {field("i", {}, "item")});
  ArrowNode a = list_of(child, {2, 0, std::nullopt, 2, 1});
  expect_pg(f, a, literals("int4[]", {"{1,2}", "{}", std::nullopt, "{NULL,3}", "{4}"}));
  Encoded e = encode_column(f, a, {}, wire::Format::TEXT);
  EXPECT_EQ(e.column.type_oid, 1007u);
  SchemaNode lf = field("+L", {field("i", {}, "item")});
  expect_pg(lf, list_of(child, {2, 0, std::nullopt, 2, 1}, true),
            literals("int4[]", {"{1,2}", "{}", std::nullopt, "{NULL,3}", "{4}"}));
  expect_pg(f, slice(a, 3, 2), literals("int4[]", {"{NULL,3}", "{4}"}));
}

TEST_F(NestedTypes, TextArrayQuoting) {
  Cells items = {"a", "b c", "", "NULL", "null", "x\"y", "back\\slash", "{}", ",", std::nullopt,
                 "tab\t", "Nulls", "ü"};
  ArrowNode a = list_of(strings(items), {static_cast<int64_t>(items.size())});
  std::string arr = "ARRAY[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) arr += ",";
    if (!items[i]) {
      arr += "NULL";
    } else {
      std::string q = "'";
      for (char c : *items[i]) {
        if (c == '\'') q += '\'';
        q += c;
      }
      arr += q + "'";
    }
  }
  arr += "]::text[]";
  expect_pg(field("+l", {field("u")}), a, {arr});
}

TEST_F(NestedTypes, MultiDimensional) {
  SchemaNode f = field("+l", {field("+l", {field("l")})});
  ArrowNode leaves = prim<int64_t>({1, 2, 3, 4, 5, 6, std::nullopt, 8});
  ArrowNode inner = list_of(leaves, {2, 2, 1, 1, 2});
  ArrowNode outer = list_of(inner, {2, 2, 1, 0, std::nullopt});
  expect_pg(f, outer, literals("int8[]", {"{{1,2},{3,4}}", "{{5},{6}}", "{{NULL,8}}", "{}", std::nullopt}));
  Encoded e = encode_column(f, outer, {}, wire::Format::TEXT);
  EXPECT_EQ(e.column.type_oid, 1016u);
  // Three levels via fixed-size lists.
  SchemaNode f3 = field("+w:2", {field("+w:2", {field("+w:2", {field("s")})})});
  std::vector<std::optional<int16_t>> vals;
  for (int16_t i = 0; i < 16; ++i) vals.push_back(i);
  ArrowNode l3 = fixed_list_of(fixed_list_of(fixed_list_of(prim<int16_t>(vals), 2), 2), 2);
  expect_pg(f3, l3, literals("int2[]", {"{{{0,1},{2,3}},{{4,5},{6,7}}}", "{{{8,9},{10,11}},{{12,13},{14,15}}}"}));
}

TEST_F(NestedTypes, NonRectangularIsAnError) {
  SchemaNode f = field("+l", {field("+l", {field("i")})});
  ArrowNode outer = list_of(list_of(prim<int32_t>({1, 2, 3}), {2, 1}), {2});
  Encoded e = encode_column(f, outer, {}, wire::Format::TEXT);
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(e.error, "non-rectangular nested list cannot be sent as a PostgreSQL array");
}

TEST_F(NestedTypes, FixedSizeListAndListView) {
  ArrowNode child = prim<double>({1.5, 2, 3, 4, 5, 6});
  expect_pg(field("+w:3", {field("g")}), fixed_list_of(child, 3, {true, false}),
            literals("float8[]", {"{1.5,2,3}", std::nullopt}));
  ArrowNode view = list_view_of(child, {std::make_pair(4, 2), std::make_pair(0, 1), std::nullopt,
                                        std::make_pair(1, 0), std::make_pair(2, 3)});
  expect_pg(field("+vl", {field("g")}), view,
            literals("float8[]", {"{5,6}", "{1.5}", std::nullopt, "{}", "{3,4,5}"}));
  expect_pg(field("+vl", {field("g")}), slice(view, 1, 3), literals("float8[]", {"{1.5}", std::nullopt, "{}"}));
}

TEST_F(NestedTypes, ArraysOfOtherTypes) {
  ArrowNode ts = prim<int64_t>({0, 1600000000123456, std::nullopt});
  expect_pg(field("+l", {field("tsu:")}), list_of(ts, {3}),
            {"ARRAY['1970-01-01 00:00:00', '2020-09-13 12:26:40.123456', NULL]::timestamp[]"});
  EncodeOptions o;
  o.time_zone = "America/New_York";
  expect_pg(field("+l", {field("tsu:UTC")}), list_of(ts, {3}),
            {"ARRAY['1970-01-01 00:00:00+00', '2020-09-13 12:26:40.123456+00', NULL]::timestamptz[]"}, o);
  expect_pg(field("+l", {field("b")}), list_of(bools({true, false}), {2}), literals("bool[]", {"{t,f}"}));
  std::vector<std::optional<__int128>> d = {12345, -1};
  expect_pg(field("+l", {field("d:10,2")}), list_of(prim<__int128>(d), {2}),
            literals("numeric(10,2)[]", {"{123.45,-0.01}"}));
  expect_pg(field("+l", {field("z")}), list_of(strings({"ab", std::nullopt}), {2}),
            {"ARRAY['\\x6162'::bytea, NULL]"});
  expect_pg(field("+l", {field("tdD")}), list_of(prim<int32_t>({-719528, 0}), {2}),
            literals("date[]", {"{\"0001-01-01 BC\",1970-01-01}"}));
}

TEST_F(NestedTypes, StructToRecord) {
  SchemaNode f = field("+s", {field("i", {}, "a"), field("u", {}, "b")});
  ArrowNode a = struct_of({prim<int32_t>({1, std::nullopt, 3, 4, 5}),
                           strings({"a b", "", "x\"y\\z", "plain", "(p,q)"})},
                          5, {true, true, false, true, true});
  expect_pg(f, a,
            {"ROW(1, 'a b'::text)", "ROW(NULL::int4, ''::text)", "NULL::record",
             "ROW(4, 'plain'::text)", "ROW(5, '(p,q)'::text)"});
  Encoded e = encode_column(f, a, {}, wire::Format::TEXT);
  EXPECT_EQ(e.column.type_oid, 2249u);
  expect_pg(f, slice(a, 1, 3), {"ROW(NULL::int4, ''::text)", "NULL::record", "ROW(4, 'plain'::text)"});
  // A list of records.
  expect_pg(field("+l", {f}), list_of(a, {2, 3}),
            {"ARRAY[ROW(1, 'a b'::text), ROW(NULL::int4, ''::text)]",
             "ARRAY[NULL, ROW(4, 'plain'::text), ROW(5, '(p,q)'::text)]"},
            {}, false);
}

TEST_F(NestedTypes, MapToJsonb) {
  SchemaNode entries = field("+s", {field("u", {}, "key"), field("l", {}, "value")}, "entries");
  entries.children[0].flags = 0;
  SchemaNode f = field("+m", {entries});
  ArrowNode kv = struct_of({strings({"b", "aa", "b", "x\"q", "k"}),
                            prim<int64_t>({1, 2, 3, std::nullopt, 7})},
                           5);
  ArrowNode m = list_of(kv, {3, 1, 0, std::nullopt, 1});
  expect_pg(f, m,
            literals("jsonb", {"{\"b\": 1, \"aa\": 2, \"b\": 3}", "{\"x\\\"q\": null}", "{}", std::nullopt,
                               "{\"k\": 7}"}));
  Encoded e = encode_column(f, m, {}, wire::Format::TEXT);
  EXPECT_EQ(e.column.type_oid, 3802u);
  SchemaNode fs = field("+m", {field("+s", {field("u", {}, "key"), field("u", {}, "value")})});
  ArrowNode kv2 = struct_of({strings({"z", "a"}), strings({"line\nbreak", std::nullopt})}, 2);
  SchemaNode ff = field("+m", {field("+s", {field("i", {}, "key"), field("g", {}, "value")})});
  ArrowNode kv3 = struct_of({prim<int32_t>({10, 2, 3, 4}), prim<double>({1e20, 1.5e-7, NAN, 0.25})}, 4);
  expect_pg(ff, list_of(kv3, {4}),
            literals("jsonb", {"{\"10\": 1e20, \"2\": 1.5e-7, \"3\": \"NaN\", \"4\": 0.25}"}));
  expect_pg(fs, list_of(kv2, {2}), literals("jsonb", {"{\"z\": \"line\\nbreak\", \"a\": null}"}));
}

TEST_F(NestedTypes, DictionaryDecoded) {
  SchemaNode f = field("c");
  f.dictionary = std::make_shared<SchemaNode>(field("u"));
  ArrowNode idx = prim<int8_t>({1, 0, std::nullopt, 1, 2});
  idx.dictionary = std::make_shared<ArrowNode>(strings({"zero", "one", std::nullopt}));
  expect_pg(f, idx, literals("text", {"one", "zero", std::nullopt, "one", std::nullopt}));
  expect_pg(f, slice(idx, 2, 3), literals("text", {std::nullopt, "one", std::nullopt}));
  SchemaNode fu = field("I");
  fu.dictionary = std::make_shared<SchemaNode>(field("tdD"));
  ArrowNode uidx = prim<uint32_t>({0, 0, 1});
  uidx.dictionary = std::make_shared<ArrowNode>(prim<int32_t>({0, -719528}));
  expect_pg(fu, uidx, literals("date", {"1970-01-01", "1970-01-01", "0001-01-01 BC"}));
}

TEST_F(NestedTypes, SlicedChildren) {
  // Child arrays with their own offsets, under a sliced parent.
  ArrowNode child = slice(prim<int32_t>({9, 1, std::nullopt, 3, 4, 9}), 1, 4);
  SchemaNode lf = field("+l", {field("i")});
  expect_pg(lf, slice(list_of(child, {1, 2, 1}), 1, 2), literals("int4[]", {"{NULL,3}", "{4}"}));
  SchemaNode sf = field("+s", {field("i", {}, "a"), field("u", {}, "b")});
  ArrowNode s = struct_of({child, slice(strings({"x", "y", "z", "w", "v"}), 1, 4)}, 4);
  expect_pg(sf, slice(s, 1, 3), {"ROW(NULL::int4, 'z'::text)", "ROW(3, 'w'::text)", "ROW(4, 'v'::text)"});
}

TEST_F(NestedTypes, RunEndEncodedDecoded) {
  SchemaNode f = field("+r", {field("i", {}, "run_ends"), field("l", {}, "values")});
  ArrowNode a;
  a.length = 6;
  a.children.push_back(prim<int32_t>({2, 5, 6}));
  a.children.push_back(prim<int64_t>({7, std::nullopt, -1}));
  expect_pg(f, a, literals("int8", {"7", "7", std::nullopt, std::nullopt, std::nullopt, "-1"}));
  expect_pg(f, slice(a, 1, 4), literals("int8", {"7", std::nullopt, std::nullopt, std::nullopt}));
}

}  // namespace
}  // namespace riffq::test
