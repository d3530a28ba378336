/*
 * clinical/fhir_xml.h
 *		FHIR R4 XML <-> JSON conversion, driven by the model tables
 *		(clinical/fhir_model.h), following the R4 XML and JSON representation
 *		rules (http://hl7.org/fhir/R4/xml.html, json.html).
 *
 * XML -> JSON reads the document with libxml2 and writes FHIR JSON text:
 * "resourceType" first, then the members of every object in definition
 * order; primitive values typed by their JSON kind (decimals keep their
 * exact lexical form: 1.50 stays 1.50); a primitive's id and extensions in
 * the "_name" sibling (arrays aligned with nulls for repeating primitives);
 * repeating elements as arrays even with one occurrence; nested resources
 * (contained, Bundle.entry.resource, any Resource-typed element) as objects;
 * the narrative's XHTML div as the string of its markup.
 *
 * JSON -> XML walks any cl_node document (a cl_json tree in the standalone
 * core, jsonb in place inside the server) without assuming an order of the
 * keys, and writes the XML in definition order.
 *
 * Security: documents with a DOCTYPE are refused before their internal
 * subset is read (no entity is ever declared, let alone expanded: XXE and
 * "billion laughs" payloads fail); the network is never used (NONET);
 * entity substitution, DTD loading, default attributes and XInclude are
 * never enabled.  libxml2's own depth and size limits stay on (no
 * XML_PARSE_HUGE), and the converters limit nesting to FHIR_XML_MAX_DEPTH.
 *
 * libxml2 global state: these functions install no global error handler
 * and never call xmlCleanupParser.  Each parse uses its own parser context
 * whose structured error handler (ctxt->sax->serror, a per-context setting)
 * keeps the parser's errors in the context; they are reported through
 * cl_error from the context's last error, with their line.  So parse errors
 * do not reach the process-wide handler (PostgreSQL's, inside the server);
 * only errors outside the parser (out of memory in libxml2, output buffer
 * failures) could.  Inside the server the caller still brackets both
 * functions with pg_xml_init / pg_xml_done (fhir_json_to_xml parses the
 * narrative div too), passing isError = !ok to pg_xml_done.  libxml2
 * allocates the parsed document with its own allocator (malloc); it is
 * freed before returning, unless the caller's allocator longjmps out of a
 * call (palloc failing), in which case that document leaks.
 */
#ifndef CLINICAL_FHIR_XML_H
#define CLINICAL_FHIR_XML_H

#include "clinical/common.h"
#include "clinical/node.h"

#define FHIR_XML_NS "http://hl7.org/fhir"
#define FHIR_XHTML_NS "http://www.w3.org/1999/xhtml"

/* deepest FHIR element nesting either converter accepts (CL_ERR_LIMIT) */
#define FHIR_XML_MAX_DEPTH 200

/* largest XML input accepted (CL_ERR_LIMIT); libxml2 takes an int length */
#define FHIR_XML_MAX_INPUT ((size_t) 0x3fffffff)

/*
 * fhir_xml_to_json
 *		Converts one FHIR R4 resource in XML, xml[0..len) (UTF-8; an XML
 *		declaration naming another encoding is overridden), into FHIR JSON
 *		text appended to out.
 *
 * a serves the converter's scratch memory (freed before returning); out is
 * initialised by the caller (cl_buf_init) with any allocator.  On failure
 * returns false with err filled: CL_ERR_SYNTAX for malformed XML (libxml2's
 * message and line), a DOCTYPE, a wrong namespace, an unknown element or
 * attribute (err->where holds its path, e.g. "Patient.foo", and the message
 * its line), a repeated single element, a primitive without value or
 * extension, a number or boolean that is not one; CL_ERR_LIMIT for too
 * large or too deep input; CL_ERR_NOMEM.  out's contents are unspecified
 * after a failure.
 */
bool		fhir_xml_to_json(const char *xml, size_t len, const cl_allocator *a,
							 cl_buf *out, cl_error *err);

/*
 * fhir_json_to_xml
 *		Writes the FHIR resource held by the JSON object node resource as
 *		FHIR XML text (no XML declaration; root element in the FHIR
 *		namespace) appended to out.
 *
 * Members are looked up by their FHIR names, in definition order; no order
 * of the document's keys is assumed.  Values: strings escaped for XML
 * attributes (&, <, >, " as entities; TAB, LF, CR as character
 * references; other control characters, U+FFFE/U+FFFF and invalid UTF-8
 * cannot be written in XML 1.0 and are errors), numbers and booleans as
 * their lexical text, the narrative div checked to be one well-formed
 * XHTML div element and written as given.  Unknown members, values of the
 * wrong JSON kind and misaligned "_name" arrays are errors (CL_ERR_SYNTAX,
 * err->where is a JSON pointer); CL_ERR_LIMIT beyond FHIR_XML_MAX_DEPTH.
 * Temporary memory comes from out's allocator.
 */
bool		fhir_json_to_xml(const cl_node *resource, cl_buf *out, cl_error *err);

#endif							/* CLINICAL_FHIR_XML_H */
