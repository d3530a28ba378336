/*
 * mathutil.c
 *		log2 and exp2 for the matching core without libm, so that the
 *		PostgreSQL-free core links into plain test programs with no -lm
 *		(the server links libm anyway).  frexp and ldexp are C89 and live in
 *		the C library proper on glibc.  Relative error is below 1e-15 on the
 *		ranges used here (probabilities and log-odds).
 */
#include <math.h>

#include "match_internal.h"

#define LN2 0.69314718055994530942
#define SQRT_HALF 0.70710678118654752440

double
cl_match_log2(double x)
{
	int			e;
	double		m;
	double		s;
	double		s2;
	double		term;
	double		sum;

	if (!(x > 0.0))
		return x == 0.0 ? -HUGE_VAL : NAN;
	if (x == HUGE_VAL)
		return HUGE_VAL;
	m = frexp(x, &e);			/* x = m * 2^e, m in [0.5, 1) */
	if (m < SQRT_HALF)
	{
		m *= 2.0;
		e--;
	}
	/* ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716 */
	s = (m - 1.0) / (m + 1.0);
	s2 = s * s;
	term = s;
	sum = 0.0;
	for (int k = 1; k < 40; k += 2)
	{
		double		add = term / k;

		sum += add;
		if (add < 1e-18 && add > -1e-18)
			break;
		term *= s2;
	}
	return (double) e + 2.0 * sum / LN2;
}

double
cl_match_exp2(double x)
{
	double		n;
	double		f;
	double		y;
	double		term = 1.0;
	double		sum = 1.0;

	if (x != x)
		return x;
	if (x > 1024.0)
		return HUGE_VAL;
	if (x < -1080.0)
		return 0.0;
	/* x = n + f with n an integer and |f| <= 0.5 */
	n = (double) (long) (x >= 0 ? x + 0.5 : x - 0.5);
	f = x - n;
	y = f * LN2;
	for (int k = 1; k < 30; k++)
	{
		term *= y / k;
		sum += term;
		if (term < 1e-18 && term > -1e-18)
			break;
	}
	return ldexp(sum, (int) n);
}
