/*
 * json.c
 *		The standalone core's JSON reader (strict RFC 8259) and a compact
 *		tree over it that implements the cl_node interface.
 *
 * The reader is iterative: an explicit stack of open containers (one byte
 * per level, at most CL_JSON_MAX_DEPTH) instead of recursion, so deep input
 * cannot exhaust the C stack.  Strings without escapes are reported in
 * place (after a UTF-8 check); strings with escapes are decoded into a
 * scratch buffer.  Numbers are checked against the RFC grammar and reported
 * as their exact lexical text.
 *
 * The tree is built from the events: values waiting for their container to
 * close sit on a scratch stack; when a container closes, its children are
 * copied into one contiguous arena array.  Large objects get a sorted index
 * for member lookup.
 */
#include <stdlib.h>
#include <string.h>

#include "clinical/json.h"

/* ------------------------------------------------------------------------
 * The reader
 * ------------------------------------------------------------------------ */

typedef struct json_reader
{
	const char *s;
	size_t		len;
	size_t		pos;
	const cl_json_events *ev;
	void	   *arg;
	cl_error   *err;
	cl_buf		scratch;		/* decoded strings with escapes */
} json_reader;

static bool
syntax_error(json_reader *r, size_t at, const char *what)
{
	char		frag[CL_ERR_FRAGMENT_CHARS * 4 + 8];

	if (at >= r->len)
		return cl_error_set(r->err, CL_ERR_SYNTAX, r->len,
							"invalid JSON: %s at end of input", what);
	cl_fragment(frag, sizeof(frag), r->s, r->len, at, CL_ERR_FRAGMENT_CHARS);
	return cl_error_set(r->err, CL_ERR_SYNTAX, at,
						"invalid JSON: %s at byte %zu near \"%s\"", what, at, frag);
}

static inline void
skip_ws(json_reader *r)
{
	const char *s = r->s;
	size_t		p = r->pos;

	while (p < r->len && (s[p] == ' ' || s[p] == '\n' || s[p] == '\r' || s[p] == '\t'))
		p++;
	r->pos = p;
}

static inline int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* reads 4 hex digits at p; -1 when they are not */
static int
read_hex4(const char *s, size_t len, size_t p)
{
	int			v = 0;

	if (p + 4 > len)
		return -1;
	for (int i = 0; i < 4; i++)
	{
		int			h = hexval((unsigned char) s[p + i]);

		if (h < 0)
			return -1;
		v = (v << 4) | h;
	}
	return v;
}

static void
put_utf8(cl_buf *b, uint32_t cp)
{
	char		u[4];
	size_t		n;

	if (cp < 0x80)
	{
		u[0] = (char) cp;
		n = 1;
	}
	else if (cp < 0x800)
	{
		u[0] = (char) (0xC0 | (cp >> 6));
		u[1] = (char) (0x80 | (cp & 0x3F));
		n = 2;
	}
	else if (cp < 0x10000)
	{
		u[0] = (char) (0xE0 | (cp >> 12));
		u[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char) (0x80 | (cp & 0x3F));
		n = 3;
	}
	else
	{
		u[0] = (char) (0xF0 | (cp >> 18));
		u[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char) (0x80 | (cp & 0x3F));
		n = 4;
	}
	cl_buf_append(b, u, n);
}

/*
 * read_string
 *		r->pos is at the opening quote.  On success *out and *outlen hold the
 *		decoded contents (in place when there was no escape, else in the
 *		scratch buffer) and r->pos is past the closing quote.
 */
static bool
read_string(json_reader *r, const char **out, size_t *outlen)
{
	const char *s = r->s;
	size_t		len = r->len;
	size_t		start = r->pos + 1;
	size_t		p = start;
	cl_buf	   *b = &r->scratch;

	/* fast path: no escape up to the closing quote; reported in place */
	while (p < len)
	{
		unsigned char c = (unsigned char) s[p];

		if (c == '"')
		{
			*out = s + start;
			*outlen = p - start;
			r->pos = p + 1;
			return true;
		}
		if (c == '\\' || c < 0x20)
			break;
		if (c >= 0x80)
		{
			int			n = cl_utf8_seqlen((const unsigned char *) s + p, len - p);

			if (n == 0)
				return cl_error_set(r->err, CL_ERR_ENCODING, p,
									"invalid JSON: invalid UTF-8 in string at byte %zu", p);
			p += (size_t) n;
			continue;
		}
		p++;
	}

	/* slow path: copy what was scanned, then decode */
	b->len = 0;
	cl_buf_append(b, s + start, p - start);
	while (p < len)
	{
		unsigned char c = (unsigned char) s[p];

		if (c == '"')
		{
			if (b->failed)
				return cl_error_set(r->err, CL_ERR_NOMEM, p,
									"out of memory reading a JSON string");
			*out = b->data;
			*outlen = b->len;
			r->pos = p + 1;
			return true;
		}
		if (c < 0x20)
			return syntax_error(r, p, "control character in string");
		if (c >= 0x80)
		{
			int			n = cl_utf8_seqlen((const unsigned char *) s + p, len - p);

			if (n == 0)
				return cl_error_set(r->err, CL_ERR_ENCODING, p,
									"invalid JSON: invalid UTF-8 in string at byte %zu", p);
			cl_buf_append(b, s + p, (size_t) n);
			p += (size_t) n;
			continue;
		}
		if (c != '\\')
		{
			size_t		q = p + 1;

			/* copy a run of plain characters at once */
			while (q < len && s[q] != '"' && s[q] != '\\' &&
				   (unsigned char) s[q] >= 0x20 && (unsigned char) s[q] < 0x80)
				q++;
			cl_buf_append(b, s + p, q - p);
			p = q;
			continue;
		}
		/* an escape */
		if (p + 1 >= len)
			return syntax_error(r, len, "unterminated string");
		switch (s[p + 1])
		{
			case '"':
				cl_buf_append_char(b, '"');
				break;
			case '\\':
				cl_buf_append_char(b, '\\');
				break;
			case '/':
				cl_buf_append_char(b, '/');
				break;
			case 'b':
				cl_buf_append_char(b, '\b');
				break;
			case 'f':
				cl_buf_append_char(b, '\f');
				break;
			case 'n':
				cl_buf_append_char(b, '\n');
				break;
			case 'r':
				cl_buf_append_char(b, '\r');
				break;
			case 't':
				cl_buf_append_char(b, '\t');
				break;
			case 'u':
				{
					int			hi = read_hex4(s, len, p + 2);
					uint32_t	cp;

					if (hi < 0)
						return syntax_error(r, p, "invalid \\u escape");
					if (hi >= 0xDC00 && hi <= 0xDFFF)
						return syntax_error(r, p, "lone low surrogate in \\u escape");
					if (hi >= 0xD800 && hi <= 0xDBFF)
					{
						int			lo;

						if (p + 12 > len || s[p + 6] != '\\' || s[p + 7] != 'u' ||
							(lo = read_hex4(s, len, p + 8)) < 0 ||
							lo < 0xDC00 || lo > 0xDFFF)
							return syntax_error(r, p, "lone high surrogate in \\u escape");
						cp = 0x10000 + (((uint32_t) hi - 0xD800) << 10) +
							((uint32_t) lo - 0xDC00);
						p += 6;
					}
					else
						cp = (uint32_t) hi;
					put_utf8(b, cp);
					p += 4;
				}
				break;
			default:
				return syntax_error(r, p, "invalid escape in string");
		}
		p += 2;
	}
	return syntax_error(r, len, "unterminated string");
}

/*
 * read_number
 *		-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
 */
static bool
read_number(json_reader *r, const char **out, size_t *outlen)
{
	const char *s = r->s;
	size_t		len = r->len;
	size_t		start = r->pos;
	size_t		p = start;

	if (p < len && s[p] == '-')
		p++;
	if (p >= len || s[p] < '0' || s[p] > '9')
		return syntax_error(r, p, "invalid number");
	if (s[p] == '0')
	{
		p++;
		if (p < len && s[p] >= '0' && s[p] <= '9')
			return syntax_error(r, start, "leading zero in number");
	}
	else
		while (p < len && s[p] >= '0' && s[p] <= '9')
			p++;
	if (p < len && s[p] == '.')
	{
		p++;
		if (p >= len || s[p] < '0' || s[p] > '9')
			return syntax_error(r, p, "invalid number (digit expected after '.')");
		while (p < len && s[p] >= '0' && s[p] <= '9')
			p++;
	}
	if (p < len && (s[p] == 'e' || s[p] == 'E'))
	{
		p++;
		if (p < len && (s[p] == '+' || s[p] == '-'))
			p++;
		if (p >= len || s[p] < '0' || s[p] > '9')
			return syntax_error(r, p, "invalid number (digit expected in exponent)");
		while (p < len && s[p] >= '0' && s[p] <= '9')
			p++;
	}
	*out = s + start;
	*outlen = p - start;
	r->pos = p;
	return true;
}

static bool
read_literal(json_reader *r, const char *word, size_t n)
{
	if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n) != 0)
		return syntax_error(r, r->pos, "unexpected token");
	r->pos += n;
	return true;
}

/* a callback said stop: false with err->code CL_OK */
#define EMIT(call) do { if (!(call)) return false; } while (0)

bool
cl_json_parse(const char *json, size_t len, const cl_allocator *a,
			  const cl_json_events *ev, void *arg, cl_error *err)
{
	json_reader r;
	unsigned char stack[CL_JSON_MAX_DEPTH];	/* 'o' or 'a' per open level */
	int			depth = 0;
	bool		ok = false;

	cl_error_clear(err);
	r.s = json;
	r.len = json ? len : 0;
	r.pos = 0;
	r.ev = ev;
	r.arg = arg;
	r.err = err;
	cl_buf_init(&r.scratch, a, 64);

	for (;;)
	{
		const char *text;
		size_t		tlen;
		unsigned char c;

		/* a value is expected at r.pos */
		skip_ws(&r);
		if (r.pos >= r.len)
		{
			syntax_error(&r, r.len, depth == 0 ? "no value" : "value expected");
			goto done;
		}
		c = (unsigned char) r.s[r.pos];
		switch (c)
		{
			case '{':
			case '[':
				if (depth >= CL_JSON_MAX_DEPTH)
				{
					cl_error_set(err, CL_ERR_LIMIT, r.pos,
								 "invalid JSON: nesting deeper than %d levels at byte %zu",
								 CL_JSON_MAX_DEPTH, r.pos);
					goto done;
				}
				r.pos++;
				if (c == '{')
				{
					if (ev->object_start && !ev->object_start(arg))
						goto done;
					skip_ws(&r);
					if (r.pos < r.len && r.s[r.pos] == '}')
					{
						r.pos++;
						if (ev->object_end && !ev->object_end(arg))
							goto done;
						break;
					}
					stack[depth++] = 'o';
					goto member;
				}
				if (ev->array_start && !ev->array_start(arg))
					goto done;
				skip_ws(&r);
				if (r.pos < r.len && r.s[r.pos] == ']')
				{
					r.pos++;
					if (ev->array_end && !ev->array_end(arg))
						goto done;
					break;
				}
				stack[depth++] = 'a';
				continue;
			case '"':
				if (!read_string(&r, &text, &tlen))
					goto done;
				if (ev->scalar && !ev->scalar(arg, CL_NODE_STRING, text, tlen))
					goto done;
				break;
			case 't':
				if (!read_literal(&r, "true", 4))
					goto done;
				if (ev->scalar && !ev->scalar(arg, CL_NODE_BOOL, "true", 4))
					goto done;
				break;
			case 'f':
				if (!read_literal(&r, "false", 5))
					goto done;
				if (ev->scalar && !ev->scalar(arg, CL_NODE_BOOL, "false", 5))
					goto done;
				break;
			case 'n':
				if (!read_literal(&r, "null", 4))
					goto done;
				if (ev->scalar && !ev->scalar(arg, CL_NODE_NULL, "null", 4))
					goto done;
				break;
			default:
				if (c == '-' || (c >= '0' && c <= '9'))
				{
					if (!read_number(&r, &text, &tlen))
						goto done;
					if (ev->scalar && !ev->scalar(arg, CL_NODE_NUMBER, text, tlen))
						goto done;
					break;
				}
				if (c == ']' && depth > 0 && stack[depth - 1] == 'a')
					syntax_error(&r, r.pos, "trailing comma in array");
				else
					syntax_error(&r, r.pos, "unexpected character");
				goto done;
		}

		/* a value was read: what follows it */
after_value:
		skip_ws(&r);
		if (depth == 0)
		{
			if (r.pos < r.len)
			{
				syntax_error(&r, r.pos, "unexpected data after the value");
				goto done;
			}
			ok = true;
			goto done;
		}
		if (r.pos >= r.len)
		{
			syntax_error(&r, r.len, stack[depth - 1] == 'o' ?
						 "unterminated object" : "unterminated array");
			goto done;
		}
		c = (unsigned char) r.s[r.pos];
		if (stack[depth - 1] == 'a')
		{
			if (c == ',')
			{
				r.pos++;
				continue;
			}
			if (c == ']')
			{
				r.pos++;
				depth--;
				if (ev->array_end && !ev->array_end(arg))
					goto done;
				goto after_value;
			}
			syntax_error(&r, r.pos, "',' or ']' expected");
			goto done;
		}
		if (c == '}')
		{
			r.pos++;
			depth--;
			if (ev->object_end && !ev->object_end(arg))
				goto done;
			goto after_value;
		}
		if (c != ',')
		{
			syntax_error(&r, r.pos, "',' or '}' expected");
			goto done;
		}
		r.pos++;
		skip_ws(&r);
		if (r.pos < r.len && r.s[r.pos] == '}')
		{
			syntax_error(&r, r.pos, "trailing comma in object");
			goto done;
		}

		/* a member: "key" : value */
member:
		skip_ws(&r);
		if (r.pos >= r.len || r.s[r.pos] != '"')
		{
			syntax_error(&r, r.pos, "object key (a string) expected");
			goto done;
		}
		if (!read_string(&r, &text, &tlen))
			goto done;
		if (ev->key && !ev->key(arg, text, tlen))
			goto done;
		skip_ws(&r);
		if (r.pos >= r.len || r.s[r.pos] != ':')
		{
			syntax_error(&r, r.pos, "':' expected");
			goto done;
		}
		r.pos++;
	}

done:
	cl_buf_free(&r.scratch);
	return ok;
}

/* ------------------------------------------------------------------------
 * The tree
 * ------------------------------------------------------------------------ */

typedef struct json_value json_value;
typedef struct json_member json_member;

struct json_value
{
	cl_node_kind kind;
	size_t		n;				/* text length, or number of children */
	union
	{
		const char *text;
		json_value *elems;
		json_member *members;
	}			u;
	const json_member **index;	/* large objects: members sorted by key */
};

struct json_member
{
	const char *key;
	size_t		keylen;
	json_value	value;
};

/* objects with more members than this get a sorted index */
#define JSON_INDEX_MIN 12

/* a value waiting for its container to close */
typedef struct pending
{
	const char *key;
	size_t		keylen;
	json_value	value;
} pending;

typedef struct tree_builder
{
	cl_arena   *arena;
	const cl_allocator *tmp;	/* the arena's parent, for scratch stacks */
	pending    *items;
	size_t		nitems;
	size_t		capitems;
	size_t	   *open;			/* indexes in items of open containers */
	size_t		nopen;
	size_t		capopen;
	const char *key;			/* key of the next value (objects) */
	size_t		keylen;
	bool		oom;
} tree_builder;

static const cl_node_ops json_tree_ops;

static bool
grow(const cl_allocator *a, void **p, size_t *cap, size_t n, size_t elsize)
{
	size_t		ncap = *cap ? *cap * 2 : 64;
	size_t		oldbytes,
				newbytes;
	void	   *np;

	if (n < *cap)
		return true;
	if (!cl_size_mul(*cap, elsize, &oldbytes) || !cl_size_mul(ncap, elsize, &newbytes))
		return false;
	np = *p ? cl_realloc(a, *p, oldbytes, newbytes) : cl_alloc(a, newbytes);
	if (np == NULL)
		return false;
	*p = np;
	*cap = ncap;
	return true;
}

static char *
arena_copy(cl_arena *arena, const char *s, size_t len)
{
	char	   *c = cl_arena_alloc(arena, len + 1);

	if (c == NULL)
		return NULL;
	if (len)
		memcpy(c, s, len);
	c[len] = '\0';
	return c;
}

static bool
tb_push(tree_builder *b, cl_node_kind kind, const char *text, size_t len)
{
	pending    *p;

	if (!grow(b->tmp, (void **) &b->items, &b->capitems, b->nitems, sizeof(pending)))
	{
		b->oom = true;
		return false;
	}
	p = &b->items[b->nitems++];
	p->key = b->key;
	p->keylen = b->keylen;
	b->key = NULL;
	b->keylen = 0;
	memset(&p->value, 0, sizeof(p->value));
	p->value.kind = kind;
	if (kind != CL_NODE_OBJECT && kind != CL_NODE_ARRAY)
	{
		char	   *c = arena_copy(b->arena, text, len);

		if (c == NULL)
		{
			b->oom = true;
			return false;
		}
		p->value.u.text = c;
		p->value.n = len;
	}
	return true;
}

static bool
tb_open(void *arg, cl_node_kind kind)
{
	tree_builder *b = arg;

	if (!grow(b->tmp, (void **) &b->open, &b->capopen, b->nopen, sizeof(size_t)))
	{
		b->oom = true;
		return false;
	}
	if (!tb_push(b, kind, NULL, 0))
		return false;
	b->open[b->nopen++] = b->nitems - 1;
	return true;
}

static int
cmp_member_ptr(const void *a, const void *b)
{
	const json_member *x = *(const json_member *const *) a;
	const json_member *y = *(const json_member *const *) b;
	size_t		n = x->keylen < y->keylen ? x->keylen : y->keylen;
	int			c = n ? memcmp(x->key, y->key, n) : 0;

	if (c != 0)
		return c;
	if (x->keylen != y->keylen)
		return x->keylen < y->keylen ? -1 : 1;
	/* equal keys: document order, so that the first one is found first */
	return x < y ? -1 : (x > y ? 1 : 0);
}

static bool
tb_close(void *arg)
{
	tree_builder *b = arg;
	size_t		at = b->open[--b->nopen];
	json_value *c = &b->items[at].value;
	size_t		n = b->nitems - at - 1;
	pending    *kids = &b->items[at + 1];
	size_t		bytes;

	c->n = n;
	if (n > 0)
	{
		if (c->kind == CL_NODE_OBJECT)
		{
			json_member *m;

			if (!cl_size_mul(n, sizeof(json_member), &bytes) ||
				(m = cl_arena_alloc(b->arena, bytes)) == NULL)
			{
				b->oom = true;
				return false;
			}
			for (size_t i = 0; i < n; i++)
			{
				m[i].key = kids[i].key;
				m[i].keylen = kids[i].keylen;
				m[i].value = kids[i].value;
			}
			c->u.members = m;
			if (n > JSON_INDEX_MIN)
			{
				const json_member **idx;

				if (!cl_size_mul(n, sizeof(*idx), &bytes) ||
					(idx = cl_arena_alloc(b->arena, bytes)) == NULL)
				{
					b->oom = true;
					return false;
				}
				for (size_t i = 0; i < n; i++)
					idx[i] = &m[i];
				qsort(idx, n, sizeof(*idx), cmp_member_ptr);
				c->index = idx;
			}
		}
		else
		{
			json_value *e;

			if (!cl_size_mul(n, sizeof(json_value), &bytes) ||
				(e = cl_arena_alloc(b->arena, bytes)) == NULL)
			{
				b->oom = true;
				return false;
			}
			for (size_t i = 0; i < n; i++)
				e[i] = kids[i].value;
			c->u.elems = e;
		}
	}
	b->nitems = at + 1;
	return true;
}

static bool
tb_object_start(void *arg)
{
	return tb_open(arg, CL_NODE_OBJECT);
}

static bool
tb_array_start(void *arg)
{
	return tb_open(arg, CL_NODE_ARRAY);
}

static bool
tb_key(void *arg, const char *key, size_t len)
{
	tree_builder *b = arg;
	char	   *c = arena_copy(b->arena, key, len);

	if (c == NULL)
	{
		b->oom = true;
		return false;
	}
	b->key = c;
	b->keylen = len;
	return true;
}

static bool
tb_scalar(void *arg, cl_node_kind kind, const char *text, size_t len)
{
	return tb_push(arg, kind, text, len);
}

static const cl_json_events tree_events = {
	tb_object_start, tb_close, tb_array_start, tb_close, tb_key, tb_scalar
};

bool
cl_json_tree(const char *json, size_t len, cl_arena *arena, cl_node *root,
			 cl_error *err)
{
	tree_builder b;
	bool		ok;
	json_value *rv = NULL;

	memset(&b, 0, sizeof(b));
	b.arena = arena;
	b.tmp = arena->parent;
	ok = cl_json_parse(json, len, b.tmp, &tree_events, &b, err);
	if (ok && b.nitems == 1)
	{
		rv = cl_arena_alloc(arena, sizeof(json_value));
		if (rv)
			*rv = b.items[0].value;
	}
	if (b.items)
		cl_free(b.tmp, b.items);
	if (b.open)
		cl_free(b.tmp, b.open);
	if (b.oom || (ok && rv == NULL))
	{
		cl_error_set(err, CL_ERR_NOMEM, CL_NO_OFFSET, "out of memory building a JSON tree");
		return false;
	}
	if (!ok)
		return false;
	root->ops = &json_tree_ops;
	root->p = rv;
	root->aux = 0;
	return true;
}

/* --- cl_node_ops over the tree ------------------------------------------ */

static inline const json_value *
jv(const cl_node *n)
{
	return (const json_value *) n->p;
}

static inline void
set_node(cl_node *out, const json_value *v)
{
	out->ops = &json_tree_ops;
	out->p = v;
	out->aux = 0;
}

static cl_node_kind
jt_kind(const cl_node *n)
{
	return jv(n)->kind;
}

static size_t
jt_count(const cl_node *n)
{
	const json_value *v = jv(n);

	return (v->kind == CL_NODE_OBJECT || v->kind == CL_NODE_ARRAY) ? v->n : 0;
}

static bool
jt_member_at(const cl_node *n, size_t i, const char **key, size_t *keylen,
			 cl_node *value)
{
	const json_value *v = jv(n);

	if (v->kind != CL_NODE_OBJECT || i >= v->n)
		return false;
	if (key)
		*key = v->u.members[i].key;
	if (keylen)
		*keylen = v->u.members[i].keylen;
	if (value)
		set_node(value, &v->u.members[i].value);
	return true;
}

static bool
jt_member(const cl_node *n, const char *key, size_t keylen, cl_node *value)
{
	const json_value *v = jv(n);

	if (v->kind != CL_NODE_OBJECT)
		return false;
	if (v->index == NULL)
	{
		for (size_t i = 0; i < v->n; i++)
		{
			const json_member *m = &v->u.members[i];

			if (m->keylen == keylen && (keylen == 0 || memcmp(m->key, key, keylen) == 0))
			{
				if (value)
					set_node(value, &m->value);
				return true;
			}
		}
		return false;
	}
	else
	{
		/* leftmost match in the sorted index: the first in document order */
		size_t		lo = 0,
					hi = v->n;

		while (lo < hi)
		{
			size_t		mid = lo + (hi - lo) / 2;
			const json_member *m = v->index[mid];
			size_t		k = m->keylen < keylen ? m->keylen : keylen;
			int			c = k ? memcmp(m->key, key, k) : 0;

			if (c == 0 && m->keylen != keylen)
				c = m->keylen < keylen ? -1 : 1;
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < v->n && v->index[lo]->keylen == keylen &&
			(keylen == 0 || memcmp(v->index[lo]->key, key, keylen) == 0))
		{
			if (value)
				set_node(value, &v->index[lo]->value);
			return true;
		}
		return false;
	}
}

static bool
jt_element(const cl_node *n, size_t i, cl_node *value)
{
	const json_value *v = jv(n);

	if (v->kind != CL_NODE_ARRAY || i >= v->n)
		return false;
	if (value)
		set_node(value, &v->u.elems[i]);
	return true;
}

static bool
jt_scalar(const cl_node *n, const char **text, size_t *len)
{
	const json_value *v = jv(n);

	if (v->kind == CL_NODE_OBJECT || v->kind == CL_NODE_ARRAY)
		return false;
	*text = v->u.text;
	*len = v->n;
	return true;
}

static const cl_node_ops json_tree_ops = {
	jt_kind, jt_count, jt_member_at, jt_member, jt_element, jt_scalar
};

/* ------------------------------------------------------------------------
 * Writing
 * ------------------------------------------------------------------------ */

bool
cl_json_append_string(cl_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t		run = 0;

	if (!cl_buf_reserve(out, len + 2))
		return false;
	cl_buf_append_char(out, '"');
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];
		char		esc[6];
		size_t		n = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		cl_buf_append(out, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		switch (c)
		{
			case '"':
				esc[1] = '"';
				break;
			case '\\':
				esc[1] = '\\';
				break;
			case '\b':
				esc[1] = 'b';
				break;
			case '\f':
				esc[1] = 'f';
				break;
			case '\n':
				esc[1] = 'n';
				break;
			case '\r':
				esc[1] = 'r';
				break;
			case '\t':
				esc[1] = 't';
				break;
			default:
				esc[1] = 'u';
				esc[2] = '0';
				esc[3] = '0';
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				n = 6;
				break;
		}
		cl_buf_append(out, esc, n);
	}
	cl_buf_append(out, s + run, len - run);
	cl_buf_append_char(out, '"');
	return !out->failed;
}
