/*
 * standalone.c
 *		A driver for the libFuzzer harnesses where libFuzzer is not available:
 *		replays every seed file, then random mutations of them (bit flips,
 *		byte insertions and deletions, splices) for the given number of
 *		seconds.  Usage: harness SECONDS CORPUS_DIR
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEEDS 1024
#define MAX_LEN 65536

static uint8_t *seeds[MAX_SEEDS];
static size_t seedlen[MAX_SEEDS];

static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int
main(int argc, char **argv)
{
	int			nseeds = 0;
	double		seconds = argc > 1 ? atof(argv[1]) : 5;
	DIR		   *d = argc > 2 ? opendir(argv[2]) : NULL;
	struct dirent *de;
	uint64_t	rng = 0x9E3779B97F4A7C15ULL;
	uint8_t    *buf = malloc(MAX_LEN);
	time_t		start = time(NULL);
	long		runs = 0;

	while (d && (de = readdir(d)) != NULL && nseeds < MAX_SEEDS)
	{
		char		path[4096];
		FILE	   *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[2], de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		seeds[nseeds] = malloc(MAX_LEN);
		seedlen[nseeds] = fread(seeds[nseeds], 1, MAX_LEN, f);
		fclose(f);
		LLVMFuzzerTestOneInput(seeds[nseeds], seedlen[nseeds]);
		nseeds++;
		runs++;
	}
	if (d)
		closedir(d);
	if (nseeds == 0)
	{
		seeds[0] = calloc(1, 1);
		seedlen[0] = 0;
		nseeds = 1;
	}
	while (difftime(time(NULL), start) < seconds)
	{
		int			s = (int) (next_rand(&rng) % (uint64_t) nseeds);
		size_t		len = seedlen[s];
		int			nmut = 1 + (int) (next_rand(&rng) % 8);

		memcpy(buf, seeds[s], len);
		for (int m = 0; m < nmut; m++)
		{
			size_t		pos = len ? (size_t) (next_rand(&rng) % len) : 0;

			switch (next_rand(&rng) % 5)
			{
				case 0:			/* flip a bit */
					if (len)
						buf[pos] ^= (uint8_t) (1u << (next_rand(&rng) % 8));
					break;
				case 1:			/* insert a byte */
					if (len < MAX_LEN)
					{
						memmove(buf + pos + 1, buf + pos, len - pos);
						buf[pos] = (uint8_t) next_rand(&rng);
						len++;
					}
					break;
				case 2:			/* delete a byte */
					if (len)
					{
						memmove(buf + pos, buf + pos + 1, len - pos - 1);
						len--;
					}
					break;
				case 3:			/* set an interesting byte */
					if (len)
						buf[pos] = (uint8_t) "|^~\\&\r\n\0\x0b\x1c#\"{}[]:,.-()0"[next_rand(&rng) % 22];
					break;
				default:		/* truncate */
					len = pos;
					break;
			}
		}
		LLVMFuzzerTestOneInput(buf, len);
		runs++;
	}
	printf("executions: %ld\n", runs);
	for (int i = 0; i < nseeds; i++)
		free(seeds[i]);
	free(buf);
	return 0;
}
