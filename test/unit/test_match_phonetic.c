/*
 * test_match_phonetic.c
 *		Double Metaphone against PostgreSQL fuzzystrmatch's dmetaphone() and
 *		dmetaphone_alt(): reference lists in test/data/match/ produced by the
 *		server for every distinct name of the FEBRL sets and of the nickname
 *		table.  When ../shared/data/febrl is present the test also checks that
 *		the reference list covers every name of the FEBRL files.
 */
#include <stdlib.h>

#include "clinical/match.h"
#include "test_match_util.h"
#include "unit.h"

typedef struct ref_entry
{
	char		name[64];
} ref_entry;

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const ref_entry *) a)->name, ((const ref_entry *) b)->name);
}

/* checks every line of a reference file; returns the number checked and
 * appends the names to *names (if not NULL) */
static int
check_reference(const char *rel, int *mismatches, ref_entry **names, int *nnames)
{
	FILE	   *f = match_open_repo_file(rel);
	char		line[256];
	int			n = 0;

	if (!f)
	{
		unit_fail(__FILE__, __LINE__, "cannot open %s", rel);
		return 0;
	}
	while (fgets(line, sizeof(line), f))
	{
		char	   *p1;
		char	   *p2;
		char		pri[CL_DMETAPHONE_LEN + 1];
		char		alt[CL_DMETAPHONE_LEN + 1];

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		p1 = strchr(line, '|');
		p2 = p1 ? strchr(p1 + 1, '|') : NULL;
		if (!p2)
		{
			unit_fail(__FILE__, __LINE__, "bad reference line in %s", rel);
			continue;
		}
		*p1++ = '\0';
		*p2++ = '\0';
		cl_dmetaphone(line, strlen(line), pri, alt);
		if (strcmp(pri, p1) != 0 || strcmp(alt, p2) != 0)
		{
			if (*mismatches < 20)
				unit_fail(__FILE__, __LINE__, "dmetaphone(%s) = %s/%s, fuzzystrmatch %s/%s",
						  line, pri, alt, p1, p2);
			(*mismatches)++;
		}
		if (names && strlen(line) < sizeof((*names)->name))
		{
			*names = realloc(*names, sizeof(ref_entry) * (size_t) (*nnames + 1));
			memcpy((*names)[*nnames].name, line, strlen(line) + 1);
			(*nnames)++;
		}
		n++;
	}
	fclose(f);
	return n;
}

TEST(match_dmetaphone_fuzzystrmatch_febrl)
{
	int			bad = 0;
	ref_entry  *names = NULL;
	int			nnames = 0;
	int			n = check_reference("test/data/match/dmetaphone_febrl.txt", &bad,
									&names, &nnames);

	CHECK_INT(n, 4510);
	CHECK_INT(bad, 0);
	printf("    dmetaphone: %d/%d FEBRL names equal fuzzystrmatch\n", n - bad, n);

	/* the reference must cover every name of the FEBRL files */
	qsort(names, (size_t) nnames, sizeof(ref_entry), cmp_entry);
	for (int set = 1; set <= 3; set++)
	{
		char		rel[64];
		FILE	   *f;
		char		line[1024];
		int			missing = 0;

		snprintf(rel, sizeof(rel), "data/febrl/dataset%d.csv", set);
		f = match_open_shared_file(rel);
		if (!f)
			continue;
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		while (fgets(line, sizeof(line), f))
		{
			/* columns: rec_id, given_name, surname, ... separated by ", " */
			char	   *c1 = strstr(line, ", ");
			char	   *c2 = c1 ? strstr(c1 + 2, ", ") : NULL;
			char	   *c3 = c2 ? strstr(c2 + 2, ", ") : NULL;
			ref_entry	key;

			if (!c3)
				continue;
			*c2 = '\0';
			*c3 = '\0';
			for (int k = 0; k < 2; k++)
			{
				const char *v = k == 0 ? c1 + 2 : c2 + 2;

				if (*v == '\0')
					continue;
				snprintf(key.name, sizeof(key.name), "%s", v);
				if (!bsearch(&key, names, (size_t) nnames, sizeof(ref_entry), cmp_entry))
					missing++;
			}
		}
		fclose(f);
		CHECK_INT(missing, 0);
	}
	free(names);
}

TEST(match_dmetaphone_fuzzystrmatch_extra)
{
	int			bad = 0;
	int			n = check_reference("test/data/match/dmetaphone_extra.txt", &bad,
									NULL, NULL);

	CHECK(n > 2000);
	CHECK_INT(bad, 0);
}

static const char *
dm(const char *s)
{
	static char r[16];
	char		p[5];
	char		a[5];

	cl_dmetaphone(s, strlen(s), p, a);
	snprintf(r, sizeof(r), "%s/%s", p, a);
	return r;
}

TEST(match_dmetaphone_cases)
{
	CHECK_STR(dm("Smith"), "SM0/XMT");
	CHECK_STR(dm("Schmidt"), "XMT/SMT");
	CHECK_STR(dm("Thomas"), "TMS/TMS");
	CHECK_STR(dm("Xavier"), "SF/SFR");
	CHECK_STR(dm(""), "/");
	CHECK_STR(dm("---"), "/");
	/* UTF-8 Ç and Ñ as the algorithm's Latin-1 letters */
	CHECK_STR(dm("Nuñez"), "NNS/NNS");
	CHECK_STR(dm("Françoise"), "FRNS/FRNS");
	/* very long input does not overflow */
	{
		char		big[2000];

		memset(big, 'w', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		CHECK_STR(dm(big), "/");
	}
}
