/*
 * audit_chain.c
 *		The hash chain of clinical_audit.log: the canonical serialisation
 *		of an entry and its SHA-256, audit_verify(), audit_archive(), and the
 *		trigger that keeps the log append-only.
 *
 Canonical serialisation, version 1 (README.md, "Audit: the hash chain"):
 *
 *	digest(n) = SHA-256( F(recorded_at) || F(xact_start) || ... || F(statement) )
 *	hash(n)   = SHA-256( prev_hash(n) || F(id) || digest(n) )
 *
 * digest covers the columns recorded_at through statement in table order;
 * prev_hash(n) is the 32 raw bytes of hash(n-1) (32 zero bytes for entry 1,
 * or the archive anchor).  The two levels let the commit callback compute
 * the digests before it takes the chain lock.  F(NULL) is the four bytes FF FF FF FF; F(v) is the length of
 * t(v) in bytes as a 4-byte big-endian integer followed by t(v), where t(v)
 * is the text of v in the database encoding:
 *	bigint, integer, oid, xid8	decimal digits (their output function)
 *	timestamptz					microseconds since 1970-01-01 00:00:00 UTC,
 *								decimal (independent of TimeZone/DateStyle)
 *	text						its bytes
 *	jsonb						its output text (jsonb_out, as ::text prints it)
 *	inet						its output text (inet_out)
 * and text[] (changed_columns) is encoded as its element count (4-byte
 * big-endian) followed by F(element) for each element.
 */
#include "pg_clinical.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "access/genam.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/xid8.h"

#if PG_VERSION_NUM >= 140000
#include "common/cryptohash.h"
#else
#include "common/sha2.h"
#endif

#include "audit_pg.h"

/* columns of clinical_audit.chain_head */
#define HEAD_NATTS 6

const uint8 cl_audit_genesis_hash[AUDIT_HASH_LEN] = {0};

bool		cl_audit_archiving = false;

const Oid	cl_audit_column_types[AL_NATTS] = {
	INT8OID,					/* id */
	TIMESTAMPTZOID,				/* recorded_at */
	TIMESTAMPTZOID,				/* xact_start */
	XID8OID,					/* xid */
	OIDOID,						/* table_oid */
	TEXTOID,					/* schema_name */
	TEXTOID,					/* table_name */
	TEXTOID,					/* operation */
	JSONBOID,					/* row_key */
	JSONBOID,					/* old_row */
	JSONBOID,					/* new_row */
	TEXTARRAYOID,				/* changed_columns */
	TEXTOID,					/* current_user_name */
	TEXTOID,					/* session_user_name */
	TEXTOID,					/* app_user */
	TEXTOID,					/* application_name */
	INETOID,					/* client_addr */
	INT4OID,					/* client_port */
	INT4OID,					/* backend_pid */
	TEXTOID,					/* statement */
	BYTEAOID,					/* prev_hash */
	BYTEAOID					/* hash */
};

const char *const cl_audit_column_names[AL_NATTS] = {
	"id", "recorded_at", "xact_start", "xid", "table_oid", "schema_name",
	"table_name", "operation", "row_key", "old_row", "new_row",
	"changed_columns", "current_user_name", "session_user_name", "app_user",
	"application_name", "client_addr", "client_port", "backend_pid",
	"statement", "prev_hash", "hash"
};

/* ---- a SHA-256 stream -------------------------------------------------- */

typedef struct HashStream
{
#if PG_VERSION_NUM >= 140000
	pg_cryptohash_ctx *ctx;
#else
	pg_sha256_ctx ctx;
#endif
} HashStream;

static void
hs_init(HashStream *hs)
{
#if PG_VERSION_NUM >= 140000
	hs->ctx = pg_cryptohash_create(PG_SHA256);
	if (hs->ctx == NULL || pg_cryptohash_init(hs->ctx) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not initialise SHA-256")));
#else
	pg_sha256_init(&hs->ctx);
#endif
}

static void
hs_update(HashStream *hs, const void *data, size_t len)
{
#if PG_VERSION_NUM >= 140000
	if (pg_cryptohash_update(hs->ctx, (const uint8 *) data, len) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute SHA-256")));
#else
	pg_sha256_update(&hs->ctx, (const uint8 *) data, len);
#endif
}

static void
hs_final(HashStream *hs, uint8 *result)
{
#if PG_VERSION_NUM >= 140000
	int			rc = pg_cryptohash_final(hs->ctx, result, AUDIT_HASH_LEN);

	pg_cryptohash_free(hs->ctx);
	hs->ctx = NULL;
	if (rc < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute SHA-256")));
#else
	pg_sha256_final(&hs->ctx, result);
#endif
}

/* F(v): 4-byte big-endian length, then the bytes */
static void
hs_field(HashStream *hs, const char *data, size_t len)
{
	uint32		be = pg_hton32((uint32) len);

	hs_update(hs, &be, 4);
	if (len > 0)
		hs_update(hs, data, len);
}

static void
hs_null(HashStream *hs)
{
	static const uint8 null_marker[4] = {0xFF, 0xFF, 0xFF, 0xFF};

	hs_update(hs, null_marker, 4);
}

static void
hs_cstring(HashStream *hs, const char *s)
{
	hs_field(hs, s, strlen(s));
}

static void
hs_text(HashStream *hs, Datum d)
{
	text	   *t = DatumGetTextPP(d);

	hs_field(hs, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
	if ((Pointer) t != DatumGetPointer(d))
		pfree(t);
}

static void
hs_datum(HashStream *hs, Oid type, Datum d)
{
	char		buf[32];

	switch (type)
	{
		case INT8OID:
			snprintf(buf, sizeof(buf), INT64_FORMAT, DatumGetInt64(d));
			hs_cstring(hs, buf);
			break;
		case INT4OID:
			snprintf(buf, sizeof(buf), "%d", DatumGetInt32(d));
			hs_cstring(hs, buf);
			break;
		case OIDOID:
			snprintf(buf, sizeof(buf), "%u", DatumGetObjectId(d));
			hs_cstring(hs, buf);
			break;
		case XID8OID:
			snprintf(buf, sizeof(buf), UINT64_FORMAT,
					 U64FromFullTransactionId(DatumGetFullTransactionId(d)));
			hs_cstring(hs, buf);
			break;
		case TIMESTAMPTZOID:
			{
				/* microseconds since the Unix epoch */
				int64		us = DatumGetTimestampTz(d) +
					(int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;

				snprintf(buf, sizeof(buf), INT64_FORMAT, us);
				hs_cstring(hs, buf);
				break;
			}
		case TEXTOID:
			hs_text(hs, d);
			break;
		case JSONBOID:
			{
				Jsonb	   *jb = DatumGetJsonbP(d);
				char	   *s = JsonbToCString(NULL, &jb->root, VARSIZE(jb));

				hs_cstring(hs, s);
				pfree(s);
				break;
			}
		case INETOID:
			{
				char	   *s = DatumGetCString(DirectFunctionCall1(inet_out, d));

				hs_cstring(hs, s);
				pfree(s);
				break;
			}
		case TEXTARRAYOID:
			{
				ArrayType  *arr = DatumGetArrayTypeP(d);
				Datum	   *elems;
				bool	   *elnulls;
				int			n;
				uint32		be;

				deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT,
								  &elems, &elnulls, &n);
				be = pg_hton32((uint32) n);
				hs_update(hs, &be, 4);
				for (int i = 0; i < n; i++)
				{
					if (elnulls[i])
						hs_null(hs);
					else
						hs_text(hs, elems[i]);
				}
				break;
			}
		default:
			elog(ERROR, "audit hash: unexpected column type %u", type);
	}
}

void
cl_audit_entry_digest(const Datum *values, const bool *nulls, uint8 *digest)
{
	HashStream	hs;

	hs_init(&hs);
	for (int i = AL_RECORDED_AT; i < AL_NHASHED; i++)
	{
		if (nulls[i])
			hs_null(&hs);
		else
			hs_datum(&hs, cl_audit_column_types[i], values[i]);
	}
	hs_final(&hs, digest);
}

void
cl_audit_link_hash(const uint8 *prev_hash, int64 id, const uint8 *digest,
				   uint8 *result)
{
	HashStream	hs;

	hs_init(&hs);
	hs_update(&hs, prev_hash, AUDIT_HASH_LEN);
	hs_datum(&hs, INT8OID, Int64GetDatum(id));
	hs_update(&hs, digest, AUDIT_HASH_LEN);
	hs_final(&hs, result);
}

/* ---- audit_verify() -------------------------------------------------------- */

static char *
hex32(const uint8 *h)
{
	static const char digits[] = "0123456789abcdef";
	char	   *s = palloc(AUDIT_HASH_LEN * 2 + 1);

	for (int i = 0; i < AUDIT_HASH_LEN; i++)
	{
		s[2 * i] = digits[h[i] >> 4];
		s[2 * i + 1] = digits[h[i] & 15];
	}
	s[AUDIT_HASH_LEN * 2] = '\0';
	return s;
}

/* a bytea column that must hold a SHA-256; false if it does not */
static bool
get_hash(Datum d, bool isnull, uint8 *out)
{
	bytea	   *b;

	if (isnull)
		return false;
	b = DatumGetByteaPP(d);
	if (VARSIZE_ANY_EXHDR(b) != AUDIT_HASH_LEN)
		return false;
	memcpy(out, VARDATA_ANY(b), AUDIT_HASH_LEN);
	return true;
}

PG_FUNCTION_INFO_V1(cl_audit_verify);

/*
 * audit_verify() -> (ok, entries_checked, first_broken_id, reason)
 *
 * Walks clinical_audit.log in id order from the archive anchor and checks,
 * for every entry, that its id follows the previous one, that its prev_hash
 * is the previous entry's hash, and that its hash is the SHA-256 of its
 * canonical serialisation; at the end, that the last entry is the chain
 * head.  The head and the log are read in the one snapshot of the calling
 * query, so concurrent commits cannot make a sound chain look broken.
 * Stops at the first broken entry.
 */
Datum
cl_audit_verify(PG_FUNCTION_ARGS)
{
	TupleDesc	rettd;
	Datum		result[4];
	bool		rnulls[4] = {false, false, false, false};
	int64		checked = 0;
	int64		broken_id = 0;
	char	   *reason = NULL;
	int64		head_last = 0,
				anchor_id = 0;
	uint8		head_hash[AUDIT_HASH_LEN];
	uint8		prev[AUDIT_HASH_LEN];
	int64		expect;
	bool		have_head = false;
	StringInfoData q;
	SPIPlanPtr	plan;
	Portal		portal;
	int			ret;

	if (get_call_result_type(fcinfo, NULL, &rettd) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	rettd = BlessTupleDesc(rettd);

	memcpy(head_hash, cl_audit_genesis_hash, AUDIT_HASH_LEN);
	memcpy(prev, cl_audit_genesis_hash, AUDIT_HASH_LEN);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	/* the head: none (empty chain) or exactly one row */
	ret = SPI_execute("SELECT last_id, last_hash, anchor_id, anchor_hash "
					  "FROM clinical_audit.chain_head", true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "audit_verify: reading the chain head failed");
	if (SPI_processed > 1)
	{
		reason = psprintf("the chain head has %llu rows instead of one",
						  (unsigned long long) SPI_processed);
		goto done;
	}
	if (SPI_processed == 1)
	{
		HeapTuple	t = SPI_tuptable->vals[0];
		TupleDesc	td = SPI_tuptable->tupdesc;
		bool		n1,
					n2;
		Datum		d;

		have_head = true;
		d = SPI_getbinval(t, td, 1, &n1);
		head_last = n1 ? 0 : DatumGetInt64(d);
		d = SPI_getbinval(t, td, 3, &n2);
		anchor_id = n2 ? 0 : DatumGetInt64(d);
		if (n1 || n2)
			reason = pstrdup("the chain head is malformed");
		d = SPI_getbinval(t, td, 2, &n1);
		if (!get_hash(d, n1, head_hash))
			reason = pstrdup("the chain head is malformed");
		d = SPI_getbinval(t, td, 4, &n2);
		if (!get_hash(d, n2, prev))
			reason = pstrdup("the chain head is malformed");
		if (reason)
		{
			goto done;
		}
	}
	expect = anchor_id + 1;

	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT ");
	for (int i = 0; i < AL_NATTS; i++)
		appendStringInfo(&q, "%s%s", i ? ", " : "", cl_audit_column_names[i]);
	appendStringInfoString(&q, " FROM clinical_audit.log ORDER BY id");
	plan = SPI_prepare_cursor(q.data, 0, NULL, CURSOR_OPT_NO_SCROLL);
	if (plan == NULL)
		elog(ERROR, "audit_verify: SPI_prepare_cursor failed: %s",
			 SPI_result_code_string(SPI_result));
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);

	for (;;)
	{
		SPI_cursor_fetch(portal, true, 1000);
		if (SPI_processed == 0)
			break;
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			HeapTuple	t = SPI_tuptable->vals[r];
			TupleDesc	td = SPI_tuptable->tupdesc;
			Datum		values[AL_NATTS];
			bool		nulls[AL_NATTS];
			uint8		stored_prev[AUDIT_HASH_LEN];
			uint8		stored[AUDIT_HASH_LEN];
			uint8		computed[AUDIT_HASH_LEN];
			int64		id;

			heap_deform_tuple(t, td, values, nulls);
			id = DatumGetInt64(values[AL_ID]);
			if (id != expect)
			{
				broken_id = id;
				if (id < expect)
					reason = psprintf("entry %lld: expected entry %lld (an archived, duplicated or reordered entry)",
									  (long long) id, (long long) expect);
				else if (expect == id - 1)
					reason = psprintf("entry %lld is missing (deleted)", (long long) expect);
				else
					reason = psprintf("entries %lld to %lld are missing (deleted)",
									  (long long) expect, (long long) id - 1);
				goto close;
			}
			if (!get_hash(values[AL_PREV_HASH], nulls[AL_PREV_HASH], stored_prev) ||
				!get_hash(values[AL_HASH], nulls[AL_HASH], stored))
			{
				broken_id = id;
				reason = psprintf("entry %lld: prev_hash or hash is not a SHA-256", (long long) id);
				goto close;
			}
			cl_audit_entry_digest(values, nulls, computed);
			cl_audit_link_hash(stored_prev, id, computed, computed);
			if (memcmp(computed, stored, AUDIT_HASH_LEN) != 0)
			{
				broken_id = id;
				reason = psprintf("entry %lld: the hash does not match the entry's content (altered)",
								  (long long) id);
				goto close;
			}
			if (memcmp(stored_prev, prev, AUDIT_HASH_LEN) != 0)
			{
				broken_id = id;
				reason = psprintf("entry %lld: prev_hash is not the hash of entry %lld (inserted, replaced or reordered)",
								  (long long) id, (long long) id - 1);
				goto close;
			}
			memcpy(prev, stored, AUDIT_HASH_LEN);
			checked++;
			expect++;
		}
		SPI_freetuptable(SPI_tuptable);
	}

	/* the walk ended: it must end at the head */
	if (expect - 1 != head_last)
	{
		if (expect - 1 < head_last)
		{
			broken_id = expect;
			reason = psprintf("entries %lld to %lld are missing (the head is entry %lld)",
							  (long long) expect, (long long) head_last, (long long) head_last);
		}
		else
		{
			broken_id = head_last + 1;
			reason = have_head
				? psprintf("entry %lld lies beyond the chain head (inserted)", (long long) head_last + 1)
				: psprintf("entry %lld exists but the chain head does not (inserted)", (long long) head_last + 1);
		}
	}
	else if (memcmp(prev, head_hash, AUDIT_HASH_LEN) != 0)
	{
		broken_id = head_last;
		reason = psprintf("the chain head's hash %s is not the hash of entry %lld",
						  hex32(head_hash), (long long) head_last);
	}

close:
	SPI_cursor_close(portal);
done:
	result[0] = BoolGetDatum(reason == NULL);
	result[1] = Int64GetDatum(checked);
	if (reason == NULL)
	{
		rnulls[2] = rnulls[3] = true;
		result[2] = result[3] = (Datum) 0;
	}
	else
	{
		result[2] = Int64GetDatum(broken_id);
		/* the result must outlive SPI's memory */
		result[3] = PointerGetDatum(SPI_palloc(VARHDRSZ + strlen(reason)));
		SET_VARSIZE(DatumGetPointer(result[3]), VARHDRSZ + strlen(reason));
		memcpy(VARDATA(DatumGetPointer(result[3])), reason, strlen(reason));
	}
	SPI_finish();
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(rettd, result, rnulls)));
}

/* ---- audit_archive(through_id) ------------------------------------------ */

/*
 * Reads the head with SnapshotSelf through the primary key index: under the
 * chain lock, every earlier writer of the head has committed and is no
 * longer running, so exactly the latest version is visible, whatever the
 * isolation level of this transaction (and no predicate lock is taken under
 * SERIALIZABLE).  The index scan prunes the page, so the updates stay HOT.
 */
void
cl_audit_read_head(Relation headrel, ChainHead *head)
{
	SysScanDesc scan;
	HeapTuple	tup;
	TupleDesc	td = RelationGetDescr(headrel);
	Oid			indexoid = RelationGetPrimaryKeyIndex(headrel);
	int			n = 0;

	head->exists = false;
	head->last_id = 0;
	head->anchor_id = 0;
	memcpy(head->last_hash, cl_audit_genesis_hash, AUDIT_HASH_LEN);
	memcpy(head->anchor_hash, cl_audit_genesis_hash, AUDIT_HASH_LEN);

	if (td->natts != HEAD_NATTS || !OidIsValid(indexoid))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("clinical_audit.chain_head has an unexpected shape")));
	scan = systable_beginscan(headrel, indexoid, true, SnapshotSelf, 0, NULL);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		Datum		values[HEAD_NATTS];
		bool		nulls[HEAD_NATTS];

		if (++n > 1)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("clinical_audit.chain_head has more than one row"),
					 errhint("The audit trail was tampered with; run audit_verify().")));
		heap_deform_tuple(tup, td, values, nulls);
		if (nulls[1] || nulls[2] || nulls[3] || nulls[4] ||
			!get_hash(values[2], false, head->last_hash) ||
			!get_hash(values[4], false, head->anchor_hash))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("clinical_audit.chain_head is malformed"),
					 errhint("The audit trail was tampered with; run audit_verify().")));
		head->exists = true;
		head->tid = tup->t_self;
		head->last_id = DatumGetInt64(values[1]);
		head->anchor_id = DatumGetInt64(values[3]);
	}
	systable_endscan(scan);
}

static bytea *
hash_bytea(const uint8 *h)
{
	bytea	   *b = palloc(VARHDRSZ + AUDIT_HASH_LEN);

	SET_VARSIZE(b, VARHDRSZ + AUDIT_HASH_LEN);
	memcpy(VARDATA(b), h, AUDIT_HASH_LEN);
	return b;
}

/*
 * Writes the head, maintaining its index (no triggers: the protection
 * trigger rejects every SQL update of the head).
 */
void
cl_audit_write_head(Relation headrel, const ChainHead *head)
{
	Datum		values[HEAD_NATTS];
	bool		nulls[HEAD_NATTS] = {false, false, false, false, false, false};
	HeapTuple	tup;

	values[0] = BoolGetDatum(true);
	values[1] = Int64GetDatum(head->last_id);
	values[2] = PointerGetDatum(hash_bytea(head->last_hash));
	values[3] = Int64GetDatum(head->anchor_id);
	values[4] = PointerGetDatum(hash_bytea(head->anchor_hash));
	values[5] = TimestampTzGetDatum(GetCurrentTimestamp());
	tup = heap_form_tuple(RelationGetDescr(headrel), values, nulls);
	if (head->exists)
	{
		ItemPointerData tid = head->tid;

		CatalogTupleUpdate(headrel, &tid, tup);
	}
	else
		CatalogTupleInsert(headrel, tup);
	heap_freetuple(tup);
}

PG_FUNCTION_INFO_V1(cl_audit_archive);

/*
 * audit_archive(through_id) -> bigint: superuser only.  Deletes the entries
 * with id <= through_id and records the anchor (through_id and its hash) in
 * the chain head, so that the entries kept remain one verifiable chain.
 * Returns the number of entries deleted.  Export the entries first (COPY).
 */
Datum
cl_audit_archive(PG_FUNCTION_ARGS)
{
	int64		through = PG_GETARG_INT64(0);
	Oid			nsp;
	Oid			headoid;
	Relation	headrel;
	ChainHead	head;
	Datum		arg[1];
	Oid			argtype[1] = {INT8OID};
	uint8		anchor[AUDIT_HASH_LEN];
	uint64		deleted = 0;
	int			ret;
	bool		isnull = true;
	Datum		d = (Datum) 0;

	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("only a superuser may archive audit log entries")));

	nsp = get_namespace_oid("clinical_audit", false);
	headoid = get_relname_relid("chain_head", nsp);
	if (!OidIsValid(headoid))
		elog(ERROR, "clinical_audit.chain_head does not exist");

	/* the chain lock: no entry is linked while we move the anchor */
	headrel = table_open(headoid, ExclusiveLock);
	cl_audit_read_head(headrel, &head);

	if (through > head.last_id)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot archive through entry %lld: the chain ends at entry %lld",
						(long long) through, (long long) head.last_id)));
	if (through <= head.anchor_id)
	{
		table_close(headrel, NoLock);
		PG_RETURN_INT64(0);
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	arg[0] = Int64GetDatum(through);
	ret = SPI_execute_with_args("SELECT hash FROM clinical_audit.log WHERE id = $1",
								1, argtype, arg, NULL, false, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "audit_archive: reading entry failed");
	if (SPI_processed == 1)
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (SPI_processed != 1 || !get_hash(d, isnull, anchor))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("audit log entry %lld is missing or malformed", (long long) through),
				 errhint("Run audit_verify().")));

	cl_audit_archiving = true;
	PG_TRY();
	{
		ret = SPI_execute_with_args("DELETE FROM clinical_audit.log WHERE id <= $1",
									1, argtype, arg, NULL, false, 0);
		if (ret != SPI_OK_DELETE)
			elog(ERROR, "audit_archive: deleting entries failed");
		deleted = SPI_processed;
	}
	PG_FINALLY();
	{
		cl_audit_archiving = false;
	}
	PG_END_TRY();
	SPI_finish();

	head.anchor_id = through;
	memcpy(head.anchor_hash, anchor, AUDIT_HASH_LEN);
	cl_audit_write_head(headrel, &head);
	table_close(headrel, NoLock);

	PG_RETURN_INT64((int64) deleted);
}

/* ---- append-only protection ------------------------------------------- */

PG_FUNCTION_INFO_V1(cl_audit_protect_log);

/*
 * BEFORE UPDATE/DELETE (row) and BEFORE TRUNCATE (statement) trigger of
 * clinical_audit.log and clinical_audit.chain_head: always an error, except
 * the DELETE of log entries by audit_archive.  A superuser can still disable
 * the triggers; audit_verify() detects what is changed then.
 */
Datum
cl_audit_protect_log(PG_FUNCTION_ARGS)
{
	TriggerData *td;
	const char *relname;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("clinical_audit.protect_log() must be called as a trigger")));
	td = (TriggerData *) fcinfo->context;
	relname = RelationGetRelationName(td->tg_relation);

	if (cl_audit_archiving && TRIGGER_FIRED_BY_DELETE(td->tg_event) &&
		TRIGGER_FIRED_FOR_ROW(td->tg_event) && strcmp(relname, "log") == 0)
		return PointerGetDatum(td->tg_trigtuple);

	if (strcmp(relname, "chain_head") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("clinical_audit.chain_head is maintained by the audit trail itself"),
				 errdetail("%s is not allowed.",
						   TRIGGER_FIRED_BY_TRUNCATE(td->tg_event) ? "TRUNCATE" :
						   TRIGGER_FIRED_BY_DELETE(td->tg_event) ? "DELETE" : "UPDATE")));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("clinical_audit.log is append-only"),
			 errdetail("%s of audit log entries is not allowed.",
					   TRIGGER_FIRED_BY_TRUNCATE(td->tg_event) ? "TRUNCATE" :
					   TRIGGER_FIRED_BY_DELETE(td->tg_event) ? "DELETE" : "UPDATE"),
			 errhint("A superuser removes old entries with audit_archive().")));
	PG_RETURN_NULL();			/* not reached */
}
