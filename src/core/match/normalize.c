/*
 * normalize.c
 *		Name and text normalisation for matching: combining marks dropped,
 *		case folded, punctuation removed, titles and suffixes removed,
 *		spaces collapsed.
 */
#include "match_internal.h"

/* results of fold_cp besides a count of output code points */
#define FOLD_SEPARATOR (-1)
#define FOLD_DROP_NOSPACE (-2)

typedef struct fold_range
{
	uint16_t	lo;
	uint16_t	hi;
	const char *repl;			/* ASCII replacement; NULL: separator */
} fold_range;

/* Latin-1 Supplement letters and Latin Extended-A, accents removed */
static const fold_range latin_fold[] = {
	{0x00C0, 0x00C5, "a"}, {0x00C6, 0x00C6, "ae"}, {0x00C7, 0x00C7, "c"},
	{0x00C8, 0x00CB, "e"}, {0x00CC, 0x00CF, "i"}, {0x00D0, 0x00D0, "d"},
	{0x00D1, 0x00D1, "n"}, {0x00D2, 0x00D6, "o"}, {0x00D7, 0x00D7, NULL},
	{0x00D8, 0x00D8, "o"}, {0x00D9, 0x00DC, "u"}, {0x00DD, 0x00DD, "y"},
	{0x00DE, 0x00DE, "th"}, {0x00DF, 0x00DF, "ss"}, {0x00E0, 0x00E5, "a"},
	{0x00E6, 0x00E6, "ae"}, {0x00E7, 0x00E7, "c"}, {0x00E8, 0x00EB, "e"},
	{0x00EC, 0x00EF, "i"}, {0x00F0, 0x00F0, "d"}, {0x00F1, 0x00F1, "n"},
	{0x00F2, 0x00F6, "o"}, {0x00F7, 0x00F7, NULL}, {0x00F8, 0x00F8, "o"},
	{0x00F9, 0x00FC, "u"}, {0x00FD, 0x00FD, "y"}, {0x00FE, 0x00FE, "th"},
	{0x00FF, 0x00FF, "y"},
	{0x0100, 0x0105, "a"}, {0x0106, 0x010D, "c"}, {0x010E, 0x0111, "d"},
	{0x0112, 0x011B, "e"}, {0x011C, 0x0123, "g"}, {0x0124, 0x0127, "h"},
	{0x0128, 0x0131, "i"}, {0x0132, 0x0133, "ij"}, {0x0134, 0x0135, "j"},
	{0x0136, 0x0138, "k"}, {0x0139, 0x0142, "l"}, {0x0143, 0x014B, "n"},
	{0x014C, 0x0151, "o"}, {0x0152, 0x0153, "oe"}, {0x0154, 0x0159, "r"},
	{0x015A, 0x0161, "s"}, {0x0162, 0x0167, "t"}, {0x0168, 0x0173, "u"},
	{0x0174, 0x0175, "w"}, {0x0176, 0x0178, "y"}, {0x0179, 0x017E, "z"},
	{0x017F, 0x017F, "s"}
};

static bool
is_combining(uint32_t c)
{
	return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
		(c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
		(c >= 0xFE20 && c <= 0xFE2F);
}

static bool
is_apostrophe(uint32_t c)
{
	return c == '\'' || c == '`' || c == 0x00B4 || c == 0x2018 ||
		c == 0x2019 || c == 0x02BC || c == 0x02BB;
}

/*
 * fold_cp
 *		Folds one code point: writes up to 2 code points to out and returns
 *		their number, or 0 (drop), FOLD_SEPARATOR, FOLD_DROP_NOSPACE.
 */
static int
fold_cp(uint32_t c, uint32_t out[2])
{
	if (c < 0x80)
	{
		if (c >= 'A' && c <= 'Z')
		{
			out[0] = c + 32;
			return 1;
		}
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		{
			out[0] = c;
			return 1;
		}
		if (is_apostrophe(c))
			return FOLD_DROP_NOSPACE;
		return FOLD_SEPARATOR;
	}
	if (is_apostrophe(c))
		return FOLD_DROP_NOSPACE;
	if (is_combining(c))
		return 0;
	if (c < 0xA0)
		return FOLD_SEPARATOR;	/* C1 controls */
	if (c < 0xC0)
	{
		switch (c)
		{
			case 0xAA:
				out[0] = 'a';
				return 1;
			case 0xBA:
				out[0] = 'o';
				return 1;
			case 0xB2:
				out[0] = '2';
				return 1;
			case 0xB3:
				out[0] = '3';
				return 1;
			case 0xB9:
				out[0] = '1';
				return 1;
			case 0xB5:
				out[0] = 0x03BC;
				return 1;
			default:
				return FOLD_SEPARATOR;
		}
	}
	if (c <= 0x017F)
	{
		int			lo = 0;
		int			hi = (int) (sizeof(latin_fold) / sizeof(latin_fold[0])) - 1;

		while (lo <= hi)
		{
			int			mid = (lo + hi) / 2;

			if (c < latin_fold[mid].lo)
				hi = mid - 1;
			else if (c > latin_fold[mid].hi)
				lo = mid + 1;
			else
			{
				const char *r = latin_fold[mid].repl;

				if (r == NULL)
					return FOLD_SEPARATOR;
				out[0] = (unsigned char) r[0];
				if (r[1] == '\0')
					return 1;
				out[1] = (unsigned char) r[1];
				return 2;
			}
		}
		out[0] = c;
		return 1;
	}
	/* Greek capitals */
	if (c >= 0x0391 && c <= 0x03A9 && c != 0x03A2)
	{
		out[0] = c + 0x20;
		return 1;
	}
	/* Cyrillic capitals */
	if (c >= 0x0410 && c <= 0x042F)
	{
		out[0] = c + 0x20;
		return 1;
	}
	if (c >= 0x0400 && c <= 0x040F)
	{
		out[0] = c + 0x50;
		return 1;
	}
	/* general punctuation, CJK punctuation, specials, lone surrogates */
	if ((c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x3003) ||
		(c >= 0x3008 && c <= 0x301F) || (c >= 0xD800 && c <= 0xDFFF) ||
		c == 0xFEFF || (c >= 0xFFF0 && c <= 0xFFFF) ||
		(c >= 0xFF01 && c <= 0xFF0F))
		return FOLD_SEPARATOR;
	out[0] = c;
	return 1;
}

bool
cl_match_put_cp(cl_buf *out, uint32_t c)
{
	char		b[4];

	if (c < 0x80)
		return cl_buf_append_char(out, (char) c);
	if (c < 0x800)
	{
		b[0] = (char) (0xC0 | (c >> 6));
		b[1] = (char) (0x80 | (c & 0x3F));
		return cl_buf_append(out, b, 2);
	}
	if (c < 0x10000)
	{
		b[0] = (char) (0xE0 | (c >> 12));
		b[1] = (char) (0x80 | ((c >> 6) & 0x3F));
		b[2] = (char) (0x80 | (c & 0x3F));
		return cl_buf_append(out, b, 3);
	}
	b[0] = (char) (0xF0 | (c >> 18));
	b[1] = (char) (0x80 | ((c >> 12) & 0x3F));
	b[2] = (char) (0x80 | ((c >> 6) & 0x3F));
	b[3] = (char) (0x80 | (c & 0x3F));
	return cl_buf_append(out, b, 4);
}

/*
 * fold_text
 *		Folds s into tmp: lower-case words separated by single spaces, no
 *		leading or trailing space.
 */
static bool
fold_text(const char *s, size_t len, cl_buf *tmp)
{
	size_t		pos = 0;
	bool		pending_space = false;

	while (pos < len)
	{
		uint32_t	c = cl_match_next_cp(s, len, &pos);
		uint32_t	o[2];
		int			n = fold_cp(c, o);

		if (n == FOLD_SEPARATOR)
		{
			pending_space = true;
			continue;
		}
		if (n <= 0)
			continue;
		if (pending_space && tmp->len > 0)
			cl_buf_append_char(tmp, ' ');
		pending_space = false;
		for (int i = 0; i < n; i++)
			cl_match_put_cp(tmp, o[i]);
	}
	return !tmp->failed;
}

static bool
word_in_list(const char *w, size_t wlen, const char *list)
{
	const char *p = list;

	while (*p)
	{
		const char *e = strchr(p, ' ');
		size_t		n = e ? (size_t) (e - p) : strlen(p);

		if (n == wlen && memcmp(p, w, n) == 0)
			return true;
		if (!e)
			break;
		p = e + 1;
		while (*p == ' ')
			p++;
	}
	return false;
}

/* street-type words and their abbreviations, pairs */
static const char *const street_abbrev[][2] = {
	{"street", "st"}, {"road", "rd"}, {"avenue", "ave"}, {"av", "ave"},
	{"drive", "dr"}, {"court", "ct"}, {"place", "pl"}, {"lane", "ln"},
	{"crescent", "cres"}, {"circuit", "cct"}, {"boulevard", "blvd"},
	{"terrace", "tce"}, {"parade", "pde"}, {"highway", "hwy"},
	{"close", "cl"}, {"square", "sq"}, {"apartment", "apt"},
	{"circle", "cir"}, {"parkway", "pkwy"}, {"mount", "mt"},
	{"saint", "st"}, {"building", "bldg"}, {"suite", "ste"},
	{"floor", "fl"}, {"unit", "u"}
};

static bool
normalize_common(const char *s, size_t len, bool titles, bool abbreviate, cl_buf *out)
{
	cl_buf		tmp;
	size_t		p;
	bool		all_titles = true;
	bool		first = true;
	bool		ok;

	cl_buf_init(&tmp, out->alloc, len + 1);
	if (!fold_text(s, len, &tmp))
	{
		cl_buf_free(&tmp);
		out->failed = true;
		return false;
	}
	if (titles)
	{
		for (p = 0; p < tmp.len;)
		{
			const char *w = tmp.data + p;
			const char *e = memchr(w, ' ', tmp.len - p);
			size_t		wl = e ? (size_t) (e - w) : tmp.len - p;

			if (!word_in_list(w, wl, CL_NAME_TITLES))
				all_titles = false;
			p += wl + 1;
		}
	}
	for (p = 0; p < tmp.len;)
	{
		const char *w = tmp.data + p;
		const char *e = memchr(w, ' ', tmp.len - p);
		size_t		wl = e ? (size_t) (e - w) : tmp.len - p;

		p += wl + 1;
		if (titles && !all_titles && word_in_list(w, wl, CL_NAME_TITLES))
			continue;
		if (abbreviate)
		{
			for (size_t k = 0; k < sizeof(street_abbrev) / sizeof(street_abbrev[0]); k++)
			{
				if (strlen(street_abbrev[k][0]) == wl &&
					memcmp(street_abbrev[k][0], w, wl) == 0)
				{
					w = street_abbrev[k][1];
					wl = strlen(w);
					break;
				}
			}
		}
		if (!first)
			cl_buf_append_char(out, ' ');
		first = false;
		cl_buf_append(out, w, wl);
	}
	ok = !out->failed;
	cl_buf_free(&tmp);
	return ok;
}

bool
cl_name_normalize(const char *s, size_t len, cl_buf *out)
{
	return normalize_common(s, len, true, false, out);
}

bool
cl_text_normalize(const char *s, size_t len, bool abbreviate, cl_buf *out)
{
	return normalize_common(s, len, false, abbreviate, out);
}
