/*
 * hl7v2_core_bench.c
 *		Throughput of the HL7 v2 core parser.
 *
 *		hl7v2_core_bench [-n N] FILE...
 *
 * With one file, messages are separated by blank lines (or by hl7_batch
 * splitting: MSH starts, envelopes, MLLP frames); with several files each
 * file is one message.  Every message is parsed N times (default 100) with
 * hl7_parse_image; prints MB/s and messages/s.
 *
 * Build: gcc -std=c11 -O2 -I include $(find src/core -name '*.c') \
 *            test/bench/hl7v2_core_bench.c -o /tmp/hl7bench
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clinical/hl7v2.h"

typedef struct msgref
{
	const char *p;
	size_t		len;
} msgref;

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
	*len = (size_t) n;
	return b;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	int			n = 100;
	int			argi = 1;
	msgref	   *msgs = NULL;
	size_t		nmsgs = 0,
				cap = 0,
				bytes = 0,
				bad = 0;
	double		t0,
				t1;

	if (argc > 2 && strcmp(argv[1], "-n") == 0)
	{
		n = atoi(argv[2]);
		argi = 3;
	}
	if (argi >= argc || n <= 0)
	{
		fprintf(stderr, "usage: %s [-n N] FILE...\n", argv[0]);
		return 2;
	}
	for (int i = argi; i < argc; i++)
	{
		size_t		len;
		char	   *b = read_file(argv[i], &len);

		if (b == NULL)
		{
			fprintf(stderr, "cannot read %s\n", argv[i]);
			return 2;
		}
		if (argc - argi == 1)
		{
			hl7_batch_iter it;
			hl7_batch_item item;

			hl7_batch_init(&it, b, len);
			while (hl7_batch_next(&it, &item))
			{
				if (item.kind != HL7_BATCH_MESSAGE)
					continue;
				if (nmsgs == cap)
				{
					cap = cap ? cap * 2 : 1024;
					msgs = realloc(msgs, cap * sizeof(msgref));
				}
				msgs[nmsgs].p = b + item.offset;
				msgs[nmsgs++].len = item.len;
			}
		}
		else
		{
			if (nmsgs == cap)
			{
				cap = cap ? cap * 2 : 1024;
				msgs = realloc(msgs, cap * sizeof(msgref));
			}
			msgs[nmsgs].p = b;
			msgs[nmsgs++].len = len;
		}
	}
	for (size_t i = 0; i < nmsgs; i++)
		bytes += msgs[i].len;
	t0 = now();
	for (int r = 0; r < n; r++)
		for (size_t i = 0; i < nmsgs; i++)
		{
			void	   *img;
			size_t		il;
			cl_error	err;

			if (hl7_parse_image(msgs[i].p, msgs[i].len, &cl_malloc_allocator, 4,
								&img, &il, &err))
				free(img);
			else if (r == 0)
				bad++;
		}
	t1 = now();
	printf("%zu messages (%zu rejected), %.2f MB, %d rounds, %.3f s\n",
		   nmsgs, bad, bytes / 1e6, n, t1 - t0);
	printf("%.1f MB/s, %.0f messages/s\n",
		   (double) bytes * n / 1e6 / (t1 - t0), (double) nmsgs * n / (t1 - t0));
	return 0;
}
