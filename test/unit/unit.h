/*
 * unit.h
 *		A minimal unit-test harness for the core.
 *
 * TEST(name) { ... } defines a test that registers itself at start-up; the
 * CHECK macros record a failure and go on, so a test reports every broken
 * expectation at once.  The runner (unit_main.c) prints one line per test and
 * closes with "N passed, N failed".
 */
#ifndef CLINICAL_UNIT_H
#define CLINICAL_UNIT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef void (*unit_fn) (void);

void		unit_register(const char *name, unit_fn fn);
void		unit_fail(const char *file, int line, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

#define TEST(name) \
	static void test_##name(void); \
	__attribute__((constructor)) static void register_##name(void) \
	{ unit_register(#name, test_##name); } \
	static void test_##name(void)

#define CHECK(cond) \
	do { if (!(cond)) unit_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); } while (0)

#define CHECK_INT(a, b) \
	do { long long a_ = (long long) (a), b_ = (long long) (b); \
		 if (a_ != b_) unit_fail(__FILE__, __LINE__, "%s == %lld, expected %s == %lld", \
								 #a, a_, #b, b_); } while (0)

#define CHECK_STR(a, b) \
	do { const char *a_ = (a), *b_ = (b); \
		 if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) \
			 unit_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", \
					   #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)

/* compare a (pointer, length) pair with a NUL-terminated expectation */
#define CHECK_MEM(p, n, b) \
	do { const char *p_ = (p), *b_ = (b); size_t n_ = (n); \
		 if (p_ == NULL || n_ != strlen(b_) || memcmp(p_, b_, n_) != 0) \
			 unit_fail(__FILE__, __LINE__, "%s == \"%.*s\", expected \"%s\"", \
					   #p, p_ ? (int) n_ : 6, p_ ? p_ : "(null)", b_); } while (0)

#endif
