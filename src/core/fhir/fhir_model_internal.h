/*
 * fhir_model_internal.h
 *		Layout of the generated FHIR model tables (r4_model.c), shared by the
 *		generator's output and the lookup functions in model.c.
 *
 * Everything is const data without pointers, so it lives in .rodata and
 * needs no relocation.  Strings are NUL-terminated entries of one pool,
 * referred to by 16-bit offsets; every string appears once.
 *
 *   fhir_r4_types[]       one row per type, sorted by name (strcmp order),
 *                         so a type id is its index and lookup is a binary
 *                         search.
 *   fhir_r4_elements[]    the elements of every type, type after type, each
 *                         type's elements contiguous and in definition order.
 *   fhir_r4_elem_order[]  parallel to fhir_r4_elements: for each type, the
 *                         positions (0-based, within the type) of its
 *                         elements sorted by name, for binary search.
 *   fhir_r4_choices[]     allowed-type lists of choice elements: at offset
 *                         o, a count n, then n type ids.  Identical lists are
 *                         shared.
 */
#ifndef FHIR_MODEL_INTERNAL_H
#define FHIR_MODEL_INTERNAL_H

#include "clinical/fhir_model.h"

#define FHIR_T_NONE 0xFFFF		/* no type in a uint16 type field */

/* fhir_type_row.flags */
#define FHIR_TF_ABSTRACT	0x01
#define FHIR_TF_REQUIRED	0x02	/* some element has min >= 1 */

typedef struct fhir_type_row
{
	uint16_t	name;			/* pool offset */
	uint16_t	first;			/* index of the first element */
	uint16_t	base;			/* type id of the baseDefinition, or NONE */
	uint16_t	owner;			/* backbone: defining type id, else NONE */
	uint8_t		nelems;
	uint8_t		kind;			/* fhir_type_kind */
	uint8_t		prim;			/* fhir_prim_kind */
	uint8_t		flags;			/* FHIR_TF_* */
} fhir_type_row;

/* fhir_elem_row.flags */
#define FHIR_EF_MANY		0x01	/* max "*" */
#define FHIR_EF_CHOICE		0x02	/* type is an offset into fhir_r4_choices */
#define FHIR_EF_MODIFIER	0x04
#define FHIR_EF_SUMMARY		0x08
#define FHIR_EF_XMLATTR		0x10
#define FHIR_EF_CONTENTREF	0x20
#define FHIR_EF_NOEXT		0x40	/* no "_name" sibling (ids) */
#define FHIR_EF_PROHIBITED	0x80	/* max "0" */

typedef struct fhir_elem_row
{
	uint16_t	name;			/* pool offset; base name for choices */
	uint16_t	type;			/* type id, or choice-list offset */
	uint8_t		min;
	uint8_t		flags;			/* FHIR_EF_* */
} fhir_elem_row;

extern const char fhir_r4_pool[];
extern const fhir_type_row fhir_r4_types[];
extern const int fhir_r4_ntypes;
extern const fhir_elem_row fhir_r4_elements[];
extern const int fhir_r4_nelements;
extern const uint8_t fhir_r4_elem_order[];
extern const uint16_t fhir_r4_choices[];
extern const uint16_t fhir_r4_prim_type[FHIR_PRIM_COUNT];	/* kind -> type id */
extern const uint16_t fhir_r4_prim_regex[FHIR_PRIM_COUNT];	/* pool offsets */
extern const char fhir_r4_version[];
extern const char fhir_r4_source[];

#endif							/* FHIR_MODEL_INTERNAL_H */
