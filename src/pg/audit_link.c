/*
 * audit_link.c
 *		Linking audit entries onto the hash chain in batches.
 *
 * A committing audited transaction takes ids for its entries from
 * clinical_audit.log_id_seq and writes them, with their entry hashes, to
 * clinical_audit.log, holding the allocation lock (a weak object lock
 * naming the sequence) from its first id to its last index entry.  It does
 * not link them itself, except when its ids reach a multiple of
 * pg_clinical.audit_link_every and the chain lock (an object lock naming
 * clinical_audit.chain) is free: it then appends one batch to
 * clinical_audit.chain that links, in id order, every entry of the log
 * after the last batch's through_id whose transaction has committed (its
 * own included), up to the first entry of a transaction still in progress,
 * and keeps the chain lock until its commit is visible.  Nothing is written
 * for the transactions that do not link: linking costs one row for many
 * transactions.
 *
 * So nobody waits at commit, and the chain has no holes: a batch is written
 * in the transaction that links it, so if that transaction aborts, the
 * batch goes and its entries are linked later; the lock is held until the
 * batch is visible, so the next linker always starts from the latest batch.
 * An id with no row (its transaction aborted after taking it) is skipped
 * once the allocation lock shows that no transaction can still write it.
 * The chain order is the id order.
 *
 * The last batch is read with SnapshotSelf: under the chain lock every
 * earlier linker has finished, so exactly the latest committed state is
 * visible whatever the isolation level of the transaction, and no predicate
 * lock is taken under SERIALIZABLE.  The log is read with a dirty snapshot,
 * which shows the rows of transactions still in progress, where linking
 * stops.
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
#include "commands/sequence.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_sequence.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "audit_pg.h"

/* columns of clinical_audit.chain and anchor (1-based attnums - 1) */
#define CHAIN_NATTS 8
#define CH_BATCH 0
#define CH_FIRST_POSITION 1
#define CH_N_ENTRIES 2
#define CH_ENTRY_IDS 3
#define CH_LINKED_AT 4
#define CH_PREV_HASH 5
#define CH_HASH 6
#define CH_THROUGH_ID 7

/*
 * A batch links at most this many entries; the rest wait for the next
 * batch.  It bounds the memory and the time a commit spends linking.
 */
#define BATCH_MAX_ENTRIES 1000000

/*
 * At commit a batch links at most this many: a backlog (left while an
 * audit_verify() held the chain lock, say) is linked over several commits,
 * each paying for a part of it, not by one.
 */
#define COMMIT_BATCH_MAX_ENTRIES 10000

#define ANCHOR_NATTS 6
#define AN_THROUGH_ID 5

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
		relid == relids_cache.anchor || relid == relids_cache.seq)
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
	ids->anchor = get_relname_relid("anchor", nsp);
	ids->seq = get_relname_relid("log_id_seq", nsp);
	if (!OidIsValid(ids->log) || !OidIsValid(ids->chain) ||
		!OidIsValid(ids->anchor) || !OidIsValid(ids->seq))
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

/*
 * The primary key index of a trail table if it is the one the extension
 * made: on its first column, a bigint (the scans here search it with int8
 * keys); else InvalidOid (only a superuser changing the trail does that).
 */
Oid
cl_audit_key_index(Relation rel)
{
	Oid			idx = RelationGetPrimaryKeyIndex(rel);
	HeapTuple	tup;
	bool		ok = false;

	if (!OidIsValid(idx) || TupleDescAttr(RelationGetDescr(rel), 0)->atttypid != INT8OID)
		return InvalidOid;
	tup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(idx));
	if (HeapTupleIsValid(tup))
	{
		Form_pg_index ix = (Form_pg_index) GETSTRUCT(tup);

		ok = ix->indnatts == 1 && ix->indkey.values[0] == 1 &&
			heap_attisnull(tup, Anum_pg_index_indexprs, NULL);
		ReleaseSysCache(tup);
	}
	return ok ? idx : InvalidOid;
}

/*
 * Where the chain ends.  False (and a reason) when the last batch or the
 * anchor is malformed, which only tampering produces; false without a
 * reason when wait is false and the anchor table is locked by somebody
 * (LOCK TABLE, VACUUM FULL): a committer does not wait for it.
 */
static bool
read_anchor(const AuditRelids *ids, ChainTail *tail, const char **problem,
			Snapshot snap, bool wait)
{
	Relation	anchorrel;
	AuditMap	map;
	char	   *why;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		ok = true;

	if (!wait)
	{
		if (!ConditionalLockRelationOid(ids->anchor, AccessShareLock))
			return false;
		anchorrel = table_open(ids->anchor, NoLock);
	}
	else
		anchorrel = table_open(ids->anchor, AccessShareLock);
	if (!cl_audit_map_try(&cl_audit_anchor_spec, RelationGetDescr(anchorrel), &map, &why))
	{
		table_close(anchorrel, AccessShareLock);
		*problem = psprintf("clinical_audit.anchor has an unexpected shape: %s", why);
		return false;
	}
	scan = systable_beginscan(anchorrel, InvalidOid, false, snap, 0, NULL);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		Datum		v[ANCHOR_NATTS];
		bool		n[ANCHOR_NATTS];

		cl_audit_deform(&map, RelationGetDescr(anchorrel), tup, v, n);
		if (tail->anchored || n[1] || n[2] || n[AN_THROUGH_ID] ||
			!cl_audit_get_hash(v[3], n[3], tail->anchor_hash))
		{
			ok = false;
			*problem = "the archive anchor is malformed";
			break;
		}
		tail->anchored = true;
		tail->anchor_batch = DatumGetInt64(v[1]);
		tail->anchor_entries = DatumGetInt64(v[2]);
		tail->anchor_through_id = DatumGetInt64(v[AN_THROUGH_ID]);
	}
	systable_endscan(scan);
	table_close(anchorrel, AccessShareLock);
	return ok;
}

/*
 * Where the chain ends.  False (and a reason) when the last batch or the
 * anchor is malformed, which only tampering produces.  With with_anchor
 * false (linking), the anchor is read only when there is no batch; with
 * wait false too (at commit), not at all while its table is locked by
 * somebody: false without a reason then.
 */
static bool
read_tail(const AuditRelids *ids, ChainTail *tail, const char **problem,
		  bool with_anchor, Snapshot snap, bool wait)
{
	Relation	chainrel;
	Relation	idxrel;
	AuditMap	map;
	char	   *why = NULL;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		ok = true;
	bool		have_batch = false;
	Oid			keyidx;

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
	keyidx = cl_audit_key_index(chainrel);
	if (!cl_audit_map_try(&cl_audit_chain_spec, RelationGetDescr(chainrel), &map, &why) ||
		!OidIsValid(keyidx))
	{
		/* reported, not raised: at commit the audited transaction commits */
		table_close(chainrel, AccessShareLock);
		*problem = why ? psprintf("clinical_audit.chain has an unexpected shape: %s", why) :
			"clinical_audit.chain has no primary key on batch";
		return false;
	}
	idxrel = index_open(keyidx, AccessShareLock);
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

		cl_audit_deform(&map, RelationGetDescr(chainrel), tup, v, n);
		if (n[CH_BATCH] || n[CH_FIRST_POSITION] || n[CH_N_ENTRIES] ||
			n[CH_THROUGH_ID] ||
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
			tail->through_id = DatumGetInt64(v[CH_THROUGH_ID]);
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
	if (!read_anchor(ids, tail, problem, snap, with_anchor || wait))
		return false;
	if (!have_batch)
	{
		if (tail->anchored)
		{
			tail->next_batch = tail->anchor_batch + 1;
			tail->next_position = tail->anchor_entries + 1;
			tail->through_id = tail->anchor_through_id;
			memcpy(tail->hash, tail->anchor_hash, AUDIT_HASH_LEN);
		}
		else
		{
			tail->next_batch = 1;
			tail->next_position = 1;
			tail->through_id = 0;
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
	return read_tail(ids, tail, problem, true, SnapshotSelf, true);
}

bool
cl_audit_read_tail_snapshot(const AuditRelids *ids, ChainTail *tail,
							const char **problem, Snapshot snap)
{
	return read_tail(ids, tail, problem, true, snap, true);
}

/* the value log_id_seq last handed out (0 before the first) */
int64
cl_audit_seq_last_value(const AuditRelids *ids)
{
	Relation	seqrel = relation_open(ids->seq, AccessShareLock);
	Buffer		buf;
	Page		page;
	ItemId		lp;
	HeapTupleHeader th;
	Form_pg_sequence_data seq;
	int64		last = 0;

	/*
	 * Read from the sequence's one tuple, under a share lock on its buffer,
	 * rather than through pg_sequence_last_value(): that takes ROW EXCLUSIVE
	 * on the sequence under the top transaction's resource owner, which a
	 * reader (audit_verify()) could then not release before its transaction
	 * ends, and a prepared transaction would keep.  nextval() writes the
	 * value it returns there (the WAL is logged ahead, the page is not).
	 */
	if (seqrel->rd_rel->relkind != RELKIND_SEQUENCE ||
		RelationGetNumberOfBlocks(seqrel) < 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("clinical_audit.log_id_seq is not a sequence with data")));
	buf = ReadBuffer(seqrel, 0);
	LockBuffer(buf, BUFFER_LOCK_SHARE);
	page = BufferGetPage(buf);
	if (PageGetMaxOffsetNumber(page) < FirstOffsetNumber ||
		!ItemIdIsNormal(lp = PageGetItemId(page, FirstOffsetNumber)) ||
		ItemIdGetLength(lp) < SizeofHeapTupleHeader ||
		ItemIdGetLength(lp) < ((HeapTupleHeader) PageGetItem(page, lp))->t_hoff +
		offsetof(FormData_pg_sequence_data, is_called) + sizeof(bool))
	{
		UnlockReleaseBuffer(buf);
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("clinical_audit.log_id_seq has no readable value")));
	}
	th = (HeapTupleHeader) PageGetItem(page, lp);
	seq = (Form_pg_sequence_data) ((char *) th + th->t_hoff);
	if (seq->is_called)
		last = seq->last_value;
	UnlockReleaseBuffer(buf);
	relation_close(seqrel, AccessShareLock);
	return last;
}

/*
 * Whether log_id_seq hands out ids from a per-backend cache (ALTER SEQUENCE
 * ... CACHE n, n > 1): ids are then used out of order, and one below the
 * sequence's value may still be written, so no missing id is skipped.
 */
static bool
seq_cached(Oid seq)
{
	HeapTuple	tup = SearchSysCache1(SEQRELID, ObjectIdGetDatum(seq));
	bool		cached = false;

	if (HeapTupleIsValid(tup))
	{
		cached = ((Form_pg_sequence) GETSTRUCT(tup))->seqcache > 1;
		ReleaseSysCache(tup);
	}
	if (cached)
		ereport(WARNING,
				(errmsg("clinical_audit.log_id_seq has a cache: missing ids are not skipped, and linking stops at the first"),
				 errhint("ALTER SEQUENCE clinical_audit.log_id_seq CACHE 1;")));
	return cached;
}

static void
alloc_locktag(LOCKTAG *tag, Oid seq)
{
	SET_LOCKTAG_OBJECT(*tag, MyDatabaseId, RelationRelationId, seq, 0);
}

bool
cl_audit_alloc_lock(Oid seq, LOCKMODE mode, bool wait)
{
	LOCKTAG		tag;

	alloc_locktag(&tag, seq);
	return LockAcquire(&tag, mode, false, !wait) != LOCKACQUIRE_NOT_AVAIL;
}

void
cl_audit_alloc_unlock(Oid seq, LOCKMODE mode)
{
	LOCKTAG		tag;

	alloc_locktag(&tag, seq);
	LockRelease(&tag, mode, false);
}

/*
 * Reads the entries to link: the rows of the log after tail->through_id, in
 * id order, whose transaction committed (or is this one), up to the first
 * row of a transaction in progress.  A missing id ends the run too, unless
 * no transaction can still write it: then it is skipped.  Sets *through to
 * the id up to which everything is linked or never will be (or is left off
 * the chain: a committed entry without a valid hash).  Returns the number of
 * entries (ids and hashes in *ids_out, *hashes_out), or -1 with a WARNING
 * when the log has lost its shape or its primary key.
 */
static int64
read_linkable(const AuditRelids *ids, const ChainTail *tail, bool wait,
			  int64 **ids_out, uint8 **hashes_out, int64 *through)
{
	Relation	logrel;
	Relation	idxrel;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	SnapshotData dirty;
	ScanKeyData key;
	int64		expect = tail->through_id + 1;
	int64		stop_id = PG_INT64_MAX;	/* the first id not settled */
	int64		settled = 0;	/* ids up to it have a row or never will */
	bool		barrier_taken = false;
	int64		n = 0;
	int64		max = 64;
	int64	   *eids = palloc(max * sizeof(int64));
	uint8	   *hashes = palloc(max * AUDIT_HASH_LEN);
	int64		limit = wait ? BATCH_MAX_ENTRIES : COMMIT_BATCH_MAX_ENTRIES;
	int64		skipped = 0;	/* entries left off: malformed */
	Oid			keyidx;
	AuditMap	logmap;
	char	   *problem = NULL;

	logrel = table_open(ids->log, AccessShareLock);
	keyidx = cl_audit_key_index(logrel);
	if (!cl_audit_map_try(&cl_audit_log_spec, RelationGetDescr(logrel), &logmap, &problem) ||
		!OidIsValid(keyidx))
	{
		/* a WARNING: at commit, the audited transaction still commits */
		table_close(logrel, AccessShareLock);
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 problem ?
				 errmsg("audit entries are not linked: clinical_audit.log has an unexpected shape: %s",
						problem) :
				 errmsg("audit entries are not linked: clinical_audit.log has no primary key on id"),
				 errhint("The audit trail was altered; run audit_verify().")));
		return -1;
	}
	idxrel = index_open(keyidx, AccessShareLock);
	InitDirtySnapshot(dirty);
	slot = table_slot_create(logrel, NULL);
	scan = index_beginscan(logrel, idxrel, &dirty, 1, 0);
	ScanKeyInit(&key, 1, BTGreaterEqualStrategyNumber, F_INT8GE, Int64GetDatum(expect));
	index_rescan(scan, &key, 1, NULL, 0);

	while (n + skipped < limit)
	{
		int64		id;
		bool		isnull;
		Datum		d;

		if (!index_getnext_slot(scan, ForwardScanDirection, slot))
			break;
		d = slot_getattr(slot, logmap.attno[AL_ID] + 1, &isnull);
		if (isnull)
			continue;			/* cannot be: id is the primary key */
		id = DatumGetInt64(d);
		/* a row of a transaction in progress (not this one): stop there */
		if (TransactionIdIsValid(dirty.xmin))
		{
			stop_id = id;
			break;
		}
		if (id < expect)
			continue;			/* a duplicate id (tampering): verify reports it */
		if (id > expect && id - 1 > settled)
		{
			/*
			 * Ids expect .. id - 1 have no row.  A transaction may be between
			 * taking one of them and writing its row (it holds the allocation
			 * lock meanwhile, for at most one chunk of rows).  With the lock
			 * in ShareLock for an instant, once, an id up to the sequence's
			 * value that still has no row never will: look again from
			 * expect.  At commit the lock is only tried: if a writer holds
			 * it, linking stops at the gap, and a later linker goes on.  The
			 * sequence is locked first, as a writer does before the
			 * allocation lock (nextval), so that the two cannot deadlock.
			 */
			if (barrier_taken || seq_cached(ids->seq))
			{
				stop_id = id;
				break;
			}
			/* as a writer does (nextval), before the allocation lock */
			LockRelationOid(ids->seq, RowExclusiveLock);
			if (!cl_audit_alloc_lock(ids->seq, ShareLock, wait))
			{
				stop_id = id;
				break;
			}
			settled = cl_audit_seq_last_value(ids);
			cl_audit_alloc_unlock(ids->seq, ShareLock);
			barrier_taken = true;
			ScanKeyInit(&key, 1, BTGreaterEqualStrategyNumber, F_INT8GE, Int64GetDatum(expect));
			index_rescan(scan, &key, 1, NULL, 0);
			continue;
		}
		if (n == max)
		{
			max *= 2;
			eids = repalloc_huge(eids, max * sizeof(int64));
			hashes = repalloc_huge(hashes, max * AUDIT_HASH_LEN);
		}
		d = slot_getattr(slot, logmap.attno[AL_HASH] + 1, &isnull);
		expect = id + 1;
		if (!cl_audit_get_hash(d, isnull, hashes + n * AUDIT_HASH_LEN))
		{
			/*
			 * A committed entry without a well-formed hash (only writing the
			 * log by hand makes one) is left off the chain, where
			 * audit_verify() reports it; linking goes on after it.
			 */
			ereport(WARNING,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("audit entry %lld has no valid hash and is not linked", (long long) id),
					 errhint("The audit trail was tampered with; run audit_verify().")));
			skipped++;
			continue;
		}
		eids[n++] = id;
	}
	index_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	index_close(idxrel, AccessShareLock);
	table_close(logrel, AccessShareLock);

	*ids_out = eids;
	*hashes_out = hashes;
	/*
	 * Everything before expect is linked or skipped; so are the ids from
	 * expect up to where the run stopped that have no row, if the barrier
	 * showed that they never will.
	 */
	if (n + skipped == limit)
		stop_id = expect;
	*through = Max(expect - 1, Min(settled, stop_id - 1));
	return n;
}

/*
 * Inserts a row through the table AM and the executor's index code, as
 * logical replication's apply does: no SQL, so no trigger or rule runs, and
 * every index is kept, an expression or partial one a superuser may have
 * added included.
 */
static void
insert_row(Relation rel, const AuditTableSpec *spec, const Datum *values,
		   const bool *nulls)
{
	EState	   *estate;
	ResultRelInfo *rri;
	TupleTableSlot *slot;
	AuditMap	map;

	cl_audit_map(spec, RelationGetDescr(rel), &map);
	estate = CreateExecutorState();
	rri = makeNode(ResultRelInfo);
	InitResultRelInfo(rri, rel, 1, NULL, 0);
	ExecOpenIndices(rri, false);
	slot = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsVirtual);
	cl_audit_scatter(&map, values, nulls, slot->tts_values, slot->tts_isnull);
	ExecStoreVirtualTuple(slot);
	table_tuple_insert(rel, slot, GetCurrentCommandId(true), 0, NULL);
#if PG_VERSION_NUM >= 160000
	ExecInsertIndexTuples(rri, slot, estate, false, false, NULL, NIL, false);
#else
	ExecInsertIndexTuples(rri, slot, estate, false, false, NULL, NIL);
#endif
	ExecDropSingleTupleTableSlot(slot);
	ExecCloseIndices(rri);
	FreeExecutorState(estate);
}

int64
cl_audit_link_locked(const AuditRelids *ids, bool wait)
{
	ChainTail	tail;
	const char *problem;
	Relation	chainrel;
	int64		total;
	int64	   *all_ids;
	uint8	   *all_hashes;
	int64		through;
	uint8		hash[AUDIT_HASH_LEN];
	Datum		values[CHAIN_NATTS];
	bool		nulls[CHAIN_NATTS] = {false, false, false, false, false, false, false, false};
	Datum	   *id_datums;

	if (!read_tail(ids, &tail, &problem, false, SnapshotSelf, wait))
	{
		if (problem == NULL)
			return 0;			/* the anchor table is busy: link later */
		ereport(WARNING,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("audit entries are not linked: %s", problem),
				 errhint("The audit trail was tampered with; run audit_verify().")));
		return -1;
	}

	total = read_linkable(ids, &tail, wait, &all_ids, &all_hashes, &through);
	if (total <= 0)
		return total;
	if (total > INT_MAX / AUDIT_HASH_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many audit entries to link in one batch")));

	cl_audit_batch_hash(NULL, tail.hash, tail.next_batch, tail.next_position,
						(int32) total, through, all_hashes, hash);

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
	values[CH_THROUGH_ID] = Int64GetDatum(through);

	chainrel = table_open(ids->chain, RowExclusiveLock);
	insert_row(chainrel, &cl_audit_chain_spec, values, nulls);
	table_close(chainrel, NoLock);

	return total;
}

/*
 * Whether audit_verify() and audit_checkpoint() link what is unlinked first:
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

/* whether this transaction holds a lock on a relation, in any mode */
static bool
relation_locked_by_me(Oid relid)
{
	LOCKTAG		tag;

	SET_LOCKTAG_RELATION(tag, MyDatabaseId, relid);
	for (LOCKMODE mode = AccessShareLock; mode <= AccessExclusiveLock; mode++)
	{
#if PG_VERSION_NUM >= 170000
		if (LockHeldByMe(&tag, mode, false))
#else
		if (LockHeldByMe(&tag, mode))
#endif
			return true;
	}
	return false;
}

/* one more lock for the set, tried without waiting; false if busy */
static bool
trail_try(AuditTrailLocks *locks, Oid relid, LOCKMODE mode)
{
	/*
	 * A lock this transaction holds already is granted at once, ahead of
	 * any queued request (so waiting cannot add a deadlock), while the
	 * conditional try would fail behind such a request, for ever.
	 */
	if (locks->n == lengthof(locks->oids))
		elog(ERROR, "audit: too many relations to lock");
	if (relation_locked_by_me(relid))
		LockRelationOid(relid, mode);
	else if (!ConditionalLockRelationOid(relid, mode))
		return false;
	locks->oids[locks->n] = relid;
	locks->modes[locks->n] = mode;
	locks->n++;
	return true;
}

/*
 * What the reads open besides a trail table this transaction has locked:
 * its primary key index (key_index) and its TOAST table and that table's
 * indexes (a large row image or entry list is detoasted through them);
 * InvalidOid, or a busy one, in *busy.
 */
static void
try_dependents(AuditTrailLocks *locks, Oid relid, bool key_index, Oid *busy)
{
	Relation	rel = relation_open(relid, NoLock);
	Oid			idx = key_index ? cl_audit_key_index(rel) : InvalidOid;
	Oid			toast = rel->rd_rel->reltoastrelid;

	relation_close(rel, NoLock);
	if (OidIsValid(idx) && !trail_try(locks, idx, AccessShareLock))
	{
		*busy = idx;
		return;
	}
	if (!OidIsValid(toast))
		return;
	if (!trail_try(locks, toast, AccessShareLock))
	{
		*busy = toast;
		return;
	}
	rel = relation_open(toast, NoLock);
	{
		List	   *indexes = RelationGetIndexList(rel);
		ListCell   *lc;

		relation_close(rel, NoLock);
		foreach(lc, indexes)
		{
			if (locks->n == lengthof(locks->oids))
				break;			/* more than a TOAST table has: not read */
			if (!trail_try(locks, lfirst_oid(lc), AccessShareLock))
			{
				*busy = lfirst_oid(lc);
				break;
			}
		}
		list_free(indexes);
	}
}

/*
 * What a reader of the trail (audit_verify(), a non-owner's
 * audit_checkpoint()) opens after taking its snapshot, locked just before
 * taking it, all in ACCESS SHARE: the trail's tables, the key indexes and
 * TOAST tables (with their indexes) of the chain and, with with_log, of the
 * log, and with with_log the id sequence.  A rewrite of a table (a
 * superuser's ALTER TABLE, VACUUM FULL) that commits after the snapshot is
 * taken would give its rows new row versions the snapshot cannot see; one
 * in progress is waited for here.  All or none: no lock is held while
 * waiting for another, so a superuser's maintenance holding one of them
 * and then asking for another cannot deadlock with the reader.
 * cl_audit_unlock_trail() releases them once the reads are done, so that a
 * reader's open (or prepared) transaction does not keep them.
 */
void
cl_audit_lock_trail(const AuditRelids *ids, bool with_log, AuditTrailLocks *locks)
{
	for (;;)
	{
		Oid			busy = InvalidOid;
		Oid			tables[3];
		int			ntables = 0;

		locks->n = 0;
		if (with_log)
			tables[ntables++] = ids->log;
		tables[ntables++] = ids->chain;
		tables[ntables++] = ids->anchor;
		for (int i = 0; i < ntables && !OidIsValid(busy); i++)
			if (!trail_try(locks, tables[i], AccessShareLock))
				busy = tables[i];
		if (!OidIsValid(busy) && with_log &&
			!trail_try(locks, ids->seq, AccessShareLock))
			busy = ids->seq;
		/* the indexes and TOAST tables, found once their tables are locked */
		for (int i = 0; i < ntables && !OidIsValid(busy); i++)
		{
			if (tables[i] == ids->anchor)
				continue;		/* read without its index; no large value */
			try_dependents(locks, tables[i], true, &busy);
		}
		if (!OidIsValid(busy))
			return;
		cl_audit_unlock_trail(locks);
		/* wait until the busy one is free, holding nothing else */
		LockRelationOid(busy, AccessShareLock);
		UnlockRelationOid(busy, AccessShareLock);
		CHECK_FOR_INTERRUPTS();
	}
}

void
cl_audit_unlock_trail(AuditTrailLocks *locks)
{
	for (int i = locks->n - 1; i >= 0; i--)
		UnlockRelationOid(locks->oids[i], locks->modes[i]);
	locks->n = 0;
}

static void
chain_locktag(LOCKTAG *tag, Oid chain)
{
	SET_LOCKTAG_OBJECT(*tag, MyDatabaseId, RelationRelationId, chain, 0);
}

/*
 * At commit, before the chain lock: the chain's indexes, without waiting
 * (ALTER INDEX locks an index alone, which the table's lock does not see).
 * The caller holds a RowExclusiveLock on the chain table.
 */
bool
cl_audit_try_lock_chain_indexes(Oid chain)
{
	Relation	rel = table_open(chain, NoLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		ok = true;

	foreach(lc, indexes)
	{
		if (!ConditionalLockRelationOid(lfirst_oid(lc), RowExclusiveLock))
		{
			ok = false;
			break;
		}
	}
	list_free(indexes);
	table_close(rel, NoLock);
	return ok;
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
cl_audit_link_all(const AuditRelids *ids, bool raise)
{
	Relation	rel;
	Oid			save_userid;
	int			save_sec;
	int64		linked;

	/*
	 * The sequence's lock first, which a gap needs (read_linkable): taken
	 * after the chain lock, it could deadlock with a transaction that has
	 * altered the sequence and then waits for the chain lock.
	 */
	LockRelationOid(ids->seq, RowExclusiveLock);
	/* the chain lock, waiting for it, until the end of the transaction */
	rel = table_open(ids->chain, RowExclusiveLock);
	(void) cl_audit_chain_lock(ids->chain, true);
	cl_audit_note_chain_lock(ids->chain);
	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(rel->rd_rel->relowner,
						   save_sec | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	/* a long backlog goes in several batches */
	linked = 0;
	for (;;)
	{
		int64		n = cl_audit_link_locked(ids, true);

		if (n < 0 && !raise)
			break;				/* audit_verify() reports what is wrong */
		if (n < 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the audit chain cannot be extended"),
					 errhint("Run audit_verify() to find what was altered.")));
		CommandCounterIncrement();
		linked += n;
		if (n < BATCH_MAX_ENTRIES)
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

/* audit_link() -> bigint: link the committed entries not linked yet, now */
Datum
cl_audit_link(PG_FUNCTION_ARGS)
{
	AuditRelids ids;

	cl_audit_require_relids(&ids);
	PreventCommandIfReadOnly("audit_link()");
	PreventCommandDuringRecovery("audit_link()");
	PG_RETURN_INT64(cl_audit_link_all(&ids, true));
}

PG_FUNCTION_INFO_V1(cl_audit_checkpoint);

/*
 * audit_checkpoint() -> (entries, batch, hash, taken_at): links what is not
 * linked yet, then returns the end of the chain, to be kept outside the
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
		(void) cl_audit_link_all(&ids, true);
		ok = cl_audit_read_tail(&ids, &tail, &problem);
	}
	else
	{
		Snapshot	snap;
		AuditTrailLocks locks;

		cl_audit_lock_trail(&ids, false, &locks);
		snap = RegisterSnapshot(GetLatestSnapshot());
		ok = cl_audit_read_tail_snapshot(&ids, &tail, &problem, snap);
		UnregisterSnapshot(snap);
		cl_audit_unlock_trail(&locks);
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
