/*
 * hl7v2_pg.h
 *		The hl7v2 type inside the server: a varlena holding the core's image
 *		(header, normalised text, segment index) right after VARHDRSZ.
 */
#ifndef HL7V2_PG_H
#define HL7V2_PG_H

#include "pg_clinical.h"

#include "clinical/hl7v2.h"

#define DatumGetHl7v2P(d)		((struct varlena *) PG_DETOAST_DATUM(d))
#define PG_GETARG_HL7V2_P(n)	DatumGetHl7v2P(PG_GETARG_DATUM(n))

/*
 * Builds an hl7v2 value from message text already in UTF-8 (the server
 * encoding): checks MSH-18, parses, normalises, indexes.  Returns NULL only
 * when the error was saved softly in escontext.
 */
struct varlena *hl7v2_from_utf8(const char *s, size_t len, Node *escontext);

/*
 * Builds an hl7v2 value from raw bytes in the character set MSH-18 declares
 * (ASCII, UTF-8, ISO-8859-1, Windows-1252), converting them to UTF-8.
 */
struct varlena *hl7v2_from_bytes(const char *s, size_t len);

/* A read-only view of a (detoasted) stored value. */
void		hl7v2_view(struct varlena *v, hl7_msg *m);

/* The compiled path of argument argno, cached in fn_extra. */
const hl7_path *hl7v2_cached_path(FunctionCallInfo fcinfo, int argno);

/* text of a decoded value (escapes resolved), NULL for absent/empty */
text	   *hl7v2_value_text(const hl7_msg *m, hl7_span v, bool *isnull);

#endif
