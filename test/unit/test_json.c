/*
 * test_json.c
 *		Unit tests of the core's JSON reader (clinical/json.h): events,
 *		strictness, string decoding, exact numbers, the tree and writing.
 */
#include <stdlib.h>

#include "clinical/json.h"
#include "unit.h"

/* events rendered as text: { } [ ] k:KEY s:STR n:NUM b:BOOL z */
typedef struct ev_log
{
	cl_buf		out;
	int			stop_after;		/* stop at this event (0: never) */
	int			count;
} ev_log;

static bool
log_tok(ev_log *l, const char *tok)
{
	if (l->out.len)
		cl_buf_append_char(&l->out, ' ');
	cl_buf_append_str(&l->out, tok);
	return ++l->count != l->stop_after;
}

static bool
ev_os(void *arg)
{
	return log_tok(arg, "{");
}

static bool
ev_oe(void *arg)
{
	return log_tok(arg, "}");
}

static bool
ev_as(void *arg)
{
	return log_tok(arg, "[");
}

static bool
ev_ae(void *arg)
{
	return log_tok(arg, "]");
}

static bool
ev_key(void *arg, const char *k, size_t n)
{
	ev_log	   *l = arg;

	if (l->out.len)
		cl_buf_append_char(&l->out, ' ');
	cl_buf_append_str(&l->out, "k:");
	cl_buf_append(&l->out, k, n);
	return ++l->count != l->stop_after;
}

static bool
ev_scalar(void *arg, cl_node_kind kind, const char *t, size_t n)
{
	ev_log	   *l = arg;
	static const char *const pfx[] = {"z", "b:", "n:", "s:", "?", "?"};

	if (l->out.len)
		cl_buf_append_char(&l->out, ' ');
	cl_buf_append_str(&l->out, pfx[kind]);
	if (kind != CL_NODE_NULL)
		cl_buf_append(&l->out, t, n);
	return ++l->count != l->stop_after;
}

static const cl_json_events log_events = {ev_os, ev_oe, ev_as, ev_ae, ev_key, ev_scalar};

/* parses s; returns the event log (malloc'd) or NULL on error (err set) */
static char *
events_of(const char *s, cl_error *err)
{
	ev_log		l;

	memset(&l, 0, sizeof(l));
	cl_buf_init(&l.out, &cl_malloc_allocator, 64);
	if (!cl_json_parse(s, strlen(s), &cl_malloc_allocator, &log_events, &l, err))
	{
		cl_buf_free(&l.out);
		return NULL;
	}
	return l.out.data;
}

#define CHECK_EVENTS(json, expected) \
	do { cl_error e_; char *got_ = events_of(json, &e_); \
		 if (got_ == NULL) unit_fail(__FILE__, __LINE__, "parse of %s failed: %s", json, e_.message); \
		 else { CHECK_STR(got_, expected); free(got_); } } while (0)

/* malformed: code, offset and a message fragment */
#define CHECK_BAD(json, code_, offset_, msgpart) \
	do { cl_error e_; char *got_ = events_of(json, &e_); \
		 if (got_ != NULL) { unit_fail(__FILE__, __LINE__, "%s parsed: %s", json, got_); free(got_); } \
		 else { CHECK_INT(e_.code, code_); CHECK_INT(e_.offset, offset_); \
				if (strstr(e_.message, msgpart) == NULL) \
					unit_fail(__FILE__, __LINE__, "message \"%s\" lacks \"%s\"", e_.message, msgpart); } } while (0)

TEST(json_events_basic)
{
	CHECK_EVENTS("{\"a\": [1, 2.50, -0, 1e+10, true, false, null], \"b\": {}, \"c\": []}",
				 "{ k:a [ n:1 n:2.50 n:-0 n:1e+10 b:true b:false z ] k:b { } k:c [ ] }");
	CHECK_EVENTS("  \"x\"  ", "s:x");
	CHECK_EVENTS("-12.5E-3", "n:-12.5E-3");
	CHECK_EVENTS("\t\r\n[ ]\n", "[ ]");
	CHECK_EVENTS("{\"\":\"\"}", "{ k: s: }");
}

TEST(json_events_strings_decoded)
{
	CHECK_EVENTS("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "s:a\"b\\c/d\b\f\n\r\t");
	CHECK_EVENTS("\"\\u00e9\\u20AC\"", "s:\xC3\xA9\xE2\x82\xAC");
	/* a surrogate pair becomes one 4-byte UTF-8 sequence */
	CHECK_EVENTS("\"\\ud83d\\ude00\"", "s:\xF0\x9F\x98\x80");
	/* raw UTF-8 passes through, in keys too */
	CHECK_EVENTS("{\"na\xC3\xAFve\":\"\xE6\x97\xA5\"}", "{ k:na\xC3\xAFve s:\xE6\x97\xA5 }");
	CHECK_EVENTS("\"\\u0000\"", "s:");	/* NUL decoded (length 1) */
}

TEST(json_strict_rejections)
{
	CHECK_BAD("[1,2,]", CL_ERR_SYNTAX, 5, "trailing comma in array");
	CHECK_BAD("{\"a\":1,}", CL_ERR_SYNTAX, 7, "trailing comma in object");
	CHECK_BAD("[01]", CL_ERR_SYNTAX, 1, "leading zero");
	CHECK_BAD("-01", CL_ERR_SYNTAX, 0, "leading zero");
	CHECK_BAD("1.", CL_ERR_SYNTAX, 2, "digit expected after '.'");
	CHECK_BAD(".5", CL_ERR_SYNTAX, 0, "unexpected character");
	CHECK_BAD("1e", CL_ERR_SYNTAX, 2, "exponent");
	CHECK_BAD("+1", CL_ERR_SYNTAX, 0, "unexpected character");
	CHECK_BAD("\"a\\x\"", CL_ERR_SYNTAX, 2, "invalid escape");
	CHECK_BAD("\"\\u12G4\"", CL_ERR_SYNTAX, 1, "invalid \\u escape");
	CHECK_BAD("\"\\ud83d\"", CL_ERR_SYNTAX, 1, "lone high surrogate");
	CHECK_BAD("\"\\ud83d\\u0041\"", CL_ERR_SYNTAX, 1, "lone high surrogate");
	CHECK_BAD("\"\\ude00\"", CL_ERR_SYNTAX, 1, "lone low surrogate");
	CHECK_BAD("\"a\tb\"", CL_ERR_SYNTAX, 2, "control character");
	CHECK_BAD("\"a\xC3\"", CL_ERR_ENCODING, 2, "invalid UTF-8");
	CHECK_BAD("\"\xED\xA0\x80\"", CL_ERR_ENCODING, 1, "invalid UTF-8");	/* encoded surrogate */
	CHECK_BAD("\"\xC0\xAF\"", CL_ERR_ENCODING, 1, "invalid UTF-8");	/* overlong */
	CHECK_BAD("\"abc", CL_ERR_SYNTAX, 4, "unterminated string");
	CHECK_BAD("{\"a\" 1}", CL_ERR_SYNTAX, 5, "':' expected");
	CHECK_BAD("{1:2}", CL_ERR_SYNTAX, 1, "object key");
	CHECK_BAD("[1 2]", CL_ERR_SYNTAX, 3, "',' or ']' expected");
	CHECK_BAD("{\"a\":1 \"b\":2}", CL_ERR_SYNTAX, 7, "',' or '}' expected");
	CHECK_BAD("[1", CL_ERR_SYNTAX, 2, "unterminated array");
	CHECK_BAD("{\"a\":1", CL_ERR_SYNTAX, 6, "unterminated object");
	CHECK_BAD("", CL_ERR_SYNTAX, 0, "no value");
	CHECK_BAD("   ", CL_ERR_SYNTAX, 3, "no value");
	CHECK_BAD("{} {}", CL_ERR_SYNTAX, 3, "after the value");
	CHECK_BAD("tru", CL_ERR_SYNTAX, 0, "unexpected token");
	CHECK_BAD("nul1", CL_ERR_SYNTAX, 0, "unexpected token");
	CHECK_BAD("\xEF\xBB\xBF{}", CL_ERR_SYNTAX, 0, "unexpected character");	/* BOM */
	CHECK_BAD("[NaN]", CL_ERR_SYNTAX, 1, "unexpected character");
	CHECK_BAD("{\"a\":'x'}", CL_ERR_SYNTAX, 5, "unexpected character");
}

TEST(json_error_message_quotes_little)
{
	cl_error	e;
	char	   *got = events_of("[1, 2, @abcdefghijklmnopqrstuvwxyz0123456789]", &e);

	CHECK(got == NULL);
	CHECK_STR(e.message, "invalid JSON: unexpected character at byte 7 near \"@abcdefghijklmnopqrs...\"");
}

TEST(json_depth_limit)
{
	size_t		n = CL_JSON_MAX_DEPTH + 1;
	char	   *s = malloc(2 * n + 1);
	cl_error	e;
	char	   *got;

	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = '\0';
	got = events_of(s, &e);
	CHECK(got == NULL);
	CHECK_INT(e.code, CL_ERR_LIMIT);
	CHECK_INT(e.offset, CL_JSON_MAX_DEPTH);
	/* exactly the limit is fine */
	s[CL_JSON_MAX_DEPTH * 2 + 1] = '\0';
	got = events_of(s + 1, &e);
	CHECK(got != NULL);
	free(got);
	free(s);
}

TEST(json_callback_stops)
{
	ev_log		l;
	cl_error	e;
	const char *s = "[1, 2, 3]";

	memset(&l, 0, sizeof(l));
	cl_buf_init(&l.out, &cl_malloc_allocator, 64);
	l.stop_after = 3;
	CHECK(!cl_json_parse(s, strlen(s), &cl_malloc_allocator, &log_events, &l, &e));
	CHECK_INT(e.code, CL_OK);
	CHECK_STR(l.out.data, "[ n:1 n:2");
	cl_buf_free(&l.out);
}

TEST(json_not_nul_terminated)
{
	/* the reader honours len, never reads past it */
	const char	buf[] = {'[', '1', '2', ']', '9'};
	ev_log		l;
	cl_error	e;

	memset(&l, 0, sizeof(l));
	cl_buf_init(&l.out, &cl_malloc_allocator, 64);
	CHECK(cl_json_parse(buf, 4, &cl_malloc_allocator, &log_events, &l, &e));
	CHECK_STR(l.out.data, "[ n:12 ]");
	cl_buf_free(&l.out);
	cl_buf_init(&l.out, &cl_malloc_allocator, 64);
	CHECK(!cl_json_parse(buf, 2, &cl_malloc_allocator, &log_events, &l, &e));
	CHECK_INT(e.offset, 2);
	cl_buf_free(&l.out);
}

TEST(json_tree_access)
{
	cl_arena	arena;
	cl_node		root,
				v,
				w;
	cl_error	e;
	const char *s = "{\"name\":[{\"given\":[\"A\\u00e9\",\"B\"]}],\"n\":1.50,"
		"\"ok\":true,\"nil\":null,\"e\":{},\"x\":1,\"x\":2}";
	const char *t;
	size_t		n;
	const char *k;
	size_t		kl;

	cl_arena_init(&arena, &cl_malloc_allocator, 1024);
	CHECK(cl_json_tree(s, strlen(s), &arena, &root, &e));
	CHECK_INT(cl_node_kind_of(&root), CL_NODE_OBJECT);
	CHECK_INT(root.ops->count(&root), 7);
	CHECK(root.ops->member_at(&root, 1, &k, &kl, &v));
	CHECK_MEM(k, kl, "n");
	CHECK_INT(cl_node_kind_of(&v), CL_NODE_NUMBER);
	CHECK(v.ops->scalar(&v, &t, &n));
	CHECK_MEM(t, n, "1.50");
	CHECK(!root.ops->member_at(&root, 7, &k, &kl, &v));

	CHECK(root.ops->member(&root, "name", 4, &v));
	CHECK_INT(cl_node_kind_of(&v), CL_NODE_ARRAY);
	CHECK_INT(v.ops->count(&v), 1);
	CHECK(v.ops->element(&v, 0, &w));
	CHECK(!v.ops->element(&v, 1, &w));
	CHECK(v.ops->element(&v, 0, &w));
	CHECK(w.ops->member(&w, "given", 5, &v));
	CHECK(v.ops->element(&v, 0, &w));
	CHECK(w.ops->scalar(&w, &t, &n));
	CHECK_MEM(t, n, "A\xC3\xA9");
	CHECK(!w.ops->member(&w, "given", 5, &v));	/* a string has no members */
	CHECK_INT(w.ops->count(&w), 0);

	CHECK(root.ops->member(&root, "ok", 2, &v));
	CHECK(v.ops->scalar(&v, &t, &n));
	CHECK_MEM(t, n, "true");
	CHECK_INT(cl_node_kind_of(&v), CL_NODE_BOOL);
	CHECK(root.ops->member(&root, "nil", 3, &v));
	CHECK_INT(cl_node_kind_of(&v), CL_NODE_NULL);
	CHECK(v.ops->scalar(&v, &t, &n));
	CHECK_MEM(t, n, "null");
	CHECK(root.ops->member(&root, "e", 1, &v));
	CHECK_INT(v.ops->count(&v), 0);
	CHECK(!v.ops->scalar(&v, &t, &n));
	/* duplicates are kept; the first wins for lookup */
	CHECK(root.ops->member(&root, "x", 1, &v));
	CHECK(v.ops->scalar(&v, &t, &n));
	CHECK_MEM(t, n, "1");
	CHECK(!root.ops->member(&root, "nam", 3, &v));
	CHECK(!root.ops->member(&root, "names", 5, &v));
	cl_arena_reset(&arena);
}

TEST(json_tree_large_object_lookup)
{
	cl_arena	arena;
	cl_node		root,
				v;
	cl_error	e;
	cl_buf		b;
	const char *t;
	size_t		n;
	char		key[16];

	cl_buf_init(&b, &cl_malloc_allocator, 256);
	cl_buf_append_char(&b, '{');
	for (int i = 0; i < 200; i++)
		cl_buf_printf(&b, "%s\"k%d\":%d", i ? "," : "", (i * 37) % 200, i);
	cl_buf_append_str(&b, ",\"k5\":-1,\"\":0}");
	cl_arena_init(&arena, &cl_malloc_allocator, 1024);
	CHECK(cl_json_tree(b.data, b.len, &arena, &root, &e));
	CHECK_INT(root.ops->count(&root), 202);
	for (int i = 0; i < 200; i++)
	{
		int			j = (i * 37) % 200;
		char		want[16];

		snprintf(key, sizeof(key), "k%d", j);
		snprintf(want, sizeof(want), "%d", i);
		CHECK(root.ops->member(&root, key, strlen(key), &v));
		CHECK(v.ops->scalar(&v, &t, &n));
		CHECK_MEM(t, n, want);
	}
	CHECK(root.ops->member(&root, "", 0, &v));
	CHECK(!root.ops->member(&root, "k200", 4, &v));
	CHECK(!root.ops->member(&root, "k", 1, &v));
	CHECK(root.ops->member_at(&root, 200, &t, &n, &v));
	CHECK_MEM(t, n, "k5");
	cl_arena_reset(&arena);
	cl_buf_free(&b);
}

TEST(json_tree_scalar_root_and_errors)
{
	cl_arena	arena;
	cl_node		root;
	cl_error	e;
	const char *t;
	size_t		n;

	cl_arena_init(&arena, &cl_malloc_allocator, 256);
	CHECK(cl_json_tree("\"x\\ny\"", 6, &arena, &root, &e));
	CHECK_INT(cl_node_kind_of(&root), CL_NODE_STRING);
	CHECK(root.ops->scalar(&root, &t, &n));
	CHECK_MEM(t, n, "x\ny");
	CHECK(!cl_json_tree("[1,]", 4, &arena, &root, &e));
	CHECK_INT(e.code, CL_ERR_SYNTAX);
	CHECK_INT(e.offset, 3);
	cl_arena_reset(&arena);
}

TEST(json_append_string)
{
	cl_buf		b;

	cl_buf_init(&b, &cl_malloc_allocator, 16);
	CHECK(cl_json_append_string(&b, "a\"b\\c\n\t\x01\x1f\xC3\xA9/", 12));
	CHECK_STR(b.data, "\"a\\\"b\\\\c\\n\\t\\u0001\\u001f\xC3\xA9/\"");
	b.len = 0;
	CHECK(cl_json_append_string(&b, "", 0));
	CHECK_STR(b.data, "\"\"");
	b.len = 0;
	/* NUL inside is escaped and round-trips */
	CHECK(cl_json_append_string(&b, "a\0b", 3));
	CHECK_STR(b.data, "\"a\\u0000b\"");
	cl_buf_free(&b);
}

TEST(json_append_string_round_trip)
{
	cl_buf		b;
	cl_arena	arena;
	cl_node		root;
	cl_error	e;
	const char *t;
	size_t		n;
	char		all[256];

	for (int i = 0; i < 128; i++)
		all[i] = (char) i;
	cl_buf_init(&b, &cl_malloc_allocator, 16);
	CHECK(cl_json_append_string(&b, all, 128));
	cl_arena_init(&arena, &cl_malloc_allocator, 256);
	CHECK(cl_json_tree(b.data, b.len, &arena, &root, &e));
	CHECK(root.ops->scalar(&root, &t, &n));
	CHECK_INT(n, 128);
	CHECK(memcmp(t, all, 128) == 0);
	cl_arena_reset(&arena);
	cl_buf_free(&b);
}
