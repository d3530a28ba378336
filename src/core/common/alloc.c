/*
 * alloc.c
 *		Allocator interface of the core and its malloc implementation.
 */
#include <stdlib.h>
#include <string.h>

#include "clinical/common.h"

static void *
malloc_alloc(void *ctx, size_t size)
{
	(void) ctx;
	return malloc(size ? size : 1);
}

static void *
malloc_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
	(void) ctx;
	(void) old_size;
	return realloc(ptr, new_size ? new_size : 1);
}

static void
malloc_free(void *ctx, void *ptr)
{
	(void) ctx;
	free(ptr);
}

const cl_allocator cl_malloc_allocator = {
	malloc_alloc, malloc_realloc, malloc_free, NULL
};

void *
cl_alloc(const cl_allocator *a, size_t size)
{
	if (size > CL_MAX_ALLOC)
		return NULL;
	return a->alloc(a->ctx, size);
}

void *
cl_alloc0(const cl_allocator *a, size_t size)
{
	void	   *p = cl_alloc(a, size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *
cl_realloc(const cl_allocator *a, void *ptr, size_t old_size, size_t new_size)
{
	if (new_size > CL_MAX_ALLOC)
		return NULL;
	if (ptr == NULL)
		return a->alloc(a->ctx, new_size);
	return a->realloc(a->ctx, ptr, old_size, new_size);
}

void
cl_free(const cl_allocator *a, void *ptr)
{
	if (ptr && a->free)
		a->free(a->ctx, ptr);
}

char *
cl_strndup(const cl_allocator *a, const char *s, size_t len)
{
	char	   *p;

	if (len >= CL_MAX_ALLOC)
		return NULL;
	p = cl_alloc(a, len + 1);
	if (p)
	{
		if (len)
			memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

bool
cl_size_mul(size_t a, size_t b, size_t *out)
{
	if (a != 0 && b > CL_MAX_ALLOC / a)
		return false;
	*out = a * b;
	return true;
}
