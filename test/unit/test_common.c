/*
 * test_common.c
 *		Unit tests of the core's allocator, arena, error values, buffer and
 *		UTF-8 validation.
 */
#include <stdlib.h>

#include "clinical/common.h"
#include "unit.h"

/* an allocator that counts and can be told to fail */
typedef struct counting
{
	int			allocs;
	int			frees;
	int			fail_after;		/* -1: never */
} counting;

static void *
count_alloc(void *ctx, size_t n)
{
	counting   *c = ctx;

	if (c->fail_after >= 0 && c->allocs >= c->fail_after)
		return NULL;
	c->allocs++;
	return malloc(n);
}

static void *
count_realloc(void *ctx, void *p, size_t o, size_t n)
{
	counting   *c = ctx;

	(void) o;
	if (c->fail_after >= 0 && c->allocs >= c->fail_after)
		return NULL;
	c->allocs++;
	return realloc(p, n);
}

static void
count_free(void *ctx, void *p)
{
	((counting *) ctx)->frees++;
	free(p);
}

TEST(alloc_malloc_roundtrip)
{
	char	   *p = cl_alloc0(&cl_malloc_allocator, 64);

	CHECK(p != NULL);
	for (int i = 0; i < 64; i++)
		CHECK(p[i] == 0);
	p = cl_realloc(&cl_malloc_allocator, p, 64, 4096);
	CHECK(p != NULL);
	p[4095] = 'x';
	cl_free(&cl_malloc_allocator, p);
}

TEST(alloc_refuses_huge_requests)
{
	CHECK(cl_alloc(&cl_malloc_allocator, CL_MAX_ALLOC + 1) == NULL);
	CHECK(cl_realloc(&cl_malloc_allocator, NULL, 0, (size_t) -1) == NULL);
}

TEST(alloc_size_mul_overflow)
{
	size_t		out = 7;

	CHECK(cl_size_mul(1000, 1000, &out));
	CHECK_INT(out, 1000000);
	CHECK(!cl_size_mul((size_t) 1 << 20, (size_t) 1 << 20, &out));
	CHECK_INT(out, 1000000);
	CHECK(cl_size_mul(0, (size_t) -1, &out));
	CHECK_INT(out, 0);
}

TEST(alloc_strndup)
{
	char	   *s = cl_strndup(&cl_malloc_allocator, "abcdef", 3);

	CHECK_STR(s, "abc");
	cl_free(&cl_malloc_allocator, s);
}

TEST(alloc_custom_allocator_is_used)
{
	counting	c = {0, 0, -1};
	cl_allocator a = {count_alloc, count_realloc, count_free, &c};
	void	   *p = cl_alloc(&a, 10);

	CHECK(p != NULL);
	cl_free(&a, p);
	CHECK_INT(c.allocs, 1);
	CHECK_INT(c.frees, 1);
}

TEST(arena_allocates_aligned_and_frees_all)
{
	counting	c = {0, 0, -1};
	cl_allocator a = {count_alloc, count_realloc, count_free, &c};
	cl_arena	arena;
	char	   *prev = NULL;

	cl_arena_init(&arena, &a, 256);
	for (int i = 0; i < 1000; i++)
	{
		char	   *p = cl_arena_alloc(&arena, (size_t) (i % 37) + 1);

		CHECK(p != NULL);
		CHECK(((uintptr_t) p % 16) == 0);
		memset(p, 'a', (size_t) (i % 37) + 1);
		CHECK(p != prev);
		prev = p;
	}
	/* an oversized block does not lose the current chunk's free space */
	CHECK(cl_arena_alloc(&arena, 1 << 22) != NULL);
	CHECK(c.allocs > 1);
	CHECK(c.allocs < 20);		/* chunks grow geometrically */
	cl_arena_reset(&arena);
	CHECK_INT(c.frees, c.allocs);
	CHECK_INT(arena.total, 0);
}

TEST(arena_as_allocator_realloc_copies)
{
	cl_arena	arena;
	const cl_allocator *a;
	char	   *p;

	cl_arena_init(&arena, &cl_malloc_allocator, 256);
	a = cl_arena_allocator(&arena);
	p = cl_alloc(a, 4);
	memcpy(p, "abc", 4);
	p = cl_realloc(a, p, 4, 1000);
	CHECK_STR(p, "abc");
	cl_arena_reset(&arena);
}

TEST(arena_parent_failure_returns_null)
{
	counting	c = {0, 0, 0};
	cl_allocator a = {count_alloc, count_realloc, count_free, &c};
	cl_arena	arena;

	cl_arena_init(&arena, &a, 256);
	CHECK(cl_arena_alloc(&arena, 8) == NULL);
	cl_arena_reset(&arena);
}

TEST(error_set_and_clear)
{
	cl_error	e;

	cl_error_clear(&e);
	CHECK(!cl_error_is_set(&e));
	CHECK_INT(e.offset, CL_NO_OFFSET);
	CHECK(!cl_error_set(&e, CL_ERR_SYNTAX, 211, "segment %d has %s", 3, "no id"));
	CHECK(cl_error_is_set(&e));
	CHECK_INT(e.code, CL_ERR_SYNTAX);
	CHECK_INT(e.offset, 211);
	CHECK_STR(e.message, "segment 3 has no id");
	cl_error_where(&e, "segment %d, field %d", 3, 5);
	cl_error_hint(&e, "use %s", "\\r");
	CHECK_STR(e.where, "segment 3, field 5");
	CHECK_STR(e.hint, "use \\r");
	CHECK_STR(cl_errcode_name(e.code), "syntax");
	cl_error_clear(&e);
	CHECK_STR(e.message, "");
}

TEST(error_message_truncates_safely)
{
	cl_error	e;
	char		big[1000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cl_error_set(&e, CL_ERR_LIMIT, 0, "%s", big);
	CHECK_INT(strlen(e.message), CL_ERR_MSG_LEN - 1);
}

TEST(fragment_quotes_at_most_n_chars)
{
	char		out[128];
	const char *in = "PID|1||123456^^^HOSP||DOE^JOHN";

	cl_fragment(out, sizeof(out), in, strlen(in), 0, 20);
	CHECK_STR(out, "PID|1||123456^^^HOSP...");
	cl_fragment(out, sizeof(out), in, strlen(in), 22, 20);
	CHECK_STR(out, "DOE^JOHN");
	cl_fragment(out, sizeof(out), in, strlen(in), 500, 20);
	CHECK_STR(out, "");
}

TEST(fragment_escapes_control_and_invalid_bytes)
{
	char		out[128];
	const char	in[] = "a\rb\0c\xff\xc3\xa9";

	cl_fragment(out, sizeof(out), in, sizeof(in) - 1, 0, 20);
	CHECK_STR(out, "a\\x0Db\\x00c\\xFF\xc3\xa9");
}

TEST(fragment_never_splits_utf8_or_overflows)
{
	char		out[8];
	const char *in = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";

	cl_fragment(out, sizeof(out), in, strlen(in), 0, 20);
	/* 7 usable bytes: three 2-byte characters fit, then no room for "..." */
	CHECK_STR(out, "\xc3\xa9\xc3\xa9\xc3\xa9");
}

TEST(buf_grows_and_formats)
{
	cl_buf		b;

	cl_buf_init(&b, &cl_malloc_allocator, 0);
	for (int i = 0; i < 1000; i++)
		CHECK(cl_buf_append_char(&b, 'a' + i % 26));
	CHECK_INT(b.len, 1000);
	CHECK(cl_buf_printf(&b, "|%d|%s", 42, "x"));
	CHECK_INT(b.len, 1005);
	CHECK_STR(b.data + 1000, "|42|x");
	CHECK(cl_buf_append_str(&b, "END"));
	CHECK_INT(b.len, 1008);
	cl_buf_free(&b);
}

TEST(buf_allocation_failure_is_sticky)
{
	counting	c = {0, 0, 1};
	cl_allocator a = {count_alloc, count_realloc, count_free, &c};
	cl_buf		b;

	cl_buf_init(&b, &a, 16);
	CHECK(!b.failed);
	CHECK(!cl_buf_append(&b, "0123456789012345678901234567890123456789", 40));
	CHECK(b.failed);
	CHECK(!cl_buf_append_char(&b, 'x'));
	cl_buf_free(&b);
}

TEST(utf8_validation)
{
	CHECK_INT(cl_utf8_validate("plain ascii text, long enough", 29), CL_NO_OFFSET);
	CHECK_INT(cl_utf8_validate("M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x98\x80", 16), CL_NO_OFFSET);
	CHECK_INT(cl_utf8_validate("abc\xff", 4), 3);
	CHECK_INT(cl_utf8_validate("abcdefghij\xc0\xaf", 12), 10);	/* overlong */
	CHECK_INT(cl_utf8_validate("\xed\xa0\x80", 3), 0);	/* surrogate */
	CHECK_INT(cl_utf8_validate("\xf4\x90\x80\x80", 4), 0);	/* > U+10FFFF */
	CHECK_INT(cl_utf8_validate("ab\xe2\x82", 4), 2);	/* truncated */
	CHECK_INT(cl_utf8_validate("", 0), CL_NO_OFFSET);
}
