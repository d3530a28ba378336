/*
 * blocking.c
 *		Blocking keys of an identity for candidate search (GIN).
 */
#include <stdio.h>

#include "match_internal.h"

static int
put_key(cl_buf *out, const char *key)
{
	cl_buf_append(out, key, strlen(key) + 1);
	return 1;
}

/* an initial as written in keys: the ASCII letter, or a non-ASCII first
 * byte as a hex pair, so keys stay valid UTF-8 */
static const char *
initial(char c, char *buf)
{
	if ((unsigned char) c < 0x80)
	{
		buf[0] = c;
		buf[1] = '\0';
	}
	else
		snprintf(buf, 3, "%02x", (unsigned char) c);
	return buf;
}

int
cl_block_keys(const cl_identity *id, cl_buf *out)
{
	char		k[64];
	int			n = 0;
	char		ginit = id->given[0];
	char		finit = id->family[0];

	/* initials are ASCII after normalisation in the usual case; a non-ASCII
	 * first byte is kept as a hex pair so keys stay valid UTF-8 */
	if (id->family_dm[0][0] && ginit)
	{
		for (int i = 0; i < 2; i++)
		{
			if (i == 1 && strcmp(id->family_dm[1], id->family_dm[0]) == 0)
				break;
			if (id->family_dm[i][0] == '\0')
				continue;
			if ((unsigned char) ginit < 0x80)
				snprintf(k, sizeof(k), "n:%s:%c", id->family_dm[i], ginit);
			else
				snprintf(k, sizeof(k), "n:%s:%02x", id->family_dm[i], (unsigned char) ginit);
			n += put_key(out, k);
		}
	}
	if (id->given_dm[0][0] && finit && id->birth_year > 0)
	{
		if ((unsigned char) finit < 0x80)
			snprintf(k, sizeof(k), "g:%s:%c:%04d", id->given_dm[0], finit, id->birth_year);
		else
			snprintf(k, sizeof(k), "g:%s:%02x:%04d", id->given_dm[0],
					 (unsigned char) finit, id->birth_year);
		n += put_key(out, k);
	}
	/*
	 * birth date with one initial: of the family name, of the given name
	 * (the same key for either name, so swapped names still meet) and of
	 * the city.  The birth date alone puts everyone born on one day in one
	 * block (33 people a day in a million, 528 pairs); each initial divides
	 * that by about twenty, and a true pair is lost only when the date
	 * survives but both names and the city change their first letter.
	 */
	if (id->birth_year > 0 && id->birth_month > 0 && id->birth_day > 0)
	{
		char		ini[3][3];

		if (finit)
		{
			snprintf(k, sizeof(k), "b:%04d%02d%02d:%s", id->birth_year, id->birth_month,
					 id->birth_day, initial(finit, ini[0]));
			n += put_key(out, k);
		}
		if (ginit && ginit != finit)
		{
			snprintf(k, sizeof(k), "b:%04d%02d%02d:%s", id->birth_year, id->birth_month,
					 id->birth_day, initial(ginit, ini[1]));
			n += put_key(out, k);
		}
		if (id->city[0])
		{
			snprintf(k, sizeof(k), "b:%04d%02d%02d:c%s", id->birth_year, id->birth_month,
					 id->birth_day, initial(id->city[0], ini[2]));
			n += put_key(out, k);
		}
	}
	if (id->postal_code[0] && id->birth_year > 0 && strlen(id->postal_code) < 40)
	{
		snprintf(k, sizeof(k), "p:%s:%04d", id->postal_code, id->birth_year);
		n += put_key(out, k);
	}
	if (strlen(id->phone) >= 7)
	{
		cl_buf_append_str(out, "t:");
		n += put_key(out, id->phone);
	}
	/* names in either order: the unordered pair of primary codes */
	if (id->family_dm[0][0] && id->given_dm[0][0])
	{
		int			c = strcmp(id->family_dm[0], id->given_dm[0]);

		snprintf(k, sizeof(k), "w:%s:%s", c <= 0 ? id->family_dm[0] : id->given_dm[0],
				 c <= 0 ? id->given_dm[0] : id->family_dm[0]);
		n += put_key(out, k);
	}
	/* family name and postal code (the given name or birth date may be
	 * missing or wrong) */
	if (id->family_dm[0][0] && id->postal_code[0] && strlen(id->postal_code) < 40)
	{
		snprintf(k, sizeof(k), "f:%s:%s", id->family_dm[0], id->postal_code);
		n += put_key(out, k);
	}
	/* postal code and house number: the first all-digit word of the address */
	if (id->postal_code[0] && strlen(id->postal_code) < 40)
	{
		const char *a = id->address;

		while (*a)
		{
			size_t		wl = strcspn(a, " ");
			size_t		d = strspn(a, "0123456789");

			if (d == wl && wl > 0 && wl < 10)
			{
				snprintf(k, sizeof(k), "a:%s:%.*s", id->postal_code, (int) wl, a);
				n += put_key(out, k);
				break;
			}
			a += wl;
			while (*a == ' ')
				a++;
		}
	}
	/* family name, house number and the street's first word (the postal
	 * code, the birth date and the given name may all have changed) */
	if (id->family_dm[0][0])
	{
		const char *a = id->address;

		while (*a)
		{
			size_t		wl = strcspn(a, " ");
			size_t		d = strspn(a, "0123456789");

			if (d == wl && wl > 0 && wl < 10)
			{
				const char *st = a + wl;
				size_t		sw;

				while (*st == ' ')
					st++;
				sw = strcspn(st, " ");
				if (sw > 0 && sw < 32)
				{
					snprintf(k, sizeof(k), "h:%s:%.*s:%.*s", id->family_dm[0], (int) wl, a,
							 (int) sw, st);
					n += put_key(out, k);
				}
				break;
			}
			a += wl;
			while (*a == ' ')
				a++;
		}
	}
	for (int i = 0; i < id->n_identifiers; i++)
	{
		const char *v = strchr(id->identifiers[i], '|') + 1;
		size_t		sl = (size_t) (v - id->identifiers[i]);
		size_t		vl = strlen(v);

		cl_buf_append_str(out, "i:");
		n += put_key(out, id->identifiers[i]);

		/*
		 * values one substitution apart share the value with that position
		 * deleted, tagged with the position; values one adjacent
		 * transposition apart share the value with those two characters in
		 * sorted order, tagged with the position.  Tagging keeps the blocks
		 * small: an untagged deletion neighbourhood also joins values two
		 * edits apart (a character deleted here, inserted there), six
		 * random neighbours in seven at a million 7-digit numbers.
		 */
		if (vl >= CL_BLOCK_DEL_MIN && vl <= CL_BLOCK_DEL_MAX)
		{
			for (size_t d = 0; d < vl; d++)
			{
				snprintf(k, sizeof(k), "d:%d:", (int) d);
				cl_buf_append_str(out, k);
				cl_buf_append(out, id->identifiers[i], sl);
				cl_buf_append(out, v, d);
				cl_buf_append(out, v + d + 1, vl - d - 1);
				cl_buf_append_char(out, '\0');
				n++;
			}
			for (size_t d = 0; d + 1 < vl; d++)
			{
				if (v[d] == v[d + 1])
					continue;	/* a transposition would change nothing */
				snprintf(k, sizeof(k), "x:%d:", (int) d);
				cl_buf_append_str(out, k);
				cl_buf_append(out, id->identifiers[i], sl);
				cl_buf_append(out, v, d);
				cl_buf_append_char(out, v[d] < v[d + 1] ? v[d] : v[d + 1]);
				cl_buf_append_char(out, v[d] < v[d + 1] ? v[d + 1] : v[d]);
				cl_buf_append(out, v + d + 2, vl - d - 2);
				cl_buf_append_char(out, '\0');
				n++;
			}
		}
	}
	return out->failed ? -1 : n;
}
