/*
 * clinical/json.h
 *		The standalone core's JSON reader: strict RFC 8259, numbers kept as
 *		their lexical text (never a double), strings decoded to UTF-8.
 *
 * Two ways to read: events (callbacks, no tree, for validators and
 * converters that stream) and a compact tree in an arena that implements
 * the cl_node interface (for writers that need random access, and tests).
 * Inside the server, PostgreSQL's own JSON parser and jsonb are used
 * instead; this reader serves the unit tests, fuzzers, benchmarks and the
 * XML converter.
 */
#ifndef CLINICAL_JSON_H
#define CLINICAL_JSON_H

#include "clinical/common.h"
#include "clinical/node.h"

typedef struct cl_json_events
{
	bool		(*object_start) (void *arg);
	bool		(*object_end) (void *arg);
	bool		(*array_start) (void *arg);
	bool		(*array_end) (void *arg);
	bool		(*key) (void *arg, const char *key, size_t len);
	/* kind: CL_NODE_STRING, NUMBER, BOOL or NULL; text as for cl_node scalar */
	bool		(*scalar) (void *arg, cl_node_kind kind, const char *text, size_t len);
} cl_json_events;

/*
 * Reads json[0..len) and reports events; a callback returning false stops
 * the reading (then cl_json_parse returns false with err->code CL_OK).
 * Malformed JSON: false with CL_ERR_SYNTAX, the byte offset and a message.
 * Strings are decoded into a scratch buffer from a (valid until the next
 * event).  Nesting depth is limited (CL_JSON_MAX_DEPTH).
 */
#define CL_JSON_MAX_DEPTH 1000
bool		cl_json_parse(const char *json, size_t len, const cl_allocator *a,
						  const cl_json_events *ev, void *arg, cl_error *err);

/*
 * Reads json into a tree allocated in arena; *root is its root node
 * (cl_node ops over the tree; object members keep document order;
 * member lookup is linear for small objects and hashed or sorted for
 * large ones).  Duplicate keys are kept (the first wins for lookup).
 */
bool		cl_json_tree(const char *json, size_t len, cl_arena *arena,
						 cl_node *root, cl_error *err);

/* Appends s as a JSON string literal (quotes, escapes) to out. */
bool		cl_json_append_string(cl_buf *out, const char *s, size_t len);

#endif							/* CLINICAL_JSON_H */
