/*
 * nickname.c
 *		Nickname equivalence and canonical (formal) names from the table in
 *		nicknames_table.c.
 */
#include "match_internal.h"

/* index of name in the table, or -1 */
static int
nick_find(const char *s, size_t len)
{
	int			lo = 0;
	int			hi = cl_nick_count - 1;

	if (len == 0 || len > 64)
		return -1;
	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		const char *m = cl_nick_names[mid];
		size_t		ml = strlen(m);
		int			c = memcmp(s, m, len < ml ? len : ml);

		if (c == 0)
			c = (len > ml) - (len < ml);
		if (c == 0)
			return mid;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

static bool
has_parent(int child, int parent)
{
	for (int k = cl_nick_parent_start[child]; k < cl_nick_parent_start[child + 1]; k++)
		if (cl_nick_parents[k] == parent)
			return true;
	return false;
}

bool
cl_nickname_match(const char *a, size_t alen, const char *b, size_t blen)
{
	int			ia = nick_find(a, alen);
	int			ib = nick_find(b, blen);
	int			ka;
	int			kb;

	if (ia < 0 || ib < 0 || ia == ib)
		return false;
	if (has_parent(ib, ia) || has_parent(ia, ib))
		return true;
	/* a formal name listing both: intersect the sorted parent lists */
	ka = cl_nick_parent_start[ia];
	kb = cl_nick_parent_start[ib];
	while (ka < cl_nick_parent_start[ia + 1] && kb < cl_nick_parent_start[ib + 1])
	{
		if (cl_nick_parents[ka] == cl_nick_parents[kb])
			return true;
		if (cl_nick_parents[ka] < cl_nick_parents[kb])
			ka++;
		else
			kb++;
	}
	return false;
}

int
cl_name_canonical(const char *name, size_t len, char sep, cl_buf *out)
{
	int			i = nick_find(name, len);
	int			count = 0;
	bool		self = false;

	if (i < 0)
		return 0;
	self = (cl_nick_flags[i] & 1) != 0;
	for (int k = cl_nick_parent_start[i]; k <= cl_nick_parent_start[i + 1]; k++)
	{
		int			p = k < cl_nick_parent_start[i + 1] ? cl_nick_parents[k] : -1;

		/* merge the name itself in at its sorted place */
		if (self && (p < 0 || i < p))
		{
			if (count++ > 0)
				cl_buf_append_char(out, sep);
			cl_buf_append_str(out, cl_nick_names[i]);
			self = false;
		}
		if (p < 0)
			break;
		if (count++ > 0)
			cl_buf_append_char(out, sep);
		cl_buf_append_str(out, cl_nick_names[p]);
	}
	return out->failed ? -1 : count;
}
