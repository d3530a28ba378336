/*
 * jsonb_node.h
 *		cl_node (clinical/node.h) over a stored jsonb, read in place.
 */
#ifndef JSONB_NODE_H
#define JSONB_NODE_H

#include "utils/jsonb.h"

#include "clinical/node.h"

/* n becomes the root node of jb (valid as long as jb is) */
void		cl_jsonb_node(Jsonb *jb, cl_node *n);

#endif
