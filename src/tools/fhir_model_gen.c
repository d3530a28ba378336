/*
 * fhir_model_gen.c
 *		Development-time generator of the FHIR R4 model tables
 *		(src/core/fhir/r4_model.c) from the official StructureDefinitions.
 *
 * Usage:
 *   fhir_model_gen SOURCE-DESCRIPTION profiles-types.json \
 *                  profiles-resources.json OUTPUT.c
 *
 * Reads the snapshot of every StructureDefinition of kind primitive-type,
 * complex-type or resource with derivation "specialization" (or none: the
 * roots Element and Resource); constraint profiles (SimpleQuantity,
 * MoneyQuantity) and logical models are skipped.  Writes the tables laid
 * out in src/core/fhir/fhir_model_internal.h.  See src/tools/README.md.
 *
 * This program is not part of the extension or the unit tests: it runs only
 * when the tables are regenerated ("make fhir-model"), and links jansson.
 * Being a tool, it reports fatal problems on stderr and exits non-zero.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE16 0xFFFF
#define FHIR_VERSION "4.0.1"
#define SYSTEM_PREFIX "http://hl7.org/fhirpath/System."
#define REGEX_URL "http://hl7.org/fhir/StructureDefinition/regex"
#define FHIRTYPE_URL "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type"

/* fhir_type_kind and fhir_prim_kind, spelled as in clinical/fhir_model.h */
enum
{
	KIND_PRIMITIVE, KIND_COMPLEX, KIND_RESOURCE, KIND_BACKBONE
};
static const char *const kind_names[] = {
	"FHIR_KIND_PRIMITIVE", "FHIR_KIND_COMPLEX", "FHIR_KIND_RESOURCE",
	"FHIR_KIND_BACKBONE"
};

/* R4 primitive type names in fhir_prim_kind order (index 0 is NONE) */
static const char *const prim_names[] = {
	NULL, "base64Binary", "boolean", "canonical", "code", "date", "dateTime",
	"decimal", "id", "instant", "integer", "markdown", "oid", "positiveInt",
	"string", "time", "unsignedInt", "uri", "url", "uuid", "xhtml"
};
#define NPRIM ((int) (sizeof(prim_names) / sizeof(prim_names[0])))

typedef struct gtype
{
	char	   *name;
	int			kind;
	int			prim;
	bool		abstract;
	char	   *base_name;		/* baseDefinition's type, or NULL */
	char	   *owner_name;		/* backbone: parent path */
	int			sd;				/* index of the defining StructureDefinition */
	int			id;				/* index after sorting */
	char	   *regex;			/* primitive: regex of its value, or NULL */
} gtype;

typedef struct gsd
{
	json_t	   *sd;
	const char *name;
	json_t	   *elements;		/* snapshot.element */
} gsd;

static gsd *sds;
static int	nsds;
static gtype *types;
static int	ntypes;

static char *pool;
static size_t pool_len;
static size_t pool_cap;

static uint16_t *choices;
static int	nchoices;

static void
fatal(const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "fhir_model_gen: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *
xrealloc(void *p, size_t n)
{
	void	   *q = realloc(p, n ? n : 1);

	if (q == NULL)
		fatal("out of memory");
	return q;
}

static char *
xstrndup(const char *s, size_t n)
{
	char	   *d = xrealloc(NULL, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static const char *
jstr(json_t *obj, const char *key)
{
	json_t	   *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Offset of s in the string pool, adding it once. */
static uint16_t
pool_add(const char *s)
{
	size_t		n = strlen(s);
	size_t		off = 0;

	while (off < pool_len)
	{
		if (strcmp(pool + off, s) == 0)
			return (uint16_t) off;
		off += strlen(pool + off) + 1;
	}
	if (pool_len + n + 1 > pool_cap)
	{
		pool_cap = (pool_len + n + 1) * 2;
		pool = xrealloc(pool, pool_cap);
	}
	off = pool_len;
	memcpy(pool + off, s, n + 1);
	pool_len += n + 1;
	if (off > 0xFFFE)
		fatal("string pool exceeds 64 kB: widen the offsets");
	return (uint16_t) off;
}

static int
type_index(const char *name)
{
	int			lo = 0,
				hi = ntypes - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = strcmp(name, types[mid].name);

		if (c == 0)
			return mid;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

static int
type_id(const char *name, const char *context)
{
	int			i = type_index(name);

	if (i < 0)
		fatal("%s: unknown type \"%s\"", context, name);
	return i;
}

static gtype *
add_type(const char *name)
{
	gtype	   *t;

	for (int i = 0; i < ntypes; i++)
		if (strcmp(types[i].name, name) == 0)
			fatal("duplicate type %s", name);
	types = xrealloc(types, sizeof(gtype) * (size_t) (ntypes + 1));
	t = &types[ntypes++];
	memset(t, 0, sizeof(*t));
	t->name = xstrndup(name, strlen(name));
	return t;
}

static int
cmp_type(const void *a, const void *b)
{
	return strcmp(((const gtype *) a)->name, ((const gtype *) b)->name);
}

/* The part of path before its last '.', as a new string (NULL if none). */
static char *
parent_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot ? xstrndup(path, (size_t) (dot - path)) : NULL;
}

static const char *
last_segment(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot ? dot + 1 : path;
}

/* The part of a file name or URL after its last '/'. */
static const char *
base_name(const char *file)
{
	const char *slash = strrchr(file, '/');

	return slash ? slash + 1 : file;
}

/* Does the snapshot have an element whose parent path is p? */
static bool
has_children(json_t *elements, const char *p)
{
	size_t		n = strlen(p);
	size_t		i;
	json_t	   *el;

	json_array_foreach(elements, i, el)
	{
		const char *path = jstr(el, "path");

		if (path && strncmp(path, p, n) == 0 && path[n] == '.')
			return true;
	}
	return false;
}

static void
load_bundle(const char *file)
{
	json_error_t jerr;
	json_t	   *bundle = json_load_file(file, 0, &jerr);
	json_t	   *entries;
	size_t		i;
	json_t	   *entry;

	if (bundle == NULL)
		fatal("%s:%d: %s", file, jerr.line, jerr.text);
	entries = json_object_get(bundle, "entry");
	if (!json_is_array(entries))
		fatal("%s: not a Bundle with entries", file);
	json_array_foreach(entries, i, entry)
	{
		json_t	   *r = json_object_get(entry, "resource");
		const char *rt = jstr(r, "resourceType");
		const char *kind = jstr(r, "kind");
		const char *deriv = jstr(r, "derivation");
		json_t	   *snap;

		if (rt == NULL || strcmp(rt, "StructureDefinition") != 0)
			continue;
		if (kind == NULL || strcmp(kind, "logical") == 0)
			continue;
		if (deriv && strcmp(deriv, "constraint") == 0)
			continue;
		/* the package adds a few later definitions (SubscriptionStatus, 4.3.0) */
		if (jstr(r, "fhirVersion") && strcmp(jstr(r, "fhirVersion"), FHIR_VERSION) != 0)
		{
			fprintf(stderr, "fhir_model_gen: skipping %s (fhirVersion %s)\n",
					jstr(r, "name"), jstr(r, "fhirVersion"));
			continue;
		}
		snap = json_object_get(json_object_get(r, "snapshot"), "element");
		if (!json_is_array(snap) || json_array_size(snap) == 0)
			fatal("%s: %s has no snapshot", file, jstr(r, "name"));
		sds = xrealloc(sds, sizeof(gsd) * (size_t) (nsds + 1));
		sds[nsds].sd = r;
		sds[nsds].name = jstr(r, "type");
		sds[nsds].elements = snap;
		if (sds[nsds].name == NULL)
			fatal("%s: StructureDefinition without type", file);
		nsds++;
	}
}

/* Collects the types: one per StructureDefinition, one per backbone path. */
static void
collect_types(void)
{
	for (int s = 0; s < nsds; s++)
	{
		json_t	   *r = sds[s].sd;
		const char *kind = jstr(r, "kind");
		const char *basedef = jstr(r, "baseDefinition");
		gtype	   *t = add_type(sds[s].name);
		size_t		i;
		json_t	   *el;

		t->sd = s;
		t->abstract = json_is_true(json_object_get(r, "abstract"));
		if (strcmp(kind, "primitive-type") == 0)
			t->kind = KIND_PRIMITIVE;
		else if (strcmp(kind, "complex-type") == 0)
			t->kind = KIND_COMPLEX;
		else if (strcmp(kind, "resource") == 0)
			t->kind = KIND_RESOURCE;
		else
			fatal("%s: unexpected kind %s", t->name, kind);
		if (basedef)
			t->base_name = xstrndup(base_name(basedef), strlen(base_name(basedef)));
		if (t->kind == KIND_PRIMITIVE)
		{
			for (int k = 1; k < NPRIM; k++)
				if (strcmp(prim_names[k], t->name) == 0)
					t->prim = k;
			if (t->prim == 0)
				fatal("unknown primitive type %s", t->name);
		}

		json_array_foreach(sds[s].elements, i, el)
		{
			const char *path = jstr(el, "path");
			json_t	   *tl = json_object_get(el, "type");
			const char *code;

			if (path == NULL)
				fatal("%s: element without path", t->name);
			if (json_object_get(el, "sliceName"))
				fatal("%s: slices are not expected in base definitions", path);

			/* a primitive's value element carries the regex */
			if (t->kind == KIND_PRIMITIVE && strcmp(last_segment(path), "value") == 0)
			{
				json_t	   *exts = json_object_get(json_array_get(tl, 0), "extension");
				size_t		j;
				json_t	   *ext;

				json_array_foreach(exts, j, ext)
				{
					const char *url = jstr(ext, "url");

					if (url && strcmp(url, REGEX_URL) == 0 && jstr(ext, "valueString"))
						t->regex = xstrndup(jstr(ext, "valueString"),
											strlen(jstr(ext, "valueString")));
				}
			}

			if (i == 0 || json_array_size(tl) != 1)
				continue;
			code = jstr(json_array_get(tl, 0), "code");
			if (code && (strcmp(code, "BackboneElement") == 0 ||
						 strcmp(code, "Element") == 0) &&
				has_children(sds[s].elements, path))
			{
				gtype	   *b = add_type(path);

				b->kind = KIND_BACKBONE;
				b->sd = s;
				b->base_name = xstrndup(code, strlen(code));
				b->owner_name = parent_of(path);
			}
		}
	}
	qsort(types, (size_t) ntypes, sizeof(gtype), cmp_type);
	for (int i = 0; i < ntypes; i++)
		types[i].id = i;
	if (ntypes >= NONE16)
		fatal("too many types");
}

/* The FHIR type name of one entry of an element's type list. */
static const char *
type_code_name(json_t *tr, const char *path, json_t *el)
{
	const char *code = jstr(tr, "code");

	if (code == NULL)
		fatal("%s: type without code", path);
	if (strncmp(code, SYSTEM_PREFIX, strlen(SYSTEM_PREFIX)) == 0)
	{
		json_t	   *exts = json_object_get(tr, "extension");
		const char *base = jstr(json_object_get(el, "base"), "path");
		size_t		j;
		json_t	   *ext;

		/*
		 * Resource.id is declared System.String with fhir-type "string" in
		 * the 4.0.1 definitions, but the specification (resource.html) and
		 * the JSON schema give it type id.
		 */
		if (base && strcmp(base, "Resource.id") == 0)
			return "id";
		json_array_foreach(exts, j, ext)
		{
			const char *url = jstr(ext, "url");

			if (url && strcmp(url, FHIRTYPE_URL) == 0)
			{
				const char *v = jstr(ext, "valueUrl");

				if (v == NULL)
					v = jstr(ext, "valueString");
				if (v)
					return v;
			}
		}
		/* no extension (xhtml.id): the System type's FHIR counterpart */
		{
			static const char *const sys[][2] = {
				{"String", "string"}, {"Boolean", "boolean"},
				{"Date", "date"}, {"DateTime", "dateTime"},
				{"Decimal", "decimal"}, {"Integer", "integer"},
				{"Time", "time"}
			};

			for (size_t k = 0; k < sizeof(sys) / sizeof(sys[0]); k++)
				if (strcmp(code + strlen(SYSTEM_PREFIX), sys[k][0]) == 0)
					return sys[k][1];
		}
		fatal("%s: system type %s without fhir-type extension", path, code);
	}
	return code;
}

typedef struct gelem
{
	uint16_t	name;
	uint16_t	type;
	uint8_t		min;
	uint8_t		flags;
	char	   *path;			/* for the comment */
} gelem;

static gelem *elems;
static int	nelems;
static uint16_t *firsts;
static uint8_t *counts;
static uint8_t *order;

#define EF_MANY			0x01
#define EF_CHOICE		0x02
#define EF_MODIFIER		0x04
#define EF_SUMMARY		0x08
#define EF_XMLATTR		0x10
#define EF_CONTENTREF	0x20
#define EF_NOEXT		0x40
#define EF_PROHIBITED	0x80

static uint16_t
add_choice_list(const uint16_t *ids, int n)
{
	for (int o = 0; o < nchoices; o += choices[o] + 1)
		if (choices[o] == n && memcmp(choices + o + 1, ids, sizeof(uint16_t) * (size_t) n) == 0)
			return (uint16_t) o;
	choices = xrealloc(choices, sizeof(uint16_t) * (size_t) (nchoices + n + 1));
	choices[nchoices] = (uint16_t) n;
	memcpy(choices + nchoices + 1, ids, sizeof(uint16_t) * (size_t) n);
	nchoices += n + 1;
	if (nchoices > NONE16)
		fatal("choice lists exceed 64k entries");
	return (uint16_t) (nchoices - n - 1);
}

static void
make_element(gtype *owner, json_t *el, const char *path)
{
	const char *seg = last_segment(path);
	size_t		seglen = strlen(seg);
	bool		choice = seglen > 3 && strcmp(seg + seglen - 3, "[x]") == 0;
	char	   *name = xstrndup(seg, choice ? seglen - 3 : seglen);
	json_t	   *tl = json_object_get(el, "type");
	const char *cref = jstr(el, "contentReference");
	const char *max = jstr(el, "max");
	json_t	   *minv = json_object_get(el, "min");
	json_t	   *reps = json_object_get(el, "representation");
	gelem	   *g;
	size_t		i;
	json_t	   *rep;

	elems = xrealloc(elems, sizeof(gelem) * (size_t) (nelems + 1));
	g = &elems[nelems++];
	memset(g, 0, sizeof(*g));
	g->name = pool_add(name);
	g->path = xstrndup(path, strlen(path));

	if (!json_is_integer(minv) || json_integer_value(minv) < 0 ||
		json_integer_value(minv) > 255)
		fatal("%s: bad min", path);
	g->min = (uint8_t) json_integer_value(minv);
	if (max == NULL)
		fatal("%s: no max", path);
	if (strcmp(max, "*") == 0)
		g->flags |= EF_MANY;
	else if (strcmp(max, "0") == 0)
		g->flags |= EF_PROHIBITED;
	else if (strcmp(max, "1") != 0)
		fatal("%s: unexpected max %s", path, max);
	if (json_is_true(json_object_get(el, "isModifier")))
		g->flags |= EF_MODIFIER;
	if (json_is_true(json_object_get(el, "isSummary")))
		g->flags |= EF_SUMMARY;
	json_array_foreach(reps, i, rep)
		if (json_is_string(rep) && strcmp(json_string_value(rep), "xmlAttr") == 0)
		g->flags |= EF_XMLATTR;

	if (cref)
	{
		if (cref[0] != '#')
			fatal("%s: contentReference %s outside the resource", path, cref);
		if (json_array_size(tl) != 0)
			fatal("%s: contentReference with types", path);
		g->flags |= EF_CONTENTREF;
		g->type = (uint16_t) type_id(cref + 1, path);
		if (types[g->type].kind != KIND_BACKBONE)
			fatal("%s: contentReference to non-backbone %s", path, cref);
	}
	else if (choice)
	{
		uint16_t	ids[256];
		int			n = 0;
		json_t	   *tr;

		if (json_array_size(tl) < 1 || json_array_size(tl) > 256)
			fatal("%s: bad choice type list", path);
		json_array_foreach(tl, i, tr)
		{
			uint16_t	id = (uint16_t) type_id(type_code_name(tr, path, el), path);

			/* a choice may list a type twice with different profiles */
			bool		dup = false;

			for (int k = 0; k < n; k++)
				if (ids[k] == id)
					dup = true;
			if (!dup)
				ids[n++] = id;
		}
		g->flags |= EF_CHOICE;
		g->type = add_choice_list(ids, n);
	}
	else
	{
		const char *tn;
		const char *code;

		if (json_array_size(tl) != 1)
			fatal("%s: expected one type, found %zu", path, json_array_size(tl));
		tn = type_code_name(json_array_get(tl, 0), path, el);
		code = jstr(json_array_get(tl, 0), "code");
		if ((strcmp(tn, "BackboneElement") == 0 || strcmp(tn, "Element") == 0) &&
			type_index(path) >= 0)
			g->type = (uint16_t) type_index(path);
		else
			g->type = (uint16_t) type_id(tn, path);
		/* ids (Element.id, Resource.id) take no "_id" sibling */
		if (strncmp(code, SYSTEM_PREFIX, strlen(SYSTEM_PREFIX)) == 0 &&
			strcmp(name, "id") == 0)
			g->flags |= EF_NOEXT;
	}
	(void) owner;
	free(name);
}

static int
cmp_order(const void *a, const void *b)
{
	const gelem *x = &elems[*(const int *) a];
	const gelem *y = &elems[*(const int *) b];

	return strcmp(pool + x->name, pool + y->name);
}

static void
collect_elements(void)
{
	firsts = xrealloc(NULL, sizeof(uint16_t) * (size_t) ntypes);
	counts = xrealloc(NULL, sizeof(uint8_t) * (size_t) ntypes);
	for (int t = 0; t < ntypes; t++)
	{
		gtype	   *ty = &types[t];
		json_t	   *elements = sds[ty->sd].elements;
		size_t		n = strlen(ty->name);
		int			start = nelems;
		size_t		i;
		json_t	   *el;

		json_array_foreach(elements, i, el)
		{
			const char *path = jstr(el, "path");

			if (strncmp(path, ty->name, n) != 0 || path[n] != '.' ||
				strchr(path + n + 1, '.') != NULL)
				continue;
			if (ty->kind == KIND_PRIMITIVE && strcmp(path + n + 1, "value") == 0)
				continue;
			make_element(ty, el, path);
		}
		if (nelems - start > 255)
			fatal("%s: more than 255 elements", ty->name);
		if (nelems >= NONE16)
			fatal("too many elements");
		firsts[t] = (uint16_t) start;
		counts[t] = (uint8_t) (nelems - start);
		if (ty->kind == KIND_BACKBONE && nelems == start)
			fatal("%s: backbone without elements", ty->name);
	}

	/* per type, element positions sorted by name */
	order = xrealloc(NULL, (size_t) nelems);
	for (int t = 0; t < ntypes; t++)
	{
		int			idx[256];

		for (int k = 0; k < counts[t]; k++)
			idx[k] = firsts[t] + k;
		qsort(idx, counts[t], sizeof(int), cmp_order);
		for (int k = 0; k < counts[t]; k++)
		{
			if (k > 0 && strcmp(pool + elems[idx[k]].name, pool + elems[idx[k - 1]].name) == 0)
				fatal("%s: duplicate element name %s", types[t].name, pool + elems[idx[k]].name);
			order[firsts[t] + k] = (uint8_t) (idx[k] - firsts[t]);
		}
	}
}

/* Writes s as the body of a C string literal. */
static void
emit_cstring(FILE *out, const char *s)
{
	for (; *s; s++)
	{
		unsigned char c = (unsigned char) *s;

		if (c == '\\' || c == '"')
			fprintf(out, "\\%c", c);
		else if (c == '?')
			fputs("\\?", out);	/* no trigraphs */
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\%03o", c);
		else
			fputc(c, out);
	}
}

/* "FHIR_PRIM_DATETIME" for k = the dateTime kind */
static const char *
prim_enum(int k)
{
	static char buf[64];
	size_t		n;

	if (k == 0)
		return "FHIR_PRIM_NONE";
	n = (size_t) snprintf(buf, sizeof(buf), "FHIR_PRIM_%s", prim_names[k]);
	for (size_t i = 0; i < n; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char) (buf[i] - 'a' + 'A');
	return buf;
}

static uint16_t
type_ref(const char *name, const char *context)
{
	return name ? (uint16_t) type_id(name, context) : NONE16;
}

static void
fmt_type_ref(char *buf, uint16_t id)
{
	if (id == NONE16)
		strcpy(buf, "FHIR_T_NONE");
	else
		snprintf(buf, 16, "%u", id);
}

static void
emit(FILE *out, const char *source, const char *f1, const char *f2)
{
	size_t		off;
	uint16_t	prim_type[NPRIM];
	uint16_t	prim_regex[NPRIM];
	int			counts_by_kind[4] = {0, 0, 0, 0};
	uint16_t	empty = pool_add("");

	for (int t = 0; t < ntypes; t++)
		counts_by_kind[types[t].kind]++;

	/* every string the tables use must be in the pool before it is emitted */
	for (int t = 0; t < ntypes; t++)
		pool_add(types[t].name);
	for (int k = 0; k < NPRIM; k++)
	{
		prim_type[k] = NONE16;
		prim_regex[k] = empty;
	}
	for (int t = 0; t < ntypes; t++)
		if (types[t].kind == KIND_PRIMITIVE)
		{
			prim_type[types[t].prim] = (uint16_t) t;
			if (types[t].regex)
				prim_regex[types[t].prim] = pool_add(types[t].regex);
		}
	for (int k = 1; k < NPRIM; k++)
		if (prim_type[k] == NONE16)
			fatal("primitive %s missing from the definitions", prim_names[k]);

	fprintf(out,
			"/*\n"
			" * r4_model.c\n"
			" *\t\tThe FHIR R4 model tables.  GENERATED by src/tools/fhir_model_gen.c\n"
			" *\t\t(\"make fhir-model\"); do not edit by hand.\n"
			" *\n"
			" * Source: %s\n"
			" *   %s\n"
			" *   %s\n"
			" *\n"
			" * %d types (%d primitive, %d complex, %d resource, %d backbone),\n"
			" * %d elements, %d choice-list entries, %zu bytes of strings.\n"
			" * Layout: src/core/fhir/fhir_model_internal.h.\n"
			" */\n"
			"#include \"fhir_model_internal.h\"\n\n",
			source, f1, f2, ntypes, counts_by_kind[KIND_PRIMITIVE],
			counts_by_kind[KIND_COMPLEX], counts_by_kind[KIND_RESOURCE],
			counts_by_kind[KIND_BACKBONE], nelems, nchoices, pool_len);

	fprintf(out, "const char fhir_r4_version[] = \"%s\";\n", FHIR_VERSION);
	fprintf(out, "const char fhir_r4_source[] = \"");
	emit_cstring(out, source);
	fprintf(out, "\";\n\n");

	/* the pool; each entry a literal of its own ending in \0 */
	fprintf(out, "const char fhir_r4_pool[%zu] =\n", pool_len);
	for (off = 0; off < pool_len; off += strlen(pool + off) + 1)
	{
		fprintf(out, "\t/* %5zu */ \"", off);
		emit_cstring(out, pool + off);
		fprintf(out, "\\0\"%s\n", off + strlen(pool + off) + 1 < pool_len ? "" : ";");
	}
	fputc('\n', out);

	fprintf(out, "const int fhir_r4_ntypes = %d;\n\n", ntypes);
	fprintf(out, "/* name, first, base, owner, nelems, kind, prim, flags */\n");
	fprintf(out, "const fhir_type_row fhir_r4_types[%d] = {\n", ntypes);
	for (int t = 0; t < ntypes; t++)
	{
		gtype	   *ty = &types[t];
		int			flags = ty->abstract ? 0x01 : 0;
		char		base[16],
					owner[16];

		for (int k = 0; k < counts[t]; k++)
			if (elems[firsts[t] + k].min >= 1)
				flags |= 0x02;
		fmt_type_ref(base, type_ref(ty->base_name, ty->name));
		fmt_type_ref(owner, type_ref(ty->owner_name, ty->name));
		fprintf(out, "\t{%u, %u, %s, %s, %u, %s, %s, %d},\t/* %d %s */\n",
				pool_add(ty->name), firsts[t], base, owner,
				counts[t], kind_names[ty->kind], prim_enum(ty->prim),
				flags, t, ty->name);
	}
	fprintf(out, "};\n\n");

	fprintf(out, "const int fhir_r4_nelements = %d;\n\n", nelems);
	fprintf(out, "/* name, type (or choice-list offset), min, flags */\n");
	fprintf(out, "const fhir_elem_row fhir_r4_elements[%d] = {\n", nelems);
	for (int e = 0; e < nelems; e++)
		fprintf(out, "\t{%u, %u, %u, 0x%02x},\t/* %d %s */\n",
				elems[e].name, elems[e].type, elems[e].min, elems[e].flags,
				e, elems[e].path);
	fprintf(out, "};\n\n");

	fprintf(out, "const uint8_t fhir_r4_elem_order[%d] = {", nelems);
	for (int e = 0; e < nelems; e++)
		fprintf(out, "%s%u,", e % 24 == 0 ? "\n\t" : " ", order[e]);
	fprintf(out, "\n};\n\n");

	fprintf(out, "const uint16_t fhir_r4_choices[%d] = {", nchoices);
	for (int o = 0; o < nchoices; o++)
		fprintf(out, "%s%u,", o % 16 == 0 ? "\n\t" : " ", choices[o]);
	fprintf(out, "\n};\n\n");

	fprintf(out, "const uint16_t fhir_r4_prim_type[FHIR_PRIM_COUNT] = {\n");
	fprintf(out, "\tFHIR_T_NONE,\n");
	for (int k = 1; k < NPRIM; k++)
		fprintf(out, "\t%u,\t\t\t\t\t/* %s */\n", prim_type[k], prim_names[k]);
	fprintf(out, "};\n\n");

	fprintf(out, "const uint16_t fhir_r4_prim_regex[FHIR_PRIM_COUNT] = {\n");
	for (int k = 0; k < NPRIM; k++)
		fprintf(out, "\t%u,\t\t\t\t\t/* %s */\n", prim_regex[k],
				k ? prim_names[k] : "none");
	fprintf(out, "};\n");
}

int
main(int argc, char **argv)
{
	FILE	   *out;

	if (argc != 5)
	{
		fprintf(stderr, "usage: %s SOURCE-DESCRIPTION profiles-types.json "
				"profiles-resources.json OUTPUT.c\n", argv[0]);
		return 2;
	}
	load_bundle(argv[2]);
	load_bundle(argv[3]);
	collect_types();
	collect_elements();
	out = fopen(argv[4], "w");
	if (out == NULL)
		fatal("cannot write %s", argv[4]);
	emit(out, argv[1], base_name(argv[2]), base_name(argv[3]));
	if (fclose(out) != 0)
		fatal("cannot write %s", argv[4]);
	fprintf(stderr, "fhir_model_gen: wrote %s: %d types, %d elements, "
			"%d choice-list entries, %zu bytes of strings\n",
			argv[4], ntypes, nelems, nchoices, pool_len);
	return 0;
}
