/*
 * fhir_validate_bench.c
 *		Validates FHIR JSON files with the core validator, lists every
 *		rejection with its issues, and measures throughput against the core
 *		JSON reader alone.
 *
 *		fhir_validate_bench [-n N] [-l off|structure|strict] [-q] PATH...
 *
 * PATH is a .json file or a directory (its *.json files, one level).  Each
 * file is validated once with every issue listed (max_issues 0); then all
 * files are read N times (default 10) by (a) cl_json_parse with empty
 * callbacks, (b) the validator with max_issues 1, as the fhir type's input
 * runs it, and MB/s of both are printed.
 *
 * Build: gcc -std=c11 -O2 -I include $(find src/core -name '*.c' ! -name 'xml*') \
 *            test/bench/fhir_validate_bench.c -o /tmp/fhirvalbench
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clinical/fhir_validate.h"
#include "clinical/json.h"

typedef struct doc
{
	char	   *path;
	char	   *data;
	size_t		len;
} doc;

static doc *docs;
static int	ndocs,
			capdocs;

static char *
read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *b;
	long		n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t) n + 1);
	if (b == NULL || fread(b, 1, (size_t) n, f) != (size_t) n)
	{
		fclose(f);
		free(b);
		return NULL;
	}
	fclose(f);
	b[n] = '\0';
	*len = (size_t) n;
	return b;
}

static void
add_file(const char *path)
{
	size_t		len;
	char	   *d = read_file(path, &len);

	if (d == NULL)
	{
		fprintf(stderr, "cannot read %s\n", path);
		return;
	}
	if (ndocs == capdocs)
	{
		capdocs = capdocs ? capdocs * 2 : 256;
		docs = realloc(docs, sizeof(doc) * (size_t) capdocs);
	}
	docs[ndocs].path = strdup(path);
	docs[ndocs].data = d;
	docs[ndocs].len = len;
	ndocs++;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

static void
add_path(const char *path)
{
	struct stat st;
	DIR		   *dir;
	struct dirent *de;
	char	  **names = NULL;
	int			n = 0,
				cap = 0;

	if (stat(path, &st) != 0)
	{
		fprintf(stderr, "cannot stat %s\n", path);
		return;
	}
	if (!S_ISDIR(st.st_mode))
	{
		add_file(path);
		return;
	}
	dir = opendir(path);
	if (dir == NULL)
		return;
	while ((de = readdir(dir)) != NULL)
	{
		size_t		l = strlen(de->d_name);
		char	   *p;

		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		p = malloc(strlen(path) + l + 2);
		sprintf(p, "%s/%s", path, de->d_name);
		if (n == cap)
		{
			cap = cap ? cap * 2 : 256;
			names = realloc(names, sizeof(char *) * (size_t) cap);
		}
		names[n++] = p;
	}
	closedir(dir);
	qsort(names, (size_t) n, sizeof(char *), cmp_str);
	for (int i = 0; i < n; i++)
	{
		add_file(names[i]);
		free(names[i]);
	}
	free(names);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool
nop0(void *arg)
{
	(void) arg;
	return true;
}

static bool
nopk(void *arg, const char *k, size_t n)
{
	(void) arg;
	(void) k;
	(void) n;
	return true;
}

static bool
nops(void *arg, cl_node_kind kind, const char *t, size_t n)
{
	(void) arg;
	(void) kind;
	(void) t;
	(void) n;
	return true;
}

static const cl_json_events nop_events = {nop0, nop0, nop0, nop0, nopk, nops};

int
main(int argc, char **argv)
{
	int			iters = 10;
	bool		quiet = false;
	fhir_validation_level level = FHIR_VALIDATE_STRICT;
	int			accepted = 0,
				rejected = 0;
	size_t		total = 0;
	double		t0,
				t_parse,
				t_val;
	int			i;

	for (i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			iters = atoi(argv[++i]);
		else if (strcmp(argv[i], "-q") == 0)
			quiet = true;
		else if (strcmp(argv[i], "-l") == 0 && i + 1 < argc)
		{
			i++;
			level = strcmp(argv[i], "off") == 0 ? FHIR_VALIDATE_OFF :
				strcmp(argv[i], "structure") == 0 ? FHIR_VALIDATE_STRUCTURE :
				FHIR_VALIDATE_STRICT;
		}
		else
			add_path(argv[i]);
	}
	if (ndocs == 0)
	{
		fprintf(stderr, "usage: %s [-n N] [-l off|structure|strict] [-q] PATH...\n", argv[0]);
		return 2;
	}

	for (i = 0; i < ndocs; i++)
	{
		fhir_validator *v = fhir_validate_json_text(&cl_malloc_allocator, docs[i].data,
													docs[i].len, level, 0);

		total += docs[i].len;
		if (fhir_validator_nerrors(v) == 0)
			accepted++;
		else
		{
			rejected++;
			if (!quiet)
			{
				printf("REJECTED %s\n", docs[i].path);
				for (int j = 0; j < fhir_validator_nissues(v); j++)
				{
					const fhir_issue *is = fhir_validator_issue(v, j);

					printf("    %s: %s\n", is->pointer, is->message);
				}
			}
		}
		fhir_validator_destroy(v);
	}
	printf("%d files, %.1f MB: %d accepted, %d rejected\n",
		   ndocs, total / 1e6, accepted, rejected);
	if (iters <= 0)
		return 0;

	t0 = now();
	for (int it = 0; it < iters; it++)
		for (i = 0; i < ndocs; i++)
		{
			cl_error	err;

			cl_json_parse(docs[i].data, docs[i].len, &cl_malloc_allocator,
						  &nop_events, NULL, &err);
		}
	t_parse = now() - t0;
	t0 = now();
	for (int it = 0; it < iters; it++)
		for (i = 0; i < ndocs; i++)
			fhir_validator_destroy(fhir_validate_json_text(&cl_malloc_allocator,
														   docs[i].data, docs[i].len,
														   level, 1));
	t_val = now() - t0;
	printf("JSON reader alone:    %8.1f MB/s\n", total * iters / 1e6 / t_parse);
	printf("reader + validation:  %8.1f MB/s (validation alone ~%.1f MB/s)\n",
		   total * iters / 1e6 / t_val,
		   t_val > t_parse ? total * iters / 1e6 / (t_val - t_parse) : 0.0);
	for (i = 0; i < ndocs; i++)
	{
		free(docs[i].path);
		free(docs[i].data);
	}
	free(docs);
	return 0;
}
