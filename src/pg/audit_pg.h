/*
 * audit_pg.h
 *		The audit trail inside the server: triggers that buffer changes, a
 *		pre-commit callback that writes them to clinical_audit.log and links
 *		them onto the SHA-256 hash chain (clinical_audit.chain) in batches,
 *		verification and archiving.
 *
 * audit_trigger.c	GUCs, the trigger, the per-transaction buffer and the
 *					commit-time writing of the entries
 * audit_link.c		linking entries onto the chain in batches, the chain and
 *					allocation locks, audit_link() and audit_checkpoint()
 * audit_chain.c	the canonical serialisation and hashes, audit_verify,
 *					audit_archive, the protection trigger
 */
#ifndef AUDIT_PG_H
#define AUDIT_PG_H

#include "pg_clinical.h"

#include "storage/itemptr.h"
#include "storage/lockdefs.h"
#include "utils/array.h"
#include "utils/relcache.h"
#include "utils/snapshot.h"

/* SHA-256 digest length */
#define AUDIT_HASH_LEN 32

/*
 * The columns of clinical_audit.log, in table order, which is also the order
 * in which the canonical serialisation covers them.  (0-based.)
 */
typedef enum AuditLogColumn
{
	AL_ID = 0,
	AL_RECORDED_AT,
	AL_XACT_START,
	AL_XID,
	AL_TABLE_OID,
	AL_SCHEMA_NAME,
	AL_TABLE_NAME,
	AL_OPERATION,
	AL_ROW_KEY,
	AL_OLD_ROW,
	AL_NEW_ROW,
	AL_CHANGED_COLUMNS,
	AL_CURRENT_USER,
	AL_SESSION_USER,
	AL_APP_USER,
	AL_APPLICATION_NAME,
	AL_CLIENT_ADDR,
	AL_CLIENT_PORT,
	AL_BACKEND_PID,
	AL_STATEMENT,
	AL_HASH,				/* SHA-256 of AL_ID .. AL_STATEMENT */
	AL_NATTS
} AuditLogColumn;

/* the fields the entry hash covers: AL_ID .. AL_STATEMENT */
#define AL_NHASHED (AL_STATEMENT + 1)

/* The type of each column (for SPI plans and the serialisation). */
extern const Oid cl_audit_column_types[AL_NATTS];

/* The names of each column. */
extern const char *const cl_audit_column_names[AL_NATTS];

/*
 * The columns of a trail table (clinical_audit.log, chain or anchor), by
 * name and type, in order.
 */
typedef struct AuditTableSpec
{
	const char *name;			/* qualified, for messages */
	int			ncols;
	const char *const *colnames;
	const Oid  *coltypes;
} AuditTableSpec;

extern const AuditTableSpec cl_audit_log_spec;
extern const AuditTableSpec cl_audit_chain_spec;
extern const AuditTableSpec cl_audit_anchor_spec;

/*
 * Where a trail table's columns are in its tuples.  The table may hold
 * dropped columns (one a superuser added and dropped again), which shift
 * the others and are NULL in a new row; its live columns must be the
 * extension's, by name, type (without a modifier) and order.
 */
typedef struct AuditMap
{
	int			natts;			/* of the descriptor, dropped columns included */
	int			ncols;			/* the table's columns (live ones) */
	bool		identity;		/* no dropped column: attno[i] == i */
	int			attno[AL_NATTS];	/* 0-based position of column i */
} AuditMap;

/* the map of a descriptor; false (and *problem) if its columns are wrong */
bool		cl_audit_map_try(const AuditTableSpec *spec, TupleDesc td, AuditMap *map,
							 char **problem);
/* the same, an ERROR (data corrupted) instead of false */
void		cl_audit_map(const AuditTableSpec *spec, TupleDesc td, AuditMap *map);
/* a tuple's columns, in the table's order */
void		cl_audit_deform(const AuditMap *map, TupleDesc td, HeapTuple tup,
							Datum *values, bool *nulls);
/* a row's columns, in the table's order, to their places in a tuple */
void		cl_audit_scatter(const AuditMap *map, const Datum *values,
							 const bool *nulls, Datum *tvalues, bool *tnulls);

/*
 * The hashes (README.md, "Audit: the hash chain"):
 *	entry hash = SHA-256 of the canonical encoding of values[AL_ID .. AL_STATEMENT]
 *		(texts, when not NULL, may give the text form of some of them: a
 *		jsonb value's text as jsonb_out would write it)
 *	batch hash = SHA-256(prev_hash || F(batch) || F(first_position) ||
 *						 F(n_entries) || F(through_id) ||
 *						 entry hash 1 || ... || entry hash n)
 */
typedef struct AuditHasher AuditHasher;	/* NULL: a context for one hash */

AuditHasher *cl_audit_hasher_create(void);
void		cl_audit_hasher_free(AuditHasher *h);
void		cl_audit_entry_hash(AuditHasher *hasher, const Datum *values,
								const bool *nulls, const char *const *texts,
								uint8 *hash);
void		cl_audit_batch_hash(AuditHasher *hasher, const uint8 *prev_hash, int64 batch,
								int64 first_position, int32 n, int64 through_id,
								const uint8 *entry_hashes, uint8 *result);

/* 32 zero bytes: the prev_hash of batch 1 */
extern const uint8 cl_audit_genesis_hash[AUDIT_HASH_LEN];

/* the relations of the trail (InvalidOid when the extension is gone) */
typedef struct AuditRelids
{
	Oid			log;
	Oid			chain;
	Oid			anchor;
	Oid			seq;			/* log_id_seq */
} AuditRelids;

bool		cl_audit_relids(AuditRelids *ids);
/* the same, or an ERROR (42P01) when the extension's tables are missing */
void		cl_audit_require_relids(AuditRelids *ids);

/* where the chain ends: the next batch number and position, the last hash */
typedef struct ChainTail
{
	int64		next_batch;
	int64		next_position;
	uint8		hash[AUDIT_HASH_LEN];
	int64		through_id;		/* every log id up to it is linked or never will be */
	/* the anchor (archive), when there is one */
	bool		anchored;
	int64		anchor_batch;
	int64		anchor_entries;
	int64		anchor_through_id;
	uint8		anchor_hash[AUDIT_HASH_LEN];
} ChainTail;

/* false, with a reason, when the last batch or the anchor is malformed */
bool		cl_audit_read_tail(const AuditRelids *ids, ChainTail *tail,
							   const char **problem);
/* the same as of an MVCC snapshot (without the chain lock) */
bool		cl_audit_read_tail_snapshot(const AuditRelids *ids, ChainTail *tail,
										const char **problem, Snapshot snap);

/*
 * Links onto the chain, as one batch and in id order, the committed entries
 * of the log that follow the last batch (tail.through_id), up to the first
 * one whose transaction is still in progress.  wait: whether a gap in the
 * ids may wait for the writers holding the allocation lock (not at commit,
 * where linking then stops at the gap).  The caller holds the chain
 * lock (cl_audit_chain_lock) and a RowExclusiveLock on clinical_audit.chain
 * until the end of its transaction, and acts as the log's owner.  Returns
 * the number of entries linked, or -1 (with a WARNING) when the chain's end
 * or the log is malformed.
 */
int64		cl_audit_link_locked(const AuditRelids *ids, bool wait);

/*
 * The allocation lock: an object lock tag naming clinical_audit.log_id_seq
 * (pg_locks: locktype object, classid pg_class, objid the sequence).  A
 * committer holds it in RowExclusiveLock for each chunk of its rows, from
 * taking their ids to their last index entry; a linker that finds a gap in
 * the ids takes it in ShareLock for an instant, after which an id below the
 * sequence's value that has no row never will have one.  false when wait
 * is false and the lock is busy.
 */
bool		cl_audit_alloc_lock(Oid seq, LOCKMODE mode, bool wait);
void		cl_audit_alloc_unlock(Oid seq, LOCKMODE mode);

/* the primary key index on the first (bigint) column, or InvalidOid */
Oid			cl_audit_key_index(Relation rel);

/* the value clinical_audit.log_id_seq last gave out (0: none) */
int64		cl_audit_seq_last_value(const AuditRelids *ids);

/* GUC pg_clinical.audit_link_every */
extern int	cl_audit_link_every;

/* audit_link(), audit_checkpoint(), audit_verify(): link everything committed now */
int64		cl_audit_link_all(const AuditRelids *ids, bool raise);

/* false on a standby, read-only, or for a role that does not own the trail */
bool		cl_audit_can_link(const AuditRelids *ids);
/* the locks a reader of the trail takes before its snapshot (audit_link.c) */
typedef struct AuditTrailLocks
{
	int			n;
	Oid			oids[12];		/* log, chain, anchor, sequence, two key
								 * indexes, two TOAST tables and indexes */
	LOCKMODE	modes[12];
} AuditTrailLocks;

void		cl_audit_lock_trail(const AuditRelids *ids, bool with_log,
								AuditTrailLocks *locks);
void		cl_audit_unlock_trail(AuditTrailLocks *locks);

/* the transaction holds the chain lock (audit_trigger.c: no PREPARE then) */
void		cl_audit_note_chain_lock(Oid chain);

/*
 * The chain lock: ExclusiveLock on an object lock tag naming
 * clinical_audit.chain (pg_locks: locktype object, classid pg_class, objid
 * the chain, objsubid 0; pg_describe_object names it "table
 * clinical_audit.chain").  Not a relation lock: a strong relation lock
 * makes every acquisition scan all backends' fast-path lock slots.
 */
bool		cl_audit_chain_lock(Oid chain, bool wait);
bool		cl_audit_try_lock_chain_indexes(Oid chain);
void		cl_audit_chain_unlock(Oid chain);

/* a bytea holding a SHA-256; false if the datum is not one */
bool		cl_audit_get_hash(Datum d, bool isnull, uint8 *out);
bytea	   *cl_audit_hash_bytea(const uint8 *h);

/* the elements of a one-dimensional bigint[] without NULLs */
static inline int64 *
cl_audit_int8_array_data(ArrayType *arr)
{
	return (int64 *) ((char *) arr + ARR_OVERHEAD_NONULLS(ARR_NDIM(arr)));
}

/* true while audit_archive deletes entries (the protection trigger lets it) */
extern bool cl_audit_archiving;

/* GUCs, transaction callbacks; called from _PG_init before the prefix is reserved */
void		cl_audit_init(void);

#endif							/* AUDIT_PG_H */
