/*
 * test_match_normalize.c
 *		Unit tests of name normalisation, NYSIIS and nicknames.
 */
#include "clinical/match.h"
#include "unit.h"

static char out_text[1024];

static const char *
norm(const char *s)
{
	cl_buf		b;

	cl_buf_init(&b, &cl_malloc_allocator, 16);
	if (!cl_name_normalize(s, strlen(s), &b))
		snprintf(out_text, sizeof(out_text), "(failed)");
	else
		snprintf(out_text, sizeof(out_text), "%s", b.data);
	cl_buf_free(&b);
	return out_text;
}

static const char *
tnorm(const char *s, bool abbrev)
{
	cl_buf		b;

	cl_buf_init(&b, &cl_malloc_allocator, 16);
	cl_text_normalize(s, strlen(s), abbrev, &b);
	snprintf(out_text, sizeof(out_text), "%s", b.data);
	cl_buf_free(&b);
	return out_text;
}

static const char *
nysiis(const char *s, int max)
{
	cl_buf		b;

	cl_buf_init(&b, &cl_malloc_allocator, 16);
	cl_nysiis(s, strlen(s), max, &b);
	snprintf(out_text, sizeof(out_text), "%s", b.data);
	cl_buf_free(&b);
	return out_text;
}

static const char *
canon(const char *s)
{
	cl_buf		b;
	int			n;

	cl_buf_init(&b, &cl_malloc_allocator, 16);
	n = cl_name_canonical(s, strlen(s), ',', &b);
	snprintf(out_text, sizeof(out_text), "%d:%s", n, b.data);
	cl_buf_free(&b);
	return out_text;
}

static bool
nick(const char *a, const char *b)
{
	return cl_nickname_match(a, strlen(a), b, strlen(b));
}

TEST(match_normalize_basic)
{
	CHECK_STR(norm("  Dr. JOHN   O'Brien, Jr. "), "john obrien");
	CHECK_STR(norm("Smith-Jones"), "smith jones");
	CHECK_STR(norm("MARY\tANN"), "mary ann");
	CHECK_STR(norm("McDonald III"), "mcdonald");
	CHECK_STR(norm("Prof Dr Hans Müller PhD"), "hans muller");
	CHECK_STR(norm("D’Angelo"), "dangelo");
	CHECK_STR(norm(""), "");
	CHECK_STR(norm("  ,.- "), "");
	/* only titles: kept rather than emptied */
	CHECK_STR(norm("Mr"), "mr");
	CHECK_STR(norm("Dr. Jr."), "dr jr");
	/* a single letter "v" is an initial, not the numeral */
	CHECK_STR(norm("V. Smith"), "v smith");
}

TEST(match_normalize_unicode)
{
	/* NFKD input: combining marks dropped */
	CHECK_STR(norm("Zoe\xcc\x88"), "zoe");
	CHECK_STR(norm("Jose\xcc\x81 Nun\xcc\x83""ez"), "jose nunez");
	/* precomposed Latin-1 / Latin Extended-A: accents removed too */
	CHECK_STR(norm("Zoë"), "zoe");
	CHECK_STR(norm("ŁUKASZ ŻÓŁĆ"), "lukasz zolc");
	CHECK_STR(norm("Straße"), "strasse");
	CHECK_STR(norm("Ærøskøbing"), "aeroskobing");
	CHECK_STR(norm("ĐORĐE"), "dorde");
	CHECK_STR(norm("Þór"), "thor");
	CHECK_STR(norm("Œdipe"), "oedipe");
	/* other scripts kept, lowercased where simple */
	CHECK_STR(norm("ИВАНОВ Ёлкин"), "иванов ёлкин");
	CHECK_STR(norm("ΑΛΕ\xcc\x81ΞΑΝΔΡΟΣ"), "αλεξανδροσ");
	CHECK_STR(norm("王 小明"), "王 小明");
	CHECK_STR(norm("محمد"), "محمد");
	/* punctuation outside ASCII, NBSP, ideographic space */
	CHECK_STR(norm("Anne\xc2\xa0Marie\xe2\x80\x94Smith\xe3\x80\x80X"), "anne marie smith x");
	/* invalid UTF-8 is a separator, never an error */
	CHECK_STR(norm("ab\xff" "cd\xc3"), "ab cd");
}

TEST(match_normalize_text)
{
	CHECK_STR(tnorm("12 Tullaroop Street, Unit 4", true), "12 tullaroop st u 4");
	CHECK_STR(tnorm("12 Tullaroop Street", false), "12 tullaroop street");
	CHECK_STR(tnorm("St. James", false), "st james");
	CHECK_STR(tnorm("Dr Smith Road", true), "dr smith rd");
}

TEST(match_nysiis)
{
	CHECK_STR(nysiis("Smith", 0), "SNAT");
	CHECK_STR(nysiis("Schmidt", 0), "SNAD");
	CHECK_STR(nysiis("Schmit", 0), "SNAT");
	CHECK_STR(nysiis("Knight", 0), "NAGT");
	CHECK_STR(nysiis("Dane", 0), "DAN");
	CHECK_STR(nysiis("Dean", 0), "DAN");
	CHECK_STR(nysiis("Dionne", 0), "DAN");
	CHECK_STR(nysiis("Brian", 0), "BRAN");
	CHECK_STR(nysiis("Brown", 0), "BRAN");
	CHECK_STR(nysiis("Brun", 0), "BRAN");
	CHECK_STR(nysiis("Casey", 0), "CASY");
	CHECK_STR(nysiis("Macintosh", 0), "MCANT");
	CHECK_STR(nysiis("Phillipson", 0), "FALAPSAN");
	CHECK_STR(nysiis("Phillipson", 6), "FALAPS");
	CHECK_STR(nysiis("Kessler", 0), "CASLAR");
	CHECK_STR(nysiis("Evans", 0), "EVAN");
	CHECK_STR(nysiis("Stevens", 0), "STAFAN");
	CHECK_STR(nysiis("o'brien 3", 0), "OBRAN");
	CHECK_STR(nysiis("", 0), "");
	CHECK_STR(nysiis("123", 0), "");
	CHECK_STR(nysiis("S", 0), "S");
	CHECK_STR(nysiis("A", 0), "A");
}

TEST(match_nicknames)
{
	CHECK(nick("robert", "bob"));
	CHECK(nick("bob", "robert"));
	CHECK(nick("bob", "rob"));		/* both listed by robert */
	CHECK(nick("john", "jack"));
	CHECK(nick("jack", "jon"));
	CHECK(nick("elizabeth", "liz"));
	CHECK(nick("beth", "liz"));
	CHECK(nick("margaret", "peggy"));
	CHECK(!nick("robert", "robert"));	/* equal is not a nickname */
	/* the table also has rows "bill -> robert" and "bill -> william", so by
	 * the shared-formal-name rule these two are nickname-equivalent: the
	 * looseness EM weighs through the nickname level's m and u */
	CHECK(nick("robert", "william"));
	CHECK(!nick("john", "mary"));
	CHECK(!nick("john", "smith"));
	CHECK(!nick("", "bob"));
	CHECK(!nick("Bob", "robert"));		/* the table is lower-case */
	/* formal names: the name itself when it is one, and those listing it */
	CHECK_STR(canon("bob"), "4:bert,bob,bobby,robert");
	CHECK_STR(canon("robert"), "4:bill,billy,bob,robert");
	CHECK_STR(canon("zzzz"), "0:");
	CHECK_STR(canon("liz"), "3:elizabeth,lisa,lizzie");
	CHECK_STR(canon("jon"), "6:john,johnathan,johnathon,jon,jonathan,jonathon");
}
