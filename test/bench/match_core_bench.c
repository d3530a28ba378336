/*
 * match_core_bench.c
 *		Accuracy and speed of the patient-matching core on the FEBRL data
 *		sets: blocking, u from random pairs, EM for m and the match share
 *		(no labels used), scoring, connected components; then precision,
 *		recall and F1 against the truth in rec_id (rec-N-org / rec-N-dup-K:
 *		same N = same person).
 *
 *		match_core_bench [-t THRESHOLD] [-tf] [-fixu] [-missed] FILE.csv...
 *
 * THRESHOLD is a match probability (default 0.5); -tf turns on the
 * term-frequency adjustment of names with frequencies counted in the file;
 * -fixu keeps u at the random-pair estimate during EM (see match.h for why
 * that fails); -missed lists the true pairs that blocking does not find.
 * Prints, per file: records, true pairs, candidate pairs, blocking recall,
 * EM iterations, and pair precision/recall/F1 of the scored candidate pairs
 * and of the clusters.
 *
 * Build: gcc -std=c11 -O2 -I include $(find src/core -name '*.c') \
 *            test/bench/match_core_bench.c -o /tmp/matchbench
 *        (the core sources include libxml2 users: add $(xml2-config --cflags
 *         --libs) when building everything)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clinical/match.h"

typedef struct rec
{
	int			entity;			/* N of rec-N-... */
	cl_buf		buf;
	cl_identity id;
} rec;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* splits a FEBRL line on ", " (values themselves never contain it) */
static int
split(char *line, char **cols, int max)
{
	int			n = 0;
	char	   *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max)
	{
		char	   *e = strstr(p, ", ");

		cols[n++] = p;
		if (!e)
			break;
		*e = '\0';
		p = e + 2;
	}
	for (int i = 0; i < n; i++)
	{
		char	   *s = cols[i];
		size_t		l;

		while (*s == ' ')
			s++;
		l = strlen(s);
		while (l > 0 && (s[l - 1] == ' ' || s[l - 1] == ','))
			s[--l] = '\0';
		cols[i] = s;
	}
	return n;
}

static int
load(const char *path, rec **out)
{
	FILE	   *f = fopen(path, "r");
	char		line[2048];
	int			n = 0;
	int			cap = 1024;
	rec		   *r = malloc(sizeof(rec) * (size_t) cap);

	if (!f)
	{
		perror(path);
		exit(1);
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	while (fgets(line, sizeof(line), f))
	{
		char	   *c[12];
		char		addr[512];
		char		ssn[128];
		const char *ids[1];
		cl_identity_input in;
		cl_error	err;
		int			y = 0;
		int			m = 0;
		int			d = 0;

		if (split(line, c, 11) < 11)
			continue;
		if (n == cap)
		{
			cap *= 2;
			r = realloc(r, sizeof(rec) * (size_t) cap);
		}
		r[n].entity = atoi(c[0] + 4);
		if (strlen(c[9]) == 8 && sscanf(c[9], "%4d%2d%2d", &y, &m, &d) == 3 &&
			!cl_date_valid(y, m, d))
			y = m = d = 0;		/* invalid dates in the file: missing */
		snprintf(addr, sizeof(addr), "%s %s %s", c[3], c[4], c[5]);
		snprintf(ssn, sizeof(ssn), "ssn|%s", c[10]);
		ids[0] = ssn;
		memset(&in, 0, sizeof(in));
		in.given = c[1];
		in.family = c[2];
		in.birth_year = y;
		in.birth_month = m;
		in.birth_day = d;
		in.address = addr;
		in.city = c[6];
		in.postal_code = c[7];
		in.identifiers = c[10][0] ? ids : NULL;
		in.n_identifiers = c[10][0] ? 1 : 0;
		cl_buf_init(&r[n].buf, &cl_malloc_allocator, 128);
		if (!cl_identity_build(&in, &r[n].buf, &err) ||
			!cl_identity_decode(r[n].buf.data, r[n].buf.len, 0, NULL, &r[n].id, &err))
		{
			fprintf(stderr, "%s: record %d: %s\n", path, n + 1, err.message);
			exit(1);
		}
		n++;
	}
	fclose(f);
	*out = r;
	return n;
}

typedef struct keyent
{
	uint64_t	h;
	uint32_t	rec;
} keyent;

static int
cmp_keyent(const void *a, const void *b)
{
	const keyent *x = a;
	const keyent *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return (x->rec > y->rec) - (x->rec < y->rec);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *) a;
	uint64_t	y = *(const uint64_t *) b;

	return (x > y) - (x < y);
}

static uint64_t
hash64(const char *s, size_t n)
{
	uint64_t	h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++)
	{
		h ^= (unsigned char) s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* candidate pairs (i << 32 | j, i < j) of records sharing a blocking key */
static size_t
block(rec *r, int n, uint64_t **pairs_out)
{
	keyent	   *ke = NULL;
	size_t		nke = 0;
	size_t		cap = 0;
	uint64_t   *pairs = NULL;
	size_t		np = 0;
	size_t		pcap = 0;

	for (int i = 0; i < n; i++)
	{
		cl_buf		keys;
		int			k;
		size_t		p = 0;

		cl_buf_init(&keys, &cl_malloc_allocator, 128);
		k = cl_block_keys(&r[i].id, &keys);
		for (int j = 0; j < k; j++)
		{
			size_t		l = strlen(keys.data + p);

			if (nke == cap)
			{
				cap = cap ? cap * 2 : 4096;
				ke = realloc(ke, sizeof(keyent) * cap);
			}
			ke[nke].h = hash64(keys.data + p, l);
			ke[nke].rec = (uint32_t) i;
			nke++;
			p += l + 1;
		}
		cl_buf_free(&keys);
	}
	qsort(ke, nke, sizeof(keyent), cmp_keyent);
	for (size_t a = 0; a < nke;)
	{
		size_t		b = a;

		while (b < nke && ke[b].h == ke[a].h)
			b++;
		for (size_t x = a; x < b; x++)
			for (size_t y = x + 1; y < b; y++)
			{
				if (ke[x].rec == ke[y].rec)
					continue;
				if (np == pcap)
				{
					pcap = pcap ? pcap * 2 : 4096;
					pairs = realloc(pairs, sizeof(uint64_t) * pcap);
				}
				pairs[np++] = ((uint64_t) ke[x].rec << 32) | ke[y].rec;
			}
		a = b;
	}
	free(ke);
	qsort(pairs, np, sizeof(uint64_t), cmp_u64);
	{
		size_t		u = 0;

		for (size_t i = 0; i < np; i++)
			if (u == 0 || pairs[u - 1] != pairs[i])
				pairs[u++] = pairs[i];
		np = u;
	}
	*pairs_out = pairs;
	return np;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t) (((rng * 2685821657736338717ULL) >> 33) % n);
}

/* frequency of a normalised name among the records */
typedef struct namefreq
{
	const char *name;
	int			count;
} namefreq;

static int
cmp_nf(const void *a, const void *b)
{
	return strcmp(((const namefreq *) a)->name, ((const namefreq *) b)->name);
}

static namefreq *
count_names(rec *r, int n, bool family, int *nout)
{
	namefreq   *nf = malloc(sizeof(namefreq) * (size_t) (n + 1));
	int			u = 0;

	for (int i = 0; i < n; i++)
	{
		nf[i].name = family ? r[i].id.family : r[i].id.given;
		nf[i].count = 1;
	}
	qsort(nf, (size_t) n, sizeof(namefreq), cmp_nf);
	for (int i = 0; i < n; i++)
	{
		if (u > 0 && strcmp(nf[u - 1].name, nf[i].name) == 0)
			nf[u - 1].count++;
		else
			nf[u++] = nf[i];
	}
	*nout = u;
	return nf;
}

static double
freq_of(namefreq *nf, int nn, const char *name, int total)
{
	namefreq	key = {name, 0};
	namefreq   *f;

	if (!name[0])
		return 0;
	f = bsearch(&key, nf, (size_t) nn, sizeof(namefreq), cmp_nf);
	return f ? (double) f->count / total : 0;
}

static void
report_prf(const char *what, long tp, long fp, long fn)
{
	double		p = tp + fp ? (double) tp / (tp + fp) : 1;
	double		r = tp + fn ? (double) tp / (tp + fn) : 1;
	double		f = p + r > 0 ? 2 * p * r / (p + r) : 0;

	printf("  %-22s tp %6ld fp %5ld fn %5ld  precision %.4f recall %.4f F1 %.4f\n",
		   what, tp, fp, fn, p, r, f);
}

static bool estimate_u_in_em = true;
static bool show_missed = false;

static void
run(const char *path, double threshold, bool use_tf)
{
	rec		   *r;
	int			n = load(path, &r);
	long		true_pairs = 0;
	uint64_t   *pairs;
	size_t		np;
	long		blocked_true = 0;
	cl_match_vector *vecs;
	cl_match_vector *rvecs;
	int			nrand = 200000;
	cl_match_model model;
	cl_em_options opt;
	cl_em_result res;
	cl_error	err;
	double		t0;
	double		t_block;
	double		t_score;
	long		tp = 0;
	long		fp = 0;
	uint32_t   *left;
	uint32_t   *right;
	double	   *prob;
	uint32_t   *cluster;
	namefreq   *ff = NULL;
	namefreq   *gf = NULL;
	int			nff = 0;
	int			ngf = 0;

	/* truth: pairs within each entity */
	{
		int		   *cnt = calloc(100000, sizeof(int));

		for (int i = 0; i < n; i++)
			cnt[r[i].entity]++;
		for (int e = 0; e < 100000; e++)
			true_pairs += (long) cnt[e] * (cnt[e] - 1) / 2;
		free(cnt);
	}
	t0 = now();
	np = block(r, n, &pairs);
	t_block = now() - t0;
	for (size_t k = 0; k < np; k++)
		if (r[pairs[k] >> 32].entity == r[pairs[k] & 0xffffffff].entity)
			blocked_true++;
	if (show_missed)
	{
		for (int i = 0; i < n; i++)
			for (int j = i + 1; j < n; j++)
			{
				uint64_t	key = ((uint64_t) i << 32) | (uint32_t) j;
				cl_buf		t;

				if (r[i].entity != r[j].entity ||
					bsearch(&key, pairs, np, sizeof(uint64_t), cmp_u64))
					continue;
				cl_buf_init(&t, &cl_malloc_allocator, 256);
				cl_identity_to_text(&r[i].id, true, &t);
				cl_buf_append_str(&t, "\n   ~ ");
				cl_identity_to_text(&r[j].id, true, &t);
				printf("  missed: %s\n", t.data);
				cl_buf_free(&t);
			}
	}

	/* u from random pairs */
	rvecs = malloc(sizeof(cl_match_vector) * (size_t) nrand);
	for (int k = 0; k < nrand; k++)
	{
		uint32_t	i = rnd((uint32_t) n);
		uint32_t	j = rnd((uint32_t) n);

		if (i == j)
			j = (j + 1) % (uint32_t) n;
		cl_match_compare(&r[i].id, &r[j].id, &rvecs[k]);
	}
	cl_match_model_default(&model);
	cl_em_estimate_u(rvecs, NULL, (size_t) nrand, &model);
	model.prior = 0.1;

	/* EM over the candidate pairs */
	t0 = now();
	vecs = malloc(sizeof(cl_match_vector) * np);
	for (int rep = 0; rep < 20; rep++)	/* 20 rounds for a stable timing */
		for (size_t k = 0; k < np; k++)
			cl_match_compare(&r[pairs[k] >> 32].id, &r[pairs[k] & 0xffffffff].id, &vecs[k]);
	t_score = (now() - t0) / 20;
	cl_em_options_default(&opt);
	opt.estimate_u = estimate_u_in_em;
	if (!cl_em_estimate(vecs, NULL, np, &opt, &model, &res, &err))
	{
		fprintf(stderr, "EM: %s\n", err.message);
		exit(1);
	}
	if (use_tf)
	{
		ff = count_names(r, n, true, &nff);
		gf = count_names(r, n, false, &ngf);
	}

	left = malloc(sizeof(uint32_t) * np);
	right = malloc(sizeof(uint32_t) * np);
	prob = malloc(sizeof(double) * np);
	for (size_t k = 0; k < np; k++)
	{
		uint32_t	i = (uint32_t) (pairs[k] >> 32);
		uint32_t	j = (uint32_t) (pairs[k] & 0xffffffff);
		cl_match_tf tf;
		double		s;

		memset(&tf, 0, sizeof(tf));
		if (use_tf)
		{
			tf.freq[CL_MF_FAMILY] = freq_of(ff, nff, r[i].id.family, n);
			tf.freq[CL_MF_GIVEN] = freq_of(gf, ngf, r[i].id.given, n);
		}
		s = cl_match_score_vector(&model, &vecs[k], &tf, NULL);
		left[k] = i;
		right[k] = j;
		prob[k] = cl_match_probability(&model, s);
		if (prob[k] >= threshold)
		{
			if (r[i].entity == r[j].entity)
				tp++;
			else
				fp++;
		}
	}
	printf("%s: %d records, %ld true pairs\n", path, n, true_pairs);
	printf("  blocking: %zu candidate pairs (%.2f%% of all), recall %.4f (%ld/%ld), %.1f ms\n",
		   np, 100.0 * np / ((double) n * (n - 1) / 2), (double) blocked_true / true_pairs,
		   blocked_true, true_pairs, t_block * 1000);
	printf("  compare: %.0f pairs/s; EM: %d iterations, %s, max change %.2g, match share %.4f\n",
		   np / (t_score > 0 ? t_score : 1e-9), res.iterations,
		   res.converged ? "converged" : "NOT converged", res.max_change, res.match_share);
	report_prf("scored pairs", tp, fp, true_pairs - tp);

	/* clusters */
	cluster = malloc(sizeof(uint32_t) * (size_t) n);
	if (!cl_cluster_pairs((size_t) n, left, right, prob, np, threshold,
						  &cl_malloc_allocator, cluster, &err))
	{
		fprintf(stderr, "clusters: %s\n", err.message);
		exit(1);
	}
	{
		/* pairs within clusters: sort records by cluster id */
		uint64_t   *ord = malloc(sizeof(uint64_t) * (size_t) n);
		long		ctp = 0;
		long		cfp = 0;

		for (int i = 0; i < n; i++)
			ord[i] = ((uint64_t) cluster[i] << 32) | (uint32_t) i;
		qsort(ord, (size_t) n, sizeof(uint64_t), cmp_u64);
		for (int a = 0; a < n;)
		{
			int			b = a;

			while (b < n && (ord[b] >> 32) == (ord[a] >> 32))
				b++;
			for (int x = a; x < b; x++)
				for (int y = x + 1; y < b; y++)
				{
					if (r[ord[x] & 0xffffffff].entity == r[ord[y] & 0xffffffff].entity)
						ctp++;
					else
						cfp++;
				}
			a = b;
		}
		report_prf("clusters", ctp, cfp, true_pairs - ctp);
		free(ord);
	}
	/* the trained model, for the record */
	for (int f = 0; f < CL_MF_COUNT; f++)
	{
		const cl_match_field_def *d = cl_match_field_info((cl_match_field) f);

		printf("    %-12s", d->name);
		for (int l = 0; l < d->n_levels; l++)
			if (!d->level_null[l])
				printf(" %s %.3g/%.3g", d->level_names[l], model.m[f][l], model.u[f][l]);
		printf("\n");
	}
	for (int i = 0; i < n; i++)
		cl_buf_free(&r[i].buf);
	free(r);
	free(pairs);
	free(vecs);
	free(rvecs);
	free(left);
	free(right);
	free(prob);
	free(cluster);
	free(ff);
	free(gf);
}

int
main(int argc, char **argv)
{
	double		threshold = 0.5;
	bool		use_tf = false;

	for (int i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
			threshold = atof(argv[++i]);
		else if (strcmp(argv[i], "-tf") == 0)
			use_tf = true;
		else if (strcmp(argv[i], "-fixu") == 0)
			estimate_u_in_em = false;
		else if (strcmp(argv[i], "-missed") == 0)
			show_missed = true;
		else
			run(argv[i], threshold, use_tf);
	}
	return 0;
}
