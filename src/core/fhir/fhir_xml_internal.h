/*
 * fhir_xml_internal.h
 *		What the FHIR XML reader (xml_read.c) and writer (xml_write.c) share:
 *		the guarded libxml2 parse.
 */
#ifndef FHIR_XML_INTERNAL_H
#define FHIR_XML_INTERNAL_H

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "clinical/fhir_xml.h"

/*
 * fhir_xml_parse
 *		Parses xml[0..len) as UTF-8 with the safe options (NONET, no entity
 *		substitution, no DTD loading, no default attributes, no XInclude,
 *		errors not printed) and refuses any DOCTYPE before its internal
 *		subset is read.  Returns the document (the caller frees it with
 *		xmlFreeDoc) or NULL with err filled.
 */
xmlDoc	   *fhir_xml_parse(const char *xml, size_t len, cl_error *err);

#endif							/* FHIR_XML_INTERNAL_H */
