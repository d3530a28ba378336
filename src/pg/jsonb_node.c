/*
 * jsonb_node.c
 *		The core's node accessor (clinical/node.h) over stored jsonb: the core
 *		reads a jsonb in place, through binary search for members and direct
 *		indexing for array elements; nothing is converted to another tree.
 *
 * A node is either a container (p = JsonbContainer *, aux = 0) or a scalar
 * (p = JsonbValue *, aux = 1).  Scalars found by lookup are palloc'd in the
 * current memory context and live as long as it does.
 */
#include "pg_clinical.h"

#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "clinical/node.h"
#include "jsonb_node.h"

#define NODE_CONTAINER 0
#define NODE_SCALAR 1

static void set_node(cl_node *n, JsonbValue *v);

static cl_node_kind
jn_kind(const cl_node *n)
{
	if (n->aux == NODE_CONTAINER)
	{
		JsonbContainer *c = (JsonbContainer *) n->p;

		if (JsonContainerIsObject(c))
			return CL_NODE_OBJECT;
		return CL_NODE_ARRAY;
	}
	switch (((const JsonbValue *) n->p)->type)
	{
		case jbvString:
			return CL_NODE_STRING;
		case jbvNumeric:
			return CL_NODE_NUMBER;
		case jbvBool:
			return CL_NODE_BOOL;
		default:
			return CL_NODE_NULL;
	}
}

static size_t
jn_count(const cl_node *n)
{
	if (n->aux != NODE_CONTAINER)
		return 0;
	return JsonContainerSize((JsonbContainer *) n->p);
}

/*
 * The byte offset of child index in a container's data area, and its
 * length: every JB_OFFSET_STRIDE'th entry stores an offset, the others a
 * length, so this reads at most JB_OFFSET_STRIDE entries (O(1) per call).
 * (jsonb_util.c has the same logic in static functions.)
 */
static uint32
child_offset(const JsonbContainer *jc, int index)
{
	uint32		offset = 0;

	for (int i = index - 1; i >= 0; i--)
	{
		offset += JBE_OFFLENFLD(jc->children[i]);
		if (JBE_HAS_OFF(jc->children[i]))
			break;
	}
	return offset;
}

static uint32
child_length(const JsonbContainer *jc, int index)
{
	uint32		off,
				len;

	if (JBE_HAS_OFF(jc->children[index]))
	{
		off = child_offset(jc, index);
		len = JBE_OFFLENFLD(jc->children[index]) - off;
	}
	else
		len = JBE_OFFLENFLD(jc->children[index]);
	return len;
}

/* fill v from child index of jc, whose data area starts at base */
static void
fill_child(const JsonbContainer *jc, int index, const char *base, JsonbValue *v)
{
	JEntry		entry = jc->children[index];
	uint32		offset = child_offset(jc, index);

	if (JBE_ISNULL(entry))
		v->type = jbvNull;
	else if (JBE_ISSTRING(entry))
	{
		v->type = jbvString;
		v->val.string.val = (char *) base + offset;
		v->val.string.len = (int) child_length(jc, index);
	}
	else if (JBE_ISNUMERIC(entry))
	{
		v->type = jbvNumeric;
		v->val.numeric = (Numeric) (base + INTALIGN(offset));
	}
	else if (JBE_ISBOOL_TRUE(entry))
	{
		v->type = jbvBool;
		v->val.boolean = true;
	}
	else if (JBE_ISBOOL_FALSE(entry))
	{
		v->type = jbvBool;
		v->val.boolean = false;
	}
	else
	{
		v->type = jbvBinary;
		v->val.binary.data = (JsonbContainer *) (base + INTALIGN(offset));
		v->val.binary.len = (int) (child_length(jc, index) -
								   (INTALIGN(offset) - offset));
	}
}

/*
 * member i of an object, in stored order (keys sorted by length, then
 * bytes): keys are children 0..n-1, their values n..2n-1.
 */
static bool
jn_member_at(const cl_node *n, size_t i, const char **key, size_t *keylen,
			 cl_node *value)
{
	const JsonbContainer *jc = (const JsonbContainer *) n->p;
	int			npairs;
	const char *base;
	JsonbValue	k;
	JsonbValue *v;

	if (n->aux != NODE_CONTAINER || !JsonContainerIsObject(jc))
		return false;
	npairs = (int) JsonContainerSize(jc);
	if (i >= (size_t) npairs)
		return false;
	base = (const char *) &jc->children[npairs * 2];
	fill_child(jc, (int) i, base, &k);
	v = palloc(sizeof(JsonbValue));
	fill_child(jc, (int) i + npairs, base, v);
	*key = k.val.string.val;
	*keylen = (size_t) k.val.string.len;
	set_node(value, v);
	return true;
}

static bool
jn_member(const cl_node *n, const char *key, size_t keylen, cl_node *value)
{
	JsonbValue *v;

	if (n->aux != NODE_CONTAINER || !JsonContainerIsObject((JsonbContainer *) n->p))
		return false;
	v = getKeyJsonValueFromContainer((JsonbContainer *) n->p, key, (int) keylen, NULL);
	if (v == NULL)
		return false;
	set_node(value, v);
	return true;
}

static bool
jn_element(const cl_node *n, size_t i, cl_node *value)
{
	JsonbValue *v;

	if (n->aux != NODE_CONTAINER || !JsonContainerIsArray((JsonbContainer *) n->p))
		return false;
	v = getIthJsonbValueFromContainer((JsonbContainer *) n->p, (uint32) i);
	if (v == NULL)
		return false;
	set_node(value, v);
	return true;
}

static bool
jn_scalar(const cl_node *n, const char **text, size_t *len)
{
	const JsonbValue *v;

	if (n->aux != NODE_SCALAR)
		return false;
	v = (const JsonbValue *) n->p;
	switch (v->type)
	{
		case jbvString:
			*text = v->val.string.val;
			*len = (size_t) v->val.string.len;
			return true;
		case jbvNumeric:
			{
				/* numeric keeps its display scale: 1.50 prints as 1.50 */
				char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out,
																	NumericGetDatum(v->val.numeric)));

				*text = s;
				*len = strlen(s);
				return true;
			}
		case jbvBool:
			*text = v->val.boolean ? "true" : "false";
			*len = v->val.boolean ? 4 : 5;
			return true;
		case jbvNull:
			*text = "null";
			*len = 4;
			return true;
		default:
			return false;
	}
}

static const cl_node_ops jsonb_node_ops = {
	jn_kind, jn_count, jn_member_at, jn_member, jn_element, jn_scalar
};

static void
set_node(cl_node *n, JsonbValue *v)
{
	n->ops = &jsonb_node_ops;
	if (v->type == jbvBinary)
	{
		n->p = v->val.binary.data;
		n->aux = NODE_CONTAINER;
	}
	else
	{
		n->p = v;
		n->aux = NODE_SCALAR;
	}
}

void
cl_jsonb_node(Jsonb *jb, cl_node *n)
{
	n->ops = &jsonb_node_ops;
	if (JB_ROOT_IS_SCALAR(jb))
	{
		JsonbValue *v = getIthJsonbValueFromContainer(&jb->root, 0);

		n->p = v;
		n->aux = NODE_SCALAR;
	}
	else
	{
		n->p = &jb->root;
		n->aux = NODE_CONTAINER;
	}
}
