/*
 * match_core_bench.c
 *		Accuracy and speed of the patient-matching core on the FEBRL data
 *		sets: blocking, u from random pairs, EM for m and the match share
 *		(no labels used), scoring, connected components; then precision,
 *		recall and F1 against the truth in rec_id (rec-N-org / rec-N-dup-K:
 *		same N = same person).
 *
 *		match_core_bench [-t THRESHOLD] [-tf] [-fixu] [-missed] [-kinds]
 *						 [-maxblock N] FILE.csv...
 *
 * THRESHOLD is a match probability (default 0.5); -tf turns on the
 * term-frequency adjustment of names with frequencies counted in the file;
 * -fixu keeps u at the random-pair estimate during EM (see match.h for why
 * that fails); -missed lists the true pairs that blocking does not find
 * (files of at most 20,000 records); -kinds counts, per kind of blocking
 * key, the pairs it produces and the true pairs it finds (alone); -maxblock
 * skips keys shared by more than N records (default 100, as
 * pg_clinical.match_max_block; 0 keeps every key).
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

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *) a;
	uint64_t	y = *(const uint64_t *) b;

	return (x > y) - (x < y);
}

static size_t max_block = 100;
static bool show_kinds = false;
static bool no_score = false;
static char show_only = 0;		/* -only K: print true pairs found by kind K alone */

/* candidate pairs (i << 32 | j, i < j, distinct) through cl_pair_index */
static size_t
block(rec *r, int n, uint64_t **pairs_out, cl_pair_index *pi)
{
	uint32_t   *off = malloc(sizeof(uint32_t) * (size_t) (n + 1));
	size_t		cap = (size_t) n * 16 + 16;
	uint64_t   *keys = malloc(sizeof(uint64_t) * cap);
	uint64_t	tmp[CL_BLOCK_MAX_KEYS];
	cl_buf		scratch;
	uint64_t   *pairs = NULL;
	size_t		np = 0;
	size_t		pcap = 0;
	cl_pair_iter it;
	uint32_t	i;
	uint32_t	j;

	cl_buf_init(&scratch, &cl_malloc_allocator, 256);
	off[0] = 0;
	for (int k = 0; k < n; k++)
	{
		int			c = cl_block_key_hashes(&r[k].id, &scratch, tmp);

		if (off[k] + (size_t) c > cap)
		{
			cap *= 2;
			keys = realloc(keys, sizeof(uint64_t) * cap);
		}
		memcpy(keys + off[k], tmp, sizeof(uint64_t) * (size_t) c);
		off[k + 1] = off[k] + (uint32_t) c;
	}
	cl_buf_free(&scratch);
	memset(pi, 0, sizeof(*pi));
	pi->n_records = (size_t) n;
	pi->rec_off = off;
	pi->rec_keys = keys;
	pi->entries = malloc(sizeof(cl_block_entry) * (off[n] + 1));
	pi->max_block = max_block;
	cl_pair_index_prepare(pi);
	cl_pair_iter_init(&it);
	while (cl_pair_next(pi, &it, &i, &j))
	{
		if (np == pcap)
		{
			pcap = pcap ? pcap * 2 : 4096;
			pairs = realloc(pairs, sizeof(uint64_t) * pcap);
		}
		pairs[np++] = ((uint64_t) i << 32) | j;
	}
	qsort(pairs, np, sizeof(uint64_t), cmp_u64);	/* for bsearch below */
	*pairs_out = pairs;
	return np;
}

static void
free_index(cl_pair_index *pi)
{
	free((void *) pi->rec_off);
	free(pi->rec_keys);
	free(pi->entries);
}

/*
 * Per kind of key (the letter before ':'): the pairs its used keys produce
 * (with repetitions), keys skipped as too common, true pairs sharing a key
 * of that kind, and true pairs that share no key of any other kind.
 */
typedef struct kindkey
{
	uint64_t	h;
	uint32_t	rec;
	char		kind;
} kindkey;

static int
cmp_kindkey(const void *a, const void *b)
{
	const kindkey *x = a;
	const kindkey *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return (x->rec > y->rec) - (x->rec < y->rec);
}

/* the used keys of kind letters of record r (as a bit set over 'a'..'z') */
static unsigned
kinds_shared(rec *r, int a, int b, const kindkey *kk, size_t nkk)
{
	cl_buf		ka;
	cl_buf		kb;
	int			na;
	int			nb;
	unsigned	bits = 0;
	size_t		p = 0;

	cl_buf_init(&ka, &cl_malloc_allocator, 256);
	cl_buf_init(&kb, &cl_malloc_allocator, 256);
	na = cl_block_keys(&r[a].id, &ka);
	nb = cl_block_keys(&r[b].id, &kb);
	for (int x = 0; x < na; x++)
	{
		const char *s = ka.data + p;
		size_t		q = 0;

		p += strlen(s) + 1;
		for (int y = 0; y < nb; y++)
		{
			const char *t = kb.data + q;

			q += strlen(t) + 1;
			if (strcmp(s, t) == 0 && s[0] >= 'a' && s[0] <= 'z')
			{
				/* used: its block is not too common */
				kindkey		key = {cl_block_key_hash64(s, strlen(s)), 0, 0};
				size_t		lo = 0;
				size_t		hi = nkk;
				size_t		e;

				while (lo < hi)
				{
					size_t		mid = (lo + hi) / 2;

					if (kk[mid].h < key.h)
						lo = mid + 1;
					else
						hi = mid;
				}
				e = lo;
				while (e < nkk && kk[e].h == key.h)
					e++;
				if (max_block == 0 || e - lo <= max_block)
					bits |= 1u << (s[0] - 'a');
			}
		}
	}
	cl_buf_free(&ka);
	cl_buf_free(&kb);
	return bits;
}

static void
report_kinds(rec *r, int n)
{
	kindkey    *kk = NULL;
	size_t		nkk = 0;
	size_t		cap = 0;
	double		raw[26] = {0};
	long		skipped[26] = {0};
	long		found[26] = {0};
	long		only[26] = {0};
	long		none = 0;
	cl_buf		keys;

	cl_buf_init(&keys, &cl_malloc_allocator, 256);
	for (int i = 0; i < n; i++)
	{
		int			k;
		size_t		p = 0;

		keys.len = 0;
		k = cl_block_keys(&r[i].id, &keys);
		for (int x = 0; x < k; x++)
		{
			const char *s = keys.data + p;

			p += strlen(s) + 1;
			if (nkk == cap)
			{
				cap = cap ? cap * 2 : 4096;
				kk = realloc(kk, sizeof(kindkey) * cap);
			}
			kk[nkk].h = cl_block_key_hash64(s, strlen(s));
			kk[nkk].rec = (uint32_t) i;
			kk[nkk].kind = s[0];
			nkk++;
		}
	}
	cl_buf_free(&keys);
	qsort(kk, nkk, sizeof(kindkey), cmp_kindkey);
	for (size_t a = 0; a < nkk;)
	{
		size_t		b = a + 1;
		int			kind = kk[a].kind - 'a';

		while (b < nkk && kk[b].h == kk[a].h)
			b++;
		/* the same record twice in one block: a key repeated (d: keys) */
		if (kind >= 0 && kind < 26 && b - a >= 2)
		{
			if (max_block > 0 && b - a > max_block)
				skipped[kind]++;
			else
				raw[kind] += (double) (b - a) * (b - a - 1) / 2;
		}
		a = b;
	}
	/* true pairs: records of one entity are adjacent in the files?  No:
	 * group by entity */
	{
		uint64_t   *ord = malloc(sizeof(uint64_t) * (size_t) n);

		for (int i = 0; i < n; i++)
			ord[i] = ((uint64_t) r[i].entity << 32) | (uint32_t) i;
		qsort(ord, (size_t) n, sizeof(uint64_t), cmp_u64);
		for (int a = 0; a < n;)
		{
			int			b = a + 1;

			while (b < n && (ord[b] >> 32) == (ord[a] >> 32))
				b++;
			for (int x = a; x < b; x++)
				for (int y = x + 1; y < b; y++)
				{
					unsigned	bits = kinds_shared(r, (int) (ord[x] & 0xffffffff),
													(int) (ord[y] & 0xffffffff), kk, nkk);

					if (bits == 0)
						none++;
					for (int k = 0; k < 26; k++)
						if (bits & (1u << k))
						{
							found[k]++;
							if (bits == (1u << k))
							{
								only[k]++;
								if (show_only == 'a' + k)
								{
									cl_buf		t;

									cl_buf_init(&t, &cl_malloc_allocator, 256);
									cl_identity_to_text(&r[ord[x] & 0xffffffff].id, false, &t);
									cl_buf_append_str(&t, "\n   ~ ");
									cl_identity_to_text(&r[ord[y] & 0xffffffff].id, false, &t);
									printf("  only %c: %s\n", show_only, t.data);
									cl_buf_free(&t);
								}
							}
						}
				}
			a = b;
		}
		free(ord);
	}
	printf("  keys by kind (max_block %zu): kind, pairs with repetitions, keys skipped, true pairs sharing one, true pairs sharing only that kind\n",
		   max_block);
	for (int k = 0; k < 26; k++)
		if (raw[k] > 0 || skipped[k] > 0 || found[k] > 0)
			printf("    %c: %12.0f %7ld %7ld %6ld\n", 'a' + k, raw[k], skipped[k], found[k], only[k]);
	printf("    true pairs sharing no used key: %ld\n", none);
	free(kk);
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
static bool global_u = false;	/* -globalu: random-pair u and the prior over all pairs after EM */
static size_t em_sample = 0;	/* -sample K: EM over K random candidate pairs */
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
	cl_pair_index pi;
	int			reps;
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
		int			maxe = 0;
		int		   *cnt;

		for (int i = 0; i < n; i++)
			if (r[i].entity > maxe)
				maxe = r[i].entity;
		cnt = calloc((size_t) maxe + 1, sizeof(int));
		for (int i = 0; i < n; i++)
			cnt[r[i].entity]++;
		for (int e = 0; e <= maxe; e++)
			true_pairs += (long) cnt[e] * (cnt[e] - 1) / 2;
		free(cnt);
	}
	t0 = now();
	np = block(r, n, &pairs, &pi);
	t_block = now() - t0;
	for (size_t k = 0; k < np; k++)
		if (r[pairs[k] >> 32].entity == r[pairs[k] & 0xffffffff].entity)
			blocked_true++;
	if (show_missed && n <= 20000)
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
	reps = np > 1000000 ? 1 : 20;	/* rounds for a stable timing */
	for (int rep = 0; rep < reps; rep++)
		for (size_t k = 0; k < np; k++)
			cl_match_compare(&r[pairs[k] >> 32].id, &r[pairs[k] & 0xffffffff].id, &vecs[k]);
	t_score = (now() - t0) / reps;
	cl_em_options_default(&opt);
	opt.estimate_u = estimate_u_in_em;
	{
		cl_match_model random_u = model;
		cl_match_vector *ev = vecs;
		size_t		nev = np;

		if (em_sample > 0 && em_sample < np)
		{
			ev = malloc(sizeof(cl_match_vector) * em_sample);
			for (size_t k = 0; k < em_sample; k++)
				ev[k] = vecs[((uint64_t) rnd((uint32_t) np) * 7919 + k) % np];
			nev = em_sample;
		}
		if (!cl_em_estimate(ev, NULL, nev, &opt, &model, &res, &err))
		{
			fprintf(stderr, "EM: %s\n", err.message);
			exit(1);
		}
		if (ev != vecs)
			free(ev);
		if (global_u)
		{
			memcpy(model.u, random_u.u, sizeof(model.u));
			model.prior = res.match_share * (double) np / ((double) n * (n - 1) / 2);
		}
	}
	if (use_tf)
	{
		ff = count_names(r, n, true, &nff);
		gf = count_names(r, n, false, &ngf);
	}

	/* the early-exit comparison at the threshold: its time, and that it
	 * agrees with the full comparison on every pair */
	{
		cl_match_scorer sc;
		double		min_score = cl_match_score_for_probability(&model, threshold);
		size_t		kept = 0;
		size_t		wrong = 0;
		double		t_bounded;

		cl_match_scorer_init(&sc, &model);
		t0 = now();
		for (size_t k = 0; k < np; k++)
		{
			cl_match_vector v;

			if (cl_match_compare_bounded(&sc, &r[pairs[k] >> 32].id,
										 &r[pairs[k] & 0xffffffff].id, min_score, &v))
			{
				kept++;
				if (memcmp(&v, &vecs[k], sizeof(v)) != 0)
					wrong++;
			}
			else if (cl_match_score_vector(&model, &vecs[k], NULL, NULL) >= min_score)
				wrong++;
		}
		t_bounded = now() - t0;
		printf("  bounded compare at %.2f: %.0f pairs/s, %zu of %zu pairs compared in full, %zu disagreements\n",
			   threshold, np / (t_bounded > 0 ? t_bounded : 1e-9), kept, np, wrong);
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
	printf("  blocking: %zu candidate pairs (%.2f%% of all; %.0f with repetitions, %zu keys skipped), recall %.4f (%ld/%ld), %.1f ms\n",
		   np, 100.0 * np / ((double) n * (n - 1) / 2), (double) pi.raw_pairs, pi.skipped_keys,
		   (double) blocked_true / true_pairs, blocked_true, true_pairs, t_block * 1000);
	if (show_kinds)
		report_kinds(r, n);
	if (no_score)
	{
		for (int i = 0; i < n; i++)
			cl_buf_free(&r[i].buf);
		free(r);
		free(pairs);
		free_index(&pi);
		return;
	}
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
	free_index(&pi);
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
		else if (strcmp(argv[i], "-kinds") == 0)
			show_kinds = true;
		else if (strcmp(argv[i], "-globalu") == 0)
			global_u = true;
		else if (strcmp(argv[i], "-sample") == 0 && i + 1 < argc)
			em_sample = (size_t) atol(argv[++i]);
		else if (strcmp(argv[i], "-noscore") == 0)
			no_score = true;
		else if (strcmp(argv[i], "-only") == 0 && i + 1 < argc)
			show_only = argv[++i][0];
		else if (strcmp(argv[i], "-maxblock") == 0 && i + 1 < argc)
			max_block = (size_t) atol(argv[++i]);
		else
			run(argv[i], threshold, use_tf);
	}
	return 0;
}
