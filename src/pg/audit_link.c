/*
 * audit_link.c
 *		Linking audit entries onto the hash chain in batches.
 *
 * A committing audited transaction writes its entries to clinical_audit.log
 * (with their ids and entry hashes) without any lock, then tries the chain
 * lock (cl_audit_chain_lock: an object lock naming clinical_audit.chain)
 * without waiting.  If it gets
 * it, it appends one batch to clinical_audit.chain that links, in order,
 * the entries queued in clinical_audit.pending by transactions that have
 * committed since the last batch, and then its own entries; it deletes the
 * queue rows it linked and keeps the lock until its commit is visible.  If
 * the lock is busy, it queues its entries in clinical_audit.pending, one row
 * per transaction, and the next transaction that gets the lock links them.
 *
 * So nobody waits at commit, and the chain has no holes: a batch is written
 * in the same transaction as the queue rows it removes (and as the linker's
 * own entries), so if that transaction aborts, all of it goes and the queue
 * rows are linked again later; the lock is held until the batch is visible,
 * so the next linker always starts from the latest batch.  Queue rows of
 * transactions still in progress are invisible and wait for a later batch.
 * The chain order is the order of linking, not of ids.
 *
 * Everything here is read with SnapshotSelf: under the chain lock every
 * earlier linker has finished, so exactly the latest committed state is
 * visible whatever the isolation level of the transaction, and no predicate
 * lock is taken under SERIALIZABLE.
 */
#include "pg_clinical.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "access/stratnum.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "audit_pg.h"

/* columns of clinical_audit.chain, pending and anchor (1-based attnums - 1) */
#define CHAIN_NATTS 8
#define CH_BATCH 0
#define CH_FIRST_POSITION 1
#define CH_N_ENTRIES 2
#define CH_ENTRY_IDS 3
#define CH_LINKED_AT 4
#define CH_PREV_HASH 5
#define CH_HASH 6
#define CH_QUEUE_MARK 7

/*
 * A linker that sees pending_seq unchanged since the last batch skips
 * reading the queue, except every QUEUE_SWEEP_EVERY batches: a queue row
 * whose writer bumped pending_seq before the last linker looked but
 * committed after it is then linked at the latest that many batches later
 * (or by audit_link(), audit_checkpoint(), audit_verify(), which always
 * read the queue).
 */
#define QUEUE_SWEEP_EVERY 64

/*
 * A batch takes queued transactions up to this many entries (a single
 * transaction's entries always go in whole); the rest wait for the next
 * batch.  It bounds the memory and the time a commit spends linking.
 */
#define BATCH_MAX_QUEUED_ENTRIES 1000000

#define PENDING_NATTS 3
#define ANCHOR_NATTS 5

/*
 * The relation ids of the trail, looked up once per backend and forgotten
 * on any relcache invalidation of one of them (or of everything), e.g. when
 * the extension is dropped.
 */
static AuditRelids relids_cache;

/* the last batch number this backend read: a starting point, only a hint */
static int64 last_batch_seen = 0;
static bool relids_valid = false;
static bool relids_callback_registered = false;

static void
relids_invalidate(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) ||
		relid == relids_cache.log || relid == relids_cache.chain ||
		relid == relids_cache.pending || relid == relids_cache.anchor ||
		relid == relids_cache.seq || relid == relids_cache.pending_seq)
		relids_valid = false;
}

bool
cl_audit_relids(AuditRelids *ids)
{
	Oid			nsp;

	if (relids_valid)
	{
		*ids = relids_cache;
		return true;
	}
	memset(ids, 0, sizeof(*ids));
	nsp = get_namespace_oid("clinical_audit", true);
	if (!OidIsValid(nsp))
		return false;
	ids->log = get_relname_relid("log", nsp);
	ids->chain = get_relname_relid("chain", nsp);
	ids->pending = get_relname_relid("pending", nsp);
	ids->anchor = get_relname_relid("anchor", nsp);
	ids->seq = get_relname_relid("log_id_seq", nsp);
	ids->pending_seq = get_relname_relid("pending_seq", nsp);
	if (!OidIsValid(ids->log) || !OidIsValid(ids->chain) ||
		!OidIsValid(ids->pending) || !OidIsValid(ids->anchor) ||
		!OidIsValid(ids->seq) || !OidIsValid(ids->pending_seq))
		return false;
	if (!relids_callback_registered)
	{
		CacheRegisterRelcacheCallback(relids_invalidate, (Datum) 0);
		relids_callback_registered = true;
	}
	relids_cache = *ids;
	relids_valid = true;
	return true;
}

bool
cl_audit_get_hash(Datum d, bool isnull, uint8 *out)
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

bytea *
cl_audit_hash_bytea(const uint8 *h)
{
	bytea	   *b = palloc(VARHDRSZ + AUDIT_HASH_LEN);

	SET_VARSIZE(b, VARHDRSZ + AUDIT_HASH_LEN);
	memcpy(VARDATA(b), h, AUDIT_HASH_LEN);
	return b;
}

static void
check_shape(Relation rel, int natts)
{
	if (RelationGetDescr(rel)->natts != natts)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("%s has an unexpected shape", RelationGetRelationName(rel))));
}

/*
 * Where the chain ends.  False (and a reason) when the last batch or the
 * anchor is malformed, which only tampering produces.
 */
static bool
read_anchor(const AuditRelids *ids, ChainTail *tail, const char **problem,
			Snapshot snap)
{
	Relation	anchorrel;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		ok = true;

	anchorrel = table_open(ids->anchor, AccessShareLock);
	check_shape(anchorrel, ANCHOR_NATTS);
	scan = systable_beginscan(anchorrel, InvalidOid, false, snap, 0, NULL);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		Datum		v[ANCHOR_NATTS];
		bool		n[ANCHOR_NATTS];

		heap_deform_tuple(tup, RelationGetDescr(anchorrel), v, n);
		if (tail->anchored || n[1] || n[2] ||
			!cl_audit_get_hash(v[3], n[3], tail->anchor_hash))
		{
			ok = false;
			*problem = "the archive anchor is malformed";
			break;
		}
		tail->anchored = true;
		tail->anchor_batch = DatumGetInt64(v[1]);
		tail->anchor_entries = DatumGetInt64(v[2]);
	}
	systable_endscan(scan);
	table_close(anchorrel, AccessShareLock);
	return ok;
}

/*
 * Where the chain ends.  False (and a reason) when the last batch or the
 * anchor is malformed, which only tampering produces.  With with_anchor
 * false (linking at commit), the anchor is read only when there is no batch.
 */
static bool
read_tail(const AuditRelids *ids, ChainTail *tail, const char **problem,
		  bool with_anchor, Snapshot snap)
{
	Relation	chainrel;
	Relation	idxrel;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		ok = true;
	bool		have_batch = false;

	memset(tail, 0, sizeof(*tail));
	*problem = NULL;

	/*
	 * The last batch, through the primary key index, backwards.  A keyless
	 * backward scan reads the whole last leaf page; starting from the last
	 * batch this backend saw (batches only grow) reads only the few items
	 * after it.  If there is none (the trail was re-created), a keyless
	 * scan decides.
	 */
	chainrel = table_open(ids->chain, AccessShareLock);
	check_shape(chainrel, CHAIN_NATTS);
	if (!OidIsValid(RelationGetPrimaryKeyIndex(chainrel)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("clinical_audit.chain has no primary key")));
	idxrel = index_open(RelationGetPrimaryKeyIndex(chainrel), AccessShareLock);
	tup = NULL;
	if (last_batch_seen > 0)
	{
		ScanKeyData key;

		ScanKeyInit(&key, 1, BTGreaterEqualStrategyNumber, F_INT8GE,
					Int64GetDatum(last_batch_seen));
		scan = systable_beginscan_ordered(chainrel, idxrel, snap, 1, &key);
		tup = systable_getnext_ordered(scan, BackwardScanDirection);
		if (tup == NULL)
			systable_endscan_ordered(scan);
	}
	if (tup == NULL)
	{
		scan = systable_beginscan_ordered(chainrel, idxrel, snap, 0, NULL);
		tup = systable_getnext_ordered(scan, BackwardScanDirection);
	}
	if (tup != NULL)
	{
		Datum		v[CHAIN_NATTS];
		bool		n[CHAIN_NATTS];

		heap_deform_tuple(tup, RelationGetDescr(chainrel), v, n);
		if (n[CH_BATCH] || n[CH_FIRST_POSITION] || n[CH_N_ENTRIES] ||
			!cl_audit_get_hash(v[CH_HASH], n[CH_HASH], tail->hash))
		{
			ok = false;
			*problem = "the last batch of the chain is malformed";
		}
		else
		{
			have_batch = true;
			tail->next_batch = DatumGetInt64(v[CH_BATCH]) + 1;
			tail->next_position = DatumGetInt64(v[CH_FIRST_POSITION]) +
				DatumGetInt32(v[CH_N_ENTRIES]);
			tail->queue_mark = n[CH_QUEUE_MARK] ? 0 : DatumGetInt64(v[CH_QUEUE_MARK]);
			last_batch_seen = DatumGetInt64(v[CH_BATCH]);
		}
	}
	systable_endscan_ordered(scan);
	index_close(idxrel, AccessShareLock);
	table_close(chainrel, AccessShareLock);
	if (!ok)
		return false;

	if (have_batch && !with_anchor)
		return true;
	if (!read_anchor(ids, tail, problem, snap))
		return false;
	if (!have_batch)
	{
		if (tail->anchored)
		{
			tail->next_batch = tail->anchor_batch + 1;
			tail->next_position = tail->anchor_entries + 1;
			memcpy(tail->hash, tail->anchor_hash, AUDIT_HASH_LEN);
		}
		else
		{
			tail->next_batch = 1;
			tail->next_position = 1;
			memcpy(tail->hash, cl_audit_genesis_hash, AUDIT_HASH_LEN);
		}
	}
	else if (tail->anchored && tail->next_batch <= tail->anchor_batch + 1)
	{
		*problem = "the chain ends before the archive anchor";
		return false;
	}
	return true;
}

bool
cl_audit_read_tail(const AuditRelids *ids, ChainTail *tail, const char **problem)
{
	return read_tail(ids, tail, problem, true, SnapshotSelf);
}

bool
cl_audit_read_tail_snapshot(const AuditRelids *ids, ChainTail *tail,
							const char **problem, Snapshot snap)
{
	return read_tail(ids, tail, problem, true, snap);
}

/* one queued transaction */
typedef struct PendingRow
{
	ItemPointerData tid;
	int64		first_id;
	int			n;
	int64	   *ids;
	uint8	   *hashes;
} PendingRow;

static int
pending_cmp(const void *a, const void *b)
{
	const PendingRow *x = a;
	const PendingRow *y = b;

	if (x->first_id != y->first_id)
		return x->first_id < y->first_id ? -1 : 1;
	return 0;
}

/*
 * Reads the visible (committed) queue rows.  A malformed row (only
 * tampering makes one) is left in place with a WARNING: its entries stay
 * unlinked, which audit_verify() reports.
 */
static PendingRow *
read_pending(Relation pendrel, int *count, bool *drained)
{
	SysScanDesc scan;
	HeapTuple	tup;
	PendingRow *rows = NULL;
	int			n = 0,
				max = 0;
	int64		entries = 0;

	if (!OidIsValid(RelationGetPrimaryKeyIndex(pendrel)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("clinical_audit.pending has no primary key")));
	scan = systable_beginscan(pendrel, RelationGetPrimaryKeyIndex(pendrel), true,
							  SnapshotSelf, 0, NULL);
	while (entries < BATCH_MAX_QUEUED_ENTRIES &&
		   (tup = systable_getnext(scan)) != NULL)
	{
		Datum		v[PENDING_NATTS];
		bool		nl[PENDING_NATTS];
		ArrayType  *arr;
		bytea	   *hb;
		int			nids;

		heap_deform_tuple(tup, RelationGetDescr(pendrel), v, nl);
		if (nl[1] || nl[2])
			goto malformed;
		arr = DatumGetArrayTypeP(v[1]);
		hb = DatumGetByteaPP(v[2]);
		nids = ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr));
		if (ARR_ELEMTYPE(arr) != INT8OID || ARR_HASNULL(arr) || ARR_NDIM(arr) != 1 ||
			nids < 1 || VARSIZE_ANY_EXHDR(hb) != (Size) nids * AUDIT_HASH_LEN)
			goto malformed;
		if (n == max)
		{
			max = max ? max * 2 : 16;
			rows = rows ? repalloc_huge(rows, max * sizeof(PendingRow))
				: palloc(max * sizeof(PendingRow));
		}
		rows[n].tid = tup->t_self;
		rows[n].n = nids;
		rows[n].ids = palloc(nids * sizeof(int64));
		memcpy(rows[n].ids, cl_audit_int8_array_data(arr), nids * sizeof(int64));
		rows[n].first_id = rows[n].ids[0];
		entries += nids;
		rows[n].hashes = palloc((Size) nids * AUDIT_HASH_LEN);
		memcpy(rows[n].hashes, VARDATA_ANY(hb), (Size) nids * AUDIT_HASH_LEN);
		n++;
		continue;
malformed:
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("a malformed row of clinical_audit.pending is left unlinked"),
				 errhint("The audit trail was tampered with; run audit_verify().")));
	}
	*drained = (entries < BATCH_MAX_QUEUED_ENTRIES);
	systable_endscan(scan);
	if (n > 1)
		qsort(rows, n, sizeof(PendingRow), pending_cmp);
	*count = n;
	return rows;
}

/* pending_seq's last value (0 before the first queue row) */
static int64
queue_mark_now(const AuditRelids *ids)
{
	LOCAL_FCINFO(fcinfo, 1);
	Datum		d;

	InitFunctionCallInfoData(*fcinfo, NULL, 1, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = ObjectIdGetDatum(ids->pending_seq);
	fcinfo->args[0].isnull = false;
	d = pg_sequence_last_value(fcinfo);
	return fcinfo->isnull ? 0 : DatumGetInt64(d);
}

int64
cl_audit_link_locked(const AuditRelids *ids, int n_own,
					 const int64 *own_ids, const uint8 *own_hashes)
{
	ChainTail	tail;
	const char *problem;
	Relation	pendrel;
	Relation	chainrel;
	PendingRow *rows;
	int			nrows;
	int64		total = n_own;
	int64	   *all_ids;
	uint8	   *all_hashes;
	int64		k = 0;
	uint8		hash[AUDIT_HASH_LEN];
	Datum		values[CHAIN_NATTS];
	bool		nulls[CHAIN_NATTS] = {false, false, false, false, false, false, false, false};
	int64		mark;
	bool		drained = true;
	Datum	   *id_datums;
	HeapTuple	tup;

	if (!read_tail(ids, &tail, &problem, false, SnapshotSelf))
	{
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("audit entries are not linked: %s", problem),
				 errhint("The audit trail was tampered with; run audit_verify().")));
		return -1;
	}

	/* read before the queue, so that nothing queued later is taken as seen */
	mark = queue_mark_now(ids);
	pendrel = table_open(ids->pending, RowExclusiveLock);
	check_shape(pendrel, PENDING_NATTS);
	if (n_own > 0 && mark == tail.queue_mark &&
		tail.next_batch % QUEUE_SWEEP_EVERY != 0)
	{
		rows = NULL;			/* nothing was queued since the last look */
		nrows = 0;
	}
	else
		rows = read_pending(pendrel, &nrows, &drained);
	/* rows left behind by the size cap: make the next linker look again */
	if (!drained)
		mark = tail.queue_mark;
	for (int r = 0; r < nrows; r++)
		total += rows[r].n;
	if (total == 0)
	{
		table_close(pendrel, NoLock);
		return 0;
	}
	if (total > INT_MAX / AUDIT_HASH_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many audit entries to link in one batch")));

	all_ids = palloc(total * sizeof(int64));
	all_hashes = palloc(total * AUDIT_HASH_LEN);
	for (int r = 0; r < nrows; r++)
	{
		memcpy(all_ids + k, rows[r].ids, rows[r].n * sizeof(int64));
		memcpy(all_hashes + k * AUDIT_HASH_LEN, rows[r].hashes,
			   (Size) rows[r].n * AUDIT_HASH_LEN);
		k += rows[r].n;
	}
	if (n_own > 0)
	{
		memcpy(all_ids + k, own_ids, n_own * sizeof(int64));
		memcpy(all_hashes + k * AUDIT_HASH_LEN, own_hashes, (Size) n_own * AUDIT_HASH_LEN);
	}

	cl_audit_batch_hash(tail.hash, tail.next_batch, tail.next_position,
						(int32) total, all_hashes, hash);

	id_datums = palloc(total * sizeof(Datum));
	for (int64 i = 0; i < total; i++)
		id_datums[i] = Int64GetDatum(all_ids[i]);
	values[CH_BATCH] = Int64GetDatum(tail.next_batch);
	values[CH_FIRST_POSITION] = Int64GetDatum(tail.next_position);
	values[CH_N_ENTRIES] = Int32GetDatum((int32) total);
	values[CH_ENTRY_IDS] = PointerGetDatum(construct_array(id_datums, (int) total, INT8OID,
														   sizeof(int64), FLOAT8PASSBYVAL,
														   TYPALIGN_DOUBLE));
	values[CH_LINKED_AT] = TimestampTzGetDatum(GetCurrentTimestamp());
	values[CH_PREV_HASH] = PointerGetDatum(cl_audit_hash_bytea(tail.hash));
	values[CH_HASH] = PointerGetDatum(cl_audit_hash_bytea(hash));
	values[CH_QUEUE_MARK] = Int64GetDatum(mark);

	chainrel = table_open(ids->chain, RowExclusiveLock);
	check_shape(chainrel, CHAIN_NATTS);
	tup = heap_form_tuple(RelationGetDescr(chainrel), values, nulls);
	/* heap and primary key only: no SQL, so no trigger or rule runs */
	CatalogTupleInsert(chainrel, tup);
	heap_freetuple(tup);
	table_close(chainrel, NoLock);

	for (int r = 0; r < nrows; r++)
		simple_heap_delete(pendrel, &rows[r].tid);
	table_close(pendrel, NoLock);

	return total;
}

/*
 * Whether audit_verify() and audit_checkpoint() link what is queued first:
 * not on a standby or in a read-only transaction, and only for the trail's
 * owner (or a superuser).  Linking takes the chain lock until the end of
 * the caller's transaction; were any role allowed to, an open (or prepared)
 * transaction could stop all linking.
 */
bool
cl_audit_can_link(const AuditRelids *ids)
{
	if (RecoveryInProgress() || XactReadOnly)
		return false;
#if PG_VERSION_NUM >= 160000
	return object_ownercheck(RelationRelationId, ids->chain, GetUserId());
#else
	return pg_class_ownercheck(ids->chain, GetUserId());
#endif
}

static void
chain_locktag(LOCKTAG *tag, Oid chain)
{
	SET_LOCKTAG_OBJECT(*tag, MyDatabaseId, RelationRelationId, chain, 0);
}

/* takes the chain lock (waiting for it if wait); false if it is busy */
bool
cl_audit_chain_lock(Oid chain, bool wait)
{
	LOCKTAG		tag;

	chain_locktag(&tag, chain);
	return LockAcquire(&tag, ExclusiveLock, false, !wait) != LOCKACQUIRE_NOT_AVAIL;
}

void
cl_audit_chain_unlock(Oid chain)
{
	LOCKTAG		tag;

	chain_locktag(&tag, chain);
	LockRelease(&tag, ExclusiveLock, false);
}

int64
cl_audit_link_all(const AuditRelids *ids)
{
	Relation	rel;
	Oid			save_userid;
	int			save_sec;
	int64		linked;

	/* the chain lock, waiting for it, until the end of the transaction */
	rel = table_open(ids->chain, RowExclusiveLock);
	(void) cl_audit_chain_lock(ids->chain, true);
	cl_audit_note_chain_lock(ids->chain);
	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(rel->rd_rel->relowner,
						   save_sec | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	/* a long queue goes in several batches */
	linked = 0;
	for (;;)
	{
		int64		n = cl_audit_link_locked(ids, 0, NULL, NULL);

		if (n < 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the audit chain cannot be extended"),
					 errhint("Run audit_verify() to find what was altered.")));
		CommandCounterIncrement();
		linked += n;
		if (n < BATCH_MAX_QUEUED_ENTRIES)
			break;
	}
	SetUserIdAndSecContext(save_userid, save_sec);
	table_close(rel, NoLock);
	return linked;
}

void
cl_audit_require_relids(AuditRelids *ids)
{
	if (!cl_audit_relids(ids))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("the tables of the audit trail (schema clinical_audit) are missing")));
}

PG_FUNCTION_INFO_V1(cl_audit_link);

/* audit_link() -> bigint: link the pending entries now */
Datum
cl_audit_link(PG_FUNCTION_ARGS)
{
	AuditRelids ids;

	cl_audit_require_relids(&ids);
	PG_RETURN_INT64(cl_audit_link_all(&ids));
}

PG_FUNCTION_INFO_V1(cl_audit_checkpoint);

/*
 * audit_checkpoint() -> (entries, batch, hash, taken_at): links what is
 * pending, then returns the end of the chain, to be kept outside the
 * database.  A later audit_verify() that reaches the same batch with the
 * same hash proves that nothing up to it was altered.
 */
Datum
cl_audit_checkpoint(PG_FUNCTION_ARGS)
{
	AuditRelids ids;
	ChainTail	tail;
	const char *problem;
	TupleDesc	rettd;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	char		hex[AUDIT_HASH_LEN * 2 + 1];
	static const char digits[] = "0123456789abcdef";
	bool		ok;

	if (get_call_result_type(fcinfo, NULL, &rettd) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	rettd = BlessTupleDesc(rettd);
	cl_audit_require_relids(&ids);
	/*
	 * On a standby, read-only, or for a role that is not the trail's owner:
	 * the end of what is linked so far, as of one snapshot.
	 */
	if (cl_audit_can_link(&ids))
	{
		(void) cl_audit_link_all(&ids);
		ok = cl_audit_read_tail(&ids, &tail, &problem);
	}
	else
	{
		Snapshot	snap = RegisterSnapshot(GetLatestSnapshot());

		ok = cl_audit_read_tail_snapshot(&ids, &tail, &problem, snap);
		UnregisterSnapshot(snap);
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the audit chain is damaged: %s", problem),
				 errhint("Run audit_verify() to find what was altered.")));
	for (int i = 0; i < AUDIT_HASH_LEN; i++)
	{
		hex[2 * i] = digits[tail.hash[i] >> 4];
		hex[2 * i + 1] = digits[tail.hash[i] & 15];
	}
	hex[AUDIT_HASH_LEN * 2] = '\0';
	values[0] = Int64GetDatum(tail.next_position - 1);
	values[1] = Int64GetDatum(tail.next_batch - 1);
	values[2] = CStringGetTextDatum(hex);
	values[3] = TimestampTzGetDatum(GetCurrentStatementStartTimestamp());
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(rettd, values, nulls)));
}
