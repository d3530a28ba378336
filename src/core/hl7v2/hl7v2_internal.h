/*
 * hl7v2_internal.h
 *		Helpers shared by the files of the HL7 v2 core (not public API).
 */
#ifndef HL7V2_INTERNAL_H
#define HL7V2_INTERNAL_H

#include <stdio.h>
#include <string.h>

#include "clinical/hl7v2.h"

#define HL7_GRAMMAR_HINT \
	"HL7 paths look like SEG[(n)][-FIELD[(r)][.COMPONENT[.SUBCOMPONENT]]], " \
	"e.g. PID-5.1, PID-3(2).1, OBX(3)-5; indexes are 1-based"

static inline bool
hl7_is_idchar(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static inline bool
hl7_is_alnum(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9');
}

/* memchr that treats c == '\0' as "never found" */
static inline const char *
hl7_find(const char *p, const char *end, char c)
{
	const char *r;

	if (c == '\0' || p >= end)
		return NULL;
	r = memchr(p, c, (size_t) (end - p));
	return r;
}

/* cl_buf failure -> NOMEM error */
static inline bool
hl7_nomem(cl_error *err)
{
	return cl_error_set(err, CL_ERR_NOMEM, CL_NO_OFFSET, "out of memory");
}

/* field span of a segment span (MSH counting), implemented in lookup.c */
hl7_span	hl7__field(const hl7_delims *d, hl7_span seg, int n);

#endif
