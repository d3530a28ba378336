/*
 * test_fhir_validate.c
 *		Unit tests of the FHIR R4 JSON validator (clinical/fhir_validate.h):
 *		one test per rule with the exact pointer and message, and valid
 *		resources that must pass.
 */
#include <stdlib.h>

#include "clinical/fhir_validate.h"
#include "clinical/json.h"
#include "unit.h"

/*
 * issues_of
 *		Validates json (single quotes stand for double quotes, to keep the
 *		tests readable) and returns its issues as "pointer: message" lines
 *		joined by "\n" ("" when valid); malloc'd.
 */
static char *
issues_at(const char *json, fhir_validation_level level, int max_issues)
{
	size_t		n = strlen(json);
	char	   *s = malloc(n + 1);
	fhir_validator *v;
	cl_buf		out;

	for (size_t i = 0; i <= n; i++)
		s[i] = json[i] == '\'' ? '"' : json[i];
	v = fhir_validate_json_text(&cl_malloc_allocator, s, n, level, max_issues);
	cl_buf_init(&out, &cl_malloc_allocator, 64);
	if (v == NULL)
		cl_buf_append_str(&out, "(no validator)");
	else
	{
		for (int i = 0; i < fhir_validator_nissues(v); i++)
		{
			const fhir_issue *is = fhir_validator_issue(v, i);

			if (i)
				cl_buf_append_char(&out, '\n');
			cl_buf_printf(&out, "%s: %s", is->pointer, is->message);
		}
		if (fhir_validator_nerrors(v) != fhir_validator_nissues(v))
			cl_buf_append_str(&out, "\n(errors != issues)");
	}
	fhir_validator_destroy(v);
	free(s);
	return out.data;
}

#define CHECK_ISSUES_L(json, level, max, expected) \
	do { char *got_ = issues_at(json, level, max); \
		 CHECK_STR(got_, expected); free(got_); } while (0)

#define CHECK_ISSUES(json, expected) \
	CHECK_ISSUES_L(json, FHIR_VALIDATE_STRICT, 0, expected)

#define CHECK_VALID(json) CHECK_ISSUES(json, "")

/* ------------------------------------------------------------------------
 * Valid resources
 * ------------------------------------------------------------------------ */

TEST(fhir_validate_valid_patient)
{
	CHECK_VALID("{'resourceType':'Patient'}");
	CHECK_VALID("{'resourceType':'Patient','id':'pat-1','meta':{'versionId':'1',"
				"'lastUpdated':'2024-01-02T03:04:05.123+01:00'},"
				"'text':{'status':'generated','div':'<div xmlns=\\'http://www.w3.org/1999/xhtml\\'>x</div>'},"
				"'identifier':[{'system':'urn:oid:1.2.3','value':'123'}],"
				"'active':true,'name':[{'use':'official','family':'Chalmers',"
				"'given':['Peter','James']}],'gender':'male','birthDate':'1974-12-25',"
				"'_birthDate':{'extension':[{'url':'http://hl7.org/fhir/StructureDefinition/patient-birthTime',"
				"'valueDateTime':'1974-12-25T14:35:45-05:00'}]},"
				"'deceasedBoolean':false,'multipleBirthInteger':2,"
				"'contact':[{'relationship':[{'coding':[{'system':'http://terminology.hl7.org/CodeSystem/v2-0131','code':'N'}]}],"
				"'name':{'family':'du Marché','_family':{'extension':[{'url':'http://example.org/x','valueString':'VV'}]}}}],"
				"'extension':[{'url':'http://example.org/a','valueCodeableConcept':{'text':'t'}}],"
				"'modifierExtension':[{'url':'http://example.org/b','valueBoolean':true}]}");
}

TEST(fhir_validate_valid_observation_numbers)
{
	/* decimals keep their lexical form: 1.50, 1e3 are decimals; 0 an integer */
	CHECK_VALID("{'resourceType':'Observation','status':'final','code':{'text':'x'},"
				"'valueQuantity':{'value':1.50,'unit':'mg','system':'http://unitsofmeasure.org','code':'mg'},"
				"'component':[{'code':{'text':'a'},'valueInteger':0},"
				"{'code':{'text':'b'},'valueRange':{'low':{'value':-1e3}}}],"
				"'referenceRange':[{'low':{'value':0.001}}]}");
}

TEST(fhir_validate_valid_primitive_arrays_with_nulls)
{
	/* null keeps the positions of given and _given aligned */
	CHECK_VALID("{'resourceType':'Patient','name':[{'given':['A',null,'C'],"
				"'_given':[null,{'extension':[{'url':'http://e.org/x','valueString':'b'}]},null]}]}");
	/* only the extension, no value */
	CHECK_VALID("{'resourceType':'Patient','name':[{'_given':[{'id':'g1'}]}]}");
	CHECK_VALID("{'resourceType':'Patient','_gender':{'extension':[{'url':'http://e.org/da','valueCode':'unknown'}]}}");
}

TEST(fhir_validate_valid_bundle_contained_parameters)
{
	CHECK_VALID("{'resourceType':'Bundle','type':'transaction','entry':["
				"{'fullUrl':'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a',"
				"'resource':{'resourceType':'Patient','active':true},"
				"'request':{'method':'POST','url':'Patient'}},"
				"{'resource':{'resourceType':'Observation','status':'final','code':{'text':'x'},"
				"'contained':[{'resourceType':'Practitioner','id':'p1'}],"
				"'performer':[{'reference':'#p1'}]},'request':{'method':'POST','url':'Observation'}}]}");
	CHECK_VALID("{'resourceType':'Parameters','parameter':[{'name':'a','valueString':'x'},"
				"{'name':'r','resource':{'resourceType':'Patient'}},"
				"{'name':'p','part':[{'name':'q','valueInteger':-5}]}]}");
}

TEST(fhir_validate_valid_late_resource_type)
{
	/* resourceType may come at any position */
	CHECK_VALID("{'id':'a','active':true,'name':[{'family':'X'}],'resourceType':'Patient'}");
	CHECK_VALID("{'resourceType':'Patient','contained':[{'id':'o','name':'Acme','resourceType':'Organization'}],"
				"'managingOrganization':{'reference':'#o'}}");
	/* nested late resources inside a late root */
	CHECK_VALID("{'type':'collection','entry':[{'resource':{'active':true,"
				"'contained':[{'name':'n','resourceType':'Organization'}],"
				"'resourceType':'Patient'}}],'resourceType':'Bundle'}");
}

/* ------------------------------------------------------------------------
 * The root and resourceType
 * ------------------------------------------------------------------------ */

TEST(fhir_validate_root_must_be_object)
{
	CHECK_ISSUES("[{'resourceType':'Patient'}]", ": a FHIR resource must be a JSON object, not an array");
	CHECK_ISSUES("'Patient'", ": a FHIR resource must be a JSON object, not a string");
	CHECK_ISSUES("42", ": a FHIR resource must be a JSON object, not a number");
	CHECK_ISSUES("null", ": a FHIR resource must be a JSON object, not null");
}

TEST(fhir_validate_resource_type_rules)
{
	CHECK_ISSUES("{'id':'x'}", ": missing resourceType");
	CHECK_ISSUES("{}", ": missing resourceType");
	CHECK_ISSUES("{'resourceType':'Patientx'}", "/resourceType: unknown resourceType \"Patientx\"");
	CHECK_ISSUES("{'resourceType':'patient'}", "/resourceType: unknown resourceType \"patient\"");
	CHECK_ISSUES("{'resourceType':'HumanName'}", "/resourceType: unknown resourceType \"HumanName\"");
	CHECK_ISSUES("{'resourceType':'Patient.contact'}",
				 "/resourceType: unknown resourceType \"Patient.contact\"");
	CHECK_ISSUES("{'resourceType':'Resource'}",
				 "/resourceType: resourceType \"Resource\" is abstract; a concrete resource type is required");
	CHECK_ISSUES("{'resourceType':'DomainResource'}",
				 "/resourceType: resourceType \"DomainResource\" is abstract; a concrete resource type is required");
	CHECK_ISSUES("{'resourceType':''}", "/resourceType: resourceType must not be empty");
	CHECK_ISSUES("{'resourceType':7}", "/resourceType: resourceType must be a string, not a number");
	CHECK_ISSUES("{'resourceType':{'a':1}}", "/resourceType: resourceType must be a string, not an object");
	CHECK_ISSUES("{'id':'x','resourceType':['Patient']}",
				 "/resourceType: resourceType must be a string, not an array");
	CHECK_ISSUES("{'resourceType':'ABCDEFGHIJKLMNOPQRSTUVWXYZ'}",
				 "/resourceType: unknown resourceType \"ABCDEFGHIJKLMNOPQRST...\"");
}

TEST(fhir_validate_late_resource_type_replays)
{
	/* keys read before resourceType are validated once the type is known */
	CHECK_ISSUES("{'id':'x','foo':1,'name':[{'given':[1]}],'resourceType':'Patient'}",
				 "/foo: unknown element \"foo\" in Patient\n"
				 "/name/0/given/0: expected a string (FHIR string), found a number");
	/* and a missing resourceType leaves the object unvalidated */
	CHECK_ISSUES("{'id':'x','foo':1}", ": missing resourceType");
	CHECK_ISSUES("{'resourceType':'Patient','contained':[{'id':'x','resourceType':'Nope'}]}",
				 "/contained/0/resourceType: unknown resourceType \"Nope\"");
	CHECK_ISSUES("{'resourceType':'Patient','contained':[{'id':'x'}]}",
				 "/contained/0: missing resourceType");
}

TEST(fhir_validate_nested_resource_type_must_fit)
{
	CHECK_ISSUES("{'resourceType':'Bundle','type':'batch-response','entry':[{'response':{'status':'200',"
				 "'outcome':{'resourceType':'Patient'}}}]}",
				 "/entry/0/response/outcome/resourceType: resourceType \"Patient\" is not allowed here (expected OperationOutcome)");
}

/* ------------------------------------------------------------------------
 * Duplicates and choices
 * ------------------------------------------------------------------------ */

TEST(fhir_validate_duplicate_keys)
{
	CHECK_ISSUES("{'resourceType':'Patient','id':'a','id':'b'}", "/id: duplicate key \"id\"");
	CHECK_ISSUES("{'resourceType':'Patient','name':[{'family':'a','family':'b'}]}",
				 "/name/0/family: duplicate key \"family\"");
	CHECK_ISSUES("{'resourceType':'Patient','_gender':{'id':'a'},'gender':'male','_gender':{'id':'b'}}",
				 "/_gender: duplicate key \"_gender\"");
	CHECK_ISSUES("{'resourceType':'Patient','resourceType':'Patient'}",
				 "/resourceType: duplicate key \"resourceType\"");
	CHECK_ISSUES("{'resourceType':'Observation','status':'final','code':{'text':'a'},"
				 "'valueString':'a','valueString':'b'}",
				 "/valueString: duplicate key \"valueString\"");
	/* inside an untyped object (under an unknown element) too */
	CHECK_ISSUES("{'resourceType':'Patient','x':{'a':1,'b':{'a':1,'c':2},'a':2}}",
				 "/x: unknown element \"x\" in Patient\n/x/a: duplicate key \"a\"");
	/* unknown keys of a typed object */
	CHECK_ISSUES("{'resourceType':'Patient','foo':1,'foo':2}",
				 "/foo: unknown element \"foo\" in Patient\n"
				 "/foo: duplicate key \"foo\"\n/foo: unknown element \"foo\" in Patient");
	/* before a late resourceType */
	CHECK_ISSUES("{'active':true,'active':false,'resourceType':'Patient'}",
				 "/active: duplicate key \"active\"");
	/* a resource of unknown type */
	CHECK_ISSUES("{'resourceType':'Nope','a':1,'a':1}",
				 "/resourceType: unknown resourceType \"Nope\"\n/a: duplicate key \"a\"");
}

TEST(fhir_validate_many_untyped_keys)
{
	/* the untyped key set grows (rehash) and distinguishes nesting */
	cl_buf		b;
	char	   *got;

	cl_buf_init(&b, &cl_malloc_allocator, 256);
	cl_buf_append_str(&b, "{'resourceType':'Patient','x':{");
	for (int i = 0; i < 300; i++)
		cl_buf_printf(&b, "'k%d':{'k%d':1,'k%d':2},", i, i, i + 1);
	cl_buf_append_str(&b, "'k7':0}}");
	got = issues_at(b.data, FHIR_VALIDATE_STRICT, 0);
	CHECK_STR(got, "/x: unknown element \"x\" in Patient\n/x/k7: duplicate key \"k7\"");
	free(got);
	cl_buf_free(&b);
}

TEST(fhir_validate_choice_conflict)
{
	CHECK_ISSUES("{'resourceType':'Observation','status':'final','code':{'text':'a'},"
				 "'valueString':'a','valueQuantity':{'value':1}}",
				 "/valueQuantity: more than one type for choice element \"value[x]\": \"valueString\" and \"valueQuantity\"");
	CHECK_ISSUES("{'resourceType':'Patient','deceasedBoolean':true,'_deceasedDateTime':{'id':'a'}}",
				 "/_deceasedDateTime: more than one type for choice element \"deceased[x]\": \"deceasedBoolean\" and \"deceasedDateTime\"");
	/* a choice and its own extension are fine */
	CHECK_VALID("{'resourceType':'Patient','deceasedBoolean':true,'_deceasedBoolean':{'id':'a'}}");
	/* a bare choice name or a type it does not allow is unknown */
	CHECK_ISSUES("{'resourceType':'Patient','deceased':true}", "/deceased: unknown element \"deceased\" in Patient");
	CHECK_ISSUES("{'resourceType':'Patient','deceasedString':'x'}",
				 "/deceasedString: unknown element \"deceasedString\" in Patient");
}

/* ------------------------------------------------------------------------
 * Empty values and nulls
 * ------------------------------------------------------------------------ */

TEST(fhir_validate_empty_values)
{
	CHECK_ISSUES("{'resourceType':'Patient','name':[{}]}", "/name/0: empty object is not allowed");
	CHECK_ISSUES("{'resourceType':'Patient','name':[]}", "/name: empty array is not allowed");
	CHECK_ISSUES("{'resourceType':'Patient','gender':''}", "/gender: empty string is not allowed");
	CHECK_ISSUES("{'resourceType':'Patient','name':[{'given':['']}]}",
				 "/name/0/given/0: empty string is not allowed");
	CHECK_ISSUES("{'resourceType':'Patient','_gender':{}}", "/_gender: empty object is not allowed");
	CHECK_ISSUES("{'resourceType':'Patient','x':{'y':{}}}",
				 "/x: unknown element \"x\" in Patient\n/x/y: empty object is not allowed");
}

TEST(fhir_validate_nulls)
{
	CHECK_ISSUES("{'resourceType':'Patient','gender':null}", "/gender: null is not allowed here");
	CHECK_ISSUES("{'resourceType':'Patient','managingOrganization':null}",
				 "/managingOrganization: null is not allowed here");
	CHECK_ISSUES("{'resourceType':'Patient','name':[null]}", "/name/0: null is not allowed here");
	CHECK_ISSUES("{'resourceType':'Patient','name':[{'given':['a',null]}]}",
				 "/name/0/given/1: null is only allowed with a \"_given\" array beside it");
	/* a null in the _given array needs no partner */
	CHECK_VALID("{'resourceType':'Patient','name':[{'given':['a','b'],'_given':[null,{'id':'x'}]}]}");
	CHECK_ISSUES("{'resourceType':'Patient','_gender':null}",
				 "/_gender: expected an object (id and extensions of a FHIR code), found null");
}

TEST(fhir_validate_primitive_arrays_align)
{
	CHECK_ISSUES("{'resourceType':'Patient','name':[{'given':['a','b'],'_given':[null,{'id':'x'},null]}]}",
				 "/name/0/_given: \"_given\" has 3 items but \"given\" has 2; they must align");
	CHECK_ISSUES("{'resourceType':'Patient','name':[{'_given':[{'id':'x'}],'given':['a','b']}]}",
				 "/name/0/given: \"given\" has 2 items but \"_given\" has 1; they must align");
}

/* ------------------------------------------------------------------------
 * Unknown elements and primitive extensions
 * ------------------------------------------------------------------------ */

TEST(fhir_validate_unknown_elements)
{
	CHECK_ISSUES("{'resourceType':'Patient','foo':{'bar':1}}", "/foo: unknown element \"foo\" in Patient");
	/* in data types and backbone elements */
	CHECK_ISSUES("{'resourceType':'Patient','name':[{'familyName':'x'}]}",
				 "/name/0/familyName: unknown element \"familyName\" in HumanName");
	CHECK_ISSUES("{'resourceType':'Patient','contact':[{'name':{'family':'x'},'foo':true}]}",
				 "/contact/0/foo: unknown element \"foo\" in Patient.contact");
	CHECK_ISSUES("{'resourceType':'Patient','extension':[{'url':'http://e.org','valueFoo':1}]}",
				 "/extension/0/valueFoo: unknown element \"valueFoo\" in Extension");
	/* resourceType is not an element of a data type */
	CHECK_ISSUES("{'resourceType':'Patient','name':[{'resourceType':'HumanName'}]}",
				 "/name/0/resourceType: unknown element \"resourceType\" in HumanName");
	/* quoted keys are cut at 20 characters */
	CHECK_ISSUES("{'resourceType':'Patient','abcdefghijklmnopqrstuvwxyz':1}",
				 "/abcdefghijklmnopqrstuvwxyz: unknown element \"abcdefghijklmnopqrst...\" in Patient");
}

TEST(fhir_validate_pointer_escapes)
{
	CHECK_ISSUES("{'resourceType':'Patient','a/b~c':1}", "/a~1b~0c: unknown element \"a/b~c\" in Patient");
	CHECK_ISSUES("{'resourceType':'Patient','x':{'~/':{}}}",
				 "/x: unknown element \"x\" in Patient\n/x/~0~1: empty object is not allowed");
	CHECK_ISSUES("{'resourceType':'Patient','':1}", "/: unknown element \"\" in Patient");
}

TEST(fhir_validate_primitive_extension_siblings)
{
	CHECK_ISSUES("{'resourceType':'Patient','_name':{'id':'x'}}", "/_name: unknown element \"_name\" in Patient");
	CHECK_ISSUES("{'resourceType':'Patient','_id':{'id':'x'}}", "/_id: unknown element \"_id\" in Patient");
	CHECK_ISSUES("{'resourceType':'Patient','_birthDate':{'value':'x'}}",
				 "/_birthDate/value: unknown element \"value\" in the extension object of a FHIR date (only id and extension)");
	CHECK_ISSUES("{'resourceType':'Patient','_birthDate':'1970'}",
				 "/_birthDate: expected an object (id and extensions of a FHIR date), found a string");
	CHECK_ISSUES("{'resourceType':'Patient','_birthDate':{'extension':[{'valueString':'x'}]}}",
				 "/_birthDate/extension/0: missing required element \"url\" (Extension)");
	/* the narrative's div takes no extensions (xhtml.extension has max 0) */
	CHECK_ISSUES("{'resourceType':'Patient','text':{'status':'generated','div':'<div xmlns=\\'http://www.w3.org/1999/xhtml\\'>x</div>',"
				 "'_div':{'extension':[{'url':'http://e.org','valueString':'x'}]}}}",
				 "/text/_div/extension: element \"extension\" is not allowed in xhtml");
}

/* ------------------------------------------------------------------------
 * JSON kinds and primitive values
 * ------------------------------------------------------------------------ */

TEST(fhir_validate_array_cardinality)
{
	CHECK_ISSUES("{'resourceType':'Patient','name':{'family':'x'}}",
				 "/name: \"name\" must be an array (it repeats)");
	CHECK_ISSUES("{'resourceType':'Patient','name':[{'given':'A'}]}",
				 "/name/0/given: \"given\" must be an array (it repeats)");
	CHECK_ISSUES("{'resourceType':'Patient','gender':['male']}",
				 "/gender: \"gender\" must not be an array (it does not repeat)");
	/* the items are still checked */
	CHECK_ISSUES("{'resourceType':'Patient','birthDate':['1970-13-01']}",
				 "/birthDate: \"birthDate\" must not be an array (it does not repeat)\n"
				 "/birthDate/0: invalid FHIR date value \"1970-13-01\": month must be 01 to 12");
	CHECK_ISSUES("{'resourceType':'Patient','_birthDate':[{'id':'a'}]}",
				 "/_birthDate: \"birthDate\" must not be an array (it does not repeat)");
	CHECK_ISSUES("{'resourceType':'Patient','name':[{'given':['a'],'_given':{'id':'x'}}]}",
				 "/name/0/_given: \"given\" must be an array (it repeats)");
	CHECK_ISSUES("{'resourceType':'Patient','name':[[{'family':'x'}]]}",
				 "/name/0: nested arrays are not allowed");
}

TEST(fhir_validate_json_kinds)
{
	CHECK_ISSUES("{'resourceType':'Patient','active':'true'}",
				 "/active: expected a boolean (FHIR boolean), found a string");
	CHECK_ISSUES("{'resourceType':'Patient','multipleBirthInteger':'2'}",
				 "/multipleBirthInteger: expected a number (FHIR integer), found a string");
	CHECK_ISSUES("{'resourceType':'Patient','birthDate':19700101}",
				 "/birthDate: expected a string (FHIR date), found a number");
	CHECK_ISSUES("{'resourceType':'Patient','gender':true}",
				 "/gender: expected a string (FHIR code), found a boolean");
	CHECK_ISSUES("{'resourceType':'Patient','gender':{'value':'male'}}",
				 "/gender: expected a string (FHIR code), found an object");
	CHECK_ISSUES("{'resourceType':'Patient','managingOrganization':'Organization/1'}",
				 "/managingOrganization: expected an object (FHIR Reference), found a string");
	CHECK_ISSUES("{'resourceType':'Bundle','type':'collection','entry':[{'resource':'x'}]}",
				 "/entry/0/resource: expected an object (FHIR Resource), found a string");
}

TEST(fhir_validate_primitive_values)
{
	/* the lexical number text is what integer and decimal checks see */
	CHECK_ISSUES("{'resourceType':'Patient','multipleBirthInteger':1.0}",
				 "/multipleBirthInteger: invalid FHIR integer value \"1.0\": a fraction or exponent is not allowed");
	CHECK_ISSUES("{'resourceType':'Patient','multipleBirthInteger':2147483648}",
				 "/multipleBirthInteger: invalid FHIR integer value \"2147483648\": out of range (-2147483648..2147483647)");
	CHECK_ISSUES("{'resourceType':'Patient','birthDate':'1970-02-29'}",
				 "/birthDate: invalid FHIR date value \"1970-02-29\": day does not exist in that month");
	CHECK_ISSUES("{'resourceType':'Patient','telecom':[{'rank':0}]}",
				 "/telecom/0/rank: invalid FHIR positiveInt value \"0\": must be at least 1");
	/* Resource.id is an id */
	CHECK_ISSUES("{'resourceType':'Patient','id':'a b'}",
				 "/id: invalid FHIR id value \"a b\": only letters, digits, '-' and '.' are allowed");
	/* Element.id is a string */
	CHECK_VALID("{'resourceType':'Patient','name':[{'id':'a b','family':'x'}]}");
	/* the narrative's div is a string */
	CHECK_ISSUES("{'resourceType':'Patient','text':{'status':'generated','div':{'a':1}}}",
				 "/text/div: expected a string (FHIR xhtml), found an object");
}

/* ------------------------------------------------------------------------
 * Levels and required elements
 * ------------------------------------------------------------------------ */

TEST(fhir_validate_required_strict)
{
	CHECK_ISSUES("{'resourceType':'Observation'}",
				 ": missing required element \"status\" (Observation)\n"
				 ": missing required element \"code\" (Observation)");
	CHECK_ISSUES("{'resourceType':'Bundle'}", ": missing required element \"type\" (Bundle)");
	CHECK_ISSUES("{'resourceType':'Bundle','type':'transaction','entry':[{'request':{'method':'GET'}}]}",
				 "/entry/0/request: missing required element \"url\" (Bundle.entry.request)");
	CHECK_ISSUES("{'resourceType':'Patient','extension':[{'valueString':'x'}]}",
				 "/extension/0: missing required element \"url\" (Extension)");
	/* Coding has no required elements */
	CHECK_VALID("{'resourceType':'Patient','maritalStatus':{'coding':[{'display':'x'}]}}");
	/* a required primitive given only by its extension counts */
	CHECK_VALID("{'resourceType':'Observation','_status':{'extension':[{'url':'http://e.org/dar','valueCode':'unknown'}]},"
				"'code':{'text':'x'}}");
	/* contained and entry resources have their own */
	CHECK_ISSUES("{'resourceType':'Patient','contained':[{'resourceType':'Observation','status':'final'}]}",
				 "/contained/0: missing required element \"code\" (Observation)");
	CHECK_ISSUES("{'resourceType':'Bundle','type':'collection','entry':[{'resource':{'resourceType':'Observation','code':{'text':'x'}}}]}",
				 "/entry/0/resource: missing required element \"status\" (Observation)");
	CHECK_ISSUES("{'resourceType':'Parameters','parameter':[{'valueString':'x'}]}",
				 "/parameter/0: missing required element \"name\" (Parameters.parameter)");
	CHECK_ISSUES("{'resourceType':'Observation','status':'final','code':{'text':'x'},'valueQuantity':{}}",
				 "/valueQuantity: empty object is not allowed");
}

TEST(fhir_validate_level_structure)
{
	CHECK_ISSUES_L("{'resourceType':'Observation'}", FHIR_VALIDATE_STRUCTURE, 0, "");
	CHECK_ISSUES_L("{'resourceType':'Observation','foo':1,'status':''}", FHIR_VALIDATE_STRUCTURE, 0,
				   "/foo: unknown element \"foo\" in Observation\n/status: empty string is not allowed");
}

TEST(fhir_validate_level_off)
{
	CHECK_ISSUES_L("{'resourceType':'Observation','foo':[],'status':'','a':1,'a':2}",
				   FHIR_VALIDATE_OFF, 0, "");
	CHECK_ISSUES_L("{'foo':{'resourceType':'Patient'},'resourceType':'Patient'}", FHIR_VALIDATE_OFF, 0, "");
	CHECK_ISSUES_L("{'foo':{'resourceType':'Patient'}}", FHIR_VALIDATE_OFF, 0, ": missing resourceType");
	CHECK_ISSUES_L("{'resourceType':'Nope'}", FHIR_VALIDATE_OFF, 0,
				   "/resourceType: unknown resourceType \"Nope\"");
	CHECK_ISSUES_L("{'resourceType':'Resource'}", FHIR_VALIDATE_OFF, 0,
				   "/resourceType: resourceType \"Resource\" is abstract; a concrete resource type is required");
	CHECK_ISSUES_L("{'resourceType':{}}", FHIR_VALIDATE_OFF, 0,
				   "/resourceType: resourceType must be a string, not an object");
	CHECK_ISSUES_L("[1]", FHIR_VALIDATE_OFF, 0, ": a FHIR resource must be a JSON object, not an array");
	CHECK_ISSUES_L("{'resourceType':'Patient',}", FHIR_VALIDATE_OFF, 0,
				   ": invalid JSON: trailing comma in object at byte 26 near \"}\"");
}

/* ------------------------------------------------------------------------
 * Issue limits, malformed JSON, the event API
 * ------------------------------------------------------------------------ */

TEST(fhir_validate_max_issues)
{
	const char *doc = "{'resourceType':'Patient','a':1,'name':[{'given':[1],'b':2}],'gender':'x  y'}";

	CHECK_ISSUES_L(doc, FHIR_VALIDATE_STRICT, 1, "/a: unknown element \"a\" in Patient");
	CHECK_ISSUES_L(doc, FHIR_VALIDATE_STRICT, 2,
				   "/a: unknown element \"a\" in Patient\n"
				   "/name/0/given/0: expected a string (FHIR string), found a number");
	/* 0: every issue; siblings after an error are still validated */
	CHECK_ISSUES(doc, "/a: unknown element \"a\" in Patient\n"
				 "/name/0/given/0: expected a string (FHIR string), found a number\n"
				 "/name/0/b: unknown element \"b\" in HumanName\n"
				 "/gender: invalid FHIR code value \"x  y\": consecutive whitespace characters are not allowed");
}

TEST(fhir_validate_malformed_json)
{
	CHECK_ISSUES("{'resourceType':'Patient','name':[{'given':['a',]}]}",
				 "/name/0/given: invalid JSON: trailing comma in array at byte 48 near \"]}]}\"");
	CHECK_ISSUES("{'resourceType':'Patient','active':tru}",
				 "/active: invalid JSON: unexpected token at byte 35 near \"tru}\"");
	CHECK_ISSUES("", ": invalid JSON: no value at end of input");
	CHECK_ISSUES("{'resourceType':'Patient'", ": invalid JSON: unterminated object at end of input");
	/* the first error wins when only one is wanted */
	CHECK_ISSUES_L("{'resourceType':'Patient','x':1,", FHIR_VALIDATE_STRICT, 1,
				   "/x: unknown element \"x\" in Patient");
}

TEST(fhir_validate_event_api)
{
	fhir_validator *v = fhir_validator_create(&cl_malloc_allocator, FHIR_VALIDATE_STRICT, 1);

	CHECK(v != NULL);
	CHECK_INT(fhir_validator_resource_type(v), FHIR_NO_TYPE);
	CHECK(fhir_v_object_start(v));
	CHECK(fhir_v_key(v, "resourceType", 12));
	CHECK(fhir_v_scalar(v, FHIR_SCALAR_STRING, "Patient", 7));
	CHECK_INT(fhir_validator_resource_type(v), fhir_type_lookup("Patient", 7));
	CHECK(fhir_v_key(v, "multipleBirthInteger", 20));
	CHECK(fhir_v_scalar(v, FHIR_SCALAR_NUMBER, "-7", 2));
	CHECK(fhir_v_key(v, "active", 6));
	/* the first error stops the validator */
	CHECK(!fhir_v_scalar(v, FHIR_SCALAR_NUMBER, "1", 1));
	CHECK(!fhir_v_object_end(v));
	CHECK(!fhir_v_finish(v));
	CHECK_INT(fhir_validator_nissues(v), 1);
	CHECK_INT(fhir_validator_nerrors(v), 1);
	CHECK_STR(fhir_validator_issue(v, 0)->pointer, "/active");
	CHECK_INT(fhir_validator_issue(v, 0)->severity, FHIR_SEVERITY_ERROR);
	CHECK(fhir_validator_issue(v, 1) == NULL);
	fhir_validator_destroy(v);

	/* no document at all; an unfinished one */
	v = fhir_validator_create(&cl_malloc_allocator, FHIR_VALIDATE_STRICT, 0);
	CHECK(!fhir_v_finish(v));
	CHECK_STR(fhir_validator_issue(v, 0)->message, "no JSON document");
	fhir_validator_destroy(v);
	v = fhir_validator_create(&cl_malloc_allocator, FHIR_VALIDATE_STRICT, 0);
	CHECK(fhir_v_object_start(v));
	CHECK(!fhir_v_finish(v));
	CHECK_STR(fhir_validator_issue(v, 0)->message, "the JSON document is incomplete");
	fhir_validator_destroy(v);
	v = fhir_validator_create(&cl_malloc_allocator, FHIR_VALIDATE_STRICT, 0);
	CHECK(fhir_v_object_start(v));
	CHECK(fhir_v_key(v, "resourceType", 12));
	CHECK(fhir_v_scalar(v, FHIR_SCALAR_STRING, "Basic", 5));
	CHECK(fhir_v_key(v, "code", 4));
	CHECK(fhir_v_object_start(v));
	CHECK(fhir_v_key(v, "text", 4));
	CHECK(fhir_v_scalar(v, FHIR_SCALAR_STRING, "t", 1));
	CHECK(fhir_v_object_end(v));
	CHECK(fhir_v_object_end(v));
	CHECK(fhir_v_finish(v));
	CHECK_INT(fhir_validator_nissues(v), 0);
	fhir_validator_destroy(v);
}

TEST(fhir_validate_arena_allocator)
{
	cl_arena	arena;
	fhir_validator *v;
	const char *doc = "{\"a\":{\"b\":[1,{\"c\":2}]},\"resourceType\":\"Patient\",\"contained\":[{\"x\":1,\"resourceType\":\"Basic\"}]}";

	cl_arena_init(&arena, &cl_malloc_allocator, 512);
	v = fhir_validate_json_text(cl_arena_allocator(&arena), doc, strlen(doc),
								FHIR_VALIDATE_STRICT, 0);
	CHECK(v != NULL);
	CHECK_INT(fhir_validator_nerrors(v), 3);
	CHECK_STR(fhir_validator_issue(v, 0)->pointer, "/a");
	CHECK_STR(fhir_validator_issue(v, 1)->pointer, "/contained/0/x");
	CHECK_STR(fhir_validator_issue(v, 2)->message, "missing required element \"code\" (Basic)");
	fhir_validator_destroy(v);
	cl_arena_reset(&arena);
}
