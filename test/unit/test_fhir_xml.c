/*
 * test_fhir_xml.c
 *		FHIR R4 XML <-> JSON conversion: every representation rule on small
 *		hand-written pairs, the refusal of DTDs (XXE, billion laughs), error
 *		paths, escaping, key-order independence and round trips.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlerror.h>

#include "clinical/fhir_xml.h"
#include "clinical/json.h"
#include "unit.h"

#define NS "xmlns=\"http://hl7.org/fhir\""
#define XHTML "xmlns=\"http://www.w3.org/1999/xhtml\""

/* XML -> JSON; returns a malloc'd string, or NULL with *err filled */
static char *
x2j(const char *xml, cl_error *err)
{
	cl_buf		out;
	char	   *s;

	cl_buf_init(&out, &cl_malloc_allocator, 0);
	if (!fhir_xml_to_json(xml, strlen(xml), &cl_malloc_allocator, &out, err))
	{
		cl_buf_free(&out);
		return NULL;
	}
	s = cl_strndup(&cl_malloc_allocator, out.data, out.len);
	cl_buf_free(&out);
	return s;
}

/* JSON -> XML; returns a malloc'd string, or NULL with *err filled */
static char *
j2x(const char *json, cl_error *err)
{
	cl_arena	arena;
	cl_node		root;
	cl_buf		out;
	char	   *s = NULL;

	cl_arena_init(&arena, &cl_malloc_allocator, 4096);
	cl_buf_init(&out, &cl_malloc_allocator, 0);
	if (cl_json_tree(json, strlen(json), &arena, &root, err) &&
		fhir_json_to_xml(&root, &out, err))
		s = cl_strndup(&cl_malloc_allocator, out.data, out.len);
	cl_buf_free(&out);
	cl_arena_reset(&arena);
	return s;
}

#define CHECK_X2J(xml, expected) \
	do { cl_error e_; char *r_ = x2j((xml), &e_); \
		 if (r_ == NULL) unit_fail(__FILE__, __LINE__, "x2j failed: %s", e_.message); \
		 else { CHECK_STR(r_, (expected)); } free(r_); } while (0)

#define CHECK_J2X(json, expected) \
	do { cl_error e_; char *r_ = j2x((json), &e_); \
		 if (r_ == NULL) unit_fail(__FILE__, __LINE__, "j2x failed: %s", e_.message); \
		 else { CHECK_STR(r_, (expected)); } free(r_); } while (0)

/* x2j must fail with code; message and where must contain the fragments */
#define CHECK_X2J_ERR(xml, code_, msgpart, wherepart) \
	do { cl_error e_; char *r_ = x2j((xml), &e_); \
		 if (r_ != NULL) { unit_fail(__FILE__, __LINE__, "x2j accepted: %s", r_); free(r_); } \
		 else { CHECK_INT(e_.code, (code_)); \
				if (strstr(e_.message, (msgpart)) == NULL) \
					unit_fail(__FILE__, __LINE__, "message \"%s\" lacks \"%s\"", e_.message, (msgpart)); \
				if (strstr(e_.where, (wherepart)) == NULL) \
					unit_fail(__FILE__, __LINE__, "where \"%s\" lacks \"%s\"", e_.where, (wherepart)); } \
	} while (0)

#define CHECK_J2X_ERR(json, code_, msgpart, wherepart) \
	do { cl_error e_; char *r_ = j2x((json), &e_); \
		 if (r_ != NULL) { unit_fail(__FILE__, __LINE__, "j2x accepted: %s", r_); free(r_); } \
		 else { CHECK_INT(e_.code, (code_)); \
				if (strstr(e_.message, (msgpart)) == NULL) \
					unit_fail(__FILE__, __LINE__, "message \"%s\" lacks \"%s\"", e_.message, (msgpart)); \
				if (strstr(e_.where, (wherepart)) == NULL) \
					unit_fail(__FILE__, __LINE__, "where \"%s\" lacks \"%s\"", e_.where, (wherepart)); } \
	} while (0)

/* ------------------------------------------------------------------------
 * XML -> JSON
 * ------------------------------------------------------------------------ */

TEST(fhir_xml_basic_patient)
{
	/* resourceType first, definition order, arrays by cardinality */
	CHECK_X2J("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			  "<Patient " NS ">\n"
			  "  <id value=\"p1\"/>\n"
			  "  <!-- a comment -->\n"
			  "  <active value=\"true\"/>\n"
			  "  <name>\n"
			  "    <family value=\"Chalmers\"/>\n"
			  "    <given value=\"Peter\"/>\n"
			  "  </name>\n"
			  "  <gender value=\"male\"/>\n"
			  "  <birthDate value=\"1974-12-25\"/>\n"
			  "</Patient>\n",
			  "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"active\":true,"
			  "\"name\":[{\"family\":\"Chalmers\",\"given\":[\"Peter\"]}],"
			  "\"gender\":\"male\",\"birthDate\":\"1974-12-25\"}");
}

TEST(fhir_xml_definition_order)
{
	/* out-of-order XML elements come out in definition order; repeats of
	 * an element are gathered */
	CHECK_X2J("<Patient " NS "><birthDate value=\"2000-01-01\"/>"
			  "<name><given value=\"b\"/><family value=\"F\"/><given value=\"c\"/></name>"
			  "<id value=\"x\"/><active value=\"false\"/></Patient>",
			  "{\"resourceType\":\"Patient\",\"id\":\"x\",\"active\":false,"
			  "\"name\":[{\"family\":\"F\",\"given\":[\"b\",\"c\"]}],"
			  "\"birthDate\":\"2000-01-01\"}");
}

TEST(fhir_xml_numbers_exact)
{
	CHECK_X2J("<Observation " NS "><status value=\"final\"/>"
			  "<code><text value=\"t\"/></code>"
			  "<valueQuantity><value value=\"1.50\"/><unit value=\"mg\"/></valueQuantity>"
			  "<component><code><text value=\"c\"/></code><valueInteger value=\"-7\"/></component>"
			  "<extension url=\"d\"><valueDecimal value=\"1.0e-3\"/></extension>"
			  "</Observation>",
			  "{\"resourceType\":\"Observation\",\"extension\":[{\"url\":\"d\","
			  "\"valueDecimal\":1.0e-3}],\"status\":\"final\","
			  "\"code\":{\"text\":\"t\"},"
			  "\"valueQuantity\":{\"value\":1.50,\"unit\":\"mg\"},"
			  "\"component\":[{\"code\":{\"text\":\"c\"},\"valueInteger\":-7}]}");
	/* positiveInt, unsignedInt */
	CHECK_X2J("<Patient " NS "><multipleBirthInteger value=\"2\"/></Patient>",
			  "{\"resourceType\":\"Patient\",\"multipleBirthInteger\":2}");
	/* choice of boolean */
	CHECK_X2J("<Patient " NS "><deceasedBoolean value=\"false\"/></Patient>",
			  "{\"resourceType\":\"Patient\",\"deceasedBoolean\":false}");
}

TEST(fhir_xml_bad_scalars)
{
	CHECK_X2J_ERR("<Patient " NS "><active value=\"yes\"/></Patient>",
				  CL_ERR_SYNTAX, "boolean", "Patient.active");
	CHECK_X2J_ERR("<Patient " NS "><multipleBirthInteger value=\"1.5\"/></Patient>",
				  CL_ERR_SYNTAX, "integer", "Patient.multipleBirthInteger");
	CHECK_X2J_ERR("<Observation " NS "><valueQuantity><value value=\"1,5\"/>"
				  "</valueQuantity></Observation>",
				  CL_ERR_SYNTAX, "decimal", "Observation.valueQuantity.value");
	CHECK_X2J_ERR("<Observation " NS "><valueInteger value=\"007\"/></Observation>",
				  CL_ERR_SYNTAX, "leading zeros", "Observation.valueInteger");
	/* empty primitive: neither value nor extension */
	CHECK_X2J_ERR("<Patient " NS "><gender/></Patient>",
				  CL_ERR_SYNTAX, "value attribute", "Patient.gender");
}

TEST(fhir_xml_primitive_extensions)
{
	/* singular: id and extension go to "_name" */
	CHECK_X2J("<Patient " NS "><birthDate id=\"b1\" value=\"1970-03-30\">"
			  "<extension url=\"http://hl7.org/fhir/StructureDefinition/patient-birthTime\">"
			  "<valueDateTime value=\"1970-03-30T14:35:45-05:00\"/></extension>"
			  "</birthDate></Patient>",
			  "{\"resourceType\":\"Patient\",\"birthDate\":\"1970-03-30\","
			  "\"_birthDate\":{\"id\":\"b1\",\"extension\":[{\"url\":"
			  "\"http://hl7.org/fhir/StructureDefinition/patient-birthTime\","
			  "\"valueDateTime\":\"1970-03-30T14:35:45-05:00\"}]}}");
	/* an extension only, no value */
	CHECK_X2J("<Patient " NS "><gender><extension url=\"u\"><valueCode value=\"x\"/>"
			  "</extension></gender></Patient>",
			  "{\"resourceType\":\"Patient\",\"_gender\":{\"extension\":"
			  "[{\"url\":\"u\",\"valueCode\":\"x\"}]}}");
	/* repeating: arrays aligned with nulls */
	CHECK_X2J("<Patient " NS "><name><given value=\"a\"/>"
			  "<given><extension url=\"u\"><valueInteger value=\"7\"/></extension></given>"
			  "<given id=\"g3\" value=\"c\"/></name></Patient>",
			  "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"a\",null,\"c\"],"
			  "\"_given\":[null,{\"extension\":[{\"url\":\"u\",\"valueInteger\":7}]},"
			  "{\"id\":\"g3\"}]}]}");
	/* repeating, no values at all: only "_name" */
	CHECK_X2J("<Patient " NS "><name><given id=\"a\"/><given id=\"b\"/></name></Patient>",
			  "{\"resourceType\":\"Patient\",\"name\":[{\"_given\":"
			  "[{\"id\":\"a\"},{\"id\":\"b\"}]}]}");
	/* choice primitive with an extension */
	CHECK_X2J("<Observation " NS "><valueString id=\"v\" value=\"s\"/></Observation>",
			  "{\"resourceType\":\"Observation\",\"valueString\":\"s\","
			  "\"_valueString\":{\"id\":\"v\"}}");
}

TEST(fhir_xml_attributes)
{
	/* Element.id on a complex type, Extension.url, nested extensions */
	CHECK_X2J("<Patient " NS "><extension url=\"http://e\">"
			  "<extension url=\"inner\"><valueBoolean value=\"true\"/></extension>"
			  "</extension><name id=\"n1\"><text value=\"x\"/></name></Patient>",
			  "{\"resourceType\":\"Patient\",\"extension\":[{\"extension\":"
			  "[{\"url\":\"inner\",\"valueBoolean\":true}],\"url\":\"http://e\"}],"
			  "\"name\":[{\"id\":\"n1\",\"text\":\"x\"}]}");
	/* xsi:schemaLocation is ignored */
	CHECK_X2J("<Patient " NS " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
			  "xsi:schemaLocation=\"http://hl7.org/fhir x.xsd\"><id value=\"a\"/></Patient>",
			  "{\"resourceType\":\"Patient\",\"id\":\"a\"}");
	/* character references and entities in values; JSON escaping */
	CHECK_X2J("<Patient " NS "><name><text value=\"a&amp;b &lt;&quot;c&quot;&gt;&#10;&#9;\\ &#xe9;\"/>"
			  "</name></Patient>",
			  "{\"resourceType\":\"Patient\",\"name\":[{\"text\":"
			  "\"a&b <\\\"c\\\">\\n\\t\\\\ \xc3\xa9\"}]}");
}

TEST(fhir_xml_contained_and_bundle)
{
	CHECK_X2J("<Patient " NS "><contained><Organization><id value=\"o1\"/>"
			  "<name value=\"Acme\"/></Organization></contained>"
			  "<managingOrganization><reference value=\"#o1\"/></managingOrganization>"
			  "</Patient>",
			  "{\"resourceType\":\"Patient\",\"contained\":[{\"resourceType\":"
			  "\"Organization\",\"id\":\"o1\",\"name\":\"Acme\"}],"
			  "\"managingOrganization\":{\"reference\":\"#o1\"}}");
	CHECK_X2J("<Bundle " NS "><type value=\"collection\"/><entry>"
			  "<fullUrl value=\"urn:uuid:1\"/><resource><Patient><id value=\"p\"/>"
			  "</Patient></resource></entry><entry><resource><Basic>"
			  "<code><text value=\"b\"/></code></Basic></resource></entry></Bundle>",
			  "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
			  "{\"fullUrl\":\"urn:uuid:1\",\"resource\":{\"resourceType\":\"Patient\","
			  "\"id\":\"p\"}},{\"resource\":{\"resourceType\":\"Basic\","
			  "\"code\":{\"text\":\"b\"}}}]}");
	CHECK_X2J("<Parameters " NS "><parameter><name value=\"r\"/><resource>"
			  "<Patient><active value=\"true\"/></Patient></resource></parameter>"
			  "</Parameters>",
			  "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"r\","
			  "\"resource\":{\"resourceType\":\"Patient\",\"active\":true}}]}");
	/* a container holds exactly one resource of a concrete type */
	CHECK_X2J_ERR("<Patient " NS "><contained><Organization/><Organization/></contained></Patient>",
				  CL_ERR_SYNTAX, "exactly one", "Patient.contained");
	CHECK_X2J_ERR("<Patient " NS "><contained></contained></Patient>",
				  CL_ERR_SYNTAX, "exactly one", "Patient.contained");
	CHECK_X2J_ERR("<Patient " NS "><contained><HumanName/></contained></Patient>",
				  CL_ERR_SYNTAX, "not a FHIR resource type", "Patient.contained.HumanName");
	CHECK_X2J_ERR("<Bundle " NS "><entry><resource><Patient><foo/></Patient></resource>"
				  "</entry></Bundle>",
				  CL_ERR_SYNTAX, "unknown element", "Bundle.entry.resource(Patient).foo");
}

TEST(fhir_xml_narrative)
{
	/* the div is serialised exactly: entities, attributes, UTF-8 raw */
	CHECK_X2J("<Patient " NS "><text><status value=\"generated\"/>"
			  "<div " XHTML "><p class=\"x\">Zo\xc3\xab &amp; <b>bold</b>\n  &lt;tag&gt;</p><br/></div>"
			  "</text></Patient>",
			  "{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\","
			  "\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\"><p class=\\\"x\\\">"
			  "Zo\xc3\xab &amp; <b>bold</b>\\n  &lt;tag&gt;</p><br/></div>\"}}");
	/* the div must be XHTML and carry its own namespace declaration */
	CHECK_X2J_ERR("<Patient " NS "><text><status value=\"generated\"/><div>x</div></text></Patient>",
				  CL_ERR_SYNTAX, "namespace", "Patient.text.div");
	CHECK_X2J_ERR("<Patient " NS " xmlns:h=\"http://www.w3.org/1999/xhtml\"><text>"
				  "<status value=\"generated\"/><h:div>x</h:div></text></Patient>",
				  CL_ERR_SYNTAX, "declare its namespace", "Patient.text.div");
}

TEST(fhir_xml_structure_errors)
{
	CHECK_X2J_ERR("<Patient " NS "><foo value=\"1\"/></Patient>",
				  CL_ERR_SYNTAX, "unknown element", "Patient.foo");
	CHECK_X2J_ERR("<Patient " NS "><name><foo value=\"1\"/></name></Patient>",
				  CL_ERR_SYNTAX, "unknown element", "Patient.name.foo");
	/* choice base name, unknown choice type, "_name" and id as elements */
	CHECK_X2J_ERR("<Patient " NS "><deceased value=\"true\"/></Patient>",
				  CL_ERR_SYNTAX, "unknown element", "Patient.deceased");
	CHECK_X2J_ERR("<Patient " NS "><deceasedString value=\"x\"/></Patient>",
				  CL_ERR_SYNTAX, "unknown element", "Patient.deceasedString");
	CHECK_X2J_ERR("<Patient " NS "><_gender value=\"x\"/></Patient>",
				  CL_ERR_SYNTAX, "unknown element", "Patient._gender");
	CHECK_X2J_ERR("<Patient " NS "><name><id value=\"x\"/></name></Patient>",
				  CL_ERR_SYNTAX, "unknown element", "Patient.name.id");
	CHECK_X2J_ERR("<Patient " NS "><resourceType value=\"x\"/></Patient>",
				  CL_ERR_SYNTAX, "unknown element", "Patient.resourceType");
	/* single element repeated */
	CHECK_X2J_ERR("<Patient " NS "><gender value=\"male\"/><gender value=\"male\"/></Patient>",
				  CL_ERR_SYNTAX, "at most once", "Patient.gender");
	CHECK_X2J_ERR("<Observation " NS "><valueString value=\"a\"/><valueBoolean value=\"true\"/>"
				  "</Observation>", CL_ERR_SYNTAX, "at most once", "Observation.value");
	/* attributes */
	CHECK_X2J_ERR("<Patient " NS "><gender value=\"male\" foo=\"1\"/></Patient>",
				  CL_ERR_SYNTAX, "unknown attribute", "Patient.gender");
	CHECK_X2J_ERR("<Patient " NS "><name value=\"x\"/></Patient>",
				  CL_ERR_SYNTAX, "unknown attribute", "Patient.name");
	CHECK_X2J_ERR("<Patient " NS " id=\"x\"/>",
				  CL_ERR_SYNTAX, "unknown attribute", "Patient");
	/* text content */
	CHECK_X2J_ERR("<Patient " NS "><gender value=\"male\">male</gender></Patient>",
				  CL_ERR_SYNTAX, "text content", "Patient.gender");
	/* namespaces */
	CHECK_X2J_ERR("<Patient><id value=\"x\"/></Patient>",
				  CL_ERR_SYNTAX, "FHIR namespace", "Patient");
	CHECK_X2J_ERR("<Patient " NS "><id xmlns=\"urn:other\" value=\"x\"/></Patient>",
				  CL_ERR_SYNTAX, "namespace", "Patient.id");
	/* the root must be a concrete resource type */
	CHECK_X2J_ERR("<HumanName " NS "/>", CL_ERR_SYNTAX, "not a FHIR resource", "HumanName");
	CHECK_X2J_ERR("<DomainResource " NS "/>", CL_ERR_SYNTAX, "not a FHIR resource",
				  "DomainResource");
	CHECK_X2J_ERR("<Nonsense " NS "/>", CL_ERR_SYNTAX, "not a FHIR resource", "Nonsense");
	/* prohibited element (xhtml has extension max 0): not reachable as
	 * XML, but a malformed document */
	CHECK_X2J_ERR("<Patient " NS "><name>", CL_ERR_SYNTAX, "invalid XML", "");
	CHECK_X2J_ERR("", CL_ERR_SYNTAX, "invalid XML", "");
	CHECK_X2J_ERR("<Patient " NS "><name>&foo;</name></Patient>",
				  CL_ERR_SYNTAX, "invalid XML", "");
	/* namespace errors: an undeclared prefix, also inside the div */
	CHECK_X2J_ERR("<Patient " NS "><text><status value=\"generated\"/><div " XHTML ">"
				  "<x:b>t</x:b></div></text></Patient>",
				  CL_ERR_SYNTAX, "invalid XML", "");
	CHECK_X2J_ERR("<Patient " NS "><id value=\"a\" x:y=\"1\"/></Patient>",
				  CL_ERR_SYNTAX, "invalid XML", "");
	/* not UTF-8 */
	CHECK_X2J_ERR("<Patient " NS "><id value=\"\xff\"/></Patient>",
				  CL_ERR_ENCODING, "invalid XML", "");
}

TEST(fhir_xml_dtd_refused)
{
	/* XXE: external entity reading a local file */
	CHECK_X2J_ERR("<?xml version=\"1.0\"?>\n"
				  "<!DOCTYPE Patient [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
				  "<Patient " NS "><id value=\"&xxe;\"/></Patient>",
				  CL_ERR_SYNTAX, "DOCTYPE", "");
	/* XXE through a parameter entity and a network DTD */
	CHECK_X2J_ERR("<!DOCTYPE Patient [<!ENTITY % p SYSTEM \"http://127.0.0.1:1/x.dtd\"> %p;]>"
				  "<Patient " NS "/>", CL_ERR_SYNTAX, "DOCTYPE", "");
	CHECK_X2J_ERR("<!DOCTYPE Patient SYSTEM \"http://127.0.0.1:1/fhir.dtd\">"
				  "<Patient " NS "/>", CL_ERR_SYNTAX, "DOCTYPE", "");
	/* billion laughs */
	CHECK_X2J_ERR("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
				  " <!ENTITY lol \"lol\">\n"
				  " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
				  " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
				  " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
				  " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
				  " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
				  " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
				  " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
				  " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
				  " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
				  "]>\n<Patient " NS "><name><text value=\"&lol9;\"/></name></Patient>",
				  CL_ERR_SYNTAX, "DOCTYPE", "");
	/* a DOCTYPE inside the narrative string on the way back is refused too */
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\","
				  "\"div\":\"<!DOCTYPE div [<!ENTITY x SYSTEM \\\"file:///etc/passwd\\\">]>"
				  "<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">&x;</div>\"}}",
				  CL_ERR_SYNTAX, "start with <div", "/text/div");
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\","
				  "\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">&x;</div>\"}}",
				  CL_ERR_SYNTAX, "not well-formed", "/text/div");
}

TEST(fhir_xml_depth_limit)
{
	cl_buf		b;
	cl_error	err;
	cl_buf		out;
	int			n = FHIR_XML_MAX_DEPTH + 10;

	cl_buf_init(&b, &cl_malloc_allocator, 0);
	cl_buf_append_str(&b, "<Questionnaire " NS "><status value=\"draft\"/>");
	for (int i = 0; i < n; i++)
		cl_buf_append_str(&b, "<item><linkId value=\"l\"/><type value=\"group\"/>");
	for (int i = 0; i < n; i++)
		cl_buf_append_str(&b, "</item>");
	cl_buf_append_str(&b, "</Questionnaire>");
	cl_buf_init(&out, &cl_malloc_allocator, 0);
	CHECK(!fhir_xml_to_json(b.data, b.len, &cl_malloc_allocator, &out, &err));
	CHECK_INT(err.code, CL_ERR_LIMIT);
	cl_buf_free(&out);
	cl_buf_free(&b);

	/* the same in JSON */
	cl_buf_init(&b, &cl_malloc_allocator, 0);
	cl_buf_append_str(&b, "{\"resourceType\":\"Questionnaire\",\"status\":\"draft\"");
	for (int i = 0; i < n; i++)
		cl_buf_append_str(&b, ",\"item\":[{\"linkId\":\"l\",\"type\":\"group\"");
	for (int i = 0; i < n; i++)
		cl_buf_append_str(&b, "}]");
	cl_buf_append_str(&b, "}");
	{
		char	   *r = j2x(b.data, &err);

		CHECK(r == NULL);
		CHECK_INT(err.code, CL_ERR_LIMIT);
		free(r);
	}
	cl_buf_free(&b);
}

/* ------------------------------------------------------------------------
 * JSON -> XML
 * ------------------------------------------------------------------------ */

TEST(fhir_xml_write_basic)
{
	CHECK_J2X("{\"resourceType\":\"Patient\",\"id\":\"p1\",\"active\":true,"
			  "\"name\":[{\"family\":\"Chalmers\",\"given\":[\"Peter\",\"James\"]}],"
			  "\"birthDate\":\"1974-12-25\",\"multipleBirthInteger\":2}",
			  "<Patient " NS "><id value=\"p1\"/><active value=\"true\"/>"
			  "<name><family value=\"Chalmers\"/><given value=\"Peter\"/>"
			  "<given value=\"James\"/></name><birthDate value=\"1974-12-25\"/>"
			  "<multipleBirthInteger value=\"2\"/></Patient>");
	/* key order of the document does not matter (jsonb sorts by length) */
	CHECK_J2X("{\"multipleBirthInteger\":2,\"birthDate\":\"1974-12-25\","
			  "\"name\":[{\"given\":[\"Peter\",\"James\"],\"family\":\"Chalmers\"}],"
			  "\"active\":true,\"id\":\"p1\",\"resourceType\":\"Patient\"}",
			  "<Patient " NS "><id value=\"p1\"/><active value=\"true\"/>"
			  "<name><family value=\"Chalmers\"/><given value=\"Peter\"/>"
			  "<given value=\"James\"/></name><birthDate value=\"1974-12-25\"/>"
			  "<multipleBirthInteger value=\"2\"/></Patient>");
	/* decimals keep their text */
	CHECK_J2X("{\"resourceType\":\"Observation\",\"status\":\"final\","
			  "\"valueQuantity\":{\"value\":1.50,\"unit\":\"mg\"}}",
			  "<Observation " NS "><status value=\"final\"/><valueQuantity>"
			  "<value value=\"1.50\"/><unit value=\"mg\"/></valueQuantity></Observation>");
}

TEST(fhir_xml_write_escaping)
{
	CHECK_J2X("{\"resourceType\":\"Patient\",\"name\":[{\"text\":"
			  "\"a&b <\\\"c\\\"> 'd'\\n\\t\\r\xc3\xa9\"}]}",
			  "<Patient " NS "><name><text value=\"a&amp;b &lt;&quot;c&quot;&gt; "
			  "'d'&#xA;&#x9;&#xD;\xc3\xa9\"/></name></Patient>");
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"a\\u0001b\"}]}",
				  CL_ERR_SYNTAX, "control character", "/name/0/text");
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"a\\uffffb\"}]}",
				  CL_ERR_SYNTAX, "U+FFFF", "/name/0/text");
}

TEST(fhir_xml_write_extensions_and_attrs)
{
	/* "_name" with nulls, ids and urls as attributes */
	CHECK_J2X("{\"resourceType\":\"Patient\",\"name\":[{\"id\":\"n1\","
			  "\"given\":[\"a\",null,\"c\"],"
			  "\"_given\":[null,{\"extension\":[{\"url\":\"u\",\"valueInteger\":7}]},"
			  "{\"id\":\"g3\"}]}],"
			  "\"_gender\":{\"extension\":[{\"valueCode\":\"x\",\"url\":\"v\"}]},"
			  "\"birthDate\":\"1970-03-30\",\"_birthDate\":{\"id\":\"b1\"}}",
			  "<Patient " NS "><name id=\"n1\"><given value=\"a\"/>"
			  "<given><extension url=\"u\"><valueInteger value=\"7\"/></extension></given>"
			  "<given id=\"g3\" value=\"c\"/></name>"
			  "<gender><extension url=\"v\"><valueCode value=\"x\"/></extension></gender>"
			  "<birthDate id=\"b1\" value=\"1970-03-30\"/></Patient>");
	/* misaligned arrays, nulls at the same position, "_" on complex */
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"a\",\"b\"],"
				  "\"_given\":[null]}]}",
				  CL_ERR_SYNTAX, "entries", "/name/0/_given");
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"name\":[{\"given\":[\"a\",null],"
				  "\"_given\":[null,null]}]}",
				  CL_ERR_SYNTAX, "null", "/name/0/given/1");
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"_name\":[{}]}",
				  CL_ERR_SYNTAX, "unknown member", "/_name");
	/* unknown members, wrong kinds, arrays/singles */
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"foo\":1}",
				  CL_ERR_SYNTAX, "unknown member", "/foo");
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"name\":[{\"foo\":1}]}",
				  CL_ERR_SYNTAX, "unknown member", "/name/0/foo");
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"active\":\"true\"}",
				  CL_ERR_SYNTAX, "boolean", "/active");
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"name\":{\"text\":\"x\"}}",
				  CL_ERR_SYNTAX, "array", "/name");
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"gender\":[\"male\"]}",
				  CL_ERR_SYNTAX, "not be an array", "/gender");
	CHECK_J2X_ERR("{\"resourceType\":\"Observation\",\"valueString\":\"a\","
				  "\"valueBoolean\":true}",
				  CL_ERR_SYNTAX, "more than once", "/value");
	CHECK_J2X_ERR("{\"resourceType\":\"Extension\"}",
				  CL_ERR_SYNTAX, "not a FHIR resource type", "/");
	CHECK_J2X_ERR("{\"id\":\"x\"}", CL_ERR_SYNTAX, "resourceType", "/");
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"extension\":[{\"url\":\"u\","
				  "\"_url\":{\"id\":\"x\"}}]}",
				  CL_ERR_SYNTAX, "unknown member", "/extension/0/_url");
}

TEST(fhir_xml_write_resources_and_div)
{
	CHECK_J2X("{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
			  "{\"resource\":{\"id\":\"p\",\"resourceType\":\"Patient\","
			  "\"contained\":[{\"resourceType\":\"Organization\",\"name\":\"A\"}]}}]}",
			  "<Bundle " NS "><type value=\"collection\"/><entry><resource><Patient>"
			  "<id value=\"p\"/><contained><Organization><name value=\"A\"/>"
			  "</Organization></contained></Patient></resource></entry></Bundle>");
	CHECK_J2X("{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\","
			  "\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\"><p>a &amp; b</p></div>\"}}",
			  "<Patient " NS "><text><status value=\"generated\"/>"
			  "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>a &amp; b</p></div>"
			  "</text></Patient>");
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\","
				  "\"div\":\"<div>no namespace</div>\"}}",
				  CL_ERR_SYNTAX, "namespace", "/text/div");
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\","
				  "\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\"></div><p/>\"}}",
				  CL_ERR_SYNTAX, "not well-formed", "/text/div");
	CHECK_J2X_ERR("{\"resourceType\":\"Patient\",\"contained\":[{\"resourceType\":\"Foo\"}]}",
				  CL_ERR_SYNTAX, "not a FHIR resource type", "/contained/0");
}

/* ------------------------------------------------------------------------
 * Round trips
 * ------------------------------------------------------------------------ */

TEST(fhir_xml_round_trip)
{
	/* canonical XML (definition order, no whitespace) survives XML -> JSON
	 * -> XML byte for byte */
	static const char *const docs[] = {
		"<Patient " NS "><id value=\"example\"/><meta><versionId value=\"1\"/></meta>"
		"<text><status value=\"generated\"/><div " XHTML "><p>Zo\xc3\xab &amp; "
		"<b>x</b>\n</p></div></text>"
		"<contained><Practitioner><id value=\"pr\"/><active value=\"true\"/></Practitioner></contained>"
		"<extension url=\"http://e\"><valueDecimal value=\"3.140\"/></extension>"
		"<identifier><use value=\"usual\"/><system value=\"urn:oid:1.2\"/>"
		"<value value=\"12&amp;&lt;&quot;&#xA;\"/></identifier>"
		"<name id=\"n\"><family value=\"F\"/><given value=\"a\"/><given>"
		"<extension url=\"u\"><valueString value=\"v\"/></extension></given>"
		"<given id=\"x\" value=\"c\"/></name>"
		"<birthDate id=\"bd\" value=\"1970\"/><deceasedBoolean value=\"false\"/>"
		"<generalPractitioner><reference value=\"#pr\"/></generalPractitioner></Patient>",
		"<Observation " NS "><status value=\"final\"/><code><coding><system value=\"http://loinc.org\"/>"
		"<code value=\"1-8\"/></coding></code><valueQuantity><value value=\"-0.0e+0\"/>"
		"</valueQuantity><component><code><text value=\"t\"/></code>"
		"<valueSampledData><origin><value value=\"0\"/></origin><period value=\"10.00\"/>"
		"<dimensions value=\"1\"/><data value=\"1 2 3\"/></valueSampledData></component></Observation>",
	};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
	{
		cl_error	err;
		char	   *json = x2j(docs[i], &err);
		char	   *xml;

		if (json == NULL)
		{
			unit_fail(__FILE__, __LINE__, "x2j failed: %s", err.message);
			continue;
		}
		xml = j2x(json, &err);
		if (xml == NULL)
			unit_fail(__FILE__, __LINE__, "j2x failed: %s", err.message);
		else
		{
			char	   *json2 = x2j(xml, &err);

			CHECK_STR(xml, docs[i]);
			CHECK(json2 != NULL);
			if (json2)
				CHECK_STR(json2, json);
			free(json2);
		}
		free(xml);
		free(json);
	}
}

/* parse errors stay in the parser context: the process-wide handler (the
 * server's) is never called */
static void
count_global_errors(void *arg, xmlErrorPtr e)
{
	(void) e;
	(*(int *) arg)++;
}

TEST(fhir_xml_no_global_error_reports)
{
	int			calls = 0;
	cl_error	err;
	char	   *r;

	xmlSetStructuredErrorFunc(&calls, count_global_errors);
	r = x2j("<Patient " NS "><name></Patient>", &err);
	CHECK(r == NULL);
	r = x2j("<Patient " NS "><id value=\"a\" x:y=\"1\"/></Patient>", &err);
	CHECK(r == NULL);
	r = x2j("<Patient xmlns=\"relative\"/>", &err);
	CHECK(r == NULL);
	r = j2x("{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\","
			"\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">&x;</div>\"}}", &err);
	CHECK(r == NULL);
	xmlSetStructuredErrorFunc(NULL, NULL);
	CHECK_INT(calls, 0);
}
