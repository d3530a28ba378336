/*
 * fuzz_fhir_validate.c
 *		libFuzzer harness: the core JSON reader, the JSON tree and the FHIR
 *		validator on arbitrary bytes.
 *
 * Checks, beyond "no crash, no leak, no undefined behaviour":
 *   - with max_issues 1 the validator reports exactly the first issue of a
 *     max_issues 0 run;
 *   - feeding the events of a cl_json tree (walked through the cl_node
 *     interface) gives the same issues as validating the text;
 *   - every issue has a pointer that is "" or starts with '/', and a
 *     message.
 */
#include <stdlib.h>
#include <string.h>

#include "clinical/fhir_validate.h"
#include "clinical/json.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
walk(const cl_node *n, fhir_validator *v, int depth)
{
	const char *t;
	size_t		len;

	if (depth > CL_JSON_MAX_DEPTH + 1)
		__builtin_trap();
	switch (cl_node_kind_of(n))
	{
		case CL_NODE_OBJECT:
			if (!fhir_v_object_start(v))
				return false;
			for (size_t i = 0; i < n->ops->count(n); i++)
			{
				const char *k;
				size_t		kl;
				cl_node		c,
							c2;

				if (!n->ops->member_at(n, i, &k, &kl, &c))
					__builtin_trap();
				/* lookup by key finds a member with that key */
				if (!n->ops->member(n, k, kl, &c2))
					__builtin_trap();
				if (!fhir_v_key(v, k, kl) || !walk(&c, v, depth + 1))
					return false;
			}
			return fhir_v_object_end(v);
		case CL_NODE_ARRAY:
			if (!fhir_v_array_start(v))
				return false;
			for (size_t i = 0; i < n->ops->count(n); i++)
			{
				cl_node		c;

				if (!n->ops->element(n, i, &c))
					__builtin_trap();
				if (!walk(&c, v, depth + 1))
					return false;
			}
			return fhir_v_array_end(v);
		case CL_NODE_STRING:
			if (!n->ops->scalar(n, &t, &len))
				__builtin_trap();
			return fhir_v_scalar(v, FHIR_SCALAR_STRING, t, len);
		case CL_NODE_NUMBER:
			if (!n->ops->scalar(n, &t, &len))
				__builtin_trap();
			return fhir_v_scalar(v, FHIR_SCALAR_NUMBER, t, len);
		case CL_NODE_BOOL:
			if (!n->ops->scalar(n, &t, &len))
				__builtin_trap();
			return fhir_v_scalar(v, FHIR_SCALAR_BOOL, t, len);
		case CL_NODE_NULL:
			return fhir_v_scalar(v, FHIR_SCALAR_NULL, NULL, 0);
	}
	return false;
}

static void
same_issues(const fhir_validator *a, const fhir_validator *b, int n)
{
	for (int i = 0; i < n; i++)
	{
		const fhir_issue *x = fhir_validator_issue(a, i);
		const fhir_issue *y = fhir_validator_issue(b, i);

		if (x == NULL || y == NULL || strcmp(x->pointer, y->pointer) != 0 ||
			strcmp(x->message, y->message) != 0)
			__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *) data;
	fhir_validator *all,
			   *first,
			   *off;
	cl_arena	arena;
	cl_node		root;
	cl_error	err;
	int			n;

	all = fhir_validate_json_text(&cl_malloc_allocator, in, size, FHIR_VALIDATE_STRICT, 0);
	first = fhir_validate_json_text(&cl_malloc_allocator, in, size, FHIR_VALIDATE_STRICT, 1);
	if (all == NULL || first == NULL)
		__builtin_trap();
	n = fhir_validator_nissues(all);
	if (fhir_validator_nissues(first) != (n > 0 ? 1 : 0))
		__builtin_trap();
	same_issues(all, first, fhir_validator_nissues(first));
	for (int i = 0; i < n; i++)
	{
		const fhir_issue *is = fhir_validator_issue(all, i);

		if (is->pointer[0] != '\0' && is->pointer[0] != '/')
			__builtin_trap();
		if (is->message[0] == '\0')
			__builtin_trap();
	}

	/* the same document through a tree and the event API */
	cl_arena_init(&arena, &cl_malloc_allocator, 4096);
	if (cl_json_tree(in, size, &arena, &root, &err))
	{
		fhir_validator *tv = fhir_validator_create(cl_arena_allocator(&arena),
												   FHIR_VALIDATE_STRICT, 0);

		if (tv == NULL)
			__builtin_trap();
		walk(&root, tv, 0);
		fhir_v_finish(tv);
		if (fhir_validator_nissues(tv) != n)
			__builtin_trap();
		same_issues(all, tv, n);
		fhir_validator_destroy(tv);
	}
	else if (n == 0)
		__builtin_trap();		/* malformed JSON must be an issue */
	cl_arena_reset(&arena);

	off = fhir_validate_json_text(&cl_malloc_allocator, in, size, FHIR_VALIDATE_OFF, 0);
	/* what OFF rejects, STRICT rejects too */
	if (fhir_validator_nerrors(off) > 0 && n == 0)
		__builtin_trap();
	fhir_validator_destroy(off);
	off = fhir_validate_json_text(&cl_malloc_allocator, in, size, FHIR_VALIDATE_STRUCTURE, 0);
	if (fhir_validator_nerrors(off) > n)
		__builtin_trap();
	fhir_validator_destroy(off);

	fhir_validator_destroy(all);
	fhir_validator_destroy(first);
	return 0;
}
