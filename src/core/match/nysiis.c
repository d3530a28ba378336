/*
 * nysiis.c
 *		NYSIIS phonetic code, the original algorithm (Taft 1970); the rules
 *		are listed in clinical/match.h.
 */
#include "match_internal.h"

#define NY_MAX 256				/* longer names: their first 256 letters */

static bool
ny_vowel(char c)
{
	return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
}

static bool
ny_starts(const char *w, int n, const char *p)
{
	int			l = (int) strlen(p);

	return n >= l && memcmp(w, p, (size_t) l) == 0;
}

static bool
ny_ends(const char *w, int n, const char *p)
{
	int			l = (int) strlen(p);

	return n >= l && memcmp(w + n - l, p, (size_t) l) == 0;
}

bool
cl_nysiis(const char *s, size_t len, int max_len, cl_buf *out)
{
	char		w[NY_MAX + 4];
	char		key[NY_MAX + 4];
	int			n = 0;
	int			k = 0;

	for (size_t i = 0; i < len && n < NY_MAX; i++)
	{
		char		c = s[i];

		if (c >= 'a' && c <= 'z')
			c = (char) (c - 32);
		if (c >= 'A' && c <= 'Z')
			w[n++] = c;
	}
	w[n] = w[n + 1] = w[n + 2] = '\0';
	if (n == 0)
		return !out->failed;

	/* 1. the first letters */
	if (ny_starts(w, n, "MAC"))
		w[1] = 'C';
	else if (ny_starts(w, n, "KN"))
		w[0] = 'N';
	else if (ny_starts(w, n, "K"))
		w[0] = 'C';
	else if (ny_starts(w, n, "PH") || ny_starts(w, n, "PF"))
		w[0] = w[1] = 'F';
	else if (ny_starts(w, n, "SCH"))
		w[1] = w[2] = 'S';

	/* 2. the last letters */
	if (ny_ends(w, n, "EE") || ny_ends(w, n, "IE"))
	{
		w[n - 2] = 'Y';
		w[--n] = '\0';
	}
	else if (ny_ends(w, n, "DT") || ny_ends(w, n, "RT") || ny_ends(w, n, "RD") ||
			 ny_ends(w, n, "NT") || ny_ends(w, n, "ND"))
	{
		w[n - 2] = 'D';
		w[--n] = '\0';
	}

	/* 3. the first letter of the key */
	key[k++] = w[0];

	/* 4. the other letters, transformed in place */
	for (int i = 1; i < n; i++)
	{
		char		c = w[i];

		if (ny_vowel(c))
		{
			if (c == 'E' && w[i + 1] == 'V')
			{
				w[i] = 'A';
				w[i + 1] = 'F';
			}
			else
				w[i] = 'A';
		}
		else if (c == 'Q')
			w[i] = 'G';
		else if (c == 'Z')
			w[i] = 'S';
		else if (c == 'M')
			w[i] = 'N';
		else if (c == 'K')
			w[i] = (w[i + 1] == 'N') ? 'N' : 'C';
		else if (c == 'S' && w[i + 1] == 'C' && w[i + 2] == 'H')
			w[i + 1] = w[i + 2] = 'S';
		else if (c == 'P' && w[i + 1] == 'H')
			w[i] = w[i + 1] = 'F';
		else if (c == 'H' && (!ny_vowel(w[i - 1]) || !ny_vowel(w[i + 1])))
			w[i] = w[i - 1];
		else if (c == 'W' && ny_vowel(w[i - 1]))
			w[i] = w[i - 1];
		if (w[i] != key[k - 1])
			key[k++] = w[i];
	}

	/* 5. the end of the key */
	if (k > 1 && key[k - 1] == 'S')
		k--;
	if (k > 1 && key[k - 2] == 'A' && key[k - 1] == 'Y')
	{
		key[k - 2] = 'Y';
		k--;
	}
	if (k > 1 && key[k - 1] == 'A')
		k--;
	if (max_len > 0 && k > max_len)
		k = max_len;
	return cl_buf_append(out, key, (size_t) k);
}
