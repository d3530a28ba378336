/*
 * match_pg.h
 *		Patient matching inside the server: the patient_identity type (a
 *		varlena holding the core's serialised identity right after VARHDRSZ),
 *		the model and term-frequency tables, and helpers shared by
 *		match_type.c, match_funcs.c, match_gin.c and match_batch.c.
 */
#ifndef MATCH_PG_H
#define MATCH_PG_H

#include "pg_clinical.h"

#include "executor/spi.h"
#include "utils/hsearch.h"

#include "clinical/match.h"

#define DatumGetIdentityP(d)		((struct varlena *) PG_DETOAST_DATUM(d))
#define PG_GETARG_IDENTITY_P(n)		DatumGetIdentityP(PG_GETARG_DATUM(n))

/* GUC pg_clinical.match_threshold (a match probability in [0, 1]) */
extern double cl_match_threshold;

/* GUC pg_clinical.match_max_block: blocking keys shared by more records
 * are skipped by match_train and match_clusters */
extern int	cl_match_max_block;

/* Defines the GUCs of patient matching; called once from _PG_init. */
void		cl_match_init_gucs(void);

/*
 * Decodes a stored (detoasted) patient_identity in place: id's strings
 * point into v.  Stored values were verified when they were built or
 * received, so only the structure is checked again (corrupt bytes are a
 * 22P02 error, never a crash).
 */
void		match_identity_view(struct varlena *v, cl_identity *id);

/* A new patient_identity from the core's serialised bytes. */
struct varlena *match_identity_from_buf(const cl_buf *buf);

/*
 * UTF-8 in Unicode NFKD of a string in the server encoding: a palloc'd,
 * NUL-terminated copy (ASCII is returned as it is).
 */
char	   *match_nfkd(const char *s, size_t len);

/* 22023 unless 0 <= p <= 1 */
void		match_check_threshold(double p, const char *what);

/* The namespace of the extension's objects (that of the called function). */
Oid			match_namespace(FunctionCallInfo fcinfo);

/* Oid of type patient_identity in that namespace */
Oid			match_identity_type(Oid nsp);

/*
 * The model and the term frequencies in force: the shipped defaults
 * overridden by the rows of match_model, and match_name_frequency.
 * One per query (fn_extra) or per match_clusters call.
 */
typedef struct match_context
{
	MemoryContext cxt;
	Oid			nsp;
	cl_match_model model;
	cl_match_scorer scorer;		/* the model's weights, for early exits */
	bool		has_tf;			/* match_name_frequency has rows */
	bool		tf_loaded;		/* every row is in tf (no lookups needed) */
	HTAB	   *tf;				/* (field, name) -> frequency */
	SPIPlanPtr	tf_plan;		/* single lookups, kept until cxt dies */
} match_context;

/* Loads the model (and, with all_tf, every term frequency) into cxt. */
match_context *match_context_create(MemoryContext cxt, Oid nsp, bool all_tf);

/* The context cached in fn_extra, loaded on first use in the query. */
match_context *match_context_get(FunctionCallInfo fcinfo);

/* Term frequencies of the values a comparison vector agrees on exactly. */
void		match_fill_tf(match_context *mc, const cl_identity *a,
						  const cl_match_vector *vec, cl_match_tf *tf);

/* compare + tf + score; fills ex when not NULL; returns the score */
double		match_score_pair(match_context *mc, const cl_identity *a,
							 const cl_identity *b, cl_match_explanation *ex);

/*
 * Does the pair reach min_score?  Compares with the core's early exit
 * (cl_match_compare_bounded), then applies the term frequencies; *score is
 * set when true.
 */
bool		match_pair_reaches(match_context *mc, const cl_identity *a,
							   const cl_identity *b, double min_score, double *score);

/* Sorted, distinct blocking keys of an identity (palloc'd strings). */
int			match_block_keys(const cl_identity *id, char ***keys);

/* Do two identities share a blocking key? */
bool		match_share_key(const cl_identity *a, const cl_identity *b);

#endif
