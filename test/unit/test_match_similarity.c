/*
 * test_match_similarity.c
 *		Jaro, Jaro-Winkler (published reference pairs), edit distances and
 *		date similarity levels.
 */
#include <math.h>

#include "clinical/match.h"
#include "unit.h"

static double
jws(const char *a, const char *b)
{
	return cl_jaro_winkler(a, strlen(a), b, strlen(b));
}

static double
jaro(const char *a, const char *b)
{
	return cl_jaro(a, strlen(a), b, strlen(b));
}

#define CHECK_NEAR(x, y, eps) \
	do { double x_ = (x), y_ = (y); \
		 if (!(fabs(x_ - y_) <= (eps))) \
			 unit_fail(__FILE__, __LINE__, "%s == %.6f, expected %.6f", #x, x_, y_); } while (0)

TEST(match_jaro_winkler_reference)
{
	/* Jaro: Winkler (1990) / the usual textbook values */
	CHECK_NEAR(jaro("MARTHA", "MARHTA"), 0.944, 0.0005);
	CHECK_NEAR(jaro("DWAYNE", "DUANE"), 0.822, 0.0005);
	CHECK_NEAR(jaro("DIXON", "DICKSONX"), 0.767, 0.0005);
	/* Jaro-Winkler, prefix scale 0.1 up to 4 characters */
	CHECK_NEAR(jws("MARTHA", "MARHTA"), 0.961, 0.0005);
	CHECK_NEAR(jws("DWAYNE", "DUANE"), 0.840, 0.0005);
	CHECK_NEAR(jws("DIXON", "DICKSONX"), 0.813, 0.0005);
	/* the table of Porter and Winkler (1997), where it uses the plain
	 * Jaro-Winkler comparator */
	CHECK_NEAR(jws("SHACKLEFORD", "SHACKELFORD"), 0.982, 0.0005);
	CHECK_NEAR(jws("DUNNINGHAM", "CUNNIGHAM"), 0.896, 0.0005);
	CHECK_NEAR(jws("NICHLESON", "NICHULSON"), 0.956, 0.0005);
	CHECK_NEAR(jws("JONES", "JOHNSON"), 0.832, 0.0005);
	CHECK_NEAR(jws("MASSEY", "MASSIE"), 0.933, 0.0005);
	CHECK_NEAR(jws("ABROMS", "ABRAMS"), 0.922, 0.0005);
	CHECK_NEAR(jws("JERALDINE", "GERALDINE"), 0.926, 0.0005);
	CHECK_NEAR(jws("MICHELLE", "MICHAEL"), 0.921, 0.0005);
	CHECK_NEAR(jws("JULIES", "JULIUS"), 0.933, 0.0005);
	CHECK_NEAR(jws("TANYA", "TONYA"), 0.880, 0.0005);
	CHECK_NEAR(jws("SEAN", "SUSAN"), 0.805, 0.0005);
	CHECK_NEAR(jws("JON", "JOHN"), 0.933, 0.0005);
	/* edges */
	CHECK_NEAR(jws("", ""), 1.0, 1e-12);
	CHECK_NEAR(jws("abc", ""), 0.0, 1e-12);
	CHECK_NEAR(jws("abc", "xyz"), 0.0, 1e-12);
	CHECK_NEAR(jws("same", "same"), 1.0, 1e-12);
	CHECK_NEAR(jws("a", "a"), 1.0, 1e-12);
	/* code points, not bytes: one substituted letter in 4 */
	CHECK_NEAR(jws("josé", "jose"), jws("josx", "jose"), 1e-12);
	/* symmetric */
	CHECK_NEAR(jws("DICKSONX", "DIXON"), jws("DIXON", "DICKSONX"), 1e-12);
}

static int
ed(const char *a, const char *b, bool dam, int max)
{
	return cl_edit_distance(a, strlen(a), b, strlen(b), dam, max);
}

TEST(match_edit_distance)
{
	CHECK_INT(ed("kitten", "sitting", false, 10), 3);
	CHECK_INT(ed("kitten", "sitting", false, 1), 2);	/* capped at max + 1 */
	CHECK_INT(ed("ca", "ac", false, 5), 2);
	CHECK_INT(ed("ca", "ac", true, 5), 1);
	CHECK_INT(ed("smith", "smiht", true, 1), 1);
	CHECK_INT(ed("smith", "smith", true, 0), 0);
	CHECK_INT(ed("", "abc", false, 5), 3);
	CHECK_INT(ed("abc", "", true, 1), 2);
	CHECK_INT(ed("müller", "muller", false, 3), 1);
	CHECK_INT(ed("abcdef", "badcfe", true, 5), 3);
	CHECK(cl_is_transposition("smith", 5, "smiht", 5));
	CHECK(!cl_is_transposition("smith", 5, "smith", 5));
	CHECK(!cl_is_transposition("smith", 5, "msiht", 5));
	CHECK(!cl_is_transposition("ab", 2, "abc", 3));
}

static cl_date_level
ds(int y1, int m1, int d1, int y2, int m2, int d2)
{
	cl_date_level a = cl_date_similarity(y1, m1, d1, y2, m2, d2);
	cl_date_level b = cl_date_similarity(y2, m2, d2, y1, m1, d1);

	if (a != b)
		unit_fail(__FILE__, __LINE__, "date similarity not symmetric");
	return a;
}

TEST(match_date_similarity)
{
	CHECK_INT(ds(1970, 5, 3, 1970, 5, 3), CL_DATE_EXACT);
	CHECK_INT(ds(1970, 5, 3, 1970, 3, 5), CL_DATE_DAY_MONTH_SWAP);
	CHECK_INT(ds(1970, 5, 3, 1970, 5, 8), CL_DATE_ONE_DIGIT);
	CHECK_INT(ds(1970, 5, 13, 1970, 5, 31), CL_DATE_ONE_DIGIT);	/* adjacent swap */
	CHECK_INT(ds(1970, 5, 3, 1971, 5, 3), CL_DATE_ONE_DIGIT);	/* also year+1 */
	CHECK_INT(ds(1979, 5, 3, 1980, 5, 3), CL_DATE_YEAR_OFF_ONE);
	CHECK_INT(ds(1999, 5, 3, 2009, 5, 3), CL_DATE_YEAR_OFF_TEN);
	CHECK_INT(ds(1970, 5, 3, 1980, 5, 3), CL_DATE_ONE_DIGIT);	/* 197x/198x */
	CHECK_INT(ds(1970, 5, 3, 1985, 7, 21), CL_DATE_DIFFERENT);
	CHECK_INT(ds(0, 0, 0, 1970, 5, 3), CL_DATE_MISSING);
	CHECK_INT(ds(1970, 0, 0, 1970, 5, 3), CL_DATE_MISSING);
	CHECK_INT(ds(1970, 5, 0, 1970, 5, 0), CL_DATE_EXACT);
	CHECK_INT(ds(1970, 5, 5, 1970, 5, 5), CL_DATE_EXACT);
	CHECK_STR(cl_date_level_name(CL_DATE_DAY_MONTH_SWAP), "day_month_swapped");
	CHECK(cl_date_valid(2000, 2, 29));
	CHECK(!cl_date_valid(1900, 2, 29));
	CHECK(!cl_date_valid(1970, 4, 31));
	CHECK(!cl_date_valid(1970, 13, 1));
	CHECK(!cl_date_valid(0, 1, 1));
	CHECK(cl_date_valid(1970, 0, 0));
	CHECK(!cl_date_valid(1970, 0, 5));
}
