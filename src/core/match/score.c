/*
 * score.c
 *		Fellegi-Sunter comparison levels, the default model, scores,
 *		probabilities and explanations.
 */
#include <math.h>

#include "match_internal.h"

/* level indexes (see clinical/match.h) */
enum
{
	FAM_MISSING, FAM_EXACT, FAM_SWAPPED, FAM_PHONETIC, FAM_JW94, FAM_JW88,
	FAM_ONE_EDIT, FAM_DIFFERENT
};
enum
{
	GIV_MISSING, GIV_EXACT, GIV_SWAPPED, GIV_NICKNAME, GIV_PHONETIC, GIV_JW94,
	GIV_JW88, GIV_ONE_EDIT, GIV_INITIAL, GIV_DIFFERENT
};
enum
{
	L3_MISSING, L3_EXACT, L3_PARTIAL, L3_DIFFERENT
};

static const cl_match_field_def field_defs[CL_MF_COUNT] = {
	{"family", 8,
		{"missing", "exact", "swapped", "phonetic", "jaro_winkler_0.94",
		"jaro_winkler_0.88", "one_edit", "different"},
	{true}, FAM_EXACT},
	{"given", 10,
		{"missing", "exact", "swapped", "nickname", "phonetic",
			"jaro_winkler_0.94", "jaro_winkler_0.88", "one_edit", "initial",
		"different"},
	{true, false, true}, GIV_EXACT},
	{"birth_date", 7,
		{"missing", "exact", "day_month_swapped", "one_digit",
		"year_off_by_one", "year_off_by_ten", "different"},
	{true}, -1},
	{"sex", 3, {"missing", "exact", "different"}, {true}, -1},
	{"postal_code", 4, {"missing", "exact", "one_edit", "different"}, {true}, -1},
	{"city", 4, {"missing", "exact", "jaro_winkler_0.88", "different"}, {true}, -1},
	{"address", 4, {"missing", "exact", "jaro_winkler_0.88", "different"}, {true}, -1},
	{"phone", 4, {"missing", "exact", "one_edit", "different"}, {true}, -1},
	{"identifier", 4, {"missing", "exact", "one_edit", "different"}, {true}, -1}
};

const cl_match_field_def *
cl_match_field_info(cl_match_field f)
{
	if ((int) f < 0 || f >= CL_MF_COUNT)
		return NULL;
	return &field_defs[f];
}

/*
 * The shipped defaults.  They are round numbers chosen from the usual shape
 * of person data (and close to what EM finds on the FEBRL sets), meant to
 * be replaced by match_train: m is the chance of the level among true
 * matches (recording errors, nicknames, typos), u among random pairs (how
 * often unrelated people agree: ~0.3% share a surname, ~1% a given name,
 * ~1/(365*80) a birth date, half a sex).  Each field's m and u sum to 1
 * over the non-null levels.  The prior 1/10000 fits incremental lookups of
 * one record against candidates found by blocking.
 */
static const double default_m[CL_MF_COUNT][CL_MATCH_MAX_LEVELS] = {
	/* family: -, exact, swapped, phonetic, jw94, jw88, one_edit, different */
	{0, 0.86, 0.005, 0.03, 0.04, 0.02, 0.015, 0.03},
	/* given: -, exact, -, nickname, phonetic, jw94, jw88, one_edit, initial,
	 * different */
	{0, 0.82, 0, 0.03, 0.03, 0.04, 0.02, 0.015, 0.01, 0.035},
	/* birth_date: -, exact, swap, one_digit, year1, year10, different */
	{0, 0.90, 0.01, 0.04, 0.01, 0.005, 0.035},
	{0, 0.98, 0.02},			/* sex */
	{0, 0.85, 0.05, 0.10},		/* postal_code */
	{0, 0.85, 0.05, 0.10},		/* city */
	{0, 0.75, 0.10, 0.15},		/* address */
	{0, 0.80, 0.05, 0.15},		/* phone */
	{0, 0.95, 0.03, 0.02}		/* identifier */
};

static const double default_u[CL_MF_COUNT][CL_MATCH_MAX_LEVELS] = {
	{0, 0.003, 0.0001, 0.006, 0.002, 0.01, 0.0009, 0.978},
	{0, 0.01, 0, 0.003, 0.01, 0.004, 0.015, 0.002, 0.003, 0.953},
	{0, 0.00005, 0.00001, 0.0006, 0.0002, 0.0002, 0.99894},
	{0, 0.5, 0.5},
	{0, 0.002, 0.01, 0.988},
	{0, 0.01, 0.02, 0.97},
	{0, 0.0001, 0.002, 0.9979},
	{0, 0.0001, 0.0005, 0.9994},
	{0, 0.00001, 0.0001, 0.99989}
};

void
cl_match_model_default(cl_match_model *model)
{
	memset(model, 0, sizeof(*model));
	model->prior = 1e-4;
	memcpy(model->m, default_m, sizeof(default_m));
	memcpy(model->u, default_u, sizeof(default_u));
}

bool
cl_match_model_check(const cl_match_model *model, cl_error *err)
{
	if (!(model->prior > 0.0 && model->prior < 1.0))
		return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
							"the prior must lie strictly between 0 and 1");
	for (int f = 0; f < CL_MF_COUNT; f++)
	{
		const cl_match_field_def *d = &field_defs[f];

		if (!(model->tf_min_u[f] >= 0.0 && model->tf_min_u[f] <= 1.0))
			return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
								"tf_min_u of %s must lie in [0, 1]", d->name);
		for (int l = 0; l < d->n_levels; l++)
		{
			if (d->level_null[l])
				continue;
			if (!(model->m[f][l] > 0.0 && model->m[f][l] <= 1.0) ||
				!(model->u[f][l] > 0.0 && model->u[f][l] <= 1.0))
				return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
									"m and u of %s level %s must lie in (0, 1]",
									d->name, d->level_names[l]);
		}
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Comparisons
 * ------------------------------------------------------------------------ */

static bool
empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

static bool
dm_share(const char a[2][CL_DMETAPHONE_LEN + 1], const char b[2][CL_DMETAPHONE_LEN + 1])
{
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			if (a[i][0] != '\0' && strcmp(a[i], b[j]) == 0)
				return true;
	return false;
}

static bool
one_edit(const char *a, const char *b)
{
	return cl_edit_distance(a, strlen(a), b, strlen(b), true, 1) <= 1;
}

static double
jw(const char *a, const char *b)
{
	return cl_jaro_winkler(a, strlen(a), b, strlen(b));
}

static bool
swapped(const cl_identity *a, const cl_identity *b)
{
	return !empty(a->given) && !empty(b->given) &&
		strcmp(a->family, b->given) == 0 && strcmp(a->given, b->family) == 0;
}

static int
cmp_family(const cl_identity *a, const cl_identity *b)
{
	double		s;

	if (empty(a->family) || empty(b->family))
		return FAM_MISSING;
	if (strcmp(a->family, b->family) == 0)
		return FAM_EXACT;
	if (swapped(a, b))
		return FAM_SWAPPED;
	if (dm_share(a->family_dm, b->family_dm) ||
		(a->family_nysiis[0] && strcmp(a->family_nysiis, b->family_nysiis) == 0))
		return FAM_PHONETIC;
	s = jw(a->family, b->family);
	if (s >= 0.94)
		return FAM_JW94;
	if (s >= 0.88)
		return FAM_JW88;
	if (one_edit(a->family, b->family))
		return FAM_ONE_EDIT;
	return FAM_DIFFERENT;
}

static int
cmp_given(const cl_identity *a, const cl_identity *b)
{
	size_t		la;
	size_t		lb;
	double		s;

	if (empty(a->given) || empty(b->given))
		return GIV_MISSING;
	if (strcmp(a->given, b->given) == 0)
		return GIV_EXACT;
	if (!empty(a->family) && !empty(b->family) && swapped(a, b))
		return GIV_SWAPPED;
	la = cl_match_first_word_len(a->given);
	lb = cl_match_first_word_len(b->given);
	if (cl_nickname_match(a->given, la, b->given, lb))
		return GIV_NICKNAME;
	if (dm_share(a->given_dm, b->given_dm) ||
		(a->given_nysiis[0] && strcmp(a->given_nysiis, b->given_nysiis) == 0))
		return GIV_PHONETIC;
	s = jw(a->given, b->given);
	if (s >= 0.94)
		return GIV_JW94;
	if (s >= 0.88)
		return GIV_JW88;
	if (one_edit(a->given, b->given))
		return GIV_ONE_EDIT;
	if ((la == 1 || lb == 1) && a->given[0] == b->given[0])
		return GIV_INITIAL;
	return GIV_DIFFERENT;
}

static int
cmp_simple(const char *a, const char *b, int partial)
{
	if (empty(a) || empty(b))
		return L3_MISSING;
	if (strcmp(a, b) == 0)
		return L3_EXACT;
	if (partial == 1 && one_edit(a, b))
		return L3_PARTIAL;
	if (partial == 2 && jw(a, b) >= 0.88)
		return L3_PARTIAL;
	return L3_DIFFERENT;
}

static int
cmp_phone(const char *a, const char *b)
{
	size_t		la = strlen(a);
	size_t		lb = strlen(b);

	if (la == 0 || lb == 0)
		return L3_MISSING;
	if (strcmp(a, b) == 0)
		return L3_EXACT;
	if ((la >= 7 && lb >= 7 && memcmp(a + la - 7, b + lb - 7, 7) == 0) ||
		one_edit(a, b))
		return L3_PARTIAL;
	return L3_DIFFERENT;
}

static int
cmp_identifiers(const cl_identity *a, const cl_identity *b)
{
	bool		common = false;
	bool		near = false;

	for (int i = 0; i < a->n_identifiers; i++)
	{
		const char *x = a->identifiers[i];
		const char *xb = strchr(x, '|');
		size_t		xs = (size_t) (xb - x);

		for (int j = 0; j < b->n_identifiers; j++)
		{
			const char *y = b->identifiers[j];
			const char *yb = strchr(y, '|');

			if ((size_t) (yb - y) != xs || memcmp(x, y, xs) != 0)
				continue;
			common = true;
			if (strcmp(xb, yb) == 0)
				return L3_EXACT;
			if (one_edit(xb + 1, yb + 1))
				near = true;
		}
	}
	if (near)
		return L3_PARTIAL;
	return common ? L3_DIFFERENT : L3_MISSING;
}

/* the fields that are cheap to compare: birth date, sex, postcode, phone, identifiers */
static void
compare_cheap_fields(const cl_identity *a, const cl_identity *b, cl_match_vector *vec)
{
	vec->level[CL_MF_BIRTH_DATE] = (unsigned char)
		cl_date_similarity(a->birth_year, a->birth_month, a->birth_day,
						   b->birth_year, b->birth_month, b->birth_day);
	if (a->sex == '\0' || b->sex == '\0')
		vec->level[CL_MF_SEX] = 0;
	else
		vec->level[CL_MF_SEX] = a->sex == b->sex ? 1 : 2;
	vec->level[CL_MF_POSTAL_CODE] = (unsigned char) cmp_simple(a->postal_code, b->postal_code, 1);
	vec->level[CL_MF_PHONE] = (unsigned char) cmp_phone(a->phone, b->phone);
	vec->level[CL_MF_IDENTIFIER] = (unsigned char) cmp_identifiers(a, b);
}

void
cl_match_compare(const cl_identity *a, const cl_identity *b, cl_match_vector *vec)
{
	vec->level[CL_MF_FAMILY] = (unsigned char) cmp_family(a, b);
	vec->level[CL_MF_GIVEN] = (unsigned char) cmp_given(a, b);
	compare_cheap_fields(a, b, vec);
	vec->level[CL_MF_CITY] = (unsigned char) cmp_simple(a->city, b->city, 2);
	vec->level[CL_MF_ADDRESS] = (unsigned char) cmp_simple(a->address, b->address, 2);
}

/* ------------------------------------------------------------------------
 * Comparison with an early exit
 * ------------------------------------------------------------------------ */

void
cl_match_scorer_init(cl_match_scorer *s, const cl_match_model *model)
{
	memset(s, 0, sizeof(*s));
	for (int f = 0; f < CL_MF_COUNT; f++)
	{
		const cl_match_field_def *d = &field_defs[f];
		int			exact = 1;	/* level 1 is exact in every field */
		double		best = -INFINITY;

		for (int l = 0; l < d->n_levels; l++)
		{
			double		w = 0.0;

			if (!d->level_null[l] && model->m[f][l] > 0.0 && model->u[f][l] > 0.0)
				w = cl_match_log2(model->m[f][l] / model->u[f][l]);
			s->w[f][l] = w;
			if (l != 0 && l != exact && w > best)
				best = w;	/* null levels other than missing count as 0 */
		}
		s->w_inexact_max[f] = best;
		s->w_exact_max[f] = s->w[f][exact];
		if (d->tf_level == exact && model->tf_min_u[f] > 0.0 &&
			model->tf_min_u[f] < model->u[f][exact] && model->m[f][exact] > 0.0)
			s->w_exact_max[f] = cl_match_log2(model->m[f][exact] / model->tf_min_u[f]);
	}
}

/* the cheap part of a string field: missing (0), exact (1) or not yet known (-1) */
static int
settle_string(const char *a, const char *b)
{
	if (empty(a) || empty(b))
		return 0;
	return strcmp(a, b) == 0 ? 1 : -1;
}

bool
cl_match_compare_bounded(const cl_match_scorer *s, const cl_identity *a,
						 const cl_identity *b, double min_score, cl_match_vector *vec)
{
	static const int slow[4] = {CL_MF_FAMILY, CL_MF_GIVEN, CL_MF_ADDRESS, CL_MF_CITY};
	double		known = 0.0;
	double		open = 0.0;
	int			lv[4];

	/* the cheap fields */
	compare_cheap_fields(a, b, vec);
	known = s->w[CL_MF_BIRTH_DATE][vec->level[CL_MF_BIRTH_DATE]] +
		s->w[CL_MF_SEX][vec->level[CL_MF_SEX]] +
		s->w[CL_MF_POSTAL_CODE][vec->level[CL_MF_POSTAL_CODE]] +
		s->w[CL_MF_PHONE][vec->level[CL_MF_PHONE]] +
		s->w[CL_MF_IDENTIFIER][vec->level[CL_MF_IDENTIFIER]];

	/* the string fields: missing and exact values are settled by a strcmp */
	lv[0] = settle_string(a->family, b->family);
	lv[1] = settle_string(a->given, b->given);
	lv[2] = settle_string(a->address, b->address);
	lv[3] = settle_string(a->city, b->city);
	for (int k = 0; k < 4; k++)
	{
		int			f = slow[k];

		if (lv[k] == 1)
			known += s->w_exact_max[f];
		else if (lv[k] < 0)
			open += s->w_inexact_max[f];
	}
	if (known + open < min_score)
		return false;

	/* the string comparisons, while the pair can still reach min_score */
	for (int k = 0; k < 4; k++)
	{
		int			f = slow[k];
		int			l;

		if (lv[k] >= 0)
		{
			vec->level[f] = (unsigned char) lv[k];
			continue;
		}
		switch (f)
		{
			case CL_MF_FAMILY:
				l = cmp_family(a, b);
				break;
			case CL_MF_GIVEN:
				l = cmp_given(a, b);
				break;
			default:
				l = cmp_simple(f == CL_MF_CITY ? a->city : a->address,
							   f == CL_MF_CITY ? b->city : b->address, 2);
				break;
		}
		vec->level[f] = (unsigned char) l;
		open -= s->w_inexact_max[f];
		known += s->w[f][l];
		if (known + open < min_score)
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Scores
 * ------------------------------------------------------------------------ */

double
cl_match_score_vector(const cl_match_model *model, const cl_match_vector *vec,
					  const cl_match_tf *tf, cl_match_explanation *ex)
{
	double		total = 0.0;

	for (int f = 0; f < CL_MF_COUNT; f++)
	{
		const cl_match_field_def *d = &field_defs[f];
		int			l = vec->level[f] < d->n_levels ? vec->level[f] : d->n_levels - 1;
		double		m = model->m[f][l];
		double		u = model->u[f][l];
		double		w = 0.0;
		bool		adj = false;

		if (!d->level_null[l])
		{
			if (tf && l == d->tf_level && tf->freq[f] > 0.0 && tf->freq[f] <= 1.0)
			{
				double		floor_u = model->tf_min_u[f] > 0.0 ? model->tf_min_u[f] : u;

				u = tf->freq[f] > floor_u ? tf->freq[f] : floor_u;
				adj = true;
			}
			if (m > 0.0 && u > 0.0)
				w = cl_match_log2(m / u);
		}
		total += w;
		if (ex)
		{
			ex->terms[f].field = d->name;
			ex->terms[f].level = d->level_names[l];
			ex->terms[f].level_index = l;
			ex->terms[f].m = d->level_null[l] ? 1.0 : m;
			ex->terms[f].u = d->level_null[l] ? 1.0 : u;
			ex->terms[f].weight = w;
			ex->terms[f].tf_adjusted = adj;
		}
	}
	if (ex)
	{
		ex->score = total;
		ex->prior_weight = cl_match_log2(model->prior / (1.0 - model->prior));
		ex->probability = cl_match_probability(model, total);
	}
	return total;
}

double
cl_match_score(const cl_match_model *model, const cl_identity *a,
			   const cl_identity *b, const cl_match_tf *tf,
			   cl_match_explanation *ex)
{
	cl_match_vector vec;

	cl_match_compare(a, b, &vec);
	return cl_match_score_vector(model, &vec, tf, ex);
}

double
cl_match_probability(const cl_match_model *model, double score)
{
	double		w = score + cl_match_log2(model->prior / (1.0 - model->prior));

	return 1.0 / (1.0 + cl_match_exp2(-w));
}

double
cl_match_score_for_probability(const cl_match_model *model, double p)
{
	if (p <= 0.0)
		return -INFINITY;
	if (p >= 1.0)
		return INFINITY;
	return cl_match_log2(p / (1.0 - p)) - cl_match_log2(model->prior / (1.0 - model->prior));
}
