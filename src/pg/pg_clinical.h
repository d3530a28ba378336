/*
 * pg_clinical.h
 *		Shared declarations of the PostgreSQL layer: the bridge from the core's
 *		allocators and error values to palloc and ereport.
 */
#ifndef PG_CLINICAL_H
#define PG_CLINICAL_H

#include "postgres.h"

#include "fmgr.h"
#include "nodes/nodes.h"
#include "utils/memutils.h"

#include "clinical/common.h"

#if PG_VERSION_NUM < 130000
#error "pg_clinical needs PostgreSQL 13 or later"
#endif

/* Soft input errors (pg_input_is_valid) exist from PostgreSQL 16 on. */
#if PG_VERSION_NUM >= 160000
#define CL_HAVE_SOFT_ERRORS 1
#include "nodes/miscnodes.h"
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CL_PG_NORETURN __attribute__((noreturn))
#else
#define CL_PG_NORETURN
#endif

/*
 * A cl_allocator that pallocs in the given memory context.  Fill it with
 * cl_pg_allocator_init(); it must not outlive the context.
 */
void		cl_pg_allocator_init(cl_allocator *a, MemoryContext cxt);

/* palloc in CurrentMemoryContext at the time of each call */
extern const cl_allocator cl_pg_palloc_allocator;

/* The SQLSTATE a core error code maps to. */
int			cl_pg_sqlstate(cl_errcode code);

/*
 * Raise a core error as an ERROR.  "what" names the value being processed
 * (e.g. "HL7 v2 message") and prefixes the message.
 */
void		cl_pg_raise(const cl_error *err, const char *what) CL_PG_NORETURN;

/*
 * Report a core error from a type input function: a soft error through
 * escontext on PostgreSQL 16+ (so pg_input_is_valid works), an ERROR
 * otherwise.  Returns only when the error was saved softly.
 */
void		cl_pg_input_error(const cl_error *err, const char *what, Node *escontext);



/*
 * Prepare a set-returning function for materialize mode (a tuplestore the
 * caller fills with tuplestore_putvalues); returns the tuple descriptor.
 * Works on every supported version (InitMaterializedSRF is 15+).
 */
struct Tuplestorestate;
struct TupleDescData;
struct TupleDescData *cl_pg_materialize_srf(FunctionCallInfo fcinfo,
											struct Tuplestorestate **store);
#endif							/* PG_CLINICAL_H */
