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
	if (id->birth_year > 0 && id->birth_month > 0 && id->birth_day > 0)
	{
		snprintf(k, sizeof(k), "b:%04d%02d%02d", id->birth_year, id->birth_month,
				 id->birth_day);
		n += put_key(out, k);
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
	for (int i = 0; i < id->n_identifiers; i++)
	{
		const char *v = strchr(id->identifiers[i], '|') + 1;
		size_t		sl = (size_t) (v - id->identifiers[i]);
		size_t		vl = strlen(v);

		cl_buf_append_str(out, "i:");
		n += put_key(out, id->identifiers[i]);

		/*
		 * the deletion neighbourhood of the value: one key per deleted
		 * character, so that values one substitution, transposition,
		 * insertion or deletion apart share a key
		 */
		if (vl >= CL_BLOCK_DEL_MIN && vl <= CL_BLOCK_DEL_MAX)
		{
			for (size_t d = 0; d < vl; d++)
			{
				if (d > 0 && v[d] == v[d - 1])
					continue;	/* same string as the previous deletion */
				cl_buf_append_str(out, "d:");
				cl_buf_append(out, id->identifiers[i], sl);
				cl_buf_append(out, v, d);
				cl_buf_append(out, v + d + 1, vl - d - 1);
				cl_buf_append_char(out, '\0');
				n++;
			}
		}
	}
	return out->failed ? -1 : n;
}
