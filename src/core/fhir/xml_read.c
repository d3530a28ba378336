/*
 * xml_read.c
 *		FHIR R4 XML -> FHIR JSON text, driven by the model tables.
 *
 * The document is parsed by libxml2 (fhir_xml_parse: DOCTYPEs refused
 * before their internal subset is read, network off, no entity
 * substitution) and walked once.  For every FHIR element the children are
 * resolved against the element's type (fhir_lookup_key), put in definition
 * order (they normally already are: then nothing moves; otherwise a stable
 * counting sort), and written as JSON members: primitives as scalars of
 * their JSON kind plus a "_name" sibling for id/extension, repeating
 * elements as arrays, complex and backbone types as objects, nested
 * resources as objects with "resourceType" first, the narrative div as the
 * string of its markup.  Scratch memory comes from an arena on the caller's
 * allocator; libxml2 allocates the document itself with its own allocator
 * and it is freed before returning.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlsave.h>

#include "clinical/fhir_model.h"
#include "clinical/json.h"
#include "fhir_xml_internal.h"

#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

/* one resolved child element of a FHIR element */
typedef struct xj_child
{
	xmlNode    *node;
	int			idx;			/* element index in the parent's type */
	fhir_elem_id elem;
	fhir_type_id type;			/* the value's type (choice resolved) */
} xj_child;

typedef struct xj_ctx
{
	cl_arena	arena;
	cl_buf	   *out;
	cl_error   *err;
	int			depth;
	/* element names from the root down, for error paths */
	const char *path[FHIR_XML_MAX_DEPTH + 2];
	bool		path_type[FHIR_XML_MAX_DEPTH + 2];	/* a contained resource */
} xj_ctx;

static bool xj_object(xj_ctx *c, fhir_type_id t, xmlNode *n, bool resource);
static bool xj_members(xj_ctx *c, fhir_type_id t, xmlNode *n, bool *first);

/* ------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------ */

/*
 * SAX internalSubset handler: called on "<!DOCTYPE name", before any
 * declaration of the internal subset is read.  Stopping here means no
 * entity is ever declared, so none can be expanded.
 */
static void
xj_refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
				  const xmlChar *system_id)
{
	(void) name;
	(void) external_id;
	(void) system_id;
	xmlStopParser((xmlParserCtxtPtr) ctx);
}

/*
 * Per-parser structured error handler: the parser's errors stay with the
 * parser context (read back from ctxt->lastError) instead of going to the
 * process-wide handler, which belongs to PostgreSQL inside the server.
 * This sets no global state.
 */
static void
xj_parser_error(void *ctx, xmlErrorPtr error)
{
	(void) ctx;
	(void) error;
}

static void
xj_copy_message(char *dst, size_t dstsize, const char *msg)
{
	size_t		n = 0;

	if (msg == NULL)
		msg = "malformed XML";
	while (msg[n] != '\0' && n + 1 < dstsize)
	{
		unsigned char ch = (unsigned char) msg[n];

		dst[n] = (ch < 0x20) ? ' ' : (char) ch;
		n++;
	}
	while (n > 0 && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

xmlDoc *
fhir_xml_parse(const char *xml, size_t len, cl_error *err)
{
	xmlParserCtxtPtr ctxt;
	xmlDoc	   *doc;
	int			options = XML_PARSE_NONET | XML_PARSE_NOERROR |
		XML_PARSE_NOWARNING | XML_PARSE_NOCDATA | XML_PARSE_COMPACT;

#if LIBXML_VERSION >= 21300
	options |= XML_PARSE_NO_XXE;
#endif

	if (len > FHIR_XML_MAX_INPUT || len > (size_t) 0x7fffffff)
	{
		cl_error_set(err, CL_ERR_LIMIT, CL_NO_OFFSET,
					 "XML document too large (%zu bytes)", len);
		return NULL;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL || ctxt->sax == NULL)
	{
		if (ctxt)
			xmlFreeParserCtxt(ctxt);
		cl_error_set(err, CL_ERR_NOMEM, CL_NO_OFFSET,
					 "out of memory creating the XML parser");
		return NULL;
	}
	ctxt->sax->internalSubset = xj_refuse_doctype;
	ctxt->sax->serror = xj_parser_error;

	doc = xmlCtxtReadMemory(ctxt, xml, (int) len, NULL, "UTF-8", options);

	if (ctxt->errNo == XML_ERR_USER_STOP ||
		(doc != NULL && (doc->intSubset != NULL || doc->extSubset != NULL)))
	{
		if (doc)
			xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctxt);
		cl_error_set(err, CL_ERR_SYNTAX, CL_NO_OFFSET,
					 "XML documents with a DOCTYPE are not accepted");
		cl_error_hint(err, "FHIR XML has no DTD; remove the <!DOCTYPE ...> "
					  "declaration (entities are never expanded)");
		return NULL;
	}

	/*
	 * Namespace errors (an undeclared prefix) leave wellFormed alone and
	 * still give a document; libxml2 has reported them as errors all the
	 * same, so they fail here too.
	 */
	if (doc != NULL && (!ctxt->wellFormed || !ctxt->nsWellFormed ||
						ctxt->lastError.level >= XML_ERR_ERROR))
	{
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (doc == NULL)
	{
		const xmlError *xe = xmlCtxtGetLastError(ctxt);

		/*
		 * libxml2's messages name elements and attributes and may show a
		 * few bytes of the input; keep them short all the same
		 */
		char		msg[100];
		cl_errcode	code = CL_ERR_SYNTAX;

		xj_copy_message(msg, sizeof(msg), xe ? xe->message : NULL);
		if (xe && (xe->code == XML_ERR_INVALID_CHAR ||
				   xe->code == XML_ERR_INVALID_ENCODING ||
				   xe->code == XML_ERR_UNSUPPORTED_ENCODING))
			code = CL_ERR_ENCODING;
		if (xe && (xe->code == XML_ERR_NO_MEMORY))
			code = CL_ERR_NOMEM;
		if (xe && xe->line > 0)
			cl_error_set(err, code, CL_NO_OFFSET,
						 "invalid XML: %s (line %d)", msg, xe->line);
		else
			cl_error_set(err, code, CL_NO_OFFSET, "invalid XML: %s", msg);
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */

/* the element path from the root, e.g. "Bundle.entry.resource(Patient).name" */
static void
xj_path(xj_ctx *c, const char *last, char *buf, size_t size)
{
	size_t		n = 0;
	char		frag[64];

	buf[0] = '\0';
	for (int i = 0; i <= c->depth && i < FHIR_XML_MAX_DEPTH + 2; i++)
	{
		const char *name = c->path[i];
		int			w;

		if (name == NULL)
			continue;
		if (c->path_type[i])
			w = snprintf(buf + n, size - n, "(%s)", name);
		else
			w = snprintf(buf + n, size - n, "%s%s", n ? "." : "", name);
		if (w < 0 || (size_t) w >= size - n)
			return;
		n += (size_t) w;
	}
	if (last != NULL)
	{
		cl_fragment(frag, sizeof(frag), last, strlen(last), 0, 40);
		snprintf(buf + n, size - n, "%s%s", n ? "." : "", frag);
	}
}

static bool
xj_fail(xj_ctx *c, xmlNode *n, const char *last, cl_errcode code,
		const char *fmt,...) CL_PRINTF(5, 6);

static bool
xj_fail(xj_ctx *c, xmlNode *n, const char *last, cl_errcode code,
		const char *fmt,...)
{
	va_list		ap;
	char		msg[CL_ERR_MSG_LEN];
	char		where[CL_ERR_WHERE_LEN];
	long		line = n ? xmlGetLineNo(n) : -1;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	xj_path(c, last, where, sizeof(where));
	if (line > 0)
		cl_error_set(c->err, code, CL_NO_OFFSET, "%s: %s (line %ld)",
					 where, msg, line);
	else
		cl_error_set(c->err, code, CL_NO_OFFSET, "%s: %s", where, msg);
	cl_error_where(c->err, "%s", where);
	return false;
}

static bool
xj_nomem(xj_ctx *c)
{
	return cl_error_set(c->err, CL_ERR_NOMEM, CL_NO_OFFSET,
						"out of memory converting FHIR XML to JSON");
}

static bool
xj_push(xj_ctx *c, xmlNode *n, const char *name, bool is_type)
{
	if (c->depth >= FHIR_XML_MAX_DEPTH)
		return xj_fail(c, n, NULL, CL_ERR_LIMIT,
					   "FHIR elements nested deeper than %d levels",
					   FHIR_XML_MAX_DEPTH);
	c->depth++;
	c->path[c->depth] = name;
	c->path_type[c->depth] = is_type;
	return true;
}

static inline void
xj_pop(xj_ctx *c)
{
	c->path[c->depth] = NULL;
	c->depth--;
}

/* ------------------------------------------------------------------------
 * JSON output
 * ------------------------------------------------------------------------ */

/* writes ,"key": (the comma unless first) */
static void
xj_key(xj_ctx *c, bool *first, const char *prefix, const char *key)
{
	if (!*first)
		cl_buf_append_char(c->out, ',');
	*first = false;
	cl_buf_append_char(c->out, '"');
	if (prefix)
		cl_buf_append_str(c->out, prefix);
	cl_buf_append_str(c->out, key);
	cl_buf_append(c->out, "\":", 2);
}

/* ------------------------------------------------------------------------
 * Attributes
 * ------------------------------------------------------------------------ */

/*
 * The value of attribute a; *tofree is set when libxml2 had to build it
 * (the caller xmlFree()s it).  Without a DTD an attribute's value is one
 * text node, or none when empty.
 */
static const char *
xj_attr_text(xmlAttr *a, xmlChar **tofree)
{
	*tofree = NULL;
	if (a->children == NULL)
		return "";
	if (a->children->type == XML_TEXT_NODE && a->children->next == NULL &&
		a->children->content != NULL)
		return (const char *) a->children->content;
	*tofree = xmlNodeListGetString(a->doc, a->children, 1);
	return *tofree ? (const char *) *tofree : "";
}

static xmlAttr *
xj_find_attr(xmlNode *n, const char *name)
{
	for (xmlAttr *a = n->properties; a != NULL; a = a->next)
		if (a->ns == NULL && strcmp((const char *) a->name, name) == 0)
			return a;
	return NULL;
}

/*
 * Every attribute of n must be "value" (when allow_value), an XML-attribute
 * element of t (id, url), or in the XML Schema instance namespace
 * (xsi:schemaLocation, ignored).
 */
static bool
xj_check_attrs(xj_ctx *c, fhir_type_id t, xmlNode *n, bool allow_value)
{
	for (xmlAttr *a = n->properties; a != NULL; a = a->next)
	{
		const char *name = (const char *) a->name;
		fhir_elem_id e;

		if (a->ns != NULL)
		{
			if (a->ns->href && strcmp((const char *) a->ns->href, XSI_NS) == 0)
				continue;
			return xj_fail(c, n, NULL, CL_ERR_SYNTAX,
						   "unknown attribute \"%.40s\"", name);
		}
		if (allow_value && strcmp(name, "value") == 0)
			continue;
		e = fhir_element_find(t, name, strlen(name));
		if (e == FHIR_NO_ELEM || !fhir_element_is_xml_attr(e))
			return xj_fail(c, n, NULL, CL_ERR_SYNTAX,
						   "unknown attribute \"%.40s\"", name);
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Elements
 * ------------------------------------------------------------------------ */

static bool
xj_is_blank(const xmlChar *s)
{
	if (s == NULL)
		return true;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/*
 * Checks the non-element children of a FHIR element: whitespace text,
 * comments and processing instructions are ignored, anything else is an
 * error.  Returns the number of element children, or -1 on error.
 */
static long
xj_count_children(xj_ctx *c, xmlNode *n)
{
	long		k = 0;

	for (xmlNode *ch = n->children; ch != NULL; ch = ch->next)
	{
		switch (ch->type)
		{
			case XML_ELEMENT_NODE:
				k++;
				break;
			case XML_TEXT_NODE:
			case XML_CDATA_SECTION_NODE:
				if (!xj_is_blank(ch->content))
				{
					xj_fail(c, n, NULL, CL_ERR_SYNTAX,
							"text content is not allowed in a FHIR element "
							"(values go in value attributes)");
					return -1;
				}
				break;
			case XML_COMMENT_NODE:
			case XML_PI_NODE:
				break;
			default:
				xj_fail(c, n, NULL, CL_ERR_SYNTAX,
						"unexpected XML node (type %d)", (int) ch->type);
				return -1;
		}
	}
	return k;
}

static bool
xj_in_ns(xmlNode *n, const char *href)
{
	return n->ns != NULL && n->ns->href != NULL &&
		strcmp((const char *) n->ns->href, href) == 0;
}

/*
 * The scalar of a primitive's value attribute, typed by the primitive's
 * JSON kind.  Numbers and booleans are checked (they are written unquoted,
 * so an invalid one would make the JSON itself invalid); strings are left
 * to the FHIR validator.
 */
static bool
xj_scalar(xj_ctx *c, xmlNode *n, fhir_prim_kind prim, const char *v)
{
	size_t		len = strlen(v);

	switch (fhir_primitive_json_kind(prim))
	{
		case FHIR_JSON_BOOLEAN:
			if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
				return xj_fail(c, n, NULL, CL_ERR_SYNTAX,
							   "a boolean value must be \"true\" or \"false\"");
			cl_buf_append(c->out, v, len);
			return true;
		case FHIR_JSON_NUMBER:
			{
				cl_error	perr;

				cl_error_clear(&perr);
				if (!fhir_primitive_check(prim, v, len, &perr))
					return xj_fail(c, n, NULL, CL_ERR_SYNTAX, "%s",
								   perr.message);
				cl_buf_append(c->out, v, len);
				return true;
			}
		case FHIR_JSON_STRING:
			cl_json_append_string(c->out, v, len);
			return true;
	}
	return true;
}

/* the narrative's XHTML div, as the string of its markup */
static bool
xj_div(xj_ctx *c, xmlNode *n, bool *first)
{
	xmlOutputBufferPtr ob;
	bool		declared = false;
	const xmlChar *s;
	size_t		len;

	if (!xj_in_ns(n, FHIR_XHTML_NS) || strcmp((const char *) n->name, "div") != 0)
		return xj_fail(c, n, NULL, CL_ERR_SYNTAX,
					   "the narrative must be an XHTML div element in the "
					   "namespace " FHIR_XHTML_NS);
	for (xmlNs *ns = n->nsDef; ns != NULL; ns = ns->next)
		if (ns == n->ns)
			declared = true;
	if (!declared)
		return xj_fail(c, n, NULL, CL_ERR_SYNTAX,
					   "the narrative div must declare its namespace itself "
					   "(<div xmlns=\"" FHIR_XHTML_NS "\">)");

	ob = xmlAllocOutputBuffer(NULL);
	if (ob == NULL)
		return xj_nomem(c);
	xmlNodeDumpOutput(ob, n->doc, n, 0, 0, "UTF-8");
	xmlOutputBufferFlush(ob);
	s = xmlOutputBufferGetContent(ob);
	len = xmlOutputBufferGetSize(ob);
	if (ob->error != 0 || s == NULL)
	{
		xmlOutputBufferClose(ob);
		return xj_nomem(c);
	}
	xj_key(c, first, NULL, "div");
	cl_json_append_string(c->out, (const char *) s, len);
	xmlOutputBufferClose(ob);
	return true;
}

/*
 * A run of m occurrences of a primitive element (value type run[0].type):
 * "name": value (or an array, nulls where an occurrence has no value) and
 * "_name": {id, extension} (or an array aligned the same way).
 */
static bool
xj_primitives(xj_ctx *c, xj_child *run, size_t m, bool array, bool *first)
{
	fhir_type_id t = run[0].type;
	fhir_prim_kind prim = fhir_type_primitive(t);
	const char *name = (const char *) run[0].node->name;
	bool		any_value = false;
	bool		any_ext = false;

	for (size_t i = 0; i < m; i++)
	{
		xmlNode    *n = run[i].node;
		bool		has_value = xj_find_attr(n, "value") != NULL;
		bool		has_ext = xj_find_attr(n, "id") != NULL;

		long		nchildren;

		if (!xj_check_attrs(c, t, n, true))
			return false;
		nchildren = xj_count_children(c, n);
		if (nchildren < 0)
			return false;
		if (nchildren > 0)
			has_ext = true;
		if (!has_value && !has_ext)
			return xj_fail(c, n, NULL, CL_ERR_SYNTAX,
						   "a primitive element needs a value attribute or "
						   "an extension");
		any_value |= has_value;
		any_ext |= has_ext;
	}

	if (any_value)
	{
		xj_key(c, first, NULL, name);
		if (array)
			cl_buf_append_char(c->out, '[');
		for (size_t i = 0; i < m; i++)
		{
			xmlAttr    *a = xj_find_attr(run[i].node, "value");

			if (i > 0)
				cl_buf_append_char(c->out, ',');
			if (a == NULL)
				cl_buf_append(c->out, "null", 4);
			else
			{
				xmlChar    *tofree;
				const char *v = xj_attr_text(a, &tofree);
				bool		ok = xj_scalar(c, run[i].node, prim, v);

				if (tofree)
					xmlFree(tofree);
				if (!ok)
					return false;
			}
		}
		if (array)
			cl_buf_append_char(c->out, ']');
	}

	if (any_ext)
	{
		xj_key(c, first, "_", name);
		if (array)
			cl_buf_append_char(c->out, '[');
		for (size_t i = 0; i < m; i++)
		{
			xmlNode    *n = run[i].node;
			bool		has_ext = xj_find_attr(n, "id") != NULL;
			bool		ofirst = true;

			for (xmlNode *ch = n->children; ch && !has_ext; ch = ch->next)
				if (ch->type == XML_ELEMENT_NODE)
					has_ext = true;
			if (i > 0)
				cl_buf_append_char(c->out, ',');
			if (!has_ext)
			{
				cl_buf_append(c->out, "null", 4);
				continue;
			}
			cl_buf_append_char(c->out, '{');
			if (!xj_members(c, t, n, &ofirst))
				return false;
			cl_buf_append_char(c->out, '}');
		}
		if (array)
			cl_buf_append_char(c->out, ']');
	}
	return true;
}

/*
 * The resource held by a resource container element n (contained,
 * Bundle.entry.resource, ...): exactly one child element naming a resource
 * type.
 */
static bool
xj_contained(xj_ctx *c, xmlNode *n)
{
	xmlNode    *inner = NULL;
	fhir_type_id rt;
	bool		ok;

	if (n->properties != NULL)
		return xj_fail(c, n, NULL, CL_ERR_SYNTAX,
					   "a resource container element has no attributes");
	if (xj_count_children(c, n) < 0)
		return false;
	for (xmlNode *ch = n->children; ch != NULL; ch = ch->next)
	{
		if (ch->type != XML_ELEMENT_NODE)
			continue;
		if (inner != NULL)
			return xj_fail(c, ch, NULL, CL_ERR_SYNTAX,
						   "a resource container element holds exactly one "
						   "resource");
		inner = ch;
	}
	if (inner == NULL)
		return xj_fail(c, n, NULL, CL_ERR_SYNTAX,
					   "a resource container element holds exactly one "
					   "resource, found none");
	rt = fhir_type_lookup((const char *) inner->name,
						  strlen((const char *) inner->name));
	if (!xj_in_ns(inner, FHIR_XML_NS) || !fhir_type_is_resource(rt) ||
		fhir_type_is_abstract(rt))
		return xj_fail(c, inner, (const char *) inner->name, CL_ERR_SYNTAX,
					   "not a FHIR resource type");
	if (!xj_push(c, inner, fhir_type_name(rt), true))
		return false;
	ok = xj_object(c, rt, inner, true);
	xj_pop(c);
	return ok;
}

/* a run of m occurrences of element e (all of type run[0].type) */
static bool
xj_group(xj_ctx *c, fhir_elem_id e, xj_child *run, size_t m, bool *first)
{
	bool		array = fhir_element_is_array(e);
	fhir_type_id t = run[0].type;
	bool		ok = true;

	if (!array && m > 1)
		return xj_fail(c, run[1].node, (const char *) run[1].node->name,
					   CL_ERR_SYNTAX, "element repeated, but it may occur "
					   "at most once");
	for (size_t i = 1; i < m; i++)
		if (run[i].type != t)
			return xj_fail(c, run[i].node, (const char *) run[i].node->name,
						   CL_ERR_SYNTAX, "choice element given with "
						   "different types");

	if (!xj_push(c, run[0].node, (const char *) run[0].node->name, false))
		return false;
	if (fhir_type_primitive(t) == FHIR_PRIM_XHTML)
		ok = xj_div(c, run[0].node, first);
	else if (fhir_type_is_primitive(t))
		ok = xj_primitives(c, run, m, array, first);
	else
	{
		bool		container = fhir_type_is_resource(t);

		xj_key(c, first, NULL, (const char *) run[0].node->name);
		if (array)
			cl_buf_append_char(c->out, '[');
		for (size_t i = 0; i < m && ok; i++)
		{
			if (i > 0)
				cl_buf_append_char(c->out, ',');
			if (container)
				ok = xj_contained(c, run[i].node);
			else
				ok = xj_object(c, t, run[i].node, false);
		}
		if (array)
			cl_buf_append_char(c->out, ']');
	}
	xj_pop(c);
	return ok;
}

/*
 * The members of an object of type t read from element n (attributes and
 * child elements), in definition order.  For a primitive type these are
 * the members of its "_name" object (id, extension); the value attribute is
 * the caller's.
 */
static bool
xj_members(xj_ctx *c, fhir_type_id t, xmlNode *n, bool *first)
{
	long		k;
	xj_child   *ch;
	size_t		i = 0;
	bool		sorted = true;
	int			nel = fhir_type_nelements(t);

	k = xj_count_children(c, n);
	if (k < 0)
		return false;
	ch = k ? cl_arena_alloc(&c->arena, (size_t) k * sizeof(xj_child)) : NULL;
	if (k && ch == NULL)
		return xj_nomem(c);

	/* resolve each child element against t */
	for (xmlNode *x = n->children; x != NULL; x = x->next)
	{
		fhir_key	key;
		const char *name = (const char *) x->name;

		if (x->type != XML_ELEMENT_NODE)
			continue;
		if (fhir_lookup_key(t, name, strlen(name), &key) != FHIR_KEY_ELEMENT ||
			fhir_element_is_xml_attr(key.elem) ||
			fhir_element_max(key.elem) == 0)
			return xj_fail(c, x, name, CL_ERR_SYNTAX, "unknown element");
		if (!xj_in_ns(x, key.prim == FHIR_PRIM_XHTML ? FHIR_XHTML_NS : FHIR_XML_NS))
			return xj_fail(c, x, name, CL_ERR_SYNTAX,
						   "element not in the namespace %s",
						   key.prim == FHIR_PRIM_XHTML ? FHIR_XHTML_NS : FHIR_XML_NS);
		ch[i].node = x;
		ch[i].elem = key.elem;
		ch[i].type = key.type;
		ch[i].idx = fhir_element_index(key.elem);
		if (i > 0 && ch[i].idx < ch[i - 1].idx)
			sorted = false;
		i++;
	}

	/* out of definition order: a stable counting sort by element index */
	if (!sorted)
	{
		size_t	   *pos = cl_arena_alloc(&c->arena, ((size_t) nel + 1) * sizeof(size_t));
		xj_child   *sorted_ch = cl_arena_alloc(&c->arena, (size_t) k * sizeof(xj_child));

		if (pos == NULL || sorted_ch == NULL)
			return xj_nomem(c);
		memset(pos, 0, ((size_t) nel + 1) * sizeof(size_t));
		for (i = 0; i < (size_t) k; i++)
			pos[ch[i].idx + 1]++;
		for (int j = 0; j < nel; j++)
			pos[j + 1] += pos[j];
		for (i = 0; i < (size_t) k; i++)
			sorted_ch[pos[ch[i].idx]++] = ch[i];
		ch = sorted_ch;
	}

	/* walk the type's elements in definition order */
	i = 0;
	for (int idx = 0; idx < nel; idx++)
	{
		fhir_elem_id e = fhir_type_element(t, idx);
		size_t		j;

		if (fhir_element_is_xml_attr(e))
		{
			xmlAttr    *a = xj_find_attr(n, fhir_element_name(e));
			xmlChar    *tofree;
			const char *v;

			if (a == NULL)
				continue;
			v = xj_attr_text(a, &tofree);
			xj_key(c, first, NULL, fhir_element_name(e));
			cl_json_append_string(c->out, v, strlen(v));
			if (tofree)
				xmlFree(tofree);
			continue;
		}
		if (i >= (size_t) k || ch[i].idx != idx)
			continue;
		for (j = i + 1; j < (size_t) k && ch[j].idx == idx; j++)
			;
		if (!xj_group(c, e, ch + i, j - i, first))
			return false;
		i = j;
	}
	if (c->out->failed)
		return xj_nomem(c);
	return true;
}

/* an object of type t from element n; resources get "resourceType" first */
static bool
xj_object(xj_ctx *c, fhir_type_id t, xmlNode *n, bool resource)
{
	bool		first = true;

	if (!xj_check_attrs(c, t, n, false))
		return false;
	cl_buf_append_char(c->out, '{');
	if (resource)
	{
		xj_key(c, &first, NULL, "resourceType");
		cl_json_append_string(c->out, fhir_type_name(t), strlen(fhir_type_name(t)));
	}
	if (!xj_members(c, t, n, &first))
		return false;
	cl_buf_append_char(c->out, '}');
	return true;
}

bool
fhir_xml_to_json(const char *xml, size_t len, const cl_allocator *a,
				 cl_buf *out, cl_error *err)
{
	xmlDoc	   *doc;
	xmlNode    *root;
	fhir_type_id rt;
	xj_ctx	   *c;
	bool		ok;

	cl_error_clear(err);
	doc = fhir_xml_parse(xml, len, err);
	if (doc == NULL)
		return false;
	root = xmlDocGetRootElement(doc);
	if (root == NULL)
	{
		xmlFreeDoc(doc);
		return cl_error_set(err, CL_ERR_SYNTAX, CL_NO_OFFSET,
							"XML document has no root element");
	}
	c = cl_alloc0(a, sizeof(xj_ctx));
	if (c == NULL)
	{
		xmlFreeDoc(doc);
		return cl_error_set(err, CL_ERR_NOMEM, CL_NO_OFFSET,
							"out of memory converting FHIR XML to JSON");
	}
	cl_arena_init(&c->arena, a, 16384);
	c->out = out;
	c->err = err;
	c->depth = 0;

	rt = fhir_type_lookup((const char *) root->name,
						  strlen((const char *) root->name));
	if (!xj_in_ns(root, FHIR_XML_NS))
		ok = xj_fail(c, root, (const char *) root->name, CL_ERR_SYNTAX,
					 "the root element must be in the FHIR namespace "
					 FHIR_XML_NS);
	else if (!fhir_type_is_resource(rt) || fhir_type_is_abstract(rt))
		ok = xj_fail(c, root, (const char *) root->name, CL_ERR_SYNTAX,
					 "the root element is not a FHIR resource type");
	else
	{
		c->path[0] = fhir_type_name(rt);
		cl_buf_reserve(out, len / 2 + 64);
		ok = xj_object(c, rt, root, true);
		if (ok && out->failed)
			ok = xj_nomem(c);
	}
	cl_arena_reset(&c->arena);
	cl_free(a, c);
	xmlFreeDoc(doc);
	return ok;
}
