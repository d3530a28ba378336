/*
 * pairs.c
 *		Candidate pairs of a set of records by blocking keys, each distinct
 *		pair once, streamed without being stored (see clinical/match.h).
 *
 * Records sharing a key form a block; a pair of records can share several
 * keys (a true duplicate usually shares most of them), so the pairs of all
 * blocks repeat each other.  Instead of collecting every pair and sorting
 * them to drop the repetitions, a pair met in the block of key h is
 * returned only when the two records share no used key smaller than h:
 * every record's keys are kept sorted, so that test is a merge of two short
 * lists that stops at h.
 */
#include <stdlib.h>

#include "match_internal.h"

#define KEY_USED	UINT64_C(1)
#define KEY_HASH(k)	((k) & ~KEY_USED)

uint64_t
cl_block_key_hash64(const char *key, size_t len)
{
	uint64_t	h = UINT64_C(14695981039346656037);

	for (size_t i = 0; i < len; i++)
	{
		h ^= (unsigned char) key[i];
		h *= UINT64_C(1099511628211);
	}
	return KEY_HASH(h);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *) a;
	uint64_t	y = *(const uint64_t *) b;

	return (x > y) - (x < y);
}

int
cl_block_key_hashes(const cl_identity *id, cl_buf *scratch, uint64_t *out)
{
	int			n;
	int			u = 0;
	size_t		p = 0;

	scratch->len = 0;
	n = cl_block_keys(id, scratch);
	if (n < 0)
		return -1;
	for (int k = 0; k < n; k++)
	{
		size_t		l = strlen(scratch->data + p);

		out[k] = cl_block_key_hash64(scratch->data + p, l);
		p += l + 1;
	}
	qsort(out, (size_t) n, sizeof(uint64_t), cmp_u64);
	for (int k = 0; k < n; k++)
		if (u == 0 || out[u - 1] != out[k])
			out[u++] = out[k];
	return u;
}

static int
cmp_entry(const void *a, const void *b)
{
	const cl_block_entry *x = a;
	const cl_block_entry *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->rec > y->rec) - (x->rec < y->rec);
}

/*
 * Sorts the entries by (hash, record): an in-place radix partition on the
 * top bits of the hash (American flag sort; the hashes are uniform, so the
 * buckets are even), then each bucket by qsort.  Several times faster than
 * one qsort of tens of millions of entries, whose accesses miss the cache.
 */
#define RADIX_BITS 12
#define RADIX_SIZE (1 << RADIX_BITS)

static void
sort_entries(cl_block_entry *e, size_t n)
{
	size_t		start[RADIX_SIZE + 1];
	size_t		next[RADIX_SIZE];

	if (n < 4 * RADIX_SIZE)
	{
		qsort(e, n, sizeof(cl_block_entry), cmp_entry);
		return;
	}
	memset(start, 0, sizeof(start));
	for (size_t i = 0; i < n; i++)
		start[(e[i].hash >> (64 - RADIX_BITS)) + 1]++;
	for (size_t b = 0; b < RADIX_SIZE; b++)
		start[b + 1] += start[b];
	memcpy(next, start, sizeof(next));
	for (size_t b = 0; b < RADIX_SIZE; b++)
	{
		while (next[b] < start[b + 1])
		{
			cl_block_entry v = e[next[b]];
			size_t		d = (size_t) (v.hash >> (64 - RADIX_BITS));

			while (d != b)
			{
				cl_block_entry t = e[next[d]];

				e[next[d]++] = v;
				v = t;
				d = (size_t) (v.hash >> (64 - RADIX_BITS));
			}
			e[next[b]++] = v;
		}
	}
	for (size_t b = 0; b < RADIX_SIZE; b++)
		if (start[b + 1] - start[b] > 1)
			qsort(e + start[b], start[b + 1] - start[b], sizeof(cl_block_entry), cmp_entry);
}

void
cl_pair_index_prepare(cl_pair_index *pi)
{
	size_t		n = 0;

	for (size_t r = 0; r < pi->n_records; r++)
		for (uint32_t k = pi->rec_off[r]; k < pi->rec_off[r + 1]; k++)
		{
			pi->rec_keys[k] = KEY_HASH(pi->rec_keys[k]);
			pi->entries[n].hash = pi->rec_keys[k];
			pi->entries[n].rec = (uint32_t) r;
			pi->entries[n].pos = k;
			n++;
		}
	pi->n_entries = n;
	sort_entries(pi->entries, n);
	pi->used_keys = 0;
	pi->skipped_keys = 0;
	pi->raw_pairs = 0;
	for (size_t a = 0; a < n;)
	{
		size_t		b = a + 1;

		while (b < n && pi->entries[b].hash == pi->entries[a].hash)
			b++;
		if (b - a >= 2)
		{
			if (pi->max_block > 0 && b - a > pi->max_block)
				pi->skipped_keys++;
			else
			{
				pi->used_keys++;
				pi->raw_pairs += (uint64_t) (b - a) * (b - a - 1) / 2;
				for (size_t x = a; x < b; x++)
					pi->rec_keys[pi->entries[x].pos] |= KEY_USED;
			}
		}
		a = b;
	}
}

void
cl_pair_iter_init(cl_pair_iter *it)
{
	memset(it, 0, sizeof(*it));
}

/* do i and j share a used key whose hash is below h? */
static bool
shared_before(const cl_pair_index *pi, uint32_t i, uint32_t j, uint64_t h)
{
	const uint64_t *p = pi->rec_keys + pi->rec_off[i];
	const uint64_t *pe = pi->rec_keys + pi->rec_off[i + 1];
	const uint64_t *q = pi->rec_keys + pi->rec_off[j];
	const uint64_t *qe = pi->rec_keys + pi->rec_off[j + 1];

	while (p < pe && q < qe)
	{
		uint64_t	x = KEY_HASH(*p);
		uint64_t	y = KEY_HASH(*q);

		if (x >= h || y >= h)
			return false;
		if (x == y)
		{
			if (*p & KEY_USED)
				return true;
			p++;
			q++;
		}
		else if (x < y)
			p++;
		else
			q++;
	}
	return false;
}

bool
cl_pair_index_shares_key(const cl_pair_index *pi, uint32_t i, uint32_t j)
{
	return i != j && shared_before(pi, i, j, ~UINT64_C(0));
}

/* moves to the next block of at least 2 and at most max_block entries */
static bool
next_block(const cl_pair_index *pi, cl_pair_iter *it)
{
	for (;;)
	{
		size_t		a = it->b;
		size_t		b;

		if (a >= pi->n_entries)
		{
			it->done = true;
			return false;
		}
		b = a + 1;
		while (b < pi->n_entries && pi->entries[b].hash == pi->entries[a].hash)
			b++;
		it->a = a;
		it->b = b;
		if (b - a >= 2 && (pi->max_block == 0 || b - a <= pi->max_block))
		{
			it->x = a;
			it->y = a;			/* advanced before use */
			return true;
		}
	}
}

bool
cl_pair_next(const cl_pair_index *pi, cl_pair_iter *it, uint32_t *i, uint32_t *j)
{
	if (it->done || (it->b == 0 && !next_block(pi, it)))
		return false;
	for (;;)
	{
		uint32_t	ri;
		uint32_t	rj;

		if (++it->y >= it->b)
		{
			if (++it->x + 1 >= it->b)
			{
				if (!next_block(pi, it))
					return false;
			}
			it->y = it->x + 1;
		}
		ri = pi->entries[it->x].rec;
		rj = pi->entries[it->y].rec;
		it->raw_seen++;
		if (!shared_before(pi, ri, rj, pi->entries[it->x].hash))
		{
			*i = ri;
			*j = rj;
			return true;
		}
	}
}
