/*
 * dmetaphone.c
 *		Double Metaphone, written from Lawrence Philips' published
 *		description of the algorithm (C/C++ Users Journal, June 2000).
 *
 * The word is upper-cased and padded with five spaces so that look-ahead
 * past its end sees spaces (the published algorithm tests e.g. "IER " and
 * "VAN ").  Positions before the start or past the padding match nothing.
 * Each rule adds to the primary and the alternate code and advances the
 * current position; the loop stops when both codes have 4 characters or the
 * word is exhausted, and both codes are then cut to 4.
 */
#include "match_internal.h"

#define DM_MAX_WORD 512			/* longer words: the first 512 bytes */
#define DM_PAD 5
#define DM_CEDILLA '\x01'		/* stand-ins for the Latin-1 letters */
#define DM_NTILDE '\x02'

typedef struct dm_state
{
	char		w[DM_MAX_WORD + DM_PAD + 1];
	int			length;			/* real length */
	int			plen;			/* padded length */
	int			last;
	bool		slavo_germanic;
	char		p[16];
	int			pn;
	char		a[16];
	int			an;
} dm_state;

static char
at(const dm_state *st, int pos)
{
	if (pos < 0 || pos >= st->plen)
		return '\0';
	return st->w[pos];
}

static bool
is_vowel(const dm_state *st, int pos)
{
	char		c = at(st, pos);

	return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U' || c == 'Y';
}

/*
 * string_at
 *		Does one of the '|'-separated strings of 'list' (each n characters)
 *		occur at position start?
 */
static bool
string_at(const dm_state *st, int start, int n, const char *list)
{
	const char *c = list;

	if (start < 0 || start >= st->plen)
		return false;
	while (*c)
	{
		int			i;

		for (i = 0; i < n; i++)
		{
			if (at(st, start + i) != c[i])
				break;
		}
		if (i == n)
			return true;
		c += n;
		if (*c == '|')
			c++;
	}
	return false;
}

static void
add2(dm_state *st, const char *main, const char *alt)
{
	for (; *main && st->pn < (int) sizeof(st->p) - 1; main++)
		st->p[st->pn++] = *main;
	for (; *alt && st->an < (int) sizeof(st->a) - 1; alt++)
		st->a[st->an++] = *alt;
}

static void
add(dm_state *st, const char *both)
{
	add2(st, both, both);
}

/* the 'C' rules; returns the new position */
static int
dm_c(dm_state *st, int cur)
{
	/* various Germanic: 'ACH' not followed by I or E (but BACHER, MACHER) */
	if (cur > 1 && !is_vowel(st, cur - 2) && string_at(st, cur - 1, 3, "ACH") &&
		at(st, cur + 2) != 'I' &&
		(at(st, cur + 2) != 'E' || string_at(st, cur - 2, 6, "BACHER|MACHER")))
	{
		add(st, "K");
		return cur + 2;
	}
	if (cur == 0 && string_at(st, cur, 6, "CAESAR"))
	{
		add(st, "S");
		return cur + 2;
	}
	if (string_at(st, cur, 4, "CHIA"))
	{
		add(st, "K");
		return cur + 2;
	}
	if (string_at(st, cur, 2, "CH"))
	{
		if (cur > 0 && string_at(st, cur, 4, "CHAE"))
		{
			add2(st, "K", "X");
			return cur + 2;
		}
		/* Greek roots at the start: chemistry, chorus (not chore) */
		if (cur == 0 &&
			(string_at(st, cur + 1, 5, "HARAC|HARIS") ||
			 string_at(st, cur + 1, 3, "HOR|HYM|HIA|HEM")) &&
			!string_at(st, 0, 5, "CHORE"))
		{
			add(st, "K");
			return cur + 2;
		}
		if (string_at(st, 0, 4, "VAN |VON ") || string_at(st, 0, 3, "SCH") ||
			string_at(st, cur - 2, 6, "ORCHES|ARCHIT|ORCHID") ||
			string_at(st, cur + 2, 1, "T|S") ||
			((string_at(st, cur - 1, 1, "A|O|U|E") || cur == 0) &&
			 string_at(st, cur + 2, 1, "L|R|N|M|B|H|F|V|W| ")))
			add(st, "K");
		else if (cur > 0)
		{
			if (string_at(st, 0, 2, "MC"))
				add(st, "K");
			else
				add2(st, "X", "K");
		}
		else
			add(st, "X");
		return cur + 2;
	}
	if (string_at(st, cur, 2, "CZ") && !string_at(st, cur - 2, 4, "WICZ"))
	{
		add2(st, "S", "X");
		return cur + 2;
	}
	if (string_at(st, cur + 1, 3, "CIA"))
	{
		add(st, "X");
		return cur + 3;
	}
	/* double C, but not McClellan */
	if (string_at(st, cur, 2, "CC") && !(cur == 1 && at(st, 0) == 'M'))
	{
		if (string_at(st, cur + 2, 1, "I|E|H") && !string_at(st, cur + 2, 2, "HU"))
		{
			if ((cur == 1 && at(st, cur - 1) == 'A') ||
				string_at(st, cur - 1, 5, "UCCEE|UCCES"))
				add(st, "KS");
			else
				add(st, "X");
			return cur + 3;
		}
		add(st, "K");
		return cur + 2;
	}
	if (string_at(st, cur, 2, "CK|CG|CQ"))
	{
		add(st, "K");
		return cur + 2;
	}
	if (string_at(st, cur, 2, "CI|CE|CY"))
	{
		if (string_at(st, cur, 3, "CIO|CIE|CIA"))
			add2(st, "S", "X");
		else
			add(st, "S");
		return cur + 2;
	}
	add(st, "K");
	if (string_at(st, cur + 1, 2, " C| Q| G"))
		return cur + 3;
	if (string_at(st, cur + 1, 1, "C|K|Q") && !string_at(st, cur + 1, 2, "CE|CI"))
		return cur + 2;
	return cur + 1;
}

static int
dm_g(dm_state *st, int cur)
{
	if (at(st, cur + 1) == 'H')
	{
		if (cur > 0 && !is_vowel(st, cur - 1))
		{
			add(st, "K");
			return cur + 2;
		}
		if (cur == 0)
		{
			if (at(st, cur + 2) == 'I')
				add(st, "J");
			else
				add(st, "K");
			return cur + 2;
		}
		/* Parker's rule: hugh, bough, broughton */
		if ((cur > 1 && string_at(st, cur - 2, 1, "B|H|D")) ||
			(cur > 2 && string_at(st, cur - 3, 1, "B|H|D")) ||
			(cur > 3 && string_at(st, cur - 4, 1, "B|H")))
			return cur + 2;
		/* laugh, McLaughlin, cough, gough, rough, tough */
		if (cur > 2 && at(st, cur - 1) == 'U' &&
			string_at(st, cur - 3, 1, "C|G|L|R|T"))
			add(st, "F");
		else if (cur > 0 && at(st, cur - 1) != 'I')
			add(st, "K");
		return cur + 2;
	}
	if (at(st, cur + 1) == 'N')
	{
		if (cur == 1 && is_vowel(st, 0) && !st->slavo_germanic)
			add2(st, "KN", "N");
		else if (!string_at(st, cur + 2, 2, "EY") && at(st, cur + 1) != 'Y' &&
				 !st->slavo_germanic)
			add2(st, "N", "KN");
		else
			add(st, "KN");
		return cur + 2;
	}
	if (string_at(st, cur + 1, 2, "LI") && !st->slavo_germanic)
	{
		add2(st, "KL", "L");
		return cur + 2;
	}
	if (cur == 0 &&
		(at(st, cur + 1) == 'Y' ||
		 string_at(st, cur + 1, 2, "ES|EP|EB|EL|EY|IB|IL|IN|IE|EI|ER")))
	{
		add2(st, "K", "J");
		return cur + 2;
	}
	if ((string_at(st, cur + 1, 2, "ER") || at(st, cur + 1) == 'Y') &&
		!string_at(st, 0, 6, "DANGER|RANGER|MANGER") &&
		!string_at(st, cur - 1, 1, "E|I") &&
		!string_at(st, cur - 1, 3, "RGY|OGY"))
	{
		add2(st, "K", "J");
		return cur + 2;
	}
	if (string_at(st, cur + 1, 1, "E|I|Y") || string_at(st, cur - 1, 4, "AGGI|OGGI"))
	{
		if (string_at(st, 0, 4, "VAN |VON ") || string_at(st, 0, 3, "SCH") ||
			string_at(st, cur + 1, 2, "ET"))
			add(st, "K");
		else if (string_at(st, cur + 1, 4, "IER "))
			add(st, "J");
		else
			add2(st, "J", "K");
		return cur + 2;
	}
	add(st, "K");
	return at(st, cur + 1) == 'G' ? cur + 2 : cur + 1;
}

static int
dm_s(dm_state *st, int cur)
{
	if (string_at(st, cur - 1, 3, "ISL|YSL"))
		return cur + 1;
	if (cur == 0 && string_at(st, cur, 5, "SUGAR"))
	{
		add2(st, "X", "S");
		return cur + 1;
	}
	if (string_at(st, cur, 2, "SH"))
	{
		if (string_at(st, cur + 1, 4, "HEIM|HOEK|HOLM|HOLZ"))
			add(st, "S");
		else
			add(st, "X");
		return cur + 2;
	}
	if (string_at(st, cur, 3, "SIO|SIA") || string_at(st, cur, 4, "SIAN"))
	{
		if (!st->slavo_germanic)
			add2(st, "S", "X");
		else
			add(st, "S");
		return cur + 3;
	}
	if ((cur == 0 && string_at(st, cur + 1, 1, "M|N|L|W")) ||
		string_at(st, cur + 1, 1, "Z"))
	{
		add2(st, "S", "X");
		return string_at(st, cur + 1, 1, "Z") ? cur + 2 : cur + 1;
	}
	if (string_at(st, cur, 2, "SC"))
	{
		if (at(st, cur + 2) == 'H')
		{
			if (string_at(st, cur + 3, 2, "OO|ER|EN|UY|ED|EM"))
			{
				if (string_at(st, cur + 3, 2, "ER|EN"))
					add2(st, "X", "SK");
				else
					add(st, "SK");
				return cur + 3;
			}
			if (cur == 0 && !is_vowel(st, 3) && at(st, 3) != 'W')
				add2(st, "X", "S");
			else
				add(st, "X");
			return cur + 3;
		}
		if (string_at(st, cur + 2, 1, "I|E|Y"))
		{
			add(st, "S");
			return cur + 3;
		}
		add(st, "SK");
		return cur + 3;
	}
	if (cur == st->last && string_at(st, cur - 2, 2, "AI|OI"))
		add2(st, "", "S");
	else
		add(st, "S");
	return string_at(st, cur + 1, 1, "S|Z") ? cur + 2 : cur + 1;
}

static int
dm_t(dm_state *st, int cur)
{
	if (string_at(st, cur, 4, "TION") || string_at(st, cur, 3, "TIA|TCH"))
	{
		add(st, "X");
		return cur + 3;
	}
	if (string_at(st, cur, 2, "TH") || string_at(st, cur, 3, "TTH"))
	{
		if (string_at(st, cur + 2, 2, "OM|AM") ||
			string_at(st, 0, 4, "VAN |VON ") || string_at(st, 0, 3, "SCH"))
			add(st, "T");
		else
			add2(st, "0", "T");
		return cur + 2;
	}
	add(st, "T");
	return string_at(st, cur + 1, 1, "T|D") ? cur + 2 : cur + 1;
}

static int
dm_w(dm_state *st, int cur)
{
	if (string_at(st, cur, 2, "WR"))
	{
		add(st, "R");
		return cur + 2;
	}
	if (cur == 0 && (is_vowel(st, cur + 1) || string_at(st, cur, 2, "WH")))
	{
		if (is_vowel(st, cur + 1))
			add2(st, "A", "F");
		else
			add(st, "A");
	}
	if ((cur == st->last && is_vowel(st, cur - 1)) ||
		string_at(st, cur - 1, 5, "EWSKI|EWSKY|OWSKI|OWSKY") ||
		string_at(st, 0, 3, "SCH"))
	{
		add2(st, "", "F");
		return cur + 1;
	}
	if (string_at(st, cur, 4, "WICZ|WITZ"))
	{
		add2(st, "TS", "FX");
		return cur + 4;
	}
	return cur + 1;
}

/* one step at position cur; returns the next position */
static int
dm_step(dm_state *st, int cur)
{
	char		c = at(st, cur);

	switch (c)
	{
		case 'A':
		case 'E':
		case 'I':
		case 'O':
		case 'U':
		case 'Y':
			if (cur == 0)
				add(st, "A");
			return cur + 1;
		case 'B':
			add(st, "P");
			return at(st, cur + 1) == 'B' ? cur + 2 : cur + 1;
		case DM_CEDILLA:
			add(st, "S");
			return cur + 1;
		case 'C':
			return dm_c(st, cur);
		case 'D':
			if (string_at(st, cur, 2, "DG"))
			{
				if (string_at(st, cur + 2, 1, "I|E|Y"))
				{
					add(st, "J");
					return cur + 3;
				}
				add(st, "TK");
				return cur + 2;
			}
			add(st, "T");
			return string_at(st, cur, 2, "DT|DD") ? cur + 2 : cur + 1;
		case 'F':
			add(st, "F");
			return at(st, cur + 1) == 'F' ? cur + 2 : cur + 1;
		case 'G':
			return dm_g(st, cur);
		case 'H':
			if ((cur == 0 || is_vowel(st, cur - 1)) && is_vowel(st, cur + 1))
			{
				add(st, "H");
				return cur + 2;
			}
			return cur + 1;
		case 'J':
			if (string_at(st, cur, 4, "JOSE") || string_at(st, 0, 4, "SAN "))
			{
				if ((cur == 0 && at(st, cur + 4) == ' ') || string_at(st, 0, 4, "SAN "))
					add(st, "H");
				else
					add2(st, "J", "H");
				return cur + 1;
			}
			if (cur == 0)
				add2(st, "J", "A");
			else if (is_vowel(st, cur - 1) && !st->slavo_germanic &&
					 (at(st, cur + 1) == 'A' || at(st, cur + 1) == 'O'))
				add2(st, "J", "H");
			else if (cur == st->last)
				add2(st, "J", "");
			else if (!string_at(st, cur + 1, 1, "L|T|K|S|N|M|B|Z") &&
					 !string_at(st, cur - 1, 1, "S|K|L"))
				add(st, "J");
			return at(st, cur + 1) == 'J' ? cur + 2 : cur + 1;
		case 'K':
			add(st, "K");
			return at(st, cur + 1) == 'K' ? cur + 2 : cur + 1;
		case 'L':
			if (at(st, cur + 1) == 'L')
			{
				/* Spanish: cabrillo, gallegos */
				if ((cur == st->length - 3 &&
					 string_at(st, cur - 1, 4, "ILLO|ILLA|ALLE")) ||
					((string_at(st, st->last - 1, 2, "AS|OS") ||
					  string_at(st, st->last, 1, "A|O")) &&
					 string_at(st, cur - 1, 4, "ALLE")))
				{
					add2(st, "L", "");
					return cur + 2;
				}
				add(st, "L");
				return cur + 2;
			}
			add(st, "L");
			return cur + 1;
		case 'M':
			add(st, "M");
			if ((string_at(st, cur - 1, 3, "UMB") &&
				 (cur + 1 == st->last || string_at(st, cur + 2, 2, "ER"))) ||
				at(st, cur + 1) == 'M')
				return cur + 2;
			return cur + 1;
		case 'N':
			add(st, "N");
			return at(st, cur + 1) == 'N' ? cur + 2 : cur + 1;
		case DM_NTILDE:
			add(st, "N");
			return cur + 1;
		case 'P':
			if (at(st, cur + 1) == 'H')
			{
				add(st, "F");
				return cur + 2;
			}
			add(st, "P");
			return string_at(st, cur + 1, 1, "P|B") ? cur + 2 : cur + 1;
		case 'Q':
			add(st, "K");
			return at(st, cur + 1) == 'Q' ? cur + 2 : cur + 1;
		case 'R':
			if (cur == st->last && !st->slavo_germanic &&
				string_at(st, cur - 2, 2, "IE") && !string_at(st, cur - 4, 2, "ME|MA"))
				add2(st, "", "R");
			else
				add(st, "R");
			return at(st, cur + 1) == 'R' ? cur + 2 : cur + 1;
		case 'S':
			return dm_s(st, cur);
		case 'T':
			return dm_t(st, cur);
		case 'V':
			add(st, "F");
			return at(st, cur + 1) == 'V' ? cur + 2 : cur + 1;
		case 'W':
			return dm_w(st, cur);
		case 'X':
			/* French: breaux */
			if (!(cur == st->last &&
				  (string_at(st, cur - 3, 3, "IAU|EAU") || string_at(st, cur - 2, 2, "AU|OU"))))
				add(st, "KS");
			return string_at(st, cur + 1, 1, "C|X") ? cur + 2 : cur + 1;
		case 'Z':
			if (at(st, cur + 1) == 'H')
			{
				add(st, "J");
				return cur + 2;
			}
			if (string_at(st, cur + 1, 2, "ZO|ZI|ZA") ||
				(st->slavo_germanic && cur > 0 && at(st, cur - 1) != 'T'))
				add2(st, "S", "TS");
			else
				add(st, "S");
			return at(st, cur + 1) == 'Z' ? cur + 2 : cur + 1;
		default:
			return cur + 1;
	}
}

void
cl_dmetaphone(const char *s, size_t len, char primary[CL_DMETAPHONE_LEN + 1],
			  char alternate[CL_DMETAPHONE_LEN + 1])
{
	dm_state	st;
	int			n = 0;
	int			cur = 0;

	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < len && n < DM_MAX_WORD; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c >= 'a' && c <= 'z')
			c = (unsigned char) (c - 32);
		else if (c == 0xC3 && i + 1 < len)
		{
			unsigned char d = (unsigned char) s[i + 1];

			if (d == 0x87 || d == 0xA7)
			{
				st.w[n++] = DM_CEDILLA;
				i++;
				continue;
			}
			if (d == 0x91 || d == 0xB1)
			{
				st.w[n++] = DM_NTILDE;
				i++;
				continue;
			}
		}
		if (c == '\0')
			c = 0x80;			/* an embedded NUL must not end the word */
		st.w[n++] = (char) c;
	}
	st.length = n;
	st.last = n - 1;
	for (int i = 0; i < DM_PAD; i++)
		st.w[n + i] = ' ';
	st.plen = n + DM_PAD;
	st.w[st.plen] = '\0';
	for (int i = 0; i + 1 < n; i++)
	{
		if (st.w[i] == 'W' || st.w[i] == 'K' || (st.w[i] == 'C' && st.w[i + 1] == 'Z'))
		{
			st.slavo_germanic = true;
			break;
		}
	}
	if (n > 0 && (st.w[n - 1] == 'W' || st.w[n - 1] == 'K'))
		st.slavo_germanic = true;

	if (n > 0)
	{
		if (string_at(&st, 0, 2, "GN|KN|PN|WR|PS"))
			cur = 1;
		if (at(&st, 0) == 'X')
		{
			add(&st, "S");
			cur = 1;
		}
		while (st.pn < CL_DMETAPHONE_LEN || st.an < CL_DMETAPHONE_LEN)
		{
			if (cur >= st.length)
				break;
			cur = dm_step(&st, cur);
		}
	}
	if (st.pn > CL_DMETAPHONE_LEN)
		st.pn = CL_DMETAPHONE_LEN;
	if (st.an > CL_DMETAPHONE_LEN)
		st.an = CL_DMETAPHONE_LEN;
	memcpy(primary, st.p, (size_t) st.pn);
	primary[st.pn] = '\0';
	memcpy(alternate, st.a, (size_t) st.an);
	alternate[st.an] = '\0';
}
