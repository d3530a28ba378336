/*
 * clinical/node.h
 *		A read-only accessor interface over JSON-shaped documents.
 *
 * The core reads documents it does not own through this interface: inside
 * the server a node points into a stored jsonb container (nothing is
 * copied or converted), in the standalone core it points into a cl_json
 * tree (clinical/json.h).  The FHIR XML writer and the FHIRPath evaluator
 * are written against it.
 *
 * A node is a small value (ops + two words) that the implementation fills;
 * nodes stay valid as long as the document does.
 */
#ifndef CLINICAL_NODE_H
#define CLINICAL_NODE_H

#include "clinical/common.h"

typedef enum cl_node_kind
{
	CL_NODE_NULL,
	CL_NODE_BOOL,
	CL_NODE_NUMBER,
	CL_NODE_STRING,
	CL_NODE_ARRAY,
	CL_NODE_OBJECT
} cl_node_kind;

typedef struct cl_node cl_node;

typedef struct cl_node_ops
{
	cl_node_kind (*kind) (const cl_node *n);
	/* members of an object or elements of an array; 0 for scalars */
	size_t		(*count) (const cl_node *n);
	/* member i of an object (in the document's stored order) */
	bool		(*member_at) (const cl_node *n, size_t i, const char **key,
							  size_t *keylen, cl_node *value);
	/* member by key; false when absent or n is not an object */
	bool		(*member) (const cl_node *n, const char *key, size_t keylen,
						   cl_node *value);
	/* element i of an array; false when out of range or not an array */
	bool		(*element) (const cl_node *n, size_t i, cl_node *value);
	/*
	 * scalar text: strings decoded (UTF-8, not NUL-terminated), numbers in
	 * their exact lexical form, booleans "true"/"false", null "null"
	 */
	bool		(*scalar) (const cl_node *n, const char **text, size_t *len);
} cl_node_ops;

struct cl_node
{
	const cl_node_ops *ops;
	const void *p;				/* implementation data */
	uintptr_t	aux;			/* implementation data */
};

static inline cl_node_kind
cl_node_kind_of(const cl_node *n)
{
	return n->ops->kind(n);
}

#endif							/* CLINICAL_NODE_H */
