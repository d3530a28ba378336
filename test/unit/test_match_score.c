/*
 * test_match_score.c
 *		Fellegi-Sunter scoring (a worked example), term frequencies,
 *		explanations, blocking keys, EM on synthetic data, clustering.
 */
#include <math.h>

#include <stdlib.h>

#include "clinical/match.h"
#include "unit.h"

#define CHECK_NEAR(x, y, eps) \
	do { double x_ = (x), y_ = (y); \
		 if (!(fabs(x_ - y_) <= (eps))) \
			 unit_fail(__FILE__, __LINE__, "%s == %.6f, expected %.6f", #x, x_, y_); } while (0)

typedef struct built
{
	cl_buf		buf;
	cl_identity id;
} built;

static void
mk(built *b, const char *family, const char *given, int y, int m, int d,
   const char *sex, const char *postal)
{
	cl_identity_input in;
	cl_error	err;

	memset(&in, 0, sizeof(in));
	in.family = family;
	in.given = given;
	in.birth_year = y;
	in.birth_month = m;
	in.birth_day = d;
	in.sex = sex;
	in.postal_code = postal;
	cl_buf_init(&b->buf, &cl_malloc_allocator, 64);
	if (!cl_identity_build(&in, &b->buf, &err) ||
		!cl_identity_decode(b->buf.data, b->buf.len, 0, NULL, &b->id, &err))
		unit_fail(__FILE__, __LINE__, "build failed: %s", err.message);
}

TEST(match_model_defaults)
{
	cl_match_model model;
	cl_error	err;

	cl_match_model_default(&model);
	CHECK(cl_match_model_check(&model, &err));
	for (int f = 0; f < CL_MF_COUNT; f++)
	{
		const cl_match_field_def *d = cl_match_field_info((cl_match_field) f);
		double		sm = 0;
		double		su = 0;

		for (int l = 0; l < d->n_levels; l++)
		{
			if (d->level_null[l])
				continue;
			sm += model.m[f][l];
			su += model.u[f][l];
			/* agreement levels are evidence for a match, "different" against */
			if (strcmp(d->level_names[l], "different") == 0)
				CHECK(model.m[f][l] < model.u[f][l]);
			else if (strcmp(d->level_names[l], "exact") == 0)
				CHECK(model.m[f][l] > model.u[f][l]);
		}
		CHECK_NEAR(sm, 1.0, 1e-9);
		CHECK_NEAR(su, 1.0, 1e-9);
	}
	CHECK(cl_match_field_info(CL_MF_COUNT) == NULL);
	model.m[CL_MF_SEX][1] = 0;
	CHECK(!cl_match_model_check(&model, &err));
	CHECK(strstr(err.message, "sex") != NULL);
}

/*
 * The worked example.  A = smith, john, 1970-05-03, male, 4011;
 * B = smith, jon, 1970-03-05, male, 4012.  With the default model:
 *   family  exact              log2(0.86 / 0.003)    =  8.163230
 *   given   nickname (john->jon) log2(0.03 / 0.003)  =  3.321928
 *   birth   day/month swapped  log2(0.01 / 0.00001)  =  9.965784
 *   sex     exact              log2(0.98 / 0.5)      =  0.970854
 *   postal  one edit           log2(0.05 / 0.01)     =  2.321928
 *   others  missing                                      0
 *   score                                             = 24.743724
 * prior 1e-4: prior weight log2(1e-4 / 0.9999) = -13.287568, so the
 * probability is 1 / (1 + 2^-(24.743724 - 13.287568)) = 0.999644.
 */
TEST(match_score_worked_example)
{
	cl_match_model model;
	built		a;
	built		b;
	cl_match_explanation ex;
	double		s;

	cl_match_model_default(&model);
	mk(&a, "Smith", "John", 1970, 5, 3, "male", "4011");
	mk(&b, "SMITH", "Jon", 1970, 3, 5, "M", "4012");
	s = cl_match_score(&model, &a.id, &b.id, NULL, &ex);
	CHECK_NEAR(s, 24.743724, 1e-5);
	CHECK_NEAR(ex.score, s, 1e-12);
	CHECK_NEAR(ex.prior_weight, -13.287568, 1e-5);
	CHECK_NEAR(ex.probability, 0.999644, 1e-6);
	CHECK_STR(ex.terms[CL_MF_FAMILY].level, "exact");
	CHECK_STR(ex.terms[CL_MF_GIVEN].level, "nickname");
	CHECK_STR(ex.terms[CL_MF_BIRTH_DATE].level, "day_month_swapped");
	CHECK_STR(ex.terms[CL_MF_SEX].level, "exact");
	CHECK_STR(ex.terms[CL_MF_POSTAL_CODE].level, "one_edit");
	CHECK_STR(ex.terms[CL_MF_CITY].level, "missing");
	CHECK_NEAR(ex.terms[CL_MF_CITY].weight, 0.0, 0);
	CHECK_NEAR(ex.terms[CL_MF_GIVEN].m, 0.03, 1e-12);
	CHECK_NEAR(ex.terms[CL_MF_GIVEN].u, 0.003, 1e-12);
	CHECK_NEAR(ex.terms[CL_MF_BIRTH_DATE].weight, 9.965784, 1e-5);
	CHECK_STR(ex.terms[CL_MF_IDENTIFIER].field, "identifier");
	/* symmetric */
	CHECK_NEAR(cl_match_score(&model, &b.id, &a.id, NULL, NULL), s, 1e-12);
	/* probability and score thresholds are inverse */
	CHECK_NEAR(cl_match_probability(&model, cl_match_score_for_probability(&model, 0.9)), 0.9, 1e-12);
	cl_buf_free(&a.buf);
	cl_buf_free(&b.buf);
}

TEST(match_levels)
{
	cl_match_vector v;
	built		a;
	built		b;

#define LEVELS(f1, g1, f2, g2) \
	do { mk(&a, f1, g1, 1970, 1, 2, NULL, NULL); mk(&b, f2, g2, 1970, 1, 2, NULL, NULL); \
		 cl_match_compare(&a.id, &b.id, &v); cl_buf_free(&a.buf); cl_buf_free(&b.buf); } while (0)
	LEVELS("smith", "john", "john", "smith");
	CHECK_INT(v.level[CL_MF_FAMILY], 2);	/* swapped */
	CHECK_INT(v.level[CL_MF_GIVEN], 2);		/* swapped (null) */
	LEVELS("smith", "catherine", "schmidt", "kathryn");
	CHECK_INT(v.level[CL_MF_FAMILY], 3);	/* phonetic SM0/XMT ~ XMT/SMT */
	CHECK_INT(v.level[CL_MF_GIVEN], 4);		/* phonetic K0RN */
	LEVELS("harrington", "robert", "harringtno", "bob");
	CHECK_INT(v.level[CL_MF_FAMILY], 3);	/* phonetic: HRNK both */
	CHECK_INT(v.level[CL_MF_GIVEN], 3);		/* nickname */
	LEVELS("martinez", "robert", "martlnez", "bob");
	CHECK_INT(v.level[CL_MF_FAMILY], 4);	/* jw 0.950, MRTN/MRTL */
	CHECK_INT(v.level[CL_MF_GIVEN], 3);		/* nickname */
	LEVELS("ng", "al", "ny", "li");
	CHECK_INT(v.level[CL_MF_FAMILY], 6);	/* one edit */
	CHECK_INT(v.level[CL_MF_GIVEN], 9);		/* different */
	LEVELS("smith", "j", "smith", "john");
	CHECK_INT(v.level[CL_MF_GIVEN], 8);		/* initial */
	LEVELS("", "john", "smith", "");
	CHECK_INT(v.level[CL_MF_FAMILY], 0);
	CHECK_INT(v.level[CL_MF_GIVEN], 0);
	CHECK_INT(v.level[CL_MF_BIRTH_DATE], 1);
	CHECK_INT(v.level[CL_MF_IDENTIFIER], 0);
#undef LEVELS
}

TEST(match_identifier_levels)
{
	static const char *const ia[] = {"ssn|123456789", "mrn|A1"};
	static const char *const ib[] = {"ssn|123456798"};
	static const char *const ic[] = {"mrn|B7"};
	static const char *const idd[] = {"dl|X"};
	cl_identity_input in;
	cl_buf		bufs[4];
	cl_identity ids[4];
	const char *const *lists[4] = {ia, ib, ic, idd};
	int			counts[4] = {2, 1, 1, 1};
	cl_error	err;
	cl_match_vector v;

	for (int i = 0; i < 4; i++)
	{
		memset(&in, 0, sizeof(in));
		in.identifiers = lists[i];
		in.n_identifiers = counts[i];
		cl_buf_init(&bufs[i], &cl_malloc_allocator, 64);
		CHECK(cl_identity_build(&in, &bufs[i], &err));
		CHECK(cl_identity_decode(bufs[i].data, bufs[i].len, 0, NULL, &ids[i], &err));
	}
	cl_match_compare(&ids[0], &ids[0], &v);
	CHECK_INT(v.level[CL_MF_IDENTIFIER], 1);
	cl_match_compare(&ids[0], &ids[1], &v);
	CHECK_INT(v.level[CL_MF_IDENTIFIER], 2);	/* transposed digits */
	cl_match_compare(&ids[0], &ids[2], &v);
	CHECK_INT(v.level[CL_MF_IDENTIFIER], 3);	/* same system, other value */
	cl_match_compare(&ids[0], &ids[3], &v);
	CHECK_INT(v.level[CL_MF_IDENTIFIER], 0);	/* nothing in common */
	for (int i = 0; i < 4; i++)
		cl_buf_free(&bufs[i]);
}

TEST(match_term_frequency)
{
	cl_match_model model;
	built		a;
	built		b;
	cl_match_tf tf;
	cl_match_explanation ex;
	double		plain;
	double		common;
	double		rare;

	cl_match_model_default(&model);
	mk(&a, "smith", "john", 1970, 5, 3, NULL, NULL);
	mk(&b, "smith", "john", 1970, 5, 3, NULL, NULL);
	memset(&tf, 0, sizeof(tf));
	plain = cl_match_score(&model, &a.id, &b.id, &tf, NULL);
	/* smith held by 1% of records: u_tf = 0.01 > u_exact 0.003 */
	tf.freq[CL_MF_FAMILY] = 0.01;
	common = cl_match_score(&model, &a.id, &b.id, &tf, &ex);
	CHECK(ex.terms[CL_MF_FAMILY].tf_adjusted);
	CHECK_NEAR(ex.terms[CL_MF_FAMILY].u, 0.01, 1e-12);
	CHECK_NEAR(plain - common, 1.736966, 1e-6);	/* log2(0.01 / 0.003) */
	/* a rare name keeps the model weight (floor = u_exact) ... */
	tf.freq[CL_MF_FAMILY] = 1e-6;
	rare = cl_match_score(&model, &a.id, &b.id, &tf, NULL);
	CHECK_NEAR(rare, plain, 1e-9);
	CHECK(rare > common);
	/* ... unless the floor is set lower */
	model.tf_min_u[CL_MF_FAMILY] = 1e-5;
	rare = cl_match_score(&model, &a.id, &b.id, &tf, NULL);
	CHECK_NEAR(rare - plain, 8.228819, 1e-6);	/* log2(0.003 / 1e-5) */
	/* tf applies to the exact level only */
	tf.freq[CL_MF_GIVEN] = 0.5;
	cl_buf_free(&b.buf);
	mk(&b, "smith", "jon", 1970, 5, 3, NULL, NULL);
	cl_match_score(&model, &a.id, &b.id, &tf, &ex);
	CHECK(!ex.terms[CL_MF_GIVEN].tf_adjusted);
	cl_buf_free(&a.buf);
	cl_buf_free(&b.buf);
}

static bool
has_key(const cl_buf *keys, int n, const char *k)
{
	size_t		p = 0;

	for (int i = 0; i < n; i++)
	{
		if (strcmp(keys->data + p, k) == 0)
			return true;
		p += strlen(keys->data + p) + 1;
	}
	return false;
}

TEST(match_blocking_keys)
{
	static const char *const ids[] = {"ssn|12345"};
	cl_identity_input in;
	cl_buf		b;
	cl_buf		keys;
	cl_error	err;
	cl_identity id;
	int			n;

	memset(&in, 0, sizeof(in));
	in.family = "Smith";
	in.given = "John";
	in.birth_year = 1970;
	in.birth_month = 5;
	in.birth_day = 3;
	in.postal_code = "4011";
	in.address = "12 Main Street";
	in.phone = "02 9876 5432";
	in.identifiers = ids;
	in.n_identifiers = 1;
	cl_buf_init(&b, &cl_malloc_allocator, 64);
	CHECK(cl_identity_build(&in, &b, &err));
	CHECK(cl_identity_decode(b.data, b.len, 0, NULL, &id, &err));
	cl_buf_init(&keys, &cl_malloc_allocator, 64);
	n = cl_block_keys(&id, &keys);
	/* n x2, g, b x2 (no city), p, t, w, f, a, h, i, d x5, x x4 */
	CHECK_INT(n, 21);
	CHECK(has_key(&keys, n, "n:SM0:j"));
	CHECK(has_key(&keys, n, "n:XMT:j"));
	CHECK(has_key(&keys, n, "g:JN:s:1970"));
	CHECK(has_key(&keys, n, "b:19700503:s"));
	CHECK(has_key(&keys, n, "b:19700503:j"));
	CHECK(!has_key(&keys, n, "b:19700503"));
	CHECK(has_key(&keys, n, "p:4011:1970"));
	CHECK(has_key(&keys, n, "t:0298765432"));
	CHECK(has_key(&keys, n, "i:ssn|12345"));
	CHECK(has_key(&keys, n, "w:JN:SM0"));
	CHECK(has_key(&keys, n, "f:SM0:4011"));
	CHECK(has_key(&keys, n, "a:4011:12"));
	CHECK(has_key(&keys, n, "h:SM0:12:main"));
	/* substitutions: the value less one position, tagged with it */
	CHECK(has_key(&keys, n, "d:0:ssn|2345"));
	CHECK(has_key(&keys, n, "d:2:ssn|1245"));
	CHECK(has_key(&keys, n, "d:4:ssn|1234"));
	/* transpositions: the two characters in sorted order */
	CHECK(has_key(&keys, n, "x:0:ssn|12345"));
	CHECK(has_key(&keys, n, "x:3:ssn|12345"));
	CHECK(cl_block_key_hash("n:SM0:j", 7) == cl_block_key_hash("n:SM0:j", 7));
	CHECK(cl_block_key_hash("n:SM0:j", 7) != cl_block_key_hash("n:SM0:k", 7));
	cl_buf_free(&keys);
	cl_buf_free(&b);
	/* a city adds its birth-date key; equal initials give one key */
	memset(&in, 0, sizeof(in));
	in.family = "Smith";
	in.given = "Sam";
	in.birth_year = 1970;
	in.birth_month = 5;
	in.birth_day = 3;
	in.city = "Brisbane";
	cl_buf_init(&b, &cl_malloc_allocator, 64);
	CHECK(cl_identity_build(&in, &b, &err));
	CHECK(cl_identity_decode(b.data, b.len, 0, NULL, &id, &err));
	cl_buf_init(&keys, &cl_malloc_allocator, 64);
	n = cl_block_keys(&id, &keys);
	CHECK(has_key(&keys, n, "b:19700503:s"));
	CHECK(has_key(&keys, n, "b:19700503:cb"));
	CHECK_INT(n, 6);			/* n x2, g, b:s, b:cb, w */
	cl_buf_free(&keys);
	cl_buf_free(&b);
	/* an empty identity has no keys */
	memset(&in, 0, sizeof(in));
	cl_buf_init(&b, &cl_malloc_allocator, 64);
	CHECK(cl_identity_build(&in, &b, &err));
	CHECK(cl_identity_decode(b.data, b.len, 0, NULL, &id, &err));
	cl_buf_init(&keys, &cl_malloc_allocator, 64);
	CHECK_INT(cl_block_keys(&id, &keys), 0);
	cl_buf_free(&keys);
	cl_buf_free(&b);
}

/* a small deterministic generator (xorshift64*) */
static uint64_t rng_state;

static double
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double) ((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static int
draw(const double *p, int n)
{
	double		r = rnd();

	for (int l = 1; l < n; l++)
	{
		if (r < p[l])
			return l;
		r -= p[l];
	}
	return n - 1;
}

/*
 * EM on synthetic data: comparison vectors drawn from a known model (the
 * default m/u, lambda = 0.2, no missing values) must give back m and lambda
 * within sampling error, starting from a flat m, with u estimated from
 * separate random non-match pairs.
 */
TEST(match_em_synthetic)
{
	enum
	{
		N = 40000, NR = 40000
	};
	cl_match_model truth;
	cl_match_model model;
	cl_match_vector *vecs = malloc(sizeof(cl_match_vector) * N);
	cl_match_vector *rvecs = malloc(sizeof(cl_match_vector) * NR);
	cl_em_options opt;
	cl_em_result res;
	cl_error	err;
	double		maxdiff = 0;

	cl_match_model_default(&truth);
	/* strip the null levels: every field observed */
	for (int f = 0; f < CL_MF_COUNT; f++)
	{
		truth.m[f][0] = truth.u[f][0] = 0;
		if (f == CL_MF_GIVEN)
			truth.m[f][2] = truth.u[f][2] = 0;
	}
	rng_state = 88172645463325252ULL;
	for (int k = 0; k < N; k++)
	{
		bool		match = rnd() < 0.2;

		for (int f = 0; f < CL_MF_COUNT; f++)
		{
			const cl_match_field_def *d = cl_match_field_info((cl_match_field) f);

			vecs[k].level[f] = (unsigned char) draw(match ? truth.m[f] : truth.u[f], d->n_levels);
		}
	}
	for (int k = 0; k < NR; k++)
		for (int f = 0; f < CL_MF_COUNT; f++)
			rvecs[k].level[f] = (unsigned char)
				draw(truth.u[f], cl_match_field_info((cl_match_field) f)->n_levels);

	/* start: flat m over the agreement levels, prior 0.5 */
	memset(&model, 0, sizeof(model));
	model.prior = 0.5;
	for (int f = 0; f < CL_MF_COUNT; f++)
	{
		const cl_match_field_def *d = cl_match_field_info((cl_match_field) f);

		for (int l = 0; l < d->n_levels; l++)
			model.m[f][l] = 1.0 / d->n_levels;
		model.m[f][d->n_levels - 1] = 0.05;		/* "different" unlikely */
	}
	cl_em_estimate_u(rvecs, NULL, NR, &model);
	CHECK_NEAR(model.u[CL_MF_SEX][1], 0.5, 0.01);
	cl_em_options_default(&opt);
	CHECK(cl_em_estimate(vecs, NULL, N, &opt, &model, &res, &err));
	CHECK(res.converged);
	CHECK(res.iterations > 1 && res.iterations <= opt.max_iterations);
	CHECK(res.max_change < opt.tolerance);
	CHECK_NEAR(res.match_share, 0.2, 0.01);
	for (int f = 0; f < CL_MF_COUNT; f++)
	{
		const cl_match_field_def *d = cl_match_field_info((cl_match_field) f);

		for (int l = 0; l < d->n_levels; l++)
		{
			double		diff;

			if (d->level_null[l])
				continue;
			diff = fabs(model.m[f][l] - truth.m[f][l]);
			if (diff > maxdiff)
				maxdiff = diff;
		}
	}
	CHECK(maxdiff < 0.02);
	printf("    EM: %d iterations, max change %.2g, lambda %.4f, max |m - m_true| %.4f\n",
		   res.iterations, res.max_change, res.match_share, maxdiff);

	/* counts work like repeated vectors */
	{
		cl_match_model m2 = model;
		cl_match_model m3 = model;
		double		counts[2] = {3, 1};
		cl_match_vector rep[4] = {vecs[0], vecs[0], vecs[0], vecs[1]};
		cl_em_result r2;
		cl_em_result r3;

		opt.max_iterations = 3;
		CHECK(cl_em_estimate(vecs, counts, 2, &opt, &m2, &r2, &err));
		CHECK(cl_em_estimate(rep, NULL, 4, &opt, &m3, &r3, &err));
		CHECK_NEAR(m2.prior, m3.prior, 1e-12);
		CHECK_NEAR(m2.m[0][1], m3.m[0][1], 1e-12);
	}
	CHECK(!cl_em_estimate(vecs, NULL, 0, &opt, &model, &res, &err));
	CHECK_INT(err.code, CL_ERR_INVALID_PARAM);
	free(vecs);
	free(rvecs);
}

TEST(match_clusters)
{
	/* 0-3-5 linked, 1-4 linked, 2 alone, 6-7 below threshold */
	uint32_t	l[] = {5, 3, 4, 6, 0};
	uint32_t	r[] = {3, 0, 1, 7, 5};
	double		p[] = {0.99, 0.95, 0.91, 0.2, 0.97};
	uint32_t	c[8];
	uint32_t	c2[8];
	uint32_t	l2[5];
	uint32_t	r2[5];
	double		p2[5];
	cl_error	err;

	CHECK(cl_cluster_pairs(8, l, r, p, 5, 0.9, &cl_malloc_allocator, c, &err));
	CHECK_INT(c[0], 0);
	CHECK_INT(c[3], 0);
	CHECK_INT(c[5], 0);
	CHECK_INT(c[1], 1);
	CHECK_INT(c[4], 1);
	CHECK_INT(c[2], 2);
	CHECK_INT(c[6], 6);
	CHECK_INT(c[7], 7);
	/* the same in reverse order, pairs flipped */
	for (int k = 0; k < 5; k++)
	{
		l2[k] = r[4 - k];
		r2[k] = l[4 - k];
		p2[k] = p[4 - k];
	}
	CHECK(cl_cluster_pairs(8, l2, r2, p2, 5, 0.9, &cl_malloc_allocator, c2, &err));
	CHECK(memcmp(c, c2, sizeof(c)) == 0);
	/* a lower threshold joins 6 and 7 */
	CHECK(cl_cluster_pairs(8, l, r, p, 5, 0.1, &cl_malloc_allocator, c, &err));
	CHECK_INT(c[7], 6);
	/* out of range */
	l[0] = 8;
	CHECK(!cl_cluster_pairs(8, l, r, p, 5, 0.9, &cl_malloc_allocator, c, &err));
	CHECK_INT(err.code, CL_ERR_INVALID_PARAM);
	/* empty */
	CHECK(cl_cluster_pairs(0, l, r, p, 0, 0.9, &cl_malloc_allocator, c, &err));
}

/* identities with the given family name, birth date and SSN */
static void
mk_ssn(built *b, const char *family, const char *given, int y, int m, int d, const char *ssn)
{
	cl_identity_input in;
	cl_error	err;
	const char *ids[1];

	memset(&in, 0, sizeof(in));
	in.family = family;
	in.given = given;
	in.birth_year = y;
	in.birth_month = m;
	in.birth_day = d;
	if (ssn)
	{
		ids[0] = ssn;
		in.identifiers = ids;
		in.n_identifiers = 1;
	}
	cl_buf_init(&b->buf, &cl_malloc_allocator, 64);
	if (!cl_identity_build(&in, &b->buf, &err) ||
		!cl_identity_decode(b->buf.data, b->buf.len, 0, NULL, &b->id, &err))
		unit_fail(__FILE__, __LINE__, "build failed: %s", err.message);
}

TEST(match_pair_index)
{
	/*
	 * 0 and 1: one person (many keys in common, not the SSN); 2: SSN one substitution
	 * from 0's; 3: SSN one transposition from 0's; 4: SSN two edits away
	 * (a digit deleted here, inserted there), nothing else in common;
	 * 5: no identity (no keys); 6: shares only a key with 7, which is too
	 * common once max_block is 2 (6, 7 and 8 share one birth date and
	 * initial).
	 */
	built		b[9];
	uint32_t	off[10];
	uint64_t	keys[9 * CL_BLOCK_MAX_KEYS];
	cl_block_entry ent[9 * CL_BLOCK_MAX_KEYS];
	cl_buf		scratch;
	cl_pair_index pi;
	cl_pair_iter it;
	uint32_t	i;
	uint32_t	j;
	int			seen[9][9];
	int			npairs = 0;
	uint64_t	last = 0;

	mk_ssn(&b[0], "Smith", "John", 1970, 5, 3, "ssn|1234567");
	mk_ssn(&b[1], "Smith", "Jon", 1970, 5, 3, "ssn|9999999");
	mk_ssn(&b[2], "Brown", "Ann", 1950, 1, 2, "ssn|1234967");
	mk_ssn(&b[3], "Green", "Eve", 1960, 7, 8, "ssn|1243567");
	mk_ssn(&b[4], "White", "Tom", 1940, 9, 10, "ssn|2345671");
	mk_ssn(&b[5], NULL, NULL, 0, 0, 0, NULL);
	mk_ssn(&b[6], "Adams", "Zoe", 1990, 2, 2, NULL);
	mk_ssn(&b[7], "Archer", "Yan", 1990, 2, 2, NULL);
	mk_ssn(&b[8], "Avery", "Xia", 1990, 2, 2, NULL);
	cl_buf_init(&scratch, &cl_malloc_allocator, 64);
	off[0] = 0;
	for (int r = 0; r < 9; r++)
	{
		int			k = cl_block_key_hashes(&b[r].id, &scratch, keys + off[r]);

		CHECK(k >= 0);
		for (int x = 1; x < k; x++)
			CHECK(keys[off[r] + x - 1] < keys[off[r] + x]);	/* sorted, distinct */
		off[r + 1] = off[r] + (uint32_t) k;
	}
	CHECK_INT(off[6] - off[5], 0);

	for (int round = 0; round < 2; round++)
	{
		memset(&pi, 0, sizeof(pi));
		pi.n_records = 9;
		pi.rec_off = off;
		pi.rec_keys = keys;
		pi.entries = ent;
		pi.max_block = round == 0 ? 0 : 2;
		cl_pair_index_prepare(&pi);
		memset(seen, 0, sizeof(seen));
		npairs = 0;
		cl_pair_iter_init(&it);
		while (cl_pair_next(&pi, &it, &i, &j))
		{
			CHECK(i < j && j < 9);
			seen[i][j]++;
			npairs++;
		}
		CHECK(!cl_pair_next(&pi, &it, &i, &j));	/* stays at the end */
		for (int x = 0; x < 9; x++)
			for (int y = x + 1; y < 9; y++)
			{
				CHECK(seen[x][y] <= 1);	/* each pair once */
				CHECK_INT(seen[x][y], cl_pair_index_shares_key(&pi, (uint32_t) x, (uint32_t) y));
			}
		CHECK_INT(seen[0][1], 1);
		CHECK_INT(seen[0][2], 1);	/* substitution */
		CHECK_INT(seen[0][3], 1);	/* transposition */
		CHECK_INT(seen[0][4], 0);	/* two edits: no key */
		for (int x = 0; x < 5; x++)
			CHECK_INT(seen[x][5], 0);	/* 5 has no keys */
		for (int y = 6; y < 9; y++)
			CHECK_INT(seen[5][y], 0);
		CHECK(pi.raw_pairs >= (uint64_t) npairs);
		if (round == 0)
		{
			CHECK_INT(seen[6][7], 1);
			CHECK_INT(seen[7][8], 1);
			CHECK_INT(pi.skipped_keys, 0);
		}
		else
		{
			/* the block of 6, 7, 8 is skipped */
			CHECK_INT(seen[6][7], 0);
			CHECK(pi.skipped_keys >= 1);
		}
	}
	/* the pairs of the first round are deterministic: the same again */
	pi.max_block = 0;
	cl_pair_index_prepare(&pi);
	cl_pair_iter_init(&it);
	for (int k = 0; cl_pair_next(&pi, &it, &i, &j); k++)
		last = last * 31 + ((uint64_t) i << 32 | j);
	{
		uint64_t	again = 0;

		cl_pair_index_prepare(&pi);
		cl_pair_iter_init(&it);
		while (cl_pair_next(&pi, &it, &i, &j))
			again = again * 31 + ((uint64_t) i << 32 | j);
		CHECK(again == last);
	}
	/* no records, no pairs */
	memset(&pi, 0, sizeof(pi));
	off[0] = 0;
	pi.rec_off = off;
	pi.rec_keys = keys;
	pi.entries = ent;
	cl_pair_index_prepare(&pi);
	cl_pair_iter_init(&it);
	CHECK(!cl_pair_next(&pi, &it, &i, &j));
	cl_buf_free(&scratch);
	for (int r = 0; r < 9; r++)
		cl_buf_free(&b[r].buf);
}

TEST(match_compare_bounded)
{
	/* on every pair of a small set and several thresholds, the early exit
	 * agrees with the full comparison: a pair it drops scores below the
	 * threshold, a pair it keeps has the full comparison vector */
	static const char *const fam[] = {"Smith", "Smyth", "Jones", "", "Smith", "John"};
	static const char *const giv[] = {"John", "Jon", "Mary", "John", "", "Smith"};
	static const int yr[] = {1970, 1970, 1980, 1970, 0, 1970};
	static const char *const ssn[] = {"ssn|1234567", "ssn|1234576", NULL, "ssn|1234567",
	"ssn|7654321", NULL};
	built		b[6];
	cl_match_model model;
	cl_match_scorer sc;
	static const double thresholds[] = {-40, -5, 0, 5, 10, 20, 40};
	int			dropped = 0;

	for (int k = 0; k < 6; k++)
		mk_ssn(&b[k], fam[k], giv[k], yr[k], yr[k] ? 5 : 0, yr[k] ? 3 : 0, ssn[k]);
	cl_match_model_default(&model);
	for (int round = 0; round < 2; round++)
	{
		if (round == 1)
			model.tf_min_u[CL_MF_FAMILY] = 1e-6;	/* raises the exact weight */
		cl_match_scorer_init(&sc, &model);
		for (int x = 0; x < 6; x++)
			for (int y = 0; y < 6; y++)
				for (size_t t = 0; t < sizeof(thresholds) / sizeof(thresholds[0]); t++)
				{
					cl_match_vector full;
					cl_match_vector v;
					cl_match_tf tf;
					double		s;

					memset(&tf, 0, sizeof(tf));
					tf.freq[CL_MF_FAMILY] = 1e-5;
					cl_match_compare(&b[x].id, &b[y].id, &full);
					s = cl_match_score_vector(&model, &full, &tf, NULL);
					if (cl_match_compare_bounded(&sc, &b[x].id, &b[y].id, thresholds[t], &v))
						CHECK(memcmp(&v, &full, sizeof(v)) == 0);
					else
					{
						CHECK(s < thresholds[t]);
						dropped++;
					}
				}
	}
	CHECK(dropped > 0);
	for (int k = 0; k < 6; k++)
		cl_buf_free(&b[k].buf);
}

TEST(match_pair_index_large)
{
	/*
	 * 3000 records with 8 keys each drawn from 4000 values (enough entries
	 * for the radix partition): the entries come out sorted, and the pairs
	 * are exactly the pairs of records sharing a key of a block of at most
	 * max_block records, each once.
	 */
	enum
	{
		NREC = 3000, NK = 8, NVAL = 4000
	};
	uint32_t   *off = malloc(sizeof(uint32_t) * (NREC + 1));
	uint64_t   *keys = malloc(sizeof(uint64_t) * NREC * NK);
	cl_block_entry *ent = malloc(sizeof(cl_block_entry) * NREC * NK);
	int		   *vals = malloc(sizeof(int) * NREC * NK);
	int		   *count = calloc(NVAL, sizeof(int));
	cl_pair_index pi;
	cl_pair_iter it;
	uint32_t	i;
	uint32_t	j;
	long		got = 0;
	long		want = 0;
	bool		order_ok = true;

	rng_state = 12345;
	off[0] = 0;
	for (int r = 0; r < NREC; r++)
	{
		int			n = 0;

		for (int k = 0; k < NK; k++)
		{
			int			v = (int) (rnd() * NVAL);
			bool		dup = false;

			for (int x = 0; x < n; x++)
				dup |= vals[r * NK + x] == v;
			if (!dup)
				vals[r * NK + n++] = v;
		}
		/* the hash of a value: any fixed, well-spread function */
		for (int x = 0; x < n; x++)
		{
			char		s[16];

			snprintf(s, sizeof(s), "v%d", vals[r * NK + x]);
			keys[off[r] + x] = cl_block_key_hash64(s, strlen(s));
			count[vals[r * NK + x]]++;
		}
		/* sorted per record, as cl_block_key_hashes leaves them */
		for (int x = 1; x < n; x++)
			for (int y = x; y > 0 && keys[off[r] + y - 1] > keys[off[r] + y]; y--)
			{
				uint64_t	t = keys[off[r] + y];

				keys[off[r] + y] = keys[off[r] + y - 1];
				keys[off[r] + y - 1] = t;
			}
		off[r + 1] = off[r] + (uint32_t) n;
	}
	memset(&pi, 0, sizeof(pi));
	pi.n_records = NREC;
	pi.rec_off = off;
	pi.rec_keys = keys;
	pi.entries = ent;
	pi.max_block = 8;
	cl_pair_index_prepare(&pi);
	CHECK(pi.n_entries > 4 * 4096);
	for (size_t k = 1; k < pi.n_entries; k++)
		if (ent[k - 1].hash > ent[k].hash ||
			(ent[k - 1].hash == ent[k].hash && ent[k - 1].rec >= ent[k].rec))
			order_ok = false;
	CHECK(order_ok);
	/* brute force: pairs sharing a value used by 2..8 records */
	for (int a = 0; a < NREC; a++)
		for (int b = a + 1; b < NREC; b++)
		{
			bool		share = false;

			for (uint32_t x = 0; x < off[a + 1] - off[a] && !share; x++)
				for (uint32_t y = 0; y < off[b + 1] - off[b] && !share; y++)
				{
					int			v = vals[a * NK + x];

					share = v == vals[b * NK + y] && count[v] <= 8;
				}
			want += share;
		}
	cl_pair_iter_init(&it);
	while (cl_pair_next(&pi, &it, &i, &j))
	{
		got++;
		if (!cl_pair_index_shares_key(&pi, i, j))
			unit_fail(__FILE__, __LINE__, "pair %u %u shares no used key", i, j);
	}
	CHECK_INT(got, want);
	CHECK(want > 1000);
	free(off);
	free(keys);
	free(ent);
	free(vals);
	free(count);
}

TEST(match_identity_compare)
{
	/* field by field: family, given, birth date, ...; equal exactly when
	 * the serialised bytes are */
	built		b[5];

	mk(&b[0], "Adams", "Zoe", 1970, 1, 2, NULL, NULL);
	mk(&b[1], "Smith", "Anna", 0, 0, 0, NULL, NULL);
	mk(&b[2], "Smith", "John", 1969, 12, 31, NULL, NULL);
	mk(&b[3], "Smith", "John", 1970, 1, 1, NULL, "4000");
	mk(&b[4], "SMITH", "john", 1970, 1, 1, NULL, "4000");
	for (int x = 0; x < 5; x++)
		for (int y = 0; y < 5; y++)
		{
			int			c = cl_identity_compare(&b[x].id, &b[y].id);
			bool		same = b[x].buf.len == b[y].buf.len &&
				memcmp(b[x].buf.data, b[y].buf.data, b[x].buf.len) == 0;

			CHECK((c == 0) == same);
			CHECK((c < 0) == (cl_identity_compare(&b[y].id, &b[x].id) > 0));
		}
	CHECK(cl_identity_compare(&b[0].id, &b[1].id) < 0);
	CHECK(cl_identity_compare(&b[1].id, &b[2].id) < 0);
	CHECK(cl_identity_compare(&b[2].id, &b[3].id) < 0);
	CHECK_INT(cl_identity_compare(&b[3].id, &b[4].id), 0);
	for (int k = 0; k < 5; k++)
		cl_buf_free(&b[k].buf);
}
