/*
 * fhir_xml.c
 *		FHIR R4 XML <-> the fhir type, through the core's converter.
 *
 * libxml2 is used inside pg_xml_init / pg_xml_done, so that PostgreSQL's
 * error handler owns libxml2's errors and nothing leaks across a longjmp.
 * The core parses with XML_PARSE_NONET and without entity substitution or
 * DTD loading, and refuses any DOCTYPE: no external entity, no network, no
 * entity expansion (billion laughs).
 */
#include "fhir_pg.h"

#include "utils/builtins.h"
#include "utils/xml.h"

#include "clinical/fhir_xml.h"
#include "jsonb_node.h"

PG_FUNCTION_INFO_V1(fhir_from_xml);
PG_FUNCTION_INFO_V1(fhir_to_xml);

/* fhir_from_xml(text) fhir: validated like any fhir input */
Datum
fhir_from_xml(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	PgXmlErrorContext *xcxt;
	cl_buf		out;
	cl_error	err;
	bool		ok = false;

	cl_error_clear(&err);
	cl_buf_init(&out, &cl_pg_palloc_allocator, VARSIZE_ANY_EXHDR(t) + 64);
	xcxt = pg_xml_init(PG_XML_STRICTNESS_ALL);
	PG_TRY();
	{
		ok = fhir_xml_to_json(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t),
							  &cl_pg_palloc_allocator, &out, &err);
	}
	PG_CATCH();
	{
		pg_xml_done(xcxt, true);
		PG_RE_THROW();
	}
	PG_END_TRY();
	pg_xml_done(xcxt, !ok);
	if (!ok)
		cl_pg_raise(&err, "FHIR XML");
	PG_RETURN_JSONB_P(fhir_parse_text(out.data, (int) out.len, cl_fhir_validation, NULL));
}

/* fhir_to_xml(fhir) text: elements in the order of the R4 definitions */
Datum
fhir_to_xml(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	cl_node		root;
	cl_buf		out;
	cl_error	err;

	PgXmlErrorContext *xcxt;
	bool		ok = false;

	cl_error_clear(&err);
	cl_jsonb_node(jb, &root);
	cl_buf_init(&out, &cl_pg_palloc_allocator, VARSIZE(jb) * 2 + 64);
	/* the narrative div is parsed with libxml2 to check it */
	xcxt = pg_xml_init(PG_XML_STRICTNESS_ALL);
	PG_TRY();
	{
		ok = fhir_json_to_xml(&root, &out, &err);
	}
	PG_CATCH();
	{
		pg_xml_done(xcxt, true);
		PG_RE_THROW();
	}
	PG_END_TRY();
	pg_xml_done(xcxt, !ok);
	if (!ok)
		cl_pg_raise(&err, NULL);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out.data, (int) out.len));
}
