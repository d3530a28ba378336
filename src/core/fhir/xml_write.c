/*
 * xml_write.c
 *		FHIR JSON (any cl_node document) -> FHIR R4 XML text.
 *
 * An object's members are read once (member_at, whatever order the
 * document keeps: jsonb sorts keys by length), resolved against the type
 * (fhir_lookup_key), and sorted by the element's position in definition
 * order, which is the order XML requires.  A value and its "_name" sibling
 * meet in the same run and become one XML element (or one per array
 * position).  XML-attribute elements (Element.id, Extension.url) go into the
 * start tag, primitive values into value="...", nested resources inside
 * their container element, and the narrative div is written as given after
 * checking that it is one well-formed XHTML div.  Scratch memory is an
 * arena on out's allocator.
 */
#include <stdio.h>
#include <string.h>

#include "clinical/fhir_model.h"
#include "fhir_xml_internal.h"

/* one member of an object, resolved against the object's type */
typedef struct jx_member
{
	int			idx;			/* element position in definition order */
	bool		ext;			/* the "_name" sibling */
	fhir_elem_id elem;
	fhir_type_id type;			/* value type (choice resolved) */
	const char *key;
	size_t		keylen;
	cl_node		value;
} jx_member;

/* a step of the JSON pointer to the current value */
typedef struct jx_step
{
	const char *key;			/* NULL for an array index */
	size_t		keylen;
	size_t		index;
} jx_step;

typedef struct jx_ctx
{
	cl_arena	arena;
	cl_buf	   *out;
	cl_error   *err;
	int			depth;
	jx_step		path[FHIR_XML_MAX_DEPTH * 2 + 4];
	int			npath;
} jx_ctx;

static bool jx_element(jx_ctx *c, const char *name, fhir_type_id t,
					   const cl_node *obj, const cl_node *value, bool root);
static bool jx_resource(jx_ctx *c, const cl_node *obj, bool root);

/* ------------------------------------------------------------------------
 * Errors and the JSON pointer
 * ------------------------------------------------------------------------ */

static bool
jx_fail(jx_ctx *c, cl_errcode code, const char *fmt,...) CL_PRINTF(3, 4);

static bool
jx_fail(jx_ctx *c, cl_errcode code, const char *fmt,...)
{
	va_list		ap;
	char		msg[CL_ERR_MSG_LEN];
	char		where[CL_ERR_WHERE_LEN];
	size_t		n = 0;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	where[0] = '\0';
	for (int i = 0; i < c->npath && n + 1 < sizeof(where); i++)
	{
		int			w;

		if (c->path[i].key)
		{
			char		frag[64];

			cl_fragment(frag, sizeof(frag), c->path[i].key, c->path[i].keylen,
						0, 40);
			w = snprintf(where + n, sizeof(where) - n, "/%s", frag);
		}
		else
			w = snprintf(where + n, sizeof(where) - n, "/%zu", c->path[i].index);
		if (w < 0 || (size_t) w >= sizeof(where) - n)
			break;
		n += (size_t) w;
	}
	if (n == 0)
		snprintf(where, sizeof(where), "/");
	cl_error_set(c->err, code, CL_NO_OFFSET, "%s: %s", where, msg);
	cl_error_where(c->err, "%s", where);
	return false;
}

static bool
jx_nomem(jx_ctx *c)
{
	return cl_error_set(c->err, CL_ERR_NOMEM, CL_NO_OFFSET,
						"out of memory converting FHIR JSON to XML");
}

static bool
jx_push_key(jx_ctx *c, const char *key, size_t keylen)
{
	if (c->npath >= (int) (sizeof(c->path) / sizeof(c->path[0])))
		return jx_fail(c, CL_ERR_LIMIT, "FHIR elements nested deeper than %d "
					   "levels", FHIR_XML_MAX_DEPTH);
	c->path[c->npath].key = key;
	c->path[c->npath].keylen = keylen;
	c->npath++;
	return true;
}

static bool
jx_push_index(jx_ctx *c, size_t index)
{
	if (c->npath >= (int) (sizeof(c->path) / sizeof(c->path[0])))
		return jx_fail(c, CL_ERR_LIMIT, "FHIR elements nested deeper than %d "
					   "levels", FHIR_XML_MAX_DEPTH);
	c->path[c->npath].key = NULL;
	c->path[c->npath].index = index;
	c->npath++;
	return true;
}

static inline void
jx_pop(jx_ctx *c)
{
	c->npath--;
}

/* ------------------------------------------------------------------------
 * Output
 * ------------------------------------------------------------------------ */

/*
 * Appends s[0..len) escaped for a double-quoted XML attribute value.  TAB,
 * LF and CR become character references (attribute-value normalisation
 * would turn them into spaces); other C0 controls, U+FFFE, U+FFFF and
 * invalid UTF-8 cannot appear in XML 1.0 at all.
 */
static bool
jx_attr_text(jx_ctx *c, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	const unsigned char *end = p + len;

	while (p < end)
	{
		const unsigned char *r = p;
		const char *rep;

		while (r < end && *r >= 0x20 && *r < 0x80 && *r != '&' && *r != '<' &&
			   *r != '>' && *r != '"')
			r++;
		if (r > p)
			cl_buf_append(c->out, p, (size_t) (r - p));
		if (r == end)
			break;
		if (*r >= 0x80)
		{
			int			n = cl_utf8_seqlen(r, (size_t) (end - r));

			if (n == 0)
				return jx_fail(c, CL_ERR_ENCODING, "invalid UTF-8 at byte %zu "
							   "of a string value", (size_t) (r - (const unsigned char *) s));
			if (n == 3 && r[0] == 0xEF && r[1] == 0xBF && (r[2] == 0xBE || r[2] == 0xBF))
				return jx_fail(c, CL_ERR_SYNTAX, "U+FFFE and U+FFFF cannot be "
							   "written in XML");
			cl_buf_append(c->out, r, (size_t) n);
			p = r + n;
			continue;
		}
		switch (*r)
		{
			case '&':
				rep = "&amp;";
				break;
			case '<':
				rep = "&lt;";
				break;
			case '>':
				rep = "&gt;";
				break;
			case '"':
				rep = "&quot;";
				break;
			case '\t':
				rep = "&#x9;";
				break;
			case '\n':
				rep = "&#xA;";
				break;
			case '\r':
				rep = "&#xD;";
				break;
			default:
				return jx_fail(c, CL_ERR_SYNTAX, "control character U+%04X "
							   "cannot be written in XML", (unsigned) *r);
		}
		cl_buf_append_str(c->out, rep);
		p = r + 1;
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Members
 * ------------------------------------------------------------------------ */

/*
 * Reads and resolves the members of object obj of type t into *out (sorted
 * by definition order, value before "_name"), *n their number.  The
 * resourceType member of a resource is skipped.
 */
static bool
jx_collect(jx_ctx *c, fhir_type_id t, const cl_node *obj, jx_member **out,
		   size_t *n)
{
	size_t		count = obj->ops->count(obj);
	size_t		k = 0;
	jx_member  *m;

	*out = NULL;
	*n = 0;
	if (count == 0)
		return true;
	m = cl_arena_alloc(&c->arena, count * sizeof(jx_member));
	if (m == NULL)
		return jx_nomem(c);
	for (size_t i = 0; i < count; i++)
	{
		const char *key;
		size_t		keylen;
		cl_node		v;
		fhir_key	fk;
		fhir_key_kind kk;

		if (!obj->ops->member_at(obj, i, &key, &keylen, &v))
			return jx_fail(c, CL_ERR_INTERNAL, "cannot read member %zu", i);
		kk = fhir_lookup_key(t, key, keylen, &fk);
		if (kk == FHIR_KEY_RESOURCE_TYPE)
			continue;
		if (kk == FHIR_KEY_UNKNOWN || fhir_element_max(fk.elem) == 0 ||
			(kk == FHIR_KEY_PRIMITIVE_EXT && fhir_element_is_xml_attr(fk.elem)))
		{
			bool		ok = jx_push_key(c, key, keylen);

			if (ok)
				jx_fail(c, CL_ERR_SYNTAX, "unknown member of %s",
						fhir_type_name(t));
			return false;
		}
		m[k].idx = fhir_element_index(fk.elem);
		m[k].ext = (kk == FHIR_KEY_PRIMITIVE_EXT);
		m[k].elem = fk.elem;
		m[k].type = fk.type;
		m[k].key = key;
		m[k].keylen = keylen;
		m[k].value = v;
		k++;
	}

	/* sort by (idx, ext): insertion sort when short, else counting sort */
	if (k <= 16)
	{
		for (size_t i = 1; i < k; i++)
		{
			jx_member	x = m[i];
			size_t		j = i;

			while (j > 0 && (m[j - 1].idx > x.idx ||
							 (m[j - 1].idx == x.idx && m[j - 1].ext && !x.ext)))
			{
				m[j] = m[j - 1];
				j--;
			}
			m[j] = x;
		}
	}
	else
	{
		int			nel = fhir_type_nelements(t);
		size_t	   *pos = cl_arena_alloc(&c->arena, ((size_t) nel * 2 + 1) * sizeof(size_t));
		jx_member  *s = cl_arena_alloc(&c->arena, k * sizeof(jx_member));

		if (pos == NULL || s == NULL)
			return jx_nomem(c);
		memset(pos, 0, ((size_t) nel * 2 + 1) * sizeof(size_t));
		for (size_t i = 0; i < k; i++)
			pos[m[i].idx * 2 + m[i].ext + 1]++;
		for (int j = 0; j < nel * 2; j++)
			pos[j + 1] += pos[j];
		for (size_t i = 0; i < k; i++)
			s[pos[m[i].idx * 2 + m[i].ext]++] = m[i];
		m = s;
	}
	*out = m;
	*n = k;
	return true;
}

/* the scalar text of a primitive's JSON value, checked against its kind */
static bool
jx_value_attr(jx_ctx *c, fhir_prim_kind prim, const cl_node *v)
{
	cl_node_kind kind = cl_node_kind_of(v);
	const char *text;
	size_t		len;
	cl_node_kind want;

	switch (fhir_primitive_json_kind(prim))
	{
		case FHIR_JSON_NUMBER:
			want = CL_NODE_NUMBER;
			break;
		case FHIR_JSON_BOOLEAN:
			want = CL_NODE_BOOL;
			break;
		default:
			want = CL_NODE_STRING;
			break;
	}
	if (kind != want)
		return jx_fail(c, CL_ERR_SYNTAX, "a %s value must be a JSON %s",
					   fhir_primitive_name(prim),
					   want == CL_NODE_NUMBER ? "number" :
					   want == CL_NODE_BOOL ? "boolean" : "string");
	if (!v->ops->scalar(v, &text, &len))
		return jx_fail(c, CL_ERR_INTERNAL, "cannot read a scalar");
	cl_buf_append(c->out, " value=\"", 8);
	if (!jx_attr_text(c, text, len))
		return false;
	cl_buf_append_char(c->out, '"');
	return true;
}

/* the narrative div: checked to be one XHTML div, then written as is */
static bool
jx_div(jx_ctx *c, const cl_node *v)
{
	const char *text;
	size_t		len;
	xmlDoc	   *doc;
	xmlNode    *root;
	cl_error	perr;
	bool		ok;

	if (cl_node_kind_of(v) != CL_NODE_STRING || !v->ops->scalar(v, &text, &len))
		return jx_fail(c, CL_ERR_SYNTAX, "the narrative div must be a string");
	if (len < 4 || memcmp(text, "<div", 4) != 0)
		return jx_fail(c, CL_ERR_SYNTAX, "the narrative must start with <div");
	cl_error_clear(&perr);
	doc = fhir_xml_parse(text, len, &perr);
	if (doc == NULL)
		return jx_fail(c, perr.code == CL_ERR_NOMEM ? CL_ERR_NOMEM : CL_ERR_SYNTAX,
					   "the narrative div is not well-formed XHTML: %s",
					   perr.message);
	root = xmlDocGetRootElement(doc);
	ok = root != NULL && root->ns != NULL && root->ns->href != NULL &&
		strcmp((const char *) root->ns->href, FHIR_XHTML_NS) == 0 &&
		strcmp((const char *) root->name, "div") == 0;
	xmlFreeDoc(doc);
	if (!ok)
		return jx_fail(c, CL_ERR_SYNTAX, "the narrative must be a div element "
					   "in the namespace " FHIR_XHTML_NS);
	cl_buf_append(c->out, text, len);
	return true;
}

/*
 * Writes one occurrence of element e named name, of type t, from the value
 * v and the "_name" object x (either may be NULL or a JSON null).
 */
static bool
jx_occurrence(jx_ctx *c, const char *name, fhir_type_id t, const cl_node *v,
			  const cl_node *x)
{
	fhir_prim_kind prim = fhir_type_primitive(t);

	if (v && cl_node_kind_of(v) == CL_NODE_NULL)
		v = NULL;
	if (x && cl_node_kind_of(x) == CL_NODE_NULL)
		x = NULL;
	if (v == NULL && x == NULL)
		return jx_fail(c, CL_ERR_SYNTAX, "null where a value is needed");

	if (prim == FHIR_PRIM_XHTML)
	{
		if (x != NULL || v == NULL)
			return jx_fail(c, CL_ERR_SYNTAX, "the narrative div takes no id "
						   "or extension");
		return jx_div(c, v);
	}
	if (prim != FHIR_PRIM_NONE)
	{
		if (x != NULL && cl_node_kind_of(x) != CL_NODE_OBJECT)
			return jx_fail(c, CL_ERR_SYNTAX, "\"_%s\" must be an object", name);
		return jx_element(c, name, t, x, v, false);
	}
	if (x != NULL)
		return jx_fail(c, CL_ERR_SYNTAX, "\"_%s\" on a non-primitive element",
					   name);
	if (cl_node_kind_of(v) != CL_NODE_OBJECT)
		return jx_fail(c, CL_ERR_SYNTAX, "an object is needed here");
	if (fhir_type_is_resource(t))
	{
		bool		ok;

		cl_buf_printf(c->out, "<%s>", name);
		ok = jx_resource(c, v, false);
		cl_buf_printf(c->out, "</%s>", name);
		return ok;
	}
	return jx_element(c, name, t, v, NULL, false);
}

/* all the occurrences of one element: run[0..m) share the element */
static bool
jx_run(jx_ctx *c, jx_member *run, size_t m)
{
	fhir_elem_id e = run[0].elem;
	const jx_member *v = NULL;
	const jx_member *x = NULL;
	fhir_type_id t = run[0].type;
	char		name[80];
	bool		ok = true;

	for (size_t i = 0; i < m; i++)
	{
		const jx_member **slot = run[i].ext ? &x : &v;

		if (*slot != NULL || run[i].type != t)
		{
			if (jx_push_key(c, run[i].key, run[i].keylen))
				jx_fail(c, CL_ERR_SYNTAX, "%s given more than once",
						run[i].type != t ? "choice element" : "member");
			return false;
		}
		*slot = &run[i];
	}
	if (fhir_element_json_name(e, t, name, sizeof(name)) == 0)
		return jx_fail(c, CL_ERR_INTERNAL, "no name for element %s",
					   fhir_element_name(e));

	if (fhir_element_is_array(e))
	{
		size_t		nv = 0,
					nx = 0,
					n;

		if (v && cl_node_kind_of(&v->value) != CL_NODE_ARRAY)
			return jx_push_key(c, v->key, v->keylen) &&
				jx_fail(c, CL_ERR_SYNTAX, "a repeating element must be an array");
		if (x && cl_node_kind_of(&x->value) != CL_NODE_ARRAY)
			return jx_push_key(c, x->key, x->keylen) &&
				jx_fail(c, CL_ERR_SYNTAX, "a repeating element must be an array");
		if (v)
			nv = v->value.ops->count(&v->value);
		if (x)
			nx = x->value.ops->count(&x->value);
		if (v && x && nv != nx)
			return jx_push_key(c, x->key, x->keylen) &&
				jx_fail(c, CL_ERR_SYNTAX, "\"_%s\" has %zu entries, \"%s\" %zu",
						name, nx, name, nv);
		n = v ? nv : nx;
		for (size_t i = 0; i < n && ok; i++)
		{
			cl_node		ve,
						xe;
			const jx_member *at = v ? v : x;

			if (v && !v->value.ops->element(&v->value, i, &ve))
				return jx_fail(c, CL_ERR_INTERNAL, "cannot read an array element");
			if (x && !x->value.ops->element(&x->value, i, &xe))
				return jx_fail(c, CL_ERR_INTERNAL, "cannot read an array element");
			if (!jx_push_key(c, at->key, at->keylen))
				return false;
			if (!jx_push_index(c, i))
				return false;
			ok = jx_occurrence(c, name, t, v ? &ve : NULL, x ? &xe : NULL);
			jx_pop(c);
			jx_pop(c);
		}
		return ok;
	}

	if ((v && cl_node_kind_of(&v->value) == CL_NODE_ARRAY) ||
		(x && cl_node_kind_of(&x->value) == CL_NODE_ARRAY))
		return jx_push_key(c, (v ? v : x)->key, (v ? v : x)->keylen) &&
			jx_fail(c, CL_ERR_SYNTAX, "a single element must not be an array");
	if (!jx_push_key(c, (v ? v : x)->key, (v ? v : x)->keylen))
		return false;
	ok = jx_occurrence(c, name, t, v ? &v->value : NULL, x ? &x->value : NULL);
	jx_pop(c);
	return ok;
}

/*
 * Writes element name of type t: attributes from obj's XML-attribute
 * members (id, url), value="..." from value (primitives), the namespace on
 * the root, then obj's other members as children in definition order.  obj
 * may be NULL (a primitive with a value only).
 */
static bool
jx_element(jx_ctx *c, const char *name, fhir_type_id t, const cl_node *obj,
		   const cl_node *value, bool root)
{
	jx_member  *m = NULL;
	size_t		n = 0;
	bool		children = false;
	bool		ok = true;

	if (c->depth >= FHIR_XML_MAX_DEPTH)
		return jx_fail(c, CL_ERR_LIMIT, "FHIR elements nested deeper than %d "
					   "levels", FHIR_XML_MAX_DEPTH);
	c->depth++;
	if (obj && !jx_collect(c, t, obj, &m, &n))
		return false;

	cl_buf_append_char(c->out, '<');
	cl_buf_append_str(c->out, name);
	if (root)
		cl_buf_append_str(c->out, " xmlns=\"" FHIR_XML_NS "\"");
	for (size_t i = 0; i < n; i++)
	{
		const char *text;
		size_t		len;

		if (!fhir_element_is_xml_attr(m[i].elem))
		{
			children = true;
			continue;
		}
		if (!jx_push_key(c, m[i].key, m[i].keylen))
			return false;
		if (cl_node_kind_of(&m[i].value) != CL_NODE_STRING ||
			!m[i].value.ops->scalar(&m[i].value, &text, &len))
			return jx_fail(c, CL_ERR_SYNTAX, "must be a string");
		cl_buf_printf(c->out, " %s=\"", fhir_element_name(m[i].elem));
		if (!jx_attr_text(c, text, len))
			return false;
		cl_buf_append_char(c->out, '"');
		jx_pop(c);
	}
	if (value && !jx_value_attr(c, fhir_type_primitive(t), value))
		return false;
	if (!children)
	{
		cl_buf_append(c->out, "/>", 2);
		c->depth--;
		return true;
	}
	cl_buf_append_char(c->out, '>');
	for (size_t i = 0; i < n && ok;)
	{
		size_t		j;

		for (j = i + 1; j < n && m[j].idx == m[i].idx; j++)
			;
		if (!fhir_element_is_xml_attr(m[i].elem))
			ok = jx_run(c, m + i, j - i);
		i = j;
	}
	if (!ok)
		return false;
	cl_buf_append(c->out, "</", 2);
	cl_buf_append_str(c->out, name);
	cl_buf_append_char(c->out, '>');
	c->depth--;
	if (c->out->failed)
		return jx_nomem(c);
	return true;
}

/* a resource object: its resourceType names the element */
static bool
jx_resource(jx_ctx *c, const cl_node *obj, bool root)
{
	cl_node		rtn;
	const char *rt;
	size_t		rtlen;
	fhir_type_id t;
	bool		ok;

	if (cl_node_kind_of(obj) != CL_NODE_OBJECT)
		return jx_fail(c, CL_ERR_SYNTAX, "a resource must be a JSON object");
	if (!obj->ops->member(obj, "resourceType", 12, &rtn) ||
		cl_node_kind_of(&rtn) != CL_NODE_STRING ||
		!rtn.ops->scalar(&rtn, &rt, &rtlen))
		return jx_fail(c, CL_ERR_SYNTAX, "a resource needs a resourceType string");
	t = fhir_type_lookup(rt, rtlen);
	if (!fhir_type_is_resource(t) || fhir_type_is_abstract(t))
	{
		char		frag[64];

		cl_fragment(frag, sizeof(frag), rt, rtlen, 0, 40);
		return jx_fail(c, CL_ERR_SYNTAX, "\"%s\" is not a FHIR resource type",
					   frag);
	}
	ok = jx_element(c, fhir_type_name(t), t, obj, NULL, root);
	return ok;
}

bool
fhir_json_to_xml(const cl_node *resource, cl_buf *out, cl_error *err)
{
	jx_ctx	   *c;
	bool		ok;

	cl_error_clear(err);
	c = cl_alloc0(out->alloc, sizeof(jx_ctx));
	if (c == NULL)
		return cl_error_set(err, CL_ERR_NOMEM, CL_NO_OFFSET,
							"out of memory converting FHIR JSON to XML");
	cl_arena_init(&c->arena, out->alloc, 16384);
	c->out = out;
	c->err = err;
	ok = jx_resource(c, resource, true);
	if (ok && out->failed)
		ok = jx_nomem(c);
	cl_arena_reset(&c->arena);
	cl_free(out->alloc, c);
	return ok;
}
