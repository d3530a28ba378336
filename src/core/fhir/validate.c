/*
 * validate.c
 *		FHIR R4 JSON validation against the model tables, in one pass over
 *		JSON events (clinical/fhir_validate.h).
 *
 * The validator keeps a stack of frames, one per open object or array.  An
 * object frame knows its model type, which of the type's elements (and
 * their "_name" siblings) it has seen (two bitmaps indexed by the element's
 * position in the type) and the member being read; an array frame knows the
 * element it holds and its item count.  Per event the work is a key lookup
 * (fhir_lookup_key, a binary search), a few bit operations, and for
 * primitive values fhir_primitive_check: nothing is allocated in the common
 * case, and the JSON pointer of an issue is built from the frame stack only
 * when an issue is reported.
 *
 * Resources take their type from "resourceType", which JSON allows at any
 * position among the keys.  When keys come before it, the events are
 * recorded (recorder stack) until resourceType arrives, or the object ends,
 * and then replayed through the validator with the type known.  Replay may
 * start a nested recording (a contained resource whose resourceType is
 * late too); recorders form a stack and only the newest one records.
 *
 * Objects without a model type (under an unknown element, a resource of an
 * unknown type) are not validated, except for duplicate keys, found with a
 * hash set of their keys (undone in LIFO order when the object closes).
 *
 * Side tables with stack discipline, truncated when a frame closes:
 *   keys    the text of keys that cannot be rebuilt from the model (unknown
 *           keys, keys of untyped objects), for pointers and duplicates;
 *   recs    per object: the type chosen for each choice element, and the
 *           lengths of primitive arrays and their "_name" siblings.
 */
#include <stdio.h>
#include <string.h>

#include "clinical/fhir_validate.h"
#include "clinical/json.h"

#define BITWORDS 4				/* elements per type are at most 255 */

/* frame flags */
#define F_RESOURCE	0x01		/* a resource object (type from resourceType) */
#define F_NEED_RT	0x02		/* its resourceType has not been read yet */
#define F_RT_SEEN	0x04		/* resourceType read (or reported missing) */

/* what the member being read in an object is */
typedef enum ckind
{
	CK_NONE,
	CK_ELEM,					/* an element value */
	CK_EXT,						/* a "_name" primitive extension object */
	CK_RTYPE,					/* the resourceType of a resource to type */
	CK_OTHER					/* anything else: the value is not validated */
} ckind;

/* what a value in an array is */
typedef enum irole
{
	IR_NONE,					/* not validated */
	IR_ELEM,					/* items of element 'elem', of type 'type' */
	IR_EXT						/* items of the "_name" sibling of 'elem' */
} irole;

typedef struct vframe
{
	bool		is_array;
	uint8_t		flags;
	uint8_t		ckind;			/* objects: enum ckind of the current member */
	uint8_t		role;			/* arrays: enum irole of the items */
	fhir_type_id type;			/* object: its type; array: the items' type */
	fhir_elem_id elem;			/* array: its element */
	fhir_elem_id first;			/* object: its type's first element */
	int32_t		count;			/* object: members; array: items so far */
	int32_t		first_null;		/* array: index of the first null, or -1 */
	fhir_elem_id celem;			/* object: current member's element */
	fhir_type_id ctype;			/* object: current member's value type */
	fhir_type_id rt_base;		/* resource: resourceType must derive from */
	size_t		key_off;		/* CK_OTHER: the key's text in v->keys */
	size_t		key_len;
	size_t		keys_base;		/* side tables' lengths when pushed */
	size_t		recs_base;
	size_t		ukeys_base;
	uint64_t	seen[BITWORDS];
	uint64_t	seen_ext[BITWORDS];
} vframe;

/* per object, per element: the choice made, primitive array lengths */
typedef struct member_rec
{
	fhir_elem_id elem;
	fhir_type_id choice;		/* choice elements: the type chosen */
	int32_t		vlen;			/* length of the value array, or -1 */
	int32_t		xlen;			/* length of the "_name" array, or -1 */
	int32_t		null_at;		/* first null in the value array, or -1 */
} member_rec;

/* a key of an untyped object */
typedef struct ukey
{
	uint32_t	hash;
	uint32_t	frame;
	size_t		off;			/* in v->keys */
	size_t		len;
} ukey;

/* recorded events (buffered while a resource waits for its type) */
enum
{
	EV_OBJ_START,
	EV_OBJ_END,
	EV_ARR_START,
	EV_ARR_END,
	EV_KEY,
	EV_SCALAR
};

typedef struct recorder
{
	cl_buf		buf;
	bool		used;			/* buf initialised */
	bool		replaying;
	bool		await_rt;		/* read "resourceType" at depth 0 */
	int			depth;			/* nesting below the pending object */
} recorder;

struct fhir_validator
{
	const cl_allocator *a;
	fhir_validation_level level;
	int			max_issues;
	bool		stopped;		/* issue limit reached (or out of memory) */
	bool		started;		/* the root value has begun */
	bool		finished;
	bool		oom;
	int			last_ev;		/* the last event fed (for parse errors) */
	fhir_type_id root_type;

	vframe	   *frames;
	int			nframes;
	int			capframes;

	member_rec *recs;
	size_t		nrecs;
	size_t		caprecs;

	cl_buf		keys;

	ukey	   *ukeys;
	size_t		nukeys;
	size_t		capukeys;
	int32_t    *slots;			/* hash table over ukeys, -1 = empty */
	size_t		nslots;			/* a power of two, or 0 */

	recorder   *recorders;
	int			nrecorders;
	int			caprecorders;

	/* level OFF */
	int			off_depth;
	bool		off_await;

	fhir_issue *issues;
	int			nissues;
	size_t		capissues;
	int			nerrors;
};

static bool dispatch(fhir_validator *v, int ev, fhir_scalar_kind kind,
					 const char *text, size_t len);
static void set_other_key(fhir_validator *v, vframe *f, const char *key,
						  size_t len);

/* ------------------------------------------------------------------------
 * Memory
 * ------------------------------------------------------------------------ */

/* makes room for n + 1 items of size elsize in *p (capacity *cap) */
static bool
grow_array(fhir_validator *v, void **p, size_t *cap, size_t n, size_t elsize)
{
	size_t		ncap,
				oldb,
				newb;
	void	   *np;

	if (n < *cap)
		return true;
	ncap = *cap ? *cap * 2 : 16;
	if (!cl_size_mul(ncap, elsize, &newb) || !cl_size_mul(*cap, elsize, &oldb))
		goto fail;
	np = *p ? cl_realloc(v->a, *p, oldb, newb) : cl_alloc(v->a, newb);
	if (np == NULL)
		goto fail;
	*p = np;
	*cap = ncap;
	return true;
fail:
	v->oom = true;
	v->stopped = true;
	return false;
}

static char *
dup_str(fhir_validator *v, const char *s)
{
	return cl_strndup(v->a, s, strlen(s));
}

/* ------------------------------------------------------------------------
 * JSON pointers and issues
 * ------------------------------------------------------------------------ */

static void
ptr_append(cl_buf *out, const char *s, size_t len)
{
	cl_buf_append_char(out, '/');
	for (size_t i = 0; i < len; i++)
	{
		if (s[i] == '~')
			cl_buf_append(out, "~0", 2);
		else if (s[i] == '/')
			cl_buf_append(out, "~1", 2);
		else
			cl_buf_append_char(out, s[i]);
	}
}

/* the JSON name of element e holding type t, "_" first for an extension */
static size_t
elem_json_name(fhir_elem_id e, fhir_type_id t, bool ext, char *out, size_t size)
{
	size_t		n;

	if (size < 2)
		return 0;
	if (ext)
	{
		out[0] = '_';
		n = fhir_element_json_name(e, t, out + 1, size - 1);
		return n ? n + 1 : 0;
	}
	n = fhir_element_json_name(e, t, out, size);
	if (n == 0)
	{
		/* a choice whose type is not known: its base name */
		const char *nm = fhir_element_name(e);

		n = strlen(nm);
		if (n >= size)
			n = size - 1;
		memcpy(out, nm, n);
		out[n] = '\0';
	}
	return n;
}

/* appends the current member or item of frame f */
static void
ptr_frame(fhir_validator *v, const vframe *f, cl_buf *out)
{
	char		name[128];
	size_t		n;

	if (f->is_array)
	{
		cl_buf_printf(out, "/%d", f->count > 0 ? f->count - 1 : 0);
		return;
	}
	switch ((ckind) f->ckind)
	{
		case CK_ELEM:
		case CK_EXT:
			n = elem_json_name(f->celem, f->ctype, f->ckind == CK_EXT, name, sizeof(name));
			ptr_append(out, name, n);
			break;
		case CK_RTYPE:
			ptr_append(out, "resourceType", 12);
			break;
		case CK_OTHER:
			ptr_append(out, v->keys.data + f->key_off, f->key_len);
			break;
		case CK_NONE:
			break;
	}
}

/*
 * add_issue
 *		Records an error at the place the frame stack describes: the value
 *		being read (at_value) or the innermost open container itself.
 *		suffix_elem/suffix_idx, when given, extend the pointer below the
 *		container (a member and an array index).
 */
static void add_issue(fhir_validator *v, bool at_value, fhir_elem_id suffix_elem,
					  int suffix_idx, const char *fmt,...) CL_PRINTF(5, 6);

static void
add_issue(fhir_validator *v, bool at_value, fhir_elem_id suffix_elem,
		  int suffix_idx, const char *fmt,...)
{
	cl_buf		ptr;
	char		msg[CL_ERR_MSG_LEN];
	va_list		ap;
	int			upto = at_value ? v->nframes : v->nframes - 1;
	fhir_issue *is;

	if (v->stopped)
		return;
	if (!grow_array(v, (void **) &v->issues, &v->capissues,
					(size_t) v->nissues, sizeof(fhir_issue)))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cl_buf_init(&ptr, v->a, 64);
	for (int i = 0; i < upto; i++)
		ptr_frame(v, &v->frames[i], &ptr);
	if (suffix_elem != FHIR_NO_ELEM)
	{
		char		name[128];
		size_t		n = elem_json_name(suffix_elem, fhir_element_type(suffix_elem),
									   false, name, sizeof(name));

		ptr_append(&ptr, name, n);
		if (suffix_idx >= 0)
			cl_buf_printf(&ptr, "/%d", suffix_idx);
	}
	is = &v->issues[v->nissues];
	is->severity = FHIR_SEVERITY_ERROR;
	is->message = dup_str(v, msg);
	is->pointer = ptr.failed ? NULL : ptr.data;
	if (is->message == NULL || is->pointer == NULL)
	{
		cl_buf_free(&ptr);
		if (is->message)
			cl_free(v->a, (void *) is->message);
		v->oom = true;
		v->stopped = true;
		return;
	}
	v->nissues++;
	v->nerrors++;
	if (v->max_issues > 0 && v->nerrors >= v->max_issues)
		v->stopped = true;
}

static const char *
kind_name(fhir_scalar_kind k)
{
	switch (k)
	{
		case FHIR_SCALAR_STRING:
			return "a string";
		case FHIR_SCALAR_NUMBER:
			return "a number";
		case FHIR_SCALAR_BOOL:
			return "a boolean";
		case FHIR_SCALAR_NULL:
			return "null";
	}
	return "a scalar";
}

static const char *
json_kind_name(fhir_json_kind k)
{
	switch (k)
	{
		case FHIR_JSON_NUMBER:
			return "a number";
		case FHIR_JSON_BOOLEAN:
			return "a boolean";
		case FHIR_JSON_STRING:
			break;
	}
	return "a string";
}

/* the element's name for messages: "given", "value[x]" */
static const char *
msg_elem(fhir_elem_id e, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", fhir_element_name(e),
			 fhir_element_is_choice(e) ? "[x]" : "");
	return buf;
}

/* ------------------------------------------------------------------------
 * Frames and side tables
 * ------------------------------------------------------------------------ */

static vframe *
push_frame(fhir_validator *v, bool is_array)
{
	vframe	   *f;
	size_t		cap = (size_t) v->capframes;

	if (!grow_array(v, (void **) &v->frames, &cap, (size_t) v->nframes, sizeof(vframe)))
		return NULL;
	v->capframes = (int) cap;
	f = &v->frames[v->nframes++];
	f->is_array = is_array;
	f->flags = 0;
	f->ckind = CK_NONE;
	f->role = IR_NONE;
	f->type = FHIR_NO_TYPE;
	f->elem = FHIR_NO_ELEM;
	f->first = FHIR_NO_ELEM;
	f->count = 0;
	f->first_null = -1;
	f->celem = FHIR_NO_ELEM;
	f->ctype = FHIR_NO_TYPE;
	f->rt_base = FHIR_NO_TYPE;
	f->key_off = 0;
	f->key_len = 0;
	f->keys_base = v->keys.len;
	f->recs_base = v->nrecs;
	f->ukeys_base = v->nukeys;
	if (!is_array)
	{
		memset(f->seen, 0, sizeof(f->seen));
		memset(f->seen_ext, 0, sizeof(f->seen_ext));
	}
	return f;
}

static void
set_object_type(vframe *f, fhir_type_id t)
{
	f->type = t;
	f->first = fhir_type_element(t, 0);
}

static bool
push_object(fhir_validator *v, fhir_type_id t)
{
	vframe	   *f = push_frame(v, false);

	if (f == NULL)
		return false;
	if (t != FHIR_NO_TYPE)
		set_object_type(f, t);
	return true;
}

static bool
push_resource(fhir_validator *v, fhir_type_id base)
{
	vframe	   *f = push_frame(v, false);

	if (f == NULL)
		return false;
	f->flags = F_RESOURCE | F_NEED_RT;
	f->rt_base = base;
	return true;
}

static bool
push_array(fhir_validator *v, irole role, fhir_type_id t, fhir_elem_id e)
{
	vframe	   *f = push_frame(v, true);

	if (f == NULL)
		return false;
	f->role = (uint8_t) role;
	f->type = t;
	f->elem = e;
	return true;
}

static member_rec *
find_rec(fhir_validator *v, const vframe *f, fhir_elem_id e, bool create)
{
	member_rec *r;

	for (size_t i = f->recs_base; i < v->nrecs; i++)
		if (v->recs[i].elem == e)
			return &v->recs[i];
	if (!create ||
		!grow_array(v, (void **) &v->recs, &v->caprecs, v->nrecs, sizeof(member_rec)))
		return NULL;
	r = &v->recs[v->nrecs++];
	r->elem = e;
	r->choice = FHIR_NO_TYPE;
	r->vlen = -1;
	r->xlen = -1;
	r->null_at = -1;
	return r;
}

/* --- the hash set of untyped objects' keys ------------------------------ */

static uint32_t
hash_key(const char *s, size_t len, uint32_t frame)
{
	uint32_t	h = 2166136261u ^ (frame * 0x9E3779B1u);

	for (size_t i = 0; i < len; i++)
	{
		h ^= (unsigned char) s[i];
		h *= 16777619u;
	}
	return h;
}

static bool
rehash(fhir_validator *v, size_t nslots)
{
	size_t		bytes;
	int32_t    *ns;

	if (!cl_size_mul(nslots, sizeof(int32_t), &bytes) ||
		(ns = cl_alloc(v->a, bytes)) == NULL)
	{
		v->oom = true;
		v->stopped = true;
		return false;
	}
	memset(ns, 0xff, bytes);
	/* insertion order, so that LIFO removal stays exact */
	for (size_t i = 0; i < v->nukeys; i++)
	{
		size_t		s = v->ukeys[i].hash & (nslots - 1);

		while (ns[s] >= 0)
			s = (s + 1) & (nslots - 1);
		ns[s] = (int32_t) i;
	}
	if (v->slots)
		cl_free(v->a, v->slots);
	v->slots = ns;
	v->nslots = nslots;
	return true;
}

/*
 * ukey_add
 *		Adds key to the key set of the top (untyped) object; false when it
 *		is already there.  The key's text is appended to v->keys either way
 *		(*off), for the pointer.
 */
static bool
ukey_add(fhir_validator *v, const char *key, size_t len, size_t *off)
{
	uint32_t	frame = (uint32_t) v->nframes;
	uint32_t	h = hash_key(key, len, frame);
	size_t		s;
	ukey	   *u;

	*off = v->keys.len;
	if (!cl_buf_append(&v->keys, key, len))
	{
		v->oom = true;
		v->stopped = true;
		return true;
	}
	if ((v->nukeys + 1) * 2 > v->nslots &&
		!rehash(v, v->nslots ? v->nslots * 2 : 64))
		return true;
	s = h & (v->nslots - 1);
	while (v->slots[s] >= 0)
	{
		const ukey *o = &v->ukeys[v->slots[s]];

		if (o->hash == h && o->frame == frame && o->len == len &&
			memcmp(v->keys.data + o->off, key, len) == 0)
			return false;
		s = (s + 1) & (v->nslots - 1);
	}
	if (!grow_array(v, (void **) &v->ukeys, &v->capukeys, v->nukeys, sizeof(ukey)))
		return true;
	u = &v->ukeys[v->nukeys];
	u->hash = h;
	u->frame = frame;
	u->off = *off;
	u->len = len;
	v->slots[s] = (int32_t) v->nukeys;
	v->nukeys++;
	return true;
}

/* removes the newest keys down to base (newest first: exact undo) */
static void
ukey_truncate(fhir_validator *v, size_t base)
{
	while (v->nukeys > base)
	{
		size_t		i = v->nukeys - 1;
		size_t		s = v->ukeys[i].hash & (v->nslots - 1);

		while (v->slots[s] != (int32_t) i)
			s = (s + 1) & (v->nslots - 1);
		v->slots[s] = -1;
		v->nukeys--;
	}
}

static void
pop_frame(fhir_validator *v)
{
	vframe	   *f = &v->frames[v->nframes - 1];

	if (v->nukeys > f->ukeys_base)
		ukey_truncate(v, f->ukeys_base);
	v->keys.len = f->keys_base;
	if (v->keys.data && !v->keys.failed)
		v->keys.data[v->keys.len] = '\0';
	/* an array adds its lengths to its parent's records as it closes */
	if (!f->is_array)
		v->nrecs = f->recs_base;
	v->nframes--;
}

/* ------------------------------------------------------------------------
 * Resource types
 * ------------------------------------------------------------------------ */

/*
 * resolve_rt
 *		The top frame is a resource; its resourceType value is (kind, text),
 *		or a container when nonscalar names it ("an object").  Sets the
 *		frame's type, or leaves it untyped after an issue.
 */
static void
resolve_rt(fhir_validator *v, fhir_scalar_kind kind, const char *text, size_t len,
		   const char *nonscalar)
{
	vframe	   *f = &v->frames[v->nframes - 1];
	char		frag[CL_ERR_FRAGMENT_CHARS * 4 + 8];
	fhir_type_id t;

	f->flags = (uint8_t) ((f->flags & ~F_NEED_RT) | F_RT_SEEN);
	f->ckind = CK_RTYPE;
	if (nonscalar || kind != FHIR_SCALAR_STRING)
	{
		add_issue(v, true, FHIR_NO_ELEM, -1, "resourceType must be a string, not %s",
				  nonscalar ? nonscalar : kind_name(kind));
		return;
	}
	cl_fragment(frag, sizeof(frag), text, len, 0, CL_ERR_FRAGMENT_CHARS);
	t = fhir_type_lookup(text, len);
	if (!fhir_type_is_resource(t))
	{
		if (len == 0)
			add_issue(v, true, FHIR_NO_ELEM, -1, "resourceType must not be empty");
		else
			add_issue(v, true, FHIR_NO_ELEM, -1, "unknown resourceType \"%s\"", frag);
		return;
	}
	if (fhir_type_is_abstract(t))
	{
		add_issue(v, true, FHIR_NO_ELEM, -1,
				  "resourceType \"%s\" is abstract; a concrete resource type is required",
				  frag);
		return;
	}
	if (f->rt_base != FHIR_NO_TYPE && !fhir_type_derives_from(t, f->rt_base))
		add_issue(v, true, FHIR_NO_ELEM, -1,
				  "resourceType \"%s\" is not allowed here (expected %s)",
				  frag, fhir_type_name(f->rt_base));
	set_object_type(f, t);
	if (v->nframes == 1)
		v->root_type = t;
}

/* --- recording and replay ------------------------------------------------ */

static bool
start_recording(fhir_validator *v)
{
	recorder   *r;
	size_t		cap = (size_t) v->caprecorders;

	if (v->nrecorders >= v->caprecorders)
	{
		size_t		old = cap;

		if (!grow_array(v, (void **) &v->recorders, &cap, (size_t) v->nrecorders,
						sizeof(recorder)))
			return false;
		memset(v->recorders + old, 0, (cap - old) * sizeof(recorder));
		v->caprecorders = (int) cap;
	}
	r = &v->recorders[v->nrecorders++];
	if (!r->used)
	{
		cl_buf_init(&r->buf, v->a, 256);
		r->used = true;
	}
	r->buf.len = 0;
	r->replaying = false;
	r->await_rt = false;
	r->depth = 0;
	return true;
}

static void
record(fhir_validator *v, recorder *r, int ev, fhir_scalar_kind kind,
	   const char *text, size_t len)
{
	unsigned char h[6];

	h[0] = (unsigned char) ev;
	if (ev != EV_KEY && ev != EV_SCALAR)
	{
		cl_buf_append(&r->buf, h, 1);
		return;
	}
	h[1] = (unsigned char) kind;
	h[2] = (unsigned char) (len >> 24);
	h[3] = (unsigned char) (len >> 16);
	h[4] = (unsigned char) (len >> 8);
	h[5] = (unsigned char) len;
	cl_buf_append(&r->buf, h, 6);
	cl_buf_append(&r->buf, text, len);
	if (r->buf.failed)
	{
		v->oom = true;
		v->stopped = true;
	}
}

/* replays the newest recorder's events, then drops it */
static void
replay(fhir_validator *v)
{
	int			ri = v->nrecorders - 1;
	const unsigned char *p;
	size_t		n,
				i = 0;

	v->recorders[ri].replaying = true;
	p = (const unsigned char *) v->recorders[ri].buf.data;
	n = v->recorders[ri].buf.failed ? 0 : v->recorders[ri].buf.len;
	while (i < n && !v->stopped)
	{
		int			ev = p[i];

		if (ev == EV_KEY || ev == EV_SCALAR)
		{
			size_t		len = ((size_t) p[i + 2] << 24) | ((size_t) p[i + 3] << 16) |
				((size_t) p[i + 4] << 8) | (size_t) p[i + 5];

			dispatch(v, ev, (fhir_scalar_kind) p[i + 1], (const char *) p + i + 6, len);
			i += 6 + len;
		}
		else
		{
			dispatch(v, ev, FHIR_SCALAR_NULL, NULL, 0);
			i++;
		}
	}
	/* nested recorders started during the replay have all finished */
	v->nrecorders = ri;
}

/*
 * record_event
 *		The newest recorder is recording: store the event, unless it is the
 *		pending resource's resourceType (then type it and replay) or its end
 *		(then report the missing resourceType and replay).  Returns true
 *		when the event was consumed.
 */
static bool
record_event(fhir_validator *v, int ev, fhir_scalar_kind kind,
			 const char *text, size_t len)
{
	recorder   *r = &v->recorders[v->nrecorders - 1];

	if (r->await_rt)
	{
		if (ev == EV_SCALAR)
		{
			resolve_rt(v, kind, text, len, NULL);
			replay(v);
			return true;
		}
		/* an object or array as resourceType: the resource stays untyped */
		resolve_rt(v, kind, NULL, 0, ev == EV_OBJ_START ? "an object" : "an array");
		replay(v);
		set_other_key(v, &v->frames[v->nframes - 1], "resourceType", 12);
		return false;
	}
	switch (ev)
	{
		case EV_OBJ_START:
		case EV_ARR_START:
			r->depth++;
			break;
		case EV_OBJ_END:
		case EV_ARR_END:
			if (r->depth == 0)
			{
				vframe	   *f = &v->frames[v->nframes - 1];

				add_issue(v, false, FHIR_NO_ELEM, -1, "missing resourceType");
				f->flags = (uint8_t) ((f->flags & ~F_NEED_RT) | F_RT_SEEN);
				replay(v);
				return false;
			}
			r->depth--;
			break;
		case EV_KEY:
			if (r->depth == 0 && len == 12 && memcmp(text, "resourceType", 12) == 0)
			{
				r->await_rt = true;
				v->frames[v->nframes - 1].count++;
				return true;
			}
			break;
		default:
			break;
	}
	record(v, r, ev, kind, text, len);
	return true;
}

/* ------------------------------------------------------------------------
 * Values
 * ------------------------------------------------------------------------ */

static void
check_primitive(fhir_validator *v, vframe *f, fhir_prim_kind prim,
				fhir_scalar_kind kind, const char *text, size_t len, bool in_array)
{
	fhir_json_kind want = fhir_primitive_json_kind(prim);
	fhir_scalar_kind wantk;
	cl_error	err;

	if (kind == FHIR_SCALAR_NULL)
	{
		if (in_array)
		{
			if (f->first_null < 0)
				f->first_null = f->count - 1;
		}
		else
			add_issue(v, true, FHIR_NO_ELEM, -1, "null is not allowed here");
		return;
	}
	wantk = want == FHIR_JSON_NUMBER ? FHIR_SCALAR_NUMBER :
		want == FHIR_JSON_BOOLEAN ? FHIR_SCALAR_BOOL : FHIR_SCALAR_STRING;
	if (kind != wantk)
	{
		add_issue(v, true, FHIR_NO_ELEM, -1, "expected %s (FHIR %s), found %s",
				  json_kind_name(want), fhir_primitive_name(prim), kind_name(kind));
		return;
	}
	if (len == 0)
	{
		add_issue(v, true, FHIR_NO_ELEM, -1, "empty string is not allowed");
		return;
	}
	if (!fhir_primitive_check(prim, text, len, &err))
		add_issue(v, true, FHIR_NO_ELEM, -1, "%s", err.message);
}

/*
 * value_start
 *		A value begins (what: EV_OBJ_START, EV_ARR_START or EV_SCALAR):
 *		checks it against what its place expects and pushes its frame.
 */
static void
value_start(fhir_validator *v, int what, fhir_scalar_kind kind,
			const char *text, size_t len)
{
	vframe	   *f;
	int			role;
	fhir_type_id type;
	fhir_elem_id elem;
	bool		in_array;
	char		nb[80];

	if (v->nframes == 0)
	{
		v->started = true;
		if (what == EV_OBJ_START)
		{
			push_resource(v, FHIR_NO_TYPE);
			return;
		}
		add_issue(v, true, FHIR_NO_ELEM, -1, "a FHIR resource must be a JSON object, not %s",
				  what == EV_ARR_START ? "an array" : kind_name(kind));
		if (what == EV_ARR_START)
			push_array(v, IR_NONE, FHIR_NO_TYPE, FHIR_NO_ELEM);
		return;
	}
	f = &v->frames[v->nframes - 1];
	if (f->is_array)
	{
		f->count++;
		if (f->role == IR_NONE)
			goto untyped;
		if (what == EV_ARR_START)
		{
			add_issue(v, true, FHIR_NO_ELEM, -1, "nested arrays are not allowed");
			goto untyped;
		}
		role = f->role == IR_ELEM ? CK_ELEM : CK_EXT;
		type = f->type;
		elem = f->elem;
		in_array = true;
	}
	else
	{
		switch ((ckind) f->ckind)
		{
			case CK_ELEM:
			case CK_EXT:
				break;
			case CK_RTYPE:
				if (what == EV_SCALAR)
				{
					resolve_rt(v, kind, text, len, NULL);
					return;
				}
				resolve_rt(v, kind, NULL, 0,
						   what == EV_OBJ_START ? "an object" : "an array");
				set_other_key(v, f, "resourceType", 12);
				goto untyped;
			default:
				goto untyped;
		}
		role = f->ckind;
		type = f->ctype;
		elem = f->celem;
		in_array = false;
		if (fhir_element_is_array(elem))
		{
			if (what == EV_ARR_START)
			{
				push_array(v, role == CK_ELEM ? IR_ELEM : IR_EXT, type, elem);
				return;
			}
			add_issue(v, true, FHIR_NO_ELEM, -1,
					  "\"%s\" must be an array (it repeats)", msg_elem(elem, nb, sizeof(nb)));
		}
		else if (what == EV_ARR_START)
		{
			add_issue(v, true, FHIR_NO_ELEM, -1,
					  "\"%s\" must not be an array (it does not repeat)",
					  msg_elem(elem, nb, sizeof(nb)));
			/* validate the items as single values */
			push_array(v, role == CK_ELEM ? IR_ELEM : IR_EXT, type, elem);
			return;
		}
	}

	/* one value of element elem, of type type */
	if (role == CK_EXT)
	{
		if (what == EV_OBJ_START)
		{
			push_object(v, type);
			return;
		}
		if (kind == FHIR_SCALAR_NULL && in_array)
			return;
		add_issue(v, true, FHIR_NO_ELEM, -1,
				  "expected an object (id and extensions of a FHIR %s), found %s",
				  fhir_type_name(type), kind_name(kind));
		return;
	}
	if (fhir_type_is_primitive(type))
	{
		if (what == EV_SCALAR)
		{
			check_primitive(v, f, fhir_type_primitive(type), kind, text, len, in_array);
			return;
		}
		add_issue(v, true, FHIR_NO_ELEM, -1, "expected %s (FHIR %s), found an object",
				  json_kind_name(fhir_primitive_json_kind(fhir_type_primitive(type))),
				  fhir_type_name(type));
		goto untyped;
	}
	if (what == EV_OBJ_START)
	{
		if (fhir_type_is_resource(type))
			push_resource(v, type);
		else
			push_object(v, type);
		return;
	}
	if (kind == FHIR_SCALAR_NULL)
		add_issue(v, true, FHIR_NO_ELEM, -1, "null is not allowed here");
	else
		add_issue(v, true, FHIR_NO_ELEM, -1, "expected an object (FHIR %s), found %s",
				  fhir_type_name(type), kind_name(kind));
	return;

untyped:
	if (what == EV_OBJ_START)
		push_object(v, FHIR_NO_TYPE);
	else if (what == EV_ARR_START)
		push_array(v, IR_NONE, FHIR_NO_TYPE, FHIR_NO_ELEM);
}

/* ------------------------------------------------------------------------
 * Keys
 * ------------------------------------------------------------------------ */

static inline bool
bit_test_set(uint64_t *bits, int i)
{
	uint64_t	m = (uint64_t) 1 << (i & 63);
	bool		was = (bits[i >> 6] & m) != 0;

	bits[i >> 6] |= m;
	return was;
}

static inline bool
bit_test(const uint64_t *bits, int i)
{
	return (bits[i >> 6] & ((uint64_t) 1 << (i & 63))) != 0;
}

static void
set_other_key(fhir_validator *v, vframe *f, const char *key, size_t len)
{
	f->ckind = CK_OTHER;
	f->key_off = v->keys.len;
	f->key_len = len;
	if (!cl_buf_append(&v->keys, key, len))
	{
		f->key_len = 0;
		v->oom = true;
		v->stopped = true;
	}
}

static void
key_event(fhir_validator *v, const char *key, size_t len)
{
	vframe	   *f = &v->frames[v->nframes - 1];
	fhir_key	k;
	char		frag[CL_ERR_FRAGMENT_CHARS * 4 + 8];
	int			idx;
	bool		dup;

	f->count++;
	if (f->type == FHIR_NO_TYPE)
	{
		size_t		off;

		if ((f->flags & F_NEED_RT) &&
			len == 12 && memcmp(key, "resourceType", 12) == 0)
		{
			f->ckind = CK_RTYPE;
			return;
		}
		if (f->flags & F_NEED_RT)
		{
			/* keys before resourceType: record until it comes */
			if (start_recording(v))
			{
				f->count--;
				record_event(v, EV_KEY, FHIR_SCALAR_STRING, key, len);
			}
			return;
		}
		dup = !ukey_add(v, key, len, &off);
		if ((f->flags & F_RESOURCE) && len == 12 && memcmp(key, "resourceType", 12) == 0)
			dup = true;			/* the first one was read already */
		f->ckind = CK_OTHER;
		f->key_off = off;
		f->key_len = len;
		if (dup)
		{
			cl_fragment(frag, sizeof(frag), key, len, 0, CL_ERR_FRAGMENT_CHARS);
			add_issue(v, true, FHIR_NO_ELEM, -1, "duplicate key \"%s\"", frag);
		}
		return;
	}

	switch (fhir_lookup_key(f->type, key, len, &k))
	{
		case FHIR_KEY_ELEMENT:
		case FHIR_KEY_PRIMITIVE_EXT:
			f->ckind = k.kind == FHIR_KEY_ELEMENT ? CK_ELEM : CK_EXT;
			f->celem = k.elem;
			f->ctype = k.type;
			idx = k.elem - f->first;
			dup = bit_test_set(k.kind == FHIR_KEY_ELEMENT ? f->seen : f->seen_ext, idx);
			if (CL_UNLIKELY(fhir_element_is_choice(k.elem)))
			{
				member_rec *r = find_rec(v, f, k.elem, true);

				if (r == NULL)
					return;
				if (r->choice == FHIR_NO_TYPE)
					r->choice = k.type;
				else if (r->choice != k.type)
				{
					char		a[80],
								b[80],
								nb[80];

					elem_json_name(k.elem, r->choice, false, a, sizeof(a));
					elem_json_name(k.elem, k.type, false, b, sizeof(b));
					add_issue(v, true, FHIR_NO_ELEM, -1,
							  "more than one type for choice element \"%s\": \"%s\" and \"%s\"",
							  msg_elem(k.elem, nb, sizeof(nb)), a, b);
					return;
				}
			}
			if (CL_UNLIKELY(dup))
			{
				cl_fragment(frag, sizeof(frag), key, len, 0, CL_ERR_FRAGMENT_CHARS);
				add_issue(v, true, FHIR_NO_ELEM, -1, "duplicate key \"%s\"", frag);
			}
			else if (CL_UNLIKELY(fhir_element_max(k.elem) == 0))
			{
				cl_fragment(frag, sizeof(frag), key, len, 0, CL_ERR_FRAGMENT_CHARS);
				add_issue(v, true, FHIR_NO_ELEM, -1, "element \"%s\" is not allowed in %s",
						  frag, fhir_type_name(f->type));
				set_other_key(v, f, key, len);
			}
			return;
		case FHIR_KEY_RESOURCE_TYPE:
			set_other_key(v, f, key, len);
			if (f->flags & F_RT_SEEN)
				add_issue(v, true, FHIR_NO_ELEM, -1, "duplicate key \"resourceType\"");
			f->flags |= F_RT_SEEN;
			return;
		case FHIR_KEY_UNKNOWN:
			{
				size_t		off;

				/* unknown keys join the key set, for duplicates among them */
				dup = !ukey_add(v, key, len, &off);
				f->ckind = CK_OTHER;
				f->key_off = off;
				f->key_len = len;
			}
			cl_fragment(frag, sizeof(frag), key, len, 0, CL_ERR_FRAGMENT_CHARS);
			if (dup)
				add_issue(v, true, FHIR_NO_ELEM, -1, "duplicate key \"%s\"", frag);
			if (fhir_type_is_primitive(f->type))
				add_issue(v, true, FHIR_NO_ELEM, -1,
						  "unknown element \"%s\" in the extension object of a FHIR %s (only id and extension)",
						  frag, fhir_type_name(f->type));
			else
				add_issue(v, true, FHIR_NO_ELEM, -1, "unknown element \"%s\" in %s",
						  frag, fhir_type_name(f->type));
			return;
	}
}

/* ------------------------------------------------------------------------
 * Ends
 * ------------------------------------------------------------------------ */

static void
object_end(fhir_validator *v)
{
	vframe	   *f = &v->frames[v->nframes - 1];
	char		nb[80];

	if ((f->flags & F_RESOURCE) && !(f->flags & F_RT_SEEN))
		add_issue(v, false, FHIR_NO_ELEM, -1, "missing resourceType");
	else if (f->count == 0)
		add_issue(v, false, FHIR_NO_ELEM, -1, "empty object is not allowed");
	if (f->type != FHIR_NO_TYPE)
	{
		/* nulls in a primitive array need the "_name" array beside them */
		for (size_t i = f->recs_base; i < v->nrecs && !v->stopped; i++)
		{
			member_rec *r = &v->recs[i];

			if (r->null_at >= 0 && r->xlen < 0)
			{
				char		xb[80];

				elem_json_name(r->elem, fhir_element_type(r->elem), true, xb, sizeof(xb));
				add_issue(v, false, r->elem, r->null_at,
						  "null is only allowed with a \"%s\" array beside it", xb);
			}
		}
		if (v->level == FHIR_VALIDATE_STRICT && fhir_type_has_required(f->type) &&
			f->count > 0)
		{
			int			n = fhir_type_nelements(f->type);

			for (int i = 0; i < n && !v->stopped; i++)
			{
				fhir_elem_id e = f->first + i;

				if (fhir_element_is_required(e) &&
					!bit_test(f->seen, i) && !bit_test(f->seen_ext, i))
					add_issue(v, false, FHIR_NO_ELEM, -1,
							  "missing required element \"%s\" (%s)",
							  msg_elem(e, nb, sizeof(nb)), fhir_type_name(f->type));
			}
		}
	}
	pop_frame(v);
}

static void
array_end(fhir_validator *v)
{
	vframe	   *f = &v->frames[v->nframes - 1];
	vframe	   *parent = v->nframes >= 2 ? &v->frames[v->nframes - 2] : NULL;

	if (f->count == 0)
		add_issue(v, false, FHIR_NO_ELEM, -1, "empty array is not allowed");
	else if (parent && !parent->is_array && f->role != IR_NONE &&
			 fhir_element_is_array(f->elem) &&
			 (f->role == IR_EXT || fhir_type_is_primitive(f->type)))
	{
		member_rec *r = find_rec(v, parent, f->elem, true);

		if (r)
		{
			if (f->role == IR_ELEM)
			{
				r->vlen = f->count;
				r->null_at = f->first_null;
			}
			else
				r->xlen = f->count;
			if (r->vlen >= 0 && r->xlen >= 0 && r->vlen != r->xlen)
			{
				char		a[80],
							b[80];

				elem_json_name(f->elem, f->type, f->role == IR_EXT, a, sizeof(a));
				elem_json_name(f->elem, f->type, f->role != IR_EXT, b, sizeof(b));
				add_issue(v, false, FHIR_NO_ELEM, -1,
						  "\"%s\" has %d items but \"%s\" has %d; they must align",
						  a, f->count, b, f->role == IR_EXT ? r->vlen : r->xlen);
			}
		}
	}
	pop_frame(v);
}

/* ------------------------------------------------------------------------
 * Event dispatch
 * ------------------------------------------------------------------------ */

static bool
process(fhir_validator *v, int ev, fhir_scalar_kind kind, const char *text, size_t len)
{
	switch (ev)
	{
		case EV_OBJ_START:
		case EV_ARR_START:
		case EV_SCALAR:
			if (v->nframes == 0 && v->started)
				return true;	/* a second document: the feeder's problem */
			value_start(v, ev, kind, text, len);
			break;
		case EV_OBJ_END:
			if (v->nframes > 0 && !v->frames[v->nframes - 1].is_array)
				object_end(v);
			break;
		case EV_ARR_END:
			if (v->nframes > 0 && v->frames[v->nframes - 1].is_array)
				array_end(v);
			break;
		case EV_KEY:
			if (v->nframes > 0 && !v->frames[v->nframes - 1].is_array)
				key_event(v, text, len);
			break;
	}
	return !v->stopped;
}

static bool
dispatch(fhir_validator *v, int ev, fhir_scalar_kind kind, const char *text,
		 size_t len)
{
	if (v->nrecorders > 0 && !v->recorders[v->nrecorders - 1].replaying &&
		record_event(v, ev, kind, text, len))
		return !v->stopped;
	return process(v, ev, kind, text, len);
}

/* --- level OFF: a JSON object with a known resourceType ----------------- */

static bool
off_event(fhir_validator *v, int ev, fhir_scalar_kind kind, const char *text,
		  size_t len)
{
	switch (ev)
	{
		case EV_OBJ_START:
		case EV_ARR_START:
		case EV_SCALAR:
			if (v->off_depth == 0)
			{
				if (v->started)
					return true;
				v->started = true;
				if (ev != EV_OBJ_START)
				{
					add_issue(v, true, FHIR_NO_ELEM, -1,
							  "a FHIR resource must be a JSON object, not %s",
							  ev == EV_ARR_START ? "an array" : kind_name(kind));
					if (ev == EV_ARR_START)
						v->off_depth++;
					return !v->stopped;
				}
				/* the root frame, only for pointers */
				if (!push_resource(v, FHIR_NO_TYPE))
					return false;
				v->off_depth++;
				return true;
			}
			if (v->off_await)
			{
				v->off_await = false;
				if (ev == EV_SCALAR)
					resolve_rt(v, kind, text, len, NULL);
				else
					resolve_rt(v, kind, NULL, 0,
							   ev == EV_OBJ_START ? "an object" : "an array");
			}
			if (ev != EV_SCALAR)
				v->off_depth++;
			break;
		case EV_OBJ_END:
		case EV_ARR_END:
			if (v->off_depth > 0 && --v->off_depth == 0 && v->nframes > 0)
			{
				if (!(v->frames[0].flags & F_RT_SEEN))
					add_issue(v, false, FHIR_NO_ELEM, -1, "missing resourceType");
				pop_frame(v);
			}
			break;
		case EV_KEY:
			if (v->off_depth == 1 && v->nframes > 0 &&
				len == 12 && memcmp(text, "resourceType", 12) == 0 &&
				!(v->frames[0].flags & F_RT_SEEN))
			{
				v->frames[0].ckind = CK_RTYPE;
				v->off_await = true;
			}
			break;
	}
	return !v->stopped;
}

static inline bool
feed(fhir_validator *v, int ev, fhir_scalar_kind kind, const char *text, size_t len)
{
	if (v == NULL || v->stopped || v->finished)
		return false;
	v->last_ev = ev;
	if (v->level == FHIR_VALIDATE_OFF)
		return off_event(v, ev, kind, text, len);
	return dispatch(v, ev, kind, text, len);
}

/* ------------------------------------------------------------------------
 * The API
 * ------------------------------------------------------------------------ */

fhir_validator *
fhir_validator_create(const cl_allocator *a, fhir_validation_level level,
					  int max_issues)
{
	fhir_validator *v = cl_alloc0(a, sizeof(fhir_validator));

	if (v == NULL)
		return NULL;
	v->a = a;
	v->level = level;
	v->max_issues = max_issues < 0 ? 0 : max_issues;
	v->root_type = FHIR_NO_TYPE;
	cl_buf_init(&v->keys, a, 64);
	if (v->keys.failed)
	{
		cl_free(a, v);
		return NULL;
	}
	return v;
}

void
fhir_validator_destroy(fhir_validator *v)
{
	const cl_allocator *a;

	if (v == NULL)
		return;
	a = v->a;
	for (int i = 0; i < v->nissues; i++)
	{
		cl_free(a, (void *) v->issues[i].pointer);
		cl_free(a, (void *) v->issues[i].message);
	}
	for (int i = 0; i < v->caprecorders; i++)
		if (v->recorders[i].used)
			cl_buf_free(&v->recorders[i].buf);
	if (v->issues)
		cl_free(a, v->issues);
	if (v->frames)
		cl_free(a, v->frames);
	if (v->recs)
		cl_free(a, v->recs);
	if (v->ukeys)
		cl_free(a, v->ukeys);
	if (v->slots)
		cl_free(a, v->slots);
	if (v->recorders)
		cl_free(a, v->recorders);
	cl_buf_free(&v->keys);
	cl_free(a, v);
}

bool
fhir_v_object_start(fhir_validator *v)
{
	return feed(v, EV_OBJ_START, FHIR_SCALAR_NULL, NULL, 0);
}

bool
fhir_v_object_end(fhir_validator *v)
{
	return feed(v, EV_OBJ_END, FHIR_SCALAR_NULL, NULL, 0);
}

bool
fhir_v_array_start(fhir_validator *v)
{
	return feed(v, EV_ARR_START, FHIR_SCALAR_NULL, NULL, 0);
}

bool
fhir_v_array_end(fhir_validator *v)
{
	return feed(v, EV_ARR_END, FHIR_SCALAR_NULL, NULL, 0);
}

bool
fhir_v_key(fhir_validator *v, const char *key, size_t len)
{
	return feed(v, EV_KEY, FHIR_SCALAR_STRING, key, len);
}

bool
fhir_v_scalar(fhir_validator *v, fhir_scalar_kind kind, const char *text, size_t len)
{
	if ((int) kind < FHIR_SCALAR_STRING || (int) kind > FHIR_SCALAR_NULL)
		kind = FHIR_SCALAR_NULL;
	if (text == NULL)
		len = 0;
	return feed(v, EV_SCALAR, kind, text, len);
}

bool
fhir_v_finish(fhir_validator *v)
{
	if (v == NULL)
		return false;
	if (!v->stopped && !v->finished)
	{
		if (!v->started)
			add_issue(v, true, FHIR_NO_ELEM, -1, "no JSON document");
		else if (v->nframes > 0 || v->off_depth > 0)
			add_issue(v, true, FHIR_NO_ELEM, -1, "the JSON document is incomplete");
	}
	v->finished = true;
	return v->nerrors == 0 && !v->oom;
}

int
fhir_validator_nissues(const fhir_validator *v)
{
	return v ? v->nissues : 0;
}

const fhir_issue *
fhir_validator_issue(const fhir_validator *v, int i)
{
	if (v == NULL || i < 0 || i >= v->nissues)
		return NULL;
	return &v->issues[i];
}

int
fhir_validator_nerrors(const fhir_validator *v)
{
	return v ? v->nerrors : 0;
}

fhir_type_id
fhir_validator_resource_type(const fhir_validator *v)
{
	return v ? v->root_type : FHIR_NO_TYPE;
}

/* --- JSON text ------------------------------------------------------------ */

static bool
jt_object_start(void *arg)
{
	return fhir_v_object_start(arg);
}

static bool
jt_object_end(void *arg)
{
	return fhir_v_object_end(arg);
}

static bool
jt_array_start(void *arg)
{
	return fhir_v_array_start(arg);
}

static bool
jt_array_end(void *arg)
{
	return fhir_v_array_end(arg);
}

static bool
jt_key(void *arg, const char *key, size_t len)
{
	return fhir_v_key(arg, key, len);
}

static bool
jt_scalar(void *arg, cl_node_kind kind, const char *text, size_t len)
{
	fhir_scalar_kind k;

	switch (kind)
	{
		case CL_NODE_STRING:
			k = FHIR_SCALAR_STRING;
			break;
		case CL_NODE_NUMBER:
			k = FHIR_SCALAR_NUMBER;
			break;
		case CL_NODE_BOOL:
			k = FHIR_SCALAR_BOOL;
			break;
		default:
			k = FHIR_SCALAR_NULL;
			break;
	}
	return fhir_v_scalar(arg, k, text, len);
}

static const cl_json_events validator_events = {
	jt_object_start, jt_object_end, jt_array_start, jt_array_end, jt_key, jt_scalar
};

fhir_validator *
fhir_validate_json_text(const cl_allocator *a, const char *json, size_t len,
						fhir_validation_level level, int max_issues)
{
	fhir_validator *v = fhir_validator_create(a, level, max_issues);
	cl_error	err;

	if (v == NULL)
		return NULL;
	if (!cl_json_parse(json, len, a, &validator_events, v, &err) &&
		err.code != CL_OK && !v->stopped)
	{
		/*
		 * The place: the value being read after a key or within an array
		 * (as far as the frames know; a resource waiting for its
		 * resourceType points at itself), else the innermost container.
		 */
		const vframe *f = v->nframes > 0 ? &v->frames[v->nframes - 1] : NULL;
		bool		recording = v->nrecorders > 0 &&
			!v->recorders[v->nrecorders - 1].replaying;
		bool		at_value = f != NULL && !recording &&
			(v->last_ev == EV_KEY || v->last_ev == EV_OBJ_START ||
			 v->last_ev == EV_ARR_START) &&
			(f->is_array ? f->count > 0 : f->ckind != CK_NONE);

		add_issue(v, at_value, FHIR_NO_ELEM, -1, "%s", err.message);
		v->finished = true;
		return v;
	}
	fhir_v_finish(v);
	return v;
}
