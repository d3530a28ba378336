/*
 * clinical/common.h
 *		The PostgreSQL-free core's shared vocabulary: allocators, arenas,
 *		error values and a growable byte buffer.
 *
 * Nothing here includes postgres.h.  Every core function that needs memory
 * takes a cl_allocator (or a cl_arena built on one) from its caller; in the
 * server that allocator is palloc in the caller's memory context, in the unit
 * tests and fuzzers it is malloc.  Core functions report failure by filling a
 * cl_error and returning false (or NULL); they never exit and never longjmp.
 */
#ifndef CLINICAL_COMMON_H
#define CLINICAL_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define CL_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define CL_LIKELY(x) __builtin_expect(!!(x), 1)
#define CL_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define CL_PRINTF(fmt, args)
#define CL_LIKELY(x) (x)
#define CL_UNLIKELY(x) (x)
#endif

/* ------------------------------------------------------------------------
 * Allocators
 *
 * alloc returns NULL when memory is exhausted (malloc) or does not return at
 * all (palloc raises an ERROR); core code handles NULL either way.
 * realloc receives the old size so that arena-like allocators can copy.
 * free may be a no-op (memory contexts and arenas free everything at once).
 * ------------------------------------------------------------------------ */
typedef struct cl_allocator
{
	void	   *(*alloc) (void *ctx, size_t size);
	void	   *(*realloc) (void *ctx, void *ptr, size_t old_size, size_t new_size);
	void		(*free) (void *ctx, void *ptr);
	void	   *ctx;
} cl_allocator;

/* The C library's malloc/realloc/free. */
extern const cl_allocator cl_malloc_allocator;

/* Upper bound on a single allocation request the core makes (1 GB - 1, like
 * PostgreSQL's MaxAllocSize), so sizes never overflow a palloc. */
#define CL_MAX_ALLOC ((size_t) 0x3fffffff)

void	   *cl_alloc(const cl_allocator *a, size_t size);
void	   *cl_alloc0(const cl_allocator *a, size_t size);
void	   *cl_realloc(const cl_allocator *a, void *ptr, size_t old_size, size_t new_size);
void		cl_free(const cl_allocator *a, void *ptr);
char	   *cl_strndup(const cl_allocator *a, const char *s, size_t len);

/*
 * Overflow-checked size arithmetic: returns false (and leaves *out alone)
 * when a * b would exceed CL_MAX_ALLOC.
 */
bool		cl_size_mul(size_t a, size_t b, size_t *out);

/* ------------------------------------------------------------------------
 * Arenas: bump allocation in chunks taken from a parent allocator, freed all
 * at once.  An arena is itself usable as a cl_allocator (cl_arena_allocator).
 * ------------------------------------------------------------------------ */
typedef struct cl_arena_chunk cl_arena_chunk;

typedef struct cl_arena
{
	const cl_allocator *parent;
	cl_arena_chunk *head;		/* newest chunk first */
	size_t		chunk_size;		/* default size of new chunks */
	size_t		total;			/* bytes obtained from the parent */
	cl_allocator as_allocator;	/* filled by cl_arena_init */
} cl_arena;

void		cl_arena_init(cl_arena *arena, const cl_allocator *parent, size_t chunk_size);
void	   *cl_arena_alloc(cl_arena *arena, size_t size);
void		cl_arena_reset(cl_arena *arena);	/* free every chunk */
static inline const cl_allocator *
cl_arena_allocator(cl_arena *arena)
{
	return &arena->as_allocator;
}

/* ------------------------------------------------------------------------
 * Error values
 *
 * The PostgreSQL layer maps cl_errcode to a SQLSTATE:
 *   CL_ERR_SYNTAX         22P02 invalid_text_representation (malformed input)
 *   CL_ERR_INVALID_PARAM  22023 invalid_parameter_value (bad argument)
 *   CL_ERR_ENCODING       22021 character_not_in_repertoire
 *   CL_ERR_LIMIT          54000 program_limit_exceeded
 *   CL_ERR_NOMEM          53200 out_of_memory
 *   CL_ERR_INTERNAL       XX000 internal_error
 * ------------------------------------------------------------------------ */
typedef enum cl_errcode
{
	CL_OK = 0,
	CL_ERR_SYNTAX,
	CL_ERR_INVALID_PARAM,
	CL_ERR_ENCODING,
	CL_ERR_LIMIT,
	CL_ERR_NOMEM,
	CL_ERR_INTERNAL
} cl_errcode;

#define CL_NO_OFFSET ((size_t) -1)
#define CL_ERR_MSG_LEN 256
#define CL_ERR_WHERE_LEN 128
#define CL_ERR_HINT_LEN 160
/* the most input characters an error message may quote (PHI protection) */
#define CL_ERR_FRAGMENT_CHARS 20

typedef struct cl_error
{
	cl_errcode	code;
	size_t		offset;			/* byte offset in the input, or CL_NO_OFFSET */
	char		message[CL_ERR_MSG_LEN];	/* what is wrong, one line */
	char		where[CL_ERR_WHERE_LEN];	/* "segment 3 (PID), field 5" or a
											 * JSON pointer; may be empty */
	char		hint[CL_ERR_HINT_LEN];	/* a known fix; may be empty */
} cl_error;

void		cl_error_clear(cl_error *err);
static inline bool
cl_error_is_set(const cl_error *err)
{
	return err->code != CL_OK;
}

/* Sets code, offset and message (printf-style, truncated to fit). Returns
 * false so that callers can write "return cl_error_set(...)". */
bool		cl_error_set(cl_error *err, cl_errcode code, size_t offset,
						 const char *fmt,...) CL_PRINTF(4, 5);
void		cl_error_where(cl_error *err, const char *fmt,...) CL_PRINTF(2, 3);
void		cl_error_hint(cl_error *err, const char *fmt,...) CL_PRINTF(2, 3);
const char *cl_errcode_name(cl_errcode code);

/*
 * Writes into out (size outsize) a printable quotation of at most max_chars
 * characters of input starting at offset: control bytes and invalid UTF-8 are
 * shown as \xHH, a cut is marked with "...", and UTF-8 sequences are never
 * split.  Always NUL-terminates.  Returns out.
 */
char	   *cl_fragment(char *out, size_t outsize, const char *input, size_t len,
						size_t offset, int max_chars);

/* ------------------------------------------------------------------------
 * Growable byte buffer
 * ------------------------------------------------------------------------ */
typedef struct cl_buf
{
	const cl_allocator *alloc;
	char	   *data;			/* always NUL-terminated when len < cap */
	size_t		len;
	size_t		cap;
	bool		failed;			/* an allocation failed; contents are invalid */
} cl_buf;

void		cl_buf_init(cl_buf *buf, const cl_allocator *alloc, size_t initial);
bool		cl_buf_reserve(cl_buf *buf, size_t extra);
bool		cl_buf_append(cl_buf *buf, const void *data, size_t len);
bool		cl_buf_append_char(cl_buf *buf, char c);
bool		cl_buf_append_str(cl_buf *buf, const char *s);
bool		cl_buf_printf(cl_buf *buf, const char *fmt,...) CL_PRINTF(2, 3);
void		cl_buf_free(cl_buf *buf);

/* ------------------------------------------------------------------------
 * UTF-8
 * ------------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid or
 * truncated.  Rejects overlongs, surrogates and code points > U+10FFFF. */
int			cl_utf8_seqlen(const unsigned char *s, size_t avail);

/* Returns the byte offset of the first invalid sequence, or CL_NO_OFFSET. */
size_t		cl_utf8_validate(const char *s, size_t len);

#endif							/* CLINICAL_COMMON_H */
