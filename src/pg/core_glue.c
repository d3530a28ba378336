/*
 * core_glue.c
 *		The bridge between the PostgreSQL-free core and the server: core
 *		allocators backed by memory contexts, core errors raised as ereport.
 */
#include "pg_clinical.h"

#include "access/tupdesc.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/elog.h"
#include "utils/tuplestore.h"

static void *
pg_cxt_alloc(void *ctx, size_t size)
{
	return MemoryContextAllocHuge((MemoryContext) ctx, size ? size : 1);
}

static void *
pg_cxt_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
	(void) ctx;
	(void) old_size;
	return repalloc_huge(ptr, new_size ? new_size : 1);
}

static void
pg_cxt_free(void *ctx, void *ptr)
{
	(void) ctx;
	pfree(ptr);
}

void
cl_pg_allocator_init(cl_allocator *a, MemoryContext cxt)
{
	a->alloc = pg_cxt_alloc;
	a->realloc = pg_cxt_realloc;
	a->free = pg_cxt_free;
	a->ctx = cxt;
}

static void *
pg_cur_alloc(void *ctx, size_t size)
{
	(void) ctx;
	return MemoryContextAllocHuge(CurrentMemoryContext, size ? size : 1);
}

const cl_allocator cl_pg_palloc_allocator = {
	pg_cur_alloc, pg_cxt_realloc, pg_cxt_free, NULL
};

int
cl_pg_sqlstate(cl_errcode code)
{
	switch (code)
	{
		case CL_ERR_SYNTAX:
			return ERRCODE_INVALID_TEXT_REPRESENTATION;
		case CL_ERR_INVALID_PARAM:
			return ERRCODE_INVALID_PARAMETER_VALUE;
		case CL_ERR_ENCODING:
			return ERRCODE_CHARACTER_NOT_IN_REPERTOIRE;
		case CL_ERR_LIMIT:
			return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
		case CL_ERR_NOMEM:
			return ERRCODE_OUT_OF_MEMORY;
		case CL_OK:
		case CL_ERR_INTERNAL:
			break;
	}
	return ERRCODE_INTERNAL_ERROR;
}

/*
 * The detail line: where the problem is (segment, field, JSON pointer) and
 * the byte offset.  Message text itself never contains more than a short
 * fragment of the input; the core enforces that when it builds messages.
 */
static int
cl_pg_errdetail(const cl_error *err)
{
	if (err->where[0] && err->offset != CL_NO_OFFSET)
		return errdetail("At %s, byte %zu.", err->where, err->offset);
	if (err->where[0])
		return errdetail("At %s.", err->where);
	if (err->offset != CL_NO_OFFSET)
		return errdetail("At byte %zu.", err->offset);
	return 0;
}

void
cl_pg_raise(const cl_error *err, const char *what)
{
	ereport(ERROR,
			(errcode(cl_pg_sqlstate(err->code)),
			 what ? errmsg("invalid %s: %s", what, err->message)
			 : errmsg("%s", err->message),
			 cl_pg_errdetail(err),
			 err->hint[0] ? errhint("%s", err->hint) : 0));
	pg_unreachable();
}

void
cl_pg_input_error(const cl_error *err, const char *what, Node *escontext)
{
#ifdef CL_HAVE_SOFT_ERRORS
	errsave(escontext,
			(errcode(cl_pg_sqlstate(err->code)),
			 errmsg("invalid %s: %s", what, err->message),
			 cl_pg_errdetail(err),
			 err->hint[0] ? errhint("%s", err->hint) : 0));
	/* errsave returns only when the error was saved softly */
#else
	(void) escontext;
	cl_pg_raise(err, what);
#endif
}

TupleDesc
cl_pg_materialize_srf(FunctionCallInfo fcinfo, Tuplestorestate **store)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext oldcxt;
	TupleDesc	tupdesc;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		(rsinfo->allowedModes & SFRM_Materialize) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	oldcxt = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
	{
		/* a scalar result: one column of the function's return type */
		tupdesc = CreateTemplateTupleDesc(1);
		TupleDescInitEntry(tupdesc, (AttrNumber) 1, "value",
						   get_fn_expr_rettype(fcinfo->flinfo), -1, 0);
	}
	tupdesc = CreateTupleDescCopy(tupdesc);
	*store = tuplestore_begin_heap(true, false, work_mem);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = *store;
	rsinfo->setDesc = tupdesc;
	MemoryContextSwitchTo(oldcxt);
	return tupdesc;
}
