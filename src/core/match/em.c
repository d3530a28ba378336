/*
 * em.c
 *		Unsupervised estimation of m (and optionally u) and of the match
 *		share by expectation-maximisation over comparison vectors, as in
 *		Fellegi-Sunter / Winkler (1988) and Splink.
 */
#include "match_internal.h"

void
cl_em_options_default(cl_em_options *opt)
{
	opt->max_iterations = 100;
	opt->tolerance = 1e-5;
	opt->estimate_u = true;
	opt->min_probability = 1e-6;
}

void
cl_em_estimate_u(const cl_match_vector *vecs, const double *counts, size_t n,
				 cl_match_model *model)
{
	for (int f = 0; f < CL_MF_COUNT; f++)
	{
		const cl_match_field_def *d = cl_match_field_info((cl_match_field) f);
		double		c[CL_MATCH_MAX_LEVELS] = {0};
		double		total = 0.0;
		int			nonnull = 0;

		for (size_t k = 0; k < n; k++)
		{
			int			l = vecs[k].level[f];

			if (l < d->n_levels && !d->level_null[l])
				c[l] += counts ? counts[k] : 1.0;
		}
		for (int l = 0; l < d->n_levels; l++)
		{
			if (d->level_null[l])
				continue;
			total += c[l];
			nonnull++;
		}
		for (int l = 0; l < d->n_levels; l++)
			if (!d->level_null[l])
				model->u[f][l] = (c[l] + 1.0) / (total + nonnull);
	}
}

/* logarithms of the parameters, computed once per iteration */
typedef struct em_logs
{
	double		prior_m;
	double		prior_u;
	double		m[CL_MF_COUNT][CL_MATCH_MAX_LEVELS];
	double		u[CL_MF_COUNT][CL_MATCH_MAX_LEVELS];
} em_logs;

static void
compute_logs(const cl_match_model *model, em_logs *lg)
{
	lg->prior_m = cl_match_ln(model->prior);
	lg->prior_u = cl_match_ln(1.0 - model->prior);
	for (int f = 0; f < CL_MF_COUNT; f++)
	{
		const cl_match_field_def *d = cl_match_field_info((cl_match_field) f);

		for (int l = 0; l < CL_MATCH_MAX_LEVELS; l++)
		{
			bool		use = l < d->n_levels && !d->level_null[l];

			lg->m[f][l] = use ? cl_match_ln(model->m[f][l]) : 0.0;
			lg->u[f][l] = use ? cl_match_ln(model->u[f][l]) : 0.0;
		}
	}
}

/* log of the likelihood of one vector under match (lm) and non-match (lu);
 * null levels and out-of-range levels contribute 0 */
static void
vector_logs(const em_logs *lg, const cl_match_vector *v, double *lm, double *lu)
{
	double		a = lg->prior_m;
	double		b = lg->prior_u;

	for (int f = 0; f < CL_MF_COUNT; f++)
	{
		int			l = v->level[f];

		if (l >= CL_MATCH_MAX_LEVELS)
			continue;
		a += lg->m[f][l];
		b += lg->u[f][l];
	}
	*lm = a;
	*lu = b;
}

static double
log_sum(double a, double b)
{
	double		mx = a > b ? a : b;

	return mx + cl_match_ln(cl_match_exp(a - mx) + cl_match_exp(b - mx));
}

bool
cl_em_estimate(const cl_match_vector *vecs, const double *counts, size_t n,
			   const cl_em_options *opt, cl_match_model *model,
			   cl_em_result *result, cl_error *err)
{
	double		floor_p = opt->min_probability > 0.0 ? opt->min_probability : 1e-9;

	memset(result, 0, sizeof(*result));
	if (n == 0)
		return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
							"EM needs at least one candidate pair");
	if (!cl_match_model_check(model, err))
		return false;

	for (int it = 0; it < opt->max_iterations; it++)
	{
		double		mc[CL_MF_COUNT][CL_MATCH_MAX_LEVELS];
		double		uc[CL_MF_COUNT][CL_MATCH_MAX_LEVELS];
		double		sum_p = 0.0;
		double		total = 0.0;
		double		ll = 0.0;
		double		change = 0.0;
		double		lambda;
		em_logs		lg;

		compute_logs(model, &lg);
		memset(mc, 0, sizeof(mc));
		memset(uc, 0, sizeof(uc));
		for (size_t k = 0; k < n; k++)
		{
			double		c = counts ? counts[k] : 1.0;
			double		lm;
			double		lu;
			double		p;

			if (!(c > 0.0))
				continue;
			vector_logs(&lg, &vecs[k], &lm, &lu);
			p = 1.0 / (1.0 + cl_match_exp(lu - lm));
			ll += c * log_sum(lm, lu);
			sum_p += c * p;
			total += c;
			for (int f = 0; f < CL_MF_COUNT; f++)
			{
				int			l = vecs[k].level[f];

				if (l >= CL_MATCH_MAX_LEVELS)
					continue;
				mc[f][l] += c * p;
				uc[f][l] += c * (1.0 - p);
			}
		}
		if (total <= 0.0)
			return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
								"EM needs positive pair counts");

		/* M step */
		for (int f = 0; f < CL_MF_COUNT; f++)
		{
			const cl_match_field_def *d = cl_match_field_info((cl_match_field) f);
			double		sm = 0.0;
			double		su = 0.0;

			for (int l = 0; l < d->n_levels; l++)
			{
				if (d->level_null[l])
					continue;
				sm += mc[f][l];
				su += uc[f][l];
			}
			for (int l = 0; l < d->n_levels; l++)
			{
				double		v;

				if (d->level_null[l])
					continue;
				if (sm > 0.0)
				{
					v = mc[f][l] / sm;
					if (v < floor_p)
						v = floor_p;
					if (cl_match_fabs(v - model->m[f][l]) > change)
						change = cl_match_fabs(v - model->m[f][l]);
					model->m[f][l] = v;
				}
				if (opt->estimate_u && su > 0.0)
				{
					v = uc[f][l] / su;
					if (v < floor_p)
						v = floor_p;
					if (cl_match_fabs(v - model->u[f][l]) > change)
						change = cl_match_fabs(v - model->u[f][l]);
					model->u[f][l] = v;
				}
			}
		}
		lambda = sum_p / total;
		if (lambda < floor_p)
			lambda = floor_p;
		if (lambda > 1.0 - floor_p)
			lambda = 1.0 - floor_p;
		if (cl_match_fabs(lambda - model->prior) > change)
			change = cl_match_fabs(lambda - model->prior);
		model->prior = lambda;

		result->iterations = it + 1;
		result->max_change = change;
		result->log_likelihood = ll;
		if (change < opt->tolerance)
		{
			result->converged = true;
			break;
		}
	}
	/* the log-likelihood of the final parameters */
	{
		double		ll = 0.0;
		em_logs		lg;

		compute_logs(model, &lg);
		for (size_t k = 0; k < n; k++)
		{
			double		c = counts ? counts[k] : 1.0;
			double		lm;
			double		lu;

			if (!(c > 0.0))
				continue;
			vector_logs(&lg, &vecs[k], &lm, &lu);
			ll += c * log_sum(lm, lu);
		}
		result->log_likelihood = ll;
	}
	result->match_share = model->prior;
	return true;
}
