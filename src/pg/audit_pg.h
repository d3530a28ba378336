/*
 * audit_pg.h
 *		The audit trail inside the server: triggers that buffer changes, a
 *		pre-commit callback that links them onto the SHA-256 hash chain of
 *		clinical_audit.log, verification and archiving.
 *
 * audit_trigger.c	GUCs, the trigger, the per-transaction buffer and the
 *					commit-time linking
 * audit_chain.c	the canonical serialisation and hash of an entry,
 *					audit_verify, audit_archive, the log's protection trigger
 */
#ifndef AUDIT_PG_H
#define AUDIT_PG_H

#include "pg_clinical.h"

#include "storage/itemptr.h"
#include "utils/relcache.h"

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
	AL_PREV_HASH,			/* not serialised as a field: it leads the input */
	AL_HASH,				/* the result */
	AL_NATTS
} AuditLogColumn;

/* the fields the hash covers after prev_hash: AL_ID .. AL_STATEMENT */
#define AL_NHASHED (AL_STATEMENT + 1)

/* The type of each column (for SPI plans and the serialisation). */
extern const Oid cl_audit_column_types[AL_NATTS];

/* The names of each column (for SELECT lists). */
extern const char *const cl_audit_column_names[AL_NATTS];

/*
 * The hash chain (README.md, "Audit: the hash chain"):
 *	digest = SHA-256 of the canonical encoding of values[AL_RECORDED_AT .. AL_STATEMENT]
 *	hash   = SHA-256(prev_hash || F(id) || digest)
 */
void		cl_audit_entry_digest(const Datum *values, const bool *nulls,
								  uint8 *digest);
void		cl_audit_link_hash(const uint8 *prev_hash, int64 id,
							   const uint8 *digest, uint8 *result);

/* 32 zero bytes: the prev_hash of entry 1 */
extern const uint8 cl_audit_genesis_hash[AUDIT_HASH_LEN];

/* The one row of clinical_audit.chain_head (none before the first entry). */
typedef struct ChainHead
{
	bool		exists;
	ItemPointerData tid;
	int64		last_id;
	uint8		last_hash[AUDIT_HASH_LEN];
	int64		anchor_id;
	uint8		anchor_hash[AUDIT_HASH_LEN];
} ChainHead;

/* read and write the head; the caller holds the chain lock (ExclusiveLock) */
void		cl_audit_read_head(Relation headrel, ChainHead *head);
void		cl_audit_write_head(Relation headrel, const ChainHead *head);

/* true while audit_archive deletes entries (the protection trigger lets it) */
extern bool cl_audit_archiving;

/* GUCs, transaction callbacks; called from _PG_init before the prefix is reserved */
void		cl_audit_init(void);

#endif							/* AUDIT_PG_H */
