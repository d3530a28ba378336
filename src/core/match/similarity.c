/*
 * similarity.c
 *		Jaro, Jaro-Winkler, Levenshtein/Damerau distances and date
 *		similarity levels.
 */
#include <stdlib.h>

#include "match_internal.h"

static double
jaro_cp(uint32_t *a, int la, uint32_t *b, int lb)
{
	bool		ma[CL_SIM_MAX_CHARS];
	bool		mb[CL_SIM_MAX_CHARS];
	int			window;
	int			matches = 0;
	int			trans = 0;
	int			k = 0;

	if (la == 0 && lb == 0)
		return 1.0;
	if (la == 0 || lb == 0)
		return 0.0;
	window = (la > lb ? la : lb) / 2 - 1;
	if (window < 0)
		window = 0;
	memset(ma, 0, sizeof(bool) * (size_t) la);
	memset(mb, 0, sizeof(bool) * (size_t) lb);
	for (int i = 0; i < la; i++)
	{
		int			lo = i - window > 0 ? i - window : 0;
		int			hi = i + window + 1 < lb ? i + window + 1 : lb;

		for (int j = lo; j < hi; j++)
		{
			if (!mb[j] && a[i] == b[j])
			{
				ma[i] = mb[j] = true;
				matches++;
				break;
			}
		}
	}
	if (matches == 0)
		return 0.0;
	for (int i = 0; i < la; i++)
	{
		if (!ma[i])
			continue;
		while (!mb[k])
			k++;
		if (a[i] != b[k])
			trans++;
		k++;
	}
	return ((double) matches / la + (double) matches / lb +
			(double) (matches - trans / 2) / matches) / 3.0;
}

double
cl_jaro(const char *a, size_t alen, const char *b, size_t blen)
{
	uint32_t	ca[CL_SIM_MAX_CHARS];
	uint32_t	cb[CL_SIM_MAX_CHARS];
	int			la = cl_match_decode(a, alen, ca, CL_SIM_MAX_CHARS);
	int			lb = cl_match_decode(b, blen, cb, CL_SIM_MAX_CHARS);

	return jaro_cp(ca, la, cb, lb);
}

double
cl_jaro_winkler(const char *a, size_t alen, const char *b, size_t blen)
{
	uint32_t	ca[CL_SIM_MAX_CHARS];
	uint32_t	cb[CL_SIM_MAX_CHARS];
	int			la = cl_match_decode(a, alen, ca, CL_SIM_MAX_CHARS);
	int			lb = cl_match_decode(b, blen, cb, CL_SIM_MAX_CHARS);
	double		j = jaro_cp(ca, la, cb, lb);
	int			l = 0;

	if (j <= 0.7)
		return j;
	while (l < 4 && l < la && l < lb && ca[l] == cb[l])
		l++;
	return j + l * 0.1 * (1.0 - j);
}

int
cl_edit_distance(const char *a, size_t alen, const char *b, size_t blen,
				 bool damerau, int max_dist)
{
	uint32_t	ca[CL_SIM_MAX_CHARS];
	uint32_t	cb[CL_SIM_MAX_CHARS];
	int			rows[3][CL_SIM_MAX_CHARS + 1];
	int			la = cl_match_decode(a, alen, ca, CL_SIM_MAX_CHARS);
	int			lb = cl_match_decode(b, blen, cb, CL_SIM_MAX_CHARS);
	int		   *pp = rows[0];	/* row i - 2 */
	int		   *prev = rows[1]; /* row i - 1 */
	int		   *cur = rows[2];

	if (max_dist < 0)
		max_dist = 0;
	if (abs(la - lb) > max_dist)
		return max_dist + 1;
	for (int j = 0; j <= lb; j++)
		prev[j] = j;
	for (int i = 1; i <= la; i++)
	{
		int			rowmin;
		int		   *t;

		cur[0] = i;
		rowmin = i;
		for (int j = 1; j <= lb; j++)
		{
			int			cost = ca[i - 1] == cb[j - 1] ? 0 : 1;
			int			v = prev[j] + 1;

			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (damerau && i > 1 && j > 1 && ca[i - 1] == cb[j - 2] &&
				ca[i - 2] == cb[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
			if (v < rowmin)
				rowmin = v;
		}
		/* with transpositions a later row can reuse row i - 1: keep going
		 * unless both of the last two rows exceed the bound */
		if (rowmin > max_dist)
		{
			int			prevmin = prev[0];

			for (int j = 1; j <= lb; j++)
				if (prev[j] < prevmin)
					prevmin = prev[j];
			if (!damerau || prevmin > max_dist)
				return max_dist + 1;
		}
		t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb] > max_dist ? max_dist + 1 : prev[lb];
}

bool
cl_is_transposition(const char *a, size_t alen, const char *b, size_t blen)
{
	uint32_t	ca[CL_SIM_MAX_CHARS];
	uint32_t	cb[CL_SIM_MAX_CHARS];
	int			la = cl_match_decode(a, alen, ca, CL_SIM_MAX_CHARS);
	int			lb = cl_match_decode(b, blen, cb, CL_SIM_MAX_CHARS);
	int			i = 0;

	if (la != lb || la < 2)
		return false;
	while (i < la && ca[i] == cb[i])
		i++;
	if (i + 1 >= la)
		return false;
	if (ca[i] != cb[i + 1] || ca[i + 1] != cb[i] || ca[i] == ca[i + 1])
		return false;
	for (int j = i + 2; j < la; j++)
		if (ca[j] != cb[j])
			return false;
	return true;
}

/* ------------------------------------------------------------------------
 * Dates
 * ------------------------------------------------------------------------ */

bool
cl_date_valid(int y, int m, int d)
{
	static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (y < 1 || y > 9999 || m < 0 || m > 12 || d < 0 || d > 31)
		return false;
	if (m == 0)
		return d == 0;
	if (d == 0)
		return true;
	if (d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29)
		return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return true;
}

static void
date_digits(int y, int m, int d, char out[8])
{
	int			v[3] = {y, m, d};
	int			w[3] = {4, 2, 2};
	int			p = 0;

	for (int f = 0; f < 3; f++)
	{
		int			x = v[f];

		for (int i = w[f] - 1; i >= 0; i--)
		{
			out[p + i] = (char) ('0' + x % 10);
			x /= 10;
		}
		p += w[f];
	}
}

cl_date_level
cl_date_similarity(int y1, int m1, int d1, int y2, int m2, int d2)
{
	char		a[8];
	char		b[8];
	int			ndiff = 0;
	int			first = -1;

	if (y1 <= 0 || y2 <= 0)
		return CL_DATE_MISSING;
	if (y1 == y2 && m1 == m2 && d1 == d2)
		return CL_DATE_EXACT;
	if (m1 == 0 || d1 == 0 || m2 == 0 || d2 == 0)
		return CL_DATE_MISSING;
	if (y1 == y2 && m1 == d2 && d1 == m2)
		return CL_DATE_DAY_MONTH_SWAP;
	date_digits(y1, m1, d1, a);
	date_digits(y2, m2, d2, b);
	for (int i = 0; i < 8; i++)
	{
		if (a[i] != b[i])
		{
			if (first < 0)
				first = i;
			ndiff++;
		}
	}
	if (ndiff == 1)
		return CL_DATE_ONE_DIGIT;
	if (ndiff == 2 && first < 7 && a[first] == b[first + 1] &&
		a[first + 1] == b[first])
		return CL_DATE_ONE_DIGIT;
	if (m1 == m2 && d1 == d2)
	{
		if (abs(y1 - y2) == 1)
			return CL_DATE_YEAR_OFF_ONE;
		if (abs(y1 - y2) == 10)
			return CL_DATE_YEAR_OFF_TEN;
	}
	return CL_DATE_DIFFERENT;
}

const char *
cl_date_level_name(cl_date_level level)
{
	switch (level)
	{
		case CL_DATE_MISSING:
			return "missing";
		case CL_DATE_EXACT:
			return "exact";
		case CL_DATE_DAY_MONTH_SWAP:
			return "day_month_swapped";
		case CL_DATE_ONE_DIGIT:
			return "one_digit";
		case CL_DATE_YEAR_OFF_ONE:
			return "year_off_by_one";
		case CL_DATE_YEAR_OFF_TEN:
			return "year_off_by_ten";
		case CL_DATE_DIFFERENT:
			return "different";
	}
	return "different";
}
