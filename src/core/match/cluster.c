/*
 * cluster.c
 *		Connected components of scored pairs (union-find) with
 *		deterministic cluster ids.
 */
#include "match_internal.h"

bool
cl_uf_init(cl_union_find *uf, size_t n, const cl_allocator *alloc, cl_error *err)
{
	size_t		bytes;

	memset(uf, 0, sizeof(*uf));
	uf->alloc = alloc;
	if (n > UINT32_MAX - 1 || !cl_size_mul(n ? n : 1, sizeof(uint32_t), &bytes))
		return cl_error_set(err, CL_ERR_LIMIT, CL_NO_OFFSET,
							"too many records to cluster");
	uf->parent = cl_alloc(alloc, bytes);
	uf->size = cl_alloc(alloc, bytes);
	uf->min = cl_alloc(alloc, bytes);
	if (!uf->parent || !uf->size || !uf->min)
	{
		cl_uf_free(uf);
		return cl_error_set(err, CL_ERR_NOMEM, CL_NO_OFFSET, "out of memory");
	}
	uf->n = n;
	for (size_t i = 0; i < n; i++)
	{
		uf->parent[i] = (uint32_t) i;
		uf->size[i] = 1;
		uf->min[i] = (uint32_t) i;
	}
	return true;
}

uint32_t
cl_uf_find(cl_union_find *uf, uint32_t x)
{
	while (uf->parent[x] != x)
	{
		uf->parent[x] = uf->parent[uf->parent[x]];	/* path halving */
		x = uf->parent[x];
	}
	return x;
}

void
cl_uf_union(cl_union_find *uf, uint32_t a, uint32_t b)
{
	uint32_t	ra = cl_uf_find(uf, a);
	uint32_t	rb = cl_uf_find(uf, b);

	if (ra == rb)
		return;
	if (uf->size[ra] < uf->size[rb])
	{
		uint32_t	t = ra;

		ra = rb;
		rb = t;
	}
	uf->parent[rb] = ra;
	uf->size[ra] += uf->size[rb];
	if (uf->min[rb] < uf->min[ra])
		uf->min[ra] = uf->min[rb];
}

uint32_t
cl_uf_cluster_id(cl_union_find *uf, uint32_t x)
{
	return uf->min[cl_uf_find(uf, x)];
}

void
cl_uf_free(cl_union_find *uf)
{
	if (uf->parent)
		cl_free(uf->alloc, uf->parent);
	if (uf->size)
		cl_free(uf->alloc, uf->size);
	if (uf->min)
		cl_free(uf->alloc, uf->min);
	uf->parent = uf->size = uf->min = NULL;
	uf->n = 0;
}

bool
cl_cluster_pairs(size_t n, const uint32_t *left, const uint32_t *right,
				 const double *prob, size_t npairs, double threshold,
				 const cl_allocator *alloc, uint32_t *cluster, cl_error *err)
{
	cl_union_find uf;

	for (size_t k = 0; k < npairs; k++)
		if (left[k] >= n || right[k] >= n)
			return cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
								"pair %zu names a record index out of range", k);
	if (!cl_uf_init(&uf, n, alloc, err))
		return false;
	for (size_t k = 0; k < npairs; k++)
		if (prob == NULL || prob[k] >= threshold)
			cl_uf_union(&uf, left[k], right[k]);
	for (size_t i = 0; i < n; i++)
		cluster[i] = cl_uf_cluster_id(&uf, (uint32_t) i);
	cl_uf_free(&uf);
	return true;
}
