/*
 * arena.c
 *		Bump allocation in chunks, freed all at once.
 */
#include <string.h>

#include "clinical/common.h"

struct cl_arena_chunk
{
	cl_arena_chunk *next;
	size_t		size;			/* usable bytes after the header */
	size_t		used;
	/* data follows, max-aligned */
};

#define CL_ARENA_ALIGN 16
#define CL_ALIGN_UP(x) (((x) + (CL_ARENA_ALIGN - 1)) & ~((size_t) CL_ARENA_ALIGN - 1))
#define CHUNK_HDR CL_ALIGN_UP(sizeof(cl_arena_chunk))

static void *
arena_alloc_cb(void *ctx, size_t size)
{
	return cl_arena_alloc((cl_arena *) ctx, size);
}

static void *
arena_realloc_cb(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
	void	   *p;

	if (new_size <= old_size)
		return ptr;
	p = cl_arena_alloc((cl_arena *) ctx, new_size);
	if (p && ptr && old_size)
		memcpy(p, ptr, old_size);
	return p;
}

static void
arena_free_cb(void *ctx, void *ptr)
{
	(void) ctx;
	(void) ptr;
}

void
cl_arena_init(cl_arena *arena, const cl_allocator *parent, size_t chunk_size)
{
	arena->parent = parent;
	arena->head = NULL;
	arena->chunk_size = chunk_size < 256 ? 256 : chunk_size;
	arena->total = 0;
	arena->as_allocator.alloc = arena_alloc_cb;
	arena->as_allocator.realloc = arena_realloc_cb;
	arena->as_allocator.free = arena_free_cb;
	arena->as_allocator.ctx = arena;
}

void *
cl_arena_alloc(cl_arena *arena, size_t size)
{
	cl_arena_chunk *c = arena->head;
	size_t		need;

	if (size > CL_MAX_ALLOC)
		return NULL;
	need = CL_ALIGN_UP(size ? size : 1);
	if (c == NULL || c->size - c->used < need)
	{
		size_t		csize = need > arena->chunk_size ? need : arena->chunk_size;

		c = cl_alloc(arena->parent, CHUNK_HDR + csize);
		if (c == NULL)
			return NULL;
		c->size = csize;
		c->used = 0;
		arena->total += CHUNK_HDR + csize;
		if (arena->head && need > arena->chunk_size)
		{
			/* an oversized request: keep the current chunk on top */
			c->next = arena->head->next;
			arena->head->next = c;
			c->used = need;
			return (char *) c + CHUNK_HDR;
		}
		c->next = arena->head;
		arena->head = c;
		/* grow geometrically, up to 1 MB per chunk */
		if (arena->chunk_size < (1u << 20))
			arena->chunk_size *= 2;
	}
	{
		void	   *p = (char *) c + CHUNK_HDR + c->used;

		c->used += need;
		return p;
	}
}

void
cl_arena_reset(cl_arena *arena)
{
	cl_arena_chunk *c = arena->head;

	while (c)
	{
		cl_arena_chunk *next = c->next;

		cl_free(arena->parent, c);
		c = next;
	}
	arena->head = NULL;
	arena->total = 0;
}
