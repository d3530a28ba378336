/*
 * fuzz_fhir_xml.c
 *		libFuzzer harness: FHIR XML -> JSON and JSON -> XML on arbitrary
 *		bytes.
 *
 * The input is tried as FHIR XML: when it converts, the JSON must be valid
 * JSON (cl_json_tree), and when that JSON converts back to XML, the XML
 * must convert again to the very same JSON (a fixpoint).  The input is also
 * tried as JSON: any resource tree goes through JSON -> XML, whose output,
 * when produced, must be well-formed enough to be read back without a
 * crash.  Any violation traps.
 */
#include <stdlib.h>
#include <string.h>

#include "clinical/fhir_xml.h"
#include "clinical/json.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *) data;
	cl_error	err;
	cl_buf		json,
				xml,
				back;
	cl_arena	arena;
	cl_node		root;

	cl_buf_init(&json, &cl_malloc_allocator, 0);
	cl_buf_init(&xml, &cl_malloc_allocator, 0);
	cl_buf_init(&back, &cl_malloc_allocator, 0);
	cl_arena_init(&arena, &cl_malloc_allocator, 4096);

	/* as XML */
	if (fhir_xml_to_json(in, size, &cl_malloc_allocator, &json, &err))
	{
		if (!cl_json_tree(json.data, json.len, &arena, &root, &err))
			__builtin_trap();	/* the converter wrote invalid JSON */
		if (fhir_json_to_xml(&root, &xml, &err))
		{
			if (!fhir_xml_to_json(xml.data, xml.len, &cl_malloc_allocator,
								  &back, &err))
				__builtin_trap();	/* our own XML does not read back */
			if (back.len != json.len || memcmp(back.data, json.data, json.len) != 0)
				__builtin_trap();	/* not a fixpoint */
		}
	}
	else if (err.code == CL_OK)
		__builtin_trap();		/* failure without an error */
	cl_arena_reset(&arena);

	/* as JSON */
	xml.len = 0;
	back.len = 0;
	cl_arena_init(&arena, &cl_malloc_allocator, 4096);
	if (cl_json_tree(in, size, &arena, &root, &err))
	{
		if (fhir_json_to_xml(&root, &xml, &err))
			(void) fhir_xml_to_json(xml.data, xml.len, &cl_malloc_allocator,
									&back, &err);
		else if (err.code == CL_OK)
			__builtin_trap();
	}
	cl_arena_reset(&arena);
	cl_buf_free(&json);
	cl_buf_free(&xml);
	cl_buf_free(&back);
	return 0;
}
