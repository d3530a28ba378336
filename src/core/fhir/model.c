/*
 * model.c
 *		Lookups over the generated FHIR R4 model tables (r4_model.c).
 *
 * Types are sorted by name and elements of a type have a name-sorted index
 * (fhir_r4_elem_order), so every lookup by name is a binary search over
 * NUL-terminated strings of the pool compared with a (pointer, length) key.
 */
#include <string.h>

#include "fhir_model_internal.h"

#define POOL(off) (fhir_r4_pool + (off))

/*
 * cmp_key
 *		strcmp-order comparison of key[0..len) with the NUL-terminated name.
 */
static inline int
cmp_key(const char *key, size_t len, const char *name)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		unsigned char a = (unsigned char) key[i];
		unsigned char b = (unsigned char) name[i];

		if (b == '\0')
			return 1;			/* name is a proper prefix of key */
		if (a != b)
			return a < b ? -1 : 1;
	}
	return name[len] == '\0' ? 0 : -1;
}

static inline bool
type_ok(fhir_type_id t)
{
	return t >= 0 && t < fhir_r4_ntypes;
}

static inline bool
elem_ok(fhir_elem_id e)
{
	return e >= 0 && e < fhir_r4_nelements;
}

static inline fhir_type_id
type_from16(uint16_t v)
{
	return v == FHIR_T_NONE ? FHIR_NO_TYPE : (fhir_type_id) v;
}

const char *
fhir_model_version(void)
{
	return fhir_r4_version;
}

const char *
fhir_model_source(void)
{
	return fhir_r4_source;
}

/* ------------------------------------------------------------------------
 * Primitives (the validators are in primitives.c)
 * ------------------------------------------------------------------------ */

const char *
fhir_primitive_name(fhir_prim_kind k)
{
	if ((int) k <= FHIR_PRIM_NONE || (int) k >= FHIR_PRIM_COUNT)
		return "";
	return POOL(fhir_r4_types[fhir_r4_prim_type[k]].name);
}

fhir_prim_kind
fhir_primitive_from_name(const char *name, size_t len)
{
	fhir_type_id t = fhir_type_lookup(name, len);

	return fhir_type_primitive(t);
}

fhir_json_kind
fhir_primitive_json_kind(fhir_prim_kind k)
{
	switch (k)
	{
		case FHIR_PRIM_BOOLEAN:
			return FHIR_JSON_BOOLEAN;
		case FHIR_PRIM_INTEGER:
		case FHIR_PRIM_POSITIVEINT:
		case FHIR_PRIM_UNSIGNEDINT:
		case FHIR_PRIM_DECIMAL:
			return FHIR_JSON_NUMBER;
		default:
			return FHIR_JSON_STRING;
	}
}

fhir_type_id
fhir_primitive_type(fhir_prim_kind k)
{
	if ((int) k <= FHIR_PRIM_NONE || (int) k >= FHIR_PRIM_COUNT)
		return FHIR_NO_TYPE;
	return (fhir_type_id) fhir_r4_prim_type[k];
}

const char *
fhir_primitive_regex(fhir_prim_kind k)
{
	if ((int) k <= FHIR_PRIM_NONE || (int) k >= FHIR_PRIM_COUNT)
		return "";
	return POOL(fhir_r4_prim_regex[k]);
}

/* ------------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------------ */

int
fhir_type_count(void)
{
	return fhir_r4_ntypes;
}

fhir_type_id
fhir_type_lookup(const char *name, size_t len)
{
	int			lo = 0,
				hi = fhir_r4_ntypes - 1;

	if (name == NULL)
		return FHIR_NO_TYPE;
	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = cmp_key(name, len, POOL(fhir_r4_types[mid].name));

		if (c == 0)
			return mid;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return FHIR_NO_TYPE;
}

const char *
fhir_type_name(fhir_type_id t)
{
	return type_ok(t) ? POOL(fhir_r4_types[t].name) : "";
}

fhir_type_kind
fhir_type_kind_of(fhir_type_id t)
{
	return type_ok(t) ? (fhir_type_kind) fhir_r4_types[t].kind : FHIR_KIND_COMPLEX;
}

bool
fhir_type_is_valid(fhir_type_id t)
{
	return type_ok(t);
}

bool
fhir_type_is_resource(fhir_type_id t)
{
	return type_ok(t) && fhir_r4_types[t].kind == FHIR_KIND_RESOURCE;
}

bool
fhir_type_is_complex(fhir_type_id t)
{
	return type_ok(t) && fhir_r4_types[t].kind == FHIR_KIND_COMPLEX;
}

bool
fhir_type_is_primitive(fhir_type_id t)
{
	return type_ok(t) && fhir_r4_types[t].kind == FHIR_KIND_PRIMITIVE;
}

bool
fhir_type_is_backbone(fhir_type_id t)
{
	return type_ok(t) && fhir_r4_types[t].kind == FHIR_KIND_BACKBONE;
}

bool
fhir_type_is_abstract(fhir_type_id t)
{
	return type_ok(t) && (fhir_r4_types[t].flags & FHIR_TF_ABSTRACT) != 0;
}

fhir_prim_kind
fhir_type_primitive(fhir_type_id t)
{
	return type_ok(t) ? (fhir_prim_kind) fhir_r4_types[t].prim : FHIR_PRIM_NONE;
}

fhir_type_id
fhir_type_base(fhir_type_id t)
{
	return type_ok(t) ? type_from16(fhir_r4_types[t].base) : FHIR_NO_TYPE;
}

bool
fhir_type_derives_from(fhir_type_id t, fhir_type_id ancestor)
{
	int			guard = 0;

	if (!type_ok(ancestor))
		return false;
	/* chains are short (Age -> Quantity -> Element); guard anyway */
	while (type_ok(t) && guard++ < 64)
	{
		if (t == ancestor)
			return true;
		t = type_from16(fhir_r4_types[t].base);
	}
	return false;
}

fhir_type_id
fhir_type_owner(fhir_type_id t)
{
	return type_ok(t) ? type_from16(fhir_r4_types[t].owner) : FHIR_NO_TYPE;
}

int
fhir_type_nelements(fhir_type_id t)
{
	return type_ok(t) ? fhir_r4_types[t].nelems : 0;
}

fhir_elem_id
fhir_type_element(fhir_type_id t, int i)
{
	if (!type_ok(t) || i < 0 || i >= fhir_r4_types[t].nelems)
		return FHIR_NO_ELEM;
	return (fhir_elem_id) fhir_r4_types[t].first + i;
}

bool
fhir_type_has_required(fhir_type_id t)
{
	return type_ok(t) && (fhir_r4_types[t].flags & FHIR_TF_REQUIRED) != 0;
}

/* ------------------------------------------------------------------------
 * Elements
 * ------------------------------------------------------------------------ */

fhir_elem_id
fhir_element_find(fhir_type_id t, const char *name, size_t len)
{
	const fhir_type_row *tr;
	const uint8_t *order;
	int			lo,
				hi;

	if (!type_ok(t) || name == NULL)
		return FHIR_NO_ELEM;
	tr = &fhir_r4_types[t];
	order = fhir_r4_elem_order + tr->first;
	lo = 0;
	hi = (int) tr->nelems - 1;
	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		fhir_elem_id e = (fhir_elem_id) tr->first + order[mid];
		int			c = cmp_key(name, len, POOL(fhir_r4_elements[e].name));

		if (c == 0)
			return e;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return FHIR_NO_ELEM;
}

/*
 * choice_type_for_suffix
 *		The type a choice key's suffix names, if element e allows it:
 *		"Quantity" -> Quantity, "DateTime" -> dateTime, "String" -> string.
 */
static fhir_type_id
choice_type_for_suffix(fhir_elem_id e, const char *suffix, size_t len)
{
	const uint16_t *list = fhir_r4_choices + fhir_r4_elements[e].type;
	int			n = list[0];

	for (int i = 1; i <= n; i++)
	{
		const char *tn = POOL(fhir_r4_types[list[i]].name);
		unsigned char c0 = (unsigned char) tn[0];

		/* the first letter upper-cased, the rest as is */
		if (c0 >= 'a' && c0 <= 'z')
			c0 = (unsigned char) (c0 - 'a' + 'A');
		if ((unsigned char) suffix[0] == c0 &&
			cmp_key(suffix + 1, len - 1, tn + 1) == 0)
			return (fhir_type_id) list[i];
	}
	return FHIR_NO_TYPE;
}

static fhir_key_kind
key_result(fhir_key *out, fhir_key_kind kind, fhir_elem_id e, fhir_type_id t)
{
	if (out)
	{
		out->kind = kind;
		out->elem = e;
		out->type = t;
		out->prim = fhir_type_primitive(t);
	}
	return kind;
}

fhir_key_kind
fhir_lookup_key(fhir_type_id t, const char *key, size_t len, fhir_key *out)
{
	bool		ext = false;
	fhir_elem_id e;

	if (!type_ok(t) || key == NULL || len == 0)
		return key_result(out, FHIR_KEY_UNKNOWN, FHIR_NO_ELEM, FHIR_NO_TYPE);
	if (key[0] == '_')
	{
		ext = true;
		key++;
		len--;
		if (len == 0)
			return key_result(out, FHIR_KEY_UNKNOWN, FHIR_NO_ELEM, FHIR_NO_TYPE);
	}
	else if (fhir_r4_types[t].kind == FHIR_KIND_RESOURCE &&
			 len == 12 && memcmp(key, "resourceType", 12) == 0)
		return key_result(out, FHIR_KEY_RESOURCE_TYPE, FHIR_NO_ELEM, FHIR_NO_TYPE);

	/* a plain element */
	e = fhir_element_find(t, key, len);
	if (e != FHIR_NO_ELEM && !(fhir_r4_elements[e].flags & FHIR_EF_CHOICE))
	{
		fhir_type_id et = (fhir_type_id) fhir_r4_elements[e].type;

		if (!ext)
			return key_result(out, FHIR_KEY_ELEMENT, e, et);
		if (fhir_r4_types[et].kind == FHIR_KIND_PRIMITIVE &&
			!(fhir_r4_elements[e].flags & FHIR_EF_NOEXT))
			return key_result(out, FHIR_KEY_PRIMITIVE_EXT, e, et);
		return key_result(out, FHIR_KEY_UNKNOWN, FHIR_NO_ELEM, FHIR_NO_TYPE);
	}

	/*
	 * A choice: the key is a choice element's base name followed by a type
	 * name starting with an upper-case letter.  Try every such split.
	 */
	for (size_t i = 1; i < len; i++)
	{
		fhir_type_id ct;

		if (key[i] < 'A' || key[i] > 'Z')
			continue;
		e = fhir_element_find(t, key, i);
		if (e == FHIR_NO_ELEM || !(fhir_r4_elements[e].flags & FHIR_EF_CHOICE))
			continue;
		ct = choice_type_for_suffix(e, key + i, len - i);
		if (ct == FHIR_NO_TYPE)
			continue;
		if (!ext)
			return key_result(out, FHIR_KEY_ELEMENT, e, ct);
		if (fhir_r4_types[ct].kind == FHIR_KIND_PRIMITIVE)
			return key_result(out, FHIR_KEY_PRIMITIVE_EXT, e, ct);
	}
	return key_result(out, FHIR_KEY_UNKNOWN, FHIR_NO_ELEM, FHIR_NO_TYPE);
}

const char *
fhir_element_name(fhir_elem_id e)
{
	return elem_ok(e) ? POOL(fhir_r4_elements[e].name) : "";
}

/*
 * fhir_element_owner
 *		The type whose element range contains e.  The generator lays the
 *		elements out type after type in type-id order, so the ranges ascend
 *		with the type id: a binary search for the last type starting at or
 *		before e.
 */
fhir_type_id
fhir_element_owner(fhir_elem_id e)
{
	int			lo = 0,
				hi = fhir_r4_ntypes - 1;

	if (!elem_ok(e))
		return FHIR_NO_TYPE;
	while (lo < hi)
	{
		int			mid = lo + (hi - lo + 1) / 2;

		if (fhir_r4_types[mid].first <= e)
			lo = mid;
		else
			hi = mid - 1;
	}
	if (e >= fhir_r4_types[lo].first &&
		e < fhir_r4_types[lo].first + fhir_r4_types[lo].nelems)
		return lo;
	return FHIR_NO_TYPE;
}

int
fhir_element_index(fhir_elem_id e)
{
	fhir_type_id t = fhir_element_owner(e);

	return t == FHIR_NO_TYPE ? -1 : e - fhir_r4_types[t].first;
}

bool
fhir_element_path(fhir_elem_id e, cl_buf *out)
{
	fhir_type_id t = fhir_element_owner(e);

	if (t == FHIR_NO_TYPE)
		return false;
	cl_buf_append_str(out, fhir_type_name(t));
	cl_buf_append_char(out, '.');
	cl_buf_append_str(out, fhir_element_name(e));
	if (fhir_r4_elements[e].flags & FHIR_EF_CHOICE)
		cl_buf_append_str(out, "[x]");
	return !out->failed;
}

int
fhir_element_min(fhir_elem_id e)
{
	return elem_ok(e) ? fhir_r4_elements[e].min : 0;
}

int
fhir_element_max(fhir_elem_id e)
{
	if (!elem_ok(e))
		return 0;
	if (fhir_r4_elements[e].flags & FHIR_EF_MANY)
		return FHIR_MAX_MANY;
	if (fhir_r4_elements[e].flags & FHIR_EF_PROHIBITED)
		return 0;
	return 1;
}

bool
fhir_element_is_required(fhir_elem_id e)
{
	return elem_ok(e) && fhir_r4_elements[e].min >= 1;
}

static inline bool
elem_flag(fhir_elem_id e, uint8_t flag)
{
	return elem_ok(e) && (fhir_r4_elements[e].flags & flag) != 0;
}

bool
fhir_element_is_array(fhir_elem_id e)
{
	return elem_flag(e, FHIR_EF_MANY);
}

bool
fhir_element_is_choice(fhir_elem_id e)
{
	return elem_flag(e, FHIR_EF_CHOICE);
}

bool
fhir_element_is_modifier(fhir_elem_id e)
{
	return elem_flag(e, FHIR_EF_MODIFIER);
}

bool
fhir_element_is_summary(fhir_elem_id e)
{
	return elem_flag(e, FHIR_EF_SUMMARY);
}

bool
fhir_element_is_xml_attr(fhir_elem_id e)
{
	return elem_flag(e, FHIR_EF_XMLATTR);
}

bool
fhir_element_is_content_ref(fhir_elem_id e)
{
	return elem_flag(e, FHIR_EF_CONTENTREF);
}

bool
fhir_element_allows_primitive_ext(fhir_elem_id e)
{
	int			n = fhir_element_ntypes(e);

	if (n == 0 || elem_flag(e, FHIR_EF_NOEXT))
		return false;
	for (int i = 0; i < n; i++)
		if (fhir_type_is_primitive(fhir_element_type_at(e, i)))
			return true;
	return false;
}

int
fhir_element_ntypes(fhir_elem_id e)
{
	if (!elem_ok(e))
		return 0;
	if (fhir_r4_elements[e].flags & FHIR_EF_CHOICE)
		return fhir_r4_choices[fhir_r4_elements[e].type];
	return 1;
}

fhir_type_id
fhir_element_type_at(fhir_elem_id e, int i)
{
	if (i < 0 || i >= fhir_element_ntypes(e))
		return FHIR_NO_TYPE;
	if (fhir_r4_elements[e].flags & FHIR_EF_CHOICE)
		return (fhir_type_id) fhir_r4_choices[fhir_r4_elements[e].type + 1 + i];
	return (fhir_type_id) fhir_r4_elements[e].type;
}

fhir_type_id
fhir_element_type(fhir_elem_id e)
{
	if (!elem_ok(e) || (fhir_r4_elements[e].flags & FHIR_EF_CHOICE))
		return FHIR_NO_TYPE;
	return (fhir_type_id) fhir_r4_elements[e].type;
}

bool
fhir_element_allows_type(fhir_elem_id e, fhir_type_id t)
{
	int			n = fhir_element_ntypes(e);

	for (int i = 0; i < n; i++)
		if (fhir_element_type_at(e, i) == t)
			return true;
	return false;
}

fhir_prim_kind
fhir_element_primitive(fhir_elem_id e)
{
	return fhir_type_primitive(fhir_element_type(e));
}

size_t
fhir_element_json_name(fhir_elem_id e, fhir_type_id t, char *out,
					   size_t outsize)
{
	const char *name;
	const char *tn;
	size_t		n,
				m;

	if (out == NULL || outsize == 0 || !fhir_element_allows_type(e, t))
		return 0;
	name = fhir_element_name(e);
	n = strlen(name);
	if (!(fhir_r4_elements[e].flags & FHIR_EF_CHOICE))
	{
		if (n + 1 > outsize)
			return 0;
		memcpy(out, name, n + 1);
		return n;
	}
	tn = fhir_type_name(t);
	m = strlen(tn);
	if (n + m + 1 > outsize)
		return 0;
	memcpy(out, name, n);
	memcpy(out + n, tn, m + 1);
	if (out[n] >= 'a' && out[n] <= 'z')
		out[n] = (char) (out[n] - 'a' + 'A');
	return n + m;
}
