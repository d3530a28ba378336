/*
 * unit_main.c
 *		Runs every registered core unit test; optional arguments select tests
 *		whose names contain one of them.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "unit.h"

#define MAX_TESTS 4096

static struct
{
	const char *name;
	unit_fn		fn;
}			tests[MAX_TESTS];
static int	ntests;
static int	current_failures;
static const char *current_name;

void
unit_register(const char *name, unit_fn fn)
{
	if (ntests >= MAX_TESTS)
	{
		fprintf(stderr, "too many unit tests\n");
		exit(2);
	}
	tests[ntests].name = name;
	tests[ntests].fn = fn;
	ntests++;
}

void
unit_fail(const char *file, int line, const char *fmt,...)
{
	va_list		ap;

	fprintf(stdout, "    %s:%d: %s: ", file, line, current_name);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	current_failures++;
}

static int
cmp_tests(const void *a, const void *b)
{
	return strcmp(*(const char *const *) a, *(const char *const *) b);
}

int
main(int argc, char **argv)
{
	int			passed = 0;
	int			failed = 0;

	/* constructors run in link order; sort for a stable report */
	qsort(tests, (size_t) ntests, sizeof(tests[0]), cmp_tests);
	for (int i = 0; i < ntests; i++)
	{
		bool		selected = (argc < 2);

		for (int a = 1; a < argc && !selected; a++)
			selected = strstr(tests[i].name, argv[a]) != NULL;
		if (!selected)
			continue;
		current_name = tests[i].name;
		current_failures = 0;
		tests[i].fn();
		if (current_failures == 0)
		{
			passed++;
			printf("ok   %s\n", tests[i].name);
		}
		else
		{
			failed++;
			printf("FAIL %s\n", tests[i].name);
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
