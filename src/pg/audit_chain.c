/*
 * audit_chain.c
 *		The hashes of the audit trail: the canonical serialisation of an
 *		entry, the entry and batch hashes, audit_verify(), audit_archive(),
 *		and the trigger that keeps the trail's tables append-only.
 *
 * Canonical serialisation, version 3 (README.md, "The chain (v3)"):
 *
 *	entry hash(e) = SHA-256( F(id) || F(recorded_at) || ... || F(statement) )
 *	batch hash(b) = SHA-256( prev_hash(b) || F(batch) || F(first_position) ||
 *							 F(n_entries) || F(through_id) ||
 *							 entry hash 1 || ... || entry hash n )
 *
 * The entry hash covers the log's columns id through statement in table
 * order; the batch hash covers the entries of entry_ids in that order;
 * prev_hash(b) is the 32 raw bytes of the hash of batch b-1 (32 zero bytes
 * for batch 1, or the archive anchor).  F(NULL) is the four bytes
 * FF FF FF FF; F(v) is the length of t(v) in bytes as a 4-byte big-endian
 * integer followed by t(v), where t(v) is the text of v in the database
 * encoding:
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
#include "access/stratnum.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "port/pg_bswap.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
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
	BYTEAOID					/* hash */
};

const char *const cl_audit_column_names[AL_NATTS] = {
	"id", "recorded_at", "xact_start", "xid", "table_oid", "schema_name",
	"table_name", "operation", "row_key", "old_row", "new_row",
	"changed_columns", "current_user_name", "session_user_name", "app_user",
	"application_name", "client_addr", "client_port", "backend_pid",
	"statement", "hash"
};

/* ---- the trail tables' columns ----------------------------------------- */

const AuditTableSpec cl_audit_log_spec = {
	"clinical_audit.log", AL_NATTS, cl_audit_column_names, cl_audit_column_types
};

static const char *const chain_colnames[] = {
	"batch", "first_position", "n_entries", "entry_ids", "linked_at",
	"prev_hash", "hash", "through_id"
};
static const Oid chain_coltypes[] = {
	INT8OID, INT8OID, INT4OID, INT8ARRAYOID, TIMESTAMPTZOID,
	BYTEAOID, BYTEAOID, INT8OID
};
const AuditTableSpec cl_audit_chain_spec = {
	"clinical_audit.chain", lengthof(chain_colnames), chain_colnames, chain_coltypes
};

static const char *const anchor_colnames[] = {
	"singleton", "through_batch", "entries", "hash", "archived_at", "through_id"
};
static const Oid anchor_coltypes[] = {
	BOOLOID, INT8OID, INT8OID, BYTEAOID, TIMESTAMPTZOID, INT8OID
};
const AuditTableSpec cl_audit_anchor_spec = {
	"clinical_audit.anchor", lengthof(anchor_colnames), anchor_colnames, anchor_coltypes
};

StaticAssertDecl(lengthof(chain_colnames) == lengthof(chain_coltypes) &&
				 lengthof(chain_colnames) <= AL_NATTS &&
				 lengthof(anchor_colnames) == lengthof(anchor_coltypes) &&
				 lengthof(anchor_colnames) <= AL_NATTS,
				 "trail table specs");

bool
cl_audit_map_try(const AuditTableSpec *spec, TupleDesc td, AuditMap *map,
				 char **problem)
{
	int			k = 0;

	map->natts = td->natts;
	for (int i = 0; i < td->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(td, i);

		if (att->attisdropped)
			continue;
		if (k == spec->ncols)
		{
			*problem = psprintf("a column \"%s\" that is not the extension's",
								NameStr(att->attname));
			return false;
		}
		/* the columns are made without a type modifier (a precision) */
		if (strcmp(NameStr(att->attname), spec->colnames[k]) != 0 ||
			att->atttypid != spec->coltypes[k] || att->atttypmod != -1)
		{
			*problem = psprintf("column \"%s\" of type %s where the extension has \"%s\" of type %s",
								NameStr(att->attname),
								format_type_with_typemod(att->atttypid, att->atttypmod),
								spec->colnames[k], format_type_be(spec->coltypes[k]));
			return false;
		}
		map->attno[k++] = i;
	}
	if (k < spec->ncols)
	{
		*problem = psprintf("no column \"%s\"", spec->colnames[k]);
		return false;
	}
	map->ncols = spec->ncols;
	map->identity = (td->natts == spec->ncols);
	return true;
}

void
cl_audit_map(const AuditTableSpec *spec, TupleDesc td, AuditMap *map)
{
	char	   *problem;

	if (!cl_audit_map_try(spec, td, map, &problem))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("%s has an unexpected shape: %s", spec->name, problem)));
}

void
cl_audit_deform(const AuditMap *map, TupleDesc td, HeapTuple tup,
				Datum *values, bool *nulls)
{
	Datum	   *v;
	bool	   *n;

	Assert(td->natts == map->natts);
	if (map->identity)
	{
		heap_deform_tuple(tup, td, values, nulls);
		return;
	}
	v = palloc(map->natts * sizeof(Datum));
	n = palloc(map->natts * sizeof(bool));
	heap_deform_tuple(tup, td, v, n);
	for (int i = 0; i < map->ncols; i++)
	{
		values[i] = v[map->attno[i]];
		nulls[i] = n[map->attno[i]];
	}
	pfree(v);
	pfree(n);
}

void
cl_audit_scatter(const AuditMap *map, const Datum *values, const bool *nulls,
				 Datum *tvalues, bool *tnulls)
{
	if (map->identity)
	{
		memcpy(tvalues, values, map->ncols * sizeof(Datum));
		memcpy(tnulls, nulls, map->ncols * sizeof(bool));
		return;
	}
	/* dropped columns are NULL */
	memset(tnulls, true, map->natts * sizeof(bool));
	for (int i = 0; i < map->ncols; i++)
	{
		tvalues[map->attno[i]] = values[i];
		tnulls[map->attno[i]] = nulls[i];
	}
}

/* ---- a SHA-256 stream -------------------------------------------------- */

/*
 * A SHA-256 context kept for several hashes (one commit's entries, one
 * verification): creating and freeing a pg_cryptohash context for every
 * entry costs more than hashing a typical entry does.
 */
struct AuditHasher
{
#if PG_VERSION_NUM >= 140000
	pg_cryptohash_ctx *ctx;
#else
	pg_sha256_ctx ctx;
#endif
};

typedef struct HashStream
{
	AuditHasher *hasher;
	bool		own;			/* the hasher was made for this one hash */
	/* the bytes go to the digest in large pieces: each update has a cost */
	size_t		used;
	uint8		buf[8192];
} HashStream;

AuditHasher *
cl_audit_hasher_create(void)
{
	AuditHasher *h = palloc(sizeof(AuditHasher));

#if PG_VERSION_NUM >= 140000
	h->ctx = pg_cryptohash_create(PG_SHA256);
	if (h->ctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not initialise SHA-256")));
#endif
	return h;
}

void
cl_audit_hasher_free(AuditHasher *h)
{
#if PG_VERSION_NUM >= 140000
	pg_cryptohash_free(h->ctx);
#endif
	pfree(h);
}

static void
hs_init(HashStream *hs, AuditHasher *hasher)
{
	hs->used = 0;
	hs->own = (hasher == NULL);
	hs->hasher = hasher ? hasher : cl_audit_hasher_create();
#if PG_VERSION_NUM >= 140000
	if (pg_cryptohash_init(hs->hasher->ctx) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("could not initialise SHA-256")));
#else
	pg_sha256_init(&hs->hasher->ctx);
#endif
}

static void
hs_digest(HashStream *hs, const void *data, size_t len)
{
#if PG_VERSION_NUM >= 140000
	if (pg_cryptohash_update(hs->hasher->ctx, (const uint8 *) data, len) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute SHA-256")));
#else
	pg_sha256_update(&hs->hasher->ctx, (const uint8 *) data, len);
#endif
}

static void
hs_update(HashStream *hs, const void *data, size_t len)
{
	if (hs->used + len > sizeof(hs->buf))
	{
		if (hs->used > 0)
			hs_digest(hs, hs->buf, hs->used);
		hs->used = 0;
		if (len > sizeof(hs->buf))
		{
			hs_digest(hs, data, len);
			return;
		}
	}
	memcpy(hs->buf + hs->used, data, len);
	hs->used += len;
}

static void
hs_final(HashStream *hs, uint8 *result)
{
	int			rc = 0;

	if (hs->used > 0)
		hs_digest(hs, hs->buf, hs->used);
	hs->used = 0;
#if PG_VERSION_NUM >= 140000
	rc = pg_cryptohash_final(hs->hasher->ctx, result, AUDIT_HASH_LEN);
#else
	pg_sha256_final(&hs->hasher->ctx, result);
#endif
	if (hs->own)
		cl_audit_hasher_free(hs->hasher);
	hs->hasher = NULL;
	if (rc < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not compute SHA-256")));
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
		/* integers in decimal, as their output functions print them */
		case INT8OID:
			hs_field(hs, buf, pg_lltoa(DatumGetInt64(d), buf));
			break;
		case INT4OID:
			hs_field(hs, buf, pg_ltoa(DatumGetInt32(d), buf));
			break;
		case OIDOID:
			hs_field(hs, buf, pg_ultoa_n(DatumGetObjectId(d), buf));
			break;
		case XID8OID:
			hs_field(hs, buf,
					 pg_ulltoa_n(U64FromFullTransactionId(DatumGetFullTransactionId(d)), buf));
			break;
		case TIMESTAMPTZOID:
			/* microseconds since the Unix epoch */
			hs_field(hs, buf,
					 pg_lltoa(DatumGetTimestampTz(d) +
							  (int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY,
							  buf));
			break;
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
cl_audit_entry_hash(AuditHasher *hasher, const Datum *values,
					const bool *nulls, const char *const *texts, uint8 *hash)
{
	HashStream	hs;

	hs_init(&hs, hasher);
	for (int i = AL_ID; i < AL_NHASHED; i++)
	{
		if (nulls[i])
			hs_null(&hs);
		else if (texts && texts[i])
			hs_cstring(&hs, texts[i]);	/* the value's text form, known already */
		else
			hs_datum(&hs, cl_audit_column_types[i], values[i]);
	}
	hs_final(&hs, hash);
}

void
cl_audit_batch_hash(AuditHasher *hasher, const uint8 *prev_hash, int64 batch,
					int64 first_position, int32 n, int64 through_id,
					const uint8 *entry_hashes, uint8 *result)
{
	HashStream	hs;

	hs_init(&hs, hasher);
	hs_update(&hs, prev_hash, AUDIT_HASH_LEN);
	hs_datum(&hs, INT8OID, Int64GetDatum(batch));
	hs_datum(&hs, INT8OID, Int64GetDatum(first_position));
	hs_datum(&hs, INT4OID, Int32GetDatum(n));
	hs_datum(&hs, INT8OID, Int64GetDatum(through_id));
	hs_update(&hs, entry_hashes, (size_t) n * AUDIT_HASH_LEN);
	hs_final(&hs, result);
}

/* ---- audit_verify() -------------------------------------------------------- */

/* a set of log ids */
typedef struct IdSetEntry
{
	int64		id;
	char		status;
} IdSetEntry;

#define SH_PREFIX idset
#define SH_ELEMENT_TYPE IdSetEntry
#define SH_KEY_TYPE int64
#define SH_KEY id
#define SH_HASH_KEY(tb, key) murmurhash32((uint32) ((uint64) (key) ^ ((uint64) (key) >> 32)))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

typedef struct VerifyState
{
	int64		checked;
	int64		broken_id;		/* 0: none */
	char	   *reason;			/* NULL: sound so far */
} VerifyState;

static void
broken(VerifyState *vs, int64 id, const char *fmt,...) pg_attribute_printf(3, 4);

static void
broken(VerifyState *vs, int64 id, const char *fmt,...)
{
	va_list		ap;
	char		buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	vs->broken_id = id;
	vs->reason = pstrdup(buf);
}

/*
 * Walks the batches in order from the anchor: numbering, positions and
 * links; each entry they name must exist, once, with the hash of its
 * content; each batch's hash must be that of its entries.
 */
static void
verify_batches(const AuditRelids *ids, const ChainTail *tail, Snapshot snap,
			   bool locked, idset_hash *seen, VerifyState *vs)
{
	Relation	chainrel = table_open(ids->chain, AccessShareLock);
	Relation	chainidx = index_open(cl_audit_key_index(chainrel), AccessShareLock);
	Relation	logrel = table_open(ids->log, AccessShareLock);
	Relation	logidx = index_open(cl_audit_key_index(logrel), AccessShareLock);
	AuditMap	logmap;
	AuditMap	chainmap;
	SysScanDesc cscan;
	IndexScanDesc lscan;
	TupleTableSlot *slot = table_slot_create(logrel, NULL);
	HeapTuple	tup;
	uint8		prev[AUDIT_HASH_LEN];
	int64		expect_batch = tail->anchored ? tail->anchor_batch + 1 : 1;
	int64		expect_pos = tail->anchored ? tail->anchor_entries + 1 : 1;
	int64		prev_through = tail->anchored ? tail->anchor_through_id : 0;
	MemoryContext batchcxt = AllocSetContextCreate(CurrentMemoryContext,
												   "audit_verify batch",
												   ALLOCSET_DEFAULT_SIZES);
	MemoryContext entrycxt = AllocSetContextCreate(CurrentMemoryContext,
												   "audit_verify entry",
												   ALLOCSET_DEFAULT_SIZES);
	AuditHasher *hasher;

	cl_audit_map(&cl_audit_log_spec, RelationGetDescr(logrel), &logmap);
	cl_audit_map(&cl_audit_chain_spec, RelationGetDescr(chainrel), &chainmap);
	memcpy(prev, tail->anchored ? tail->anchor_hash : cl_audit_genesis_hash,
		   AUDIT_HASH_LEN);
	hasher = cl_audit_hasher_create();
	cscan = systable_beginscan_ordered(chainrel, chainidx, snap, 0, NULL);
	lscan = index_beginscan(logrel, logidx, snap, 1, 0);

	while (vs->reason == NULL &&
		   (tup = systable_getnext_ordered(cscan, ForwardScanDirection)) != NULL)
	{
		Datum		v[8];
		bool		nl[8];
		int64		batch;
		int64		first_pos;
		int32		n;
		int64		through;
		ArrayType  *arr;
		int64	   *eids;
		uint8	   *hashes;
		uint8		stored[AUDIT_HASH_LEN];
		uint8		stored_prev[AUDIT_HASH_LEN];
		uint8		computed[AUDIT_HASH_LEN];
		MemoryContext old;

		cl_audit_deform(&chainmap, RelationGetDescr(chainrel), tup, v, nl);
		batch = nl[0] ? 0 : DatumGetInt64(v[0]);
		if (nl[0] || nl[1] || nl[2] || nl[3] || nl[7] ||
			!cl_audit_get_hash(v[5], nl[5], stored_prev) ||
			!cl_audit_get_hash(v[6], nl[6], stored))
		{
			broken(vs, 0, "batch %lld is malformed", (long long) batch);
			break;
		}
		first_pos = DatumGetInt64(v[1]);
		n = DatumGetInt32(v[2]);
		through = DatumGetInt64(v[7]);
		/*
		 * Per-batch memory goes into batchcxt; the scans allocate in the
		 * outer context (the btree scans keep state across batches).
		 */
		old = MemoryContextSwitchTo(batchcxt);
		arr = DatumGetArrayTypeP(v[3]);
		MemoryContextSwitchTo(old);
		if (ARR_ELEMTYPE(arr) != INT8OID || ARR_HASNULL(arr) || ARR_NDIM(arr) != 1 ||
			n < 1 || ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr)) != n)
		{
			broken(vs, 0, "batch %lld is malformed", (long long) batch);
			break;
		}
		eids = cl_audit_int8_array_data(arr);
		if (batch != expect_batch)
		{
			if (batch > expect_batch)
				broken(vs, eids[0], "batch %lld is missing (deleted)", (long long) expect_batch);
			else
				broken(vs, eids[0], "batch %lld: expected batch %lld (an archived, duplicated or reordered batch)",
					   (long long) batch, (long long) expect_batch);
			break;
		}
		if (first_pos != expect_pos)
		{
			broken(vs, eids[0], "batch %lld starts at position %lld instead of %lld (entries removed or added)",
				   (long long) batch, (long long) first_pos, (long long) expect_pos);
			break;
		}
		/* chain order is id order: each batch links ids after the last's through_id */
		for (int i = 0; i < n; i++)
		{
			if (eids[i] <= (i == 0 ? prev_through : eids[i - 1]) || eids[i] > through)
			{
				broken(vs, eids[i], "batch %lld: entry %lld is out of id order (reordered, or through_id altered)",
					   (long long) batch, (long long) eids[i]);
				break;
			}
		}
		if (vs->reason != NULL)
			break;
		if (memcmp(stored_prev, prev, AUDIT_HASH_LEN) != 0)
		{
			broken(vs, eids[0], "batch %lld: prev_hash is not the hash of batch %lld (replaced or reordered)",
				   (long long) batch, (long long) batch - 1);
			break;
		}

		hashes = MemoryContextAlloc(batchcxt, (Size) n * AUDIT_HASH_LEN);
		for (int i = 0; i < n && vs->reason == NULL; i++)
		{
			ScanKeyData key;
			bool		found;
			Datum		values[AL_NATTS];
			bool		nulls[AL_NATTS];
			uint8		entry_stored[AUDIT_HASH_LEN];
			uint8	   *h = hashes + (Size) i * AUDIT_HASH_LEN;

			idset_insert(seen, eids[i], &found);
			if (found)
			{
				broken(vs, eids[i], "entry %lld is linked twice (again in batch %lld)",
					   (long long) eids[i], (long long) batch);
				break;
			}
			ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(eids[i]));
			index_rescan(lscan, &key, 1, NULL, 0);
			if (!index_getnext_slot(lscan, ForwardScanDirection, slot))
			{
				broken(vs, eids[i], "entry %lld (batch %lld) is missing (deleted)",
					   (long long) eids[i], (long long) batch);
				break;
			}
			slot_getallattrs(slot);
			for (int c = 0; c < AL_NATTS; c++)
			{
				values[c] = slot->tts_values[logmap.attno[c]];
				nulls[c] = slot->tts_isnull[logmap.attno[c]];
			}
			/* detoasted copies of one entry, freed before the next one */
			old = MemoryContextSwitchTo(entrycxt);
			cl_audit_entry_hash(hasher, values, nulls, NULL, h);
			MemoryContextSwitchTo(old);
			MemoryContextReset(entrycxt);
			if (!cl_audit_get_hash(values[AL_HASH], nulls[AL_HASH], entry_stored) ||
				memcmp(entry_stored, h, AUDIT_HASH_LEN) != 0)
			{
				broken(vs, eids[i], "entry %lld: its content does not match its hash (altered)",
					   (long long) eids[i]);
				break;
			}
		}
		if (vs->reason == NULL)
		{
			cl_audit_batch_hash(hasher, prev, batch, first_pos, n, through, hashes, computed);
			if (memcmp(computed, stored, AUDIT_HASH_LEN) != 0)
				broken(vs, eids[0], "batch %lld: its hash does not match its entries (altered)",
					   (long long) batch);
		}
		MemoryContextReset(batchcxt);
		if (vs->reason != NULL)
			break;
		memcpy(prev, stored, AUDIT_HASH_LEN);
		prev_through = through;
		vs->checked += n;
		expect_batch++;
		expect_pos += n;
	}

	/* under the chain lock, the walk must end where the linker saw the end */
	if (vs->reason == NULL && locked &&
		(expect_batch != tail->next_batch || memcmp(prev, tail->hash, AUDIT_HASH_LEN) != 0))
		broken(vs, 0, "the chain changed while it was verified");

	cl_audit_hasher_free(hasher);
	index_endscan(lscan);
	systable_endscan_ordered(cscan);
	ExecDropSingleTupleTableSlot(slot);
	MemoryContextDelete(batchcxt);
	MemoryContextDelete(entrycxt);
	index_close(logidx, AccessShareLock);
	table_close(logrel, AccessShareLock);
	index_close(chainidx, AccessShareLock);
	table_close(chainrel, AccessShareLock);
}

/* whether a log row's hash is well formed and that of its content */
static bool
entry_matches(HeapTuple tup, TupleDesc td, const AuditMap *map,
			  AuditHasher *hasher, MemoryContext cxt)
{
	Datum		values[AL_NATTS];
	bool		nulls[AL_NATTS];
	uint8		h[AUDIT_HASH_LEN];
	uint8		stored[AUDIT_HASH_LEN];
	bool		ok;
	MemoryContext old = MemoryContextSwitchTo(cxt);

	cl_audit_deform(map, td, tup, values, nulls);
	cl_audit_entry_hash(hasher, values, nulls, NULL, h);
	ok = cl_audit_get_hash(values[AL_HASH], nulls[AL_HASH], stored) &&
		memcmp(stored, h, AUDIT_HASH_LEN) == 0;
	MemoryContextSwitchTo(old);
	MemoryContextReset(cxt);
	return ok;
}

/*
 * Every entry of the log up to the chain's through_id must be on it.  Later
 * ones are not linked yet: their transactions committed after the last
 * batch was written (or were still in progress then); but their ids must
 * have come from the sequence, and their content must match their hash.
 */
static void
verify_all_linked(const AuditRelids *ids, const ChainTail *tail, Snapshot snap,
				  idset_hash *seen, VerifyState *vs)
{
	Relation	rel;
	AuditMap	map;
	TableScanDesc scan;
	HeapTuple	tup;
	int64		first_off_chain = 0;
	bool		any_off_chain = false;
	bool		off_chain_altered = false;
	int64		max_later = 0;
	bool		any_later = false;
	int64		first_altered = 0;
	int64		last_given;
	AuditHasher *hasher = cl_audit_hasher_create();
	MemoryContext entrycxt = AllocSetContextCreate(CurrentMemoryContext,
												   "audit_verify entry",
												   ALLOCSET_DEFAULT_SIZES);

	rel = table_open(ids->log, AccessShareLock);
	cl_audit_map(&cl_audit_log_spec, RelationGetDescr(rel), &map);
	scan = table_beginscan(rel, snap, 0, NULL);
	while ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		bool		isnull;
		int64		id = DatumGetInt64(heap_getattr(tup, map.attno[AL_ID] + 1,
													RelationGetDescr(rel), &isnull));

		if (isnull || idset_lookup(seen, id) != NULL)
			continue;
		if (id > tail->through_id)
		{
			/* not linked yet: its hash now, its id below */
			if (!any_later || id > max_later)
				max_later = id;
			any_later = true;
			if ((first_altered == 0 || id < first_altered) &&
				!entry_matches(tup, RelationGetDescr(rel), &map, hasher, entrycxt))
				first_altered = id;
			continue;
		}
		if (!any_off_chain || id < first_off_chain)
		{
			first_off_chain = id;
			off_chain_altered = !entry_matches(tup, RelationGetDescr(rel), &map, hasher, entrycxt);
		}
		any_off_chain = true;
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);

	/*
	 * The entries of snap were committed before it was taken, with ids the
	 * sequence had given out by then: none above its value now.
	 */
	last_given = any_later ? cl_audit_seq_last_value(ids) : 0;
	cl_audit_hasher_free(hasher);
	MemoryContextDelete(entrycxt);
	if (any_off_chain && off_chain_altered)
		broken(vs, first_off_chain, "entry %lld is not on the chain, and its content does not match its hash (altered)",
			   (long long) first_off_chain);
	else if (any_off_chain)
		broken(vs, first_off_chain, "entry %lld is not on the chain (inserted, or archived and put back)",
			   (long long) first_off_chain);
	else if (first_altered != 0)
		broken(vs, first_altered, "entry %lld (not linked yet): its content does not match its hash (altered)",
			   (long long) first_altered);
	else if (any_later && max_later > last_given)
		broken(vs, max_later, "entry %lld has an id that clinical_audit.log_id_seq never gave out (inserted)",
			   (long long) max_later);
}

/* whether the log has the extension's columns and primary key: a reason if not */
static char *
log_problem(Oid relid)
{
	Relation	rel = table_open(relid, AccessShareLock);
	AuditMap	map;
	char	   *why = NULL;
	char	   *problem = NULL;

	if (!cl_audit_map_try(&cl_audit_log_spec, RelationGetDescr(rel), &map, &why))
		problem = psprintf("clinical_audit.log has an unexpected shape: %s (altered)", why);
	else if (!OidIsValid(cl_audit_key_index(rel)))
		problem = "clinical_audit.log has no primary key on id (altered)";
	table_close(rel, AccessShareLock);
	return problem;
}

PG_FUNCTION_INFO_V1(cl_audit_verify);

/*
 * audit_verify() -> (ok, entries_checked, first_broken_id, reason)
 *
 * Links what is not linked yet first (waiting for the chain lock, which it then
 * keeps: nothing is linked while it verifies), then checks the chain from
 * the archive anchor to its end and that every entry of the log is on it.
 * Stops at the first problem.  first_broken_id is the entry concerned (for
 * a problem of a whole batch, its first entry).
 */
Datum
cl_audit_verify(PG_FUNCTION_ARGS)
{
	TupleDesc	rettd;
	Datum		result[4];
	bool		rnulls[4] = {false, false, false, false};
	AuditRelids ids;
	ChainTail	tail;
	const char *problem;
	VerifyState vs = {0, 0, NULL};
	Snapshot	snap;
	idset_hash *seen;
	bool		locked;
	AuditTrailLocks locks;

	if (get_call_result_type(fcinfo, NULL, &rettd) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	rettd = BlessTupleDesc(rettd);
	cl_audit_require_relids(&ids);

	/*
	 * Link what is not linked yet, keeping the chain lock; a damaged end of
	 * chain is reported, not raised.  On a standby or in a read-only
	 * transaction nothing can be linked: entries after the chain's
	 * through_id are taken as not linked yet.
	 */
	locked = cl_audit_can_link(&ids);
	if (locked)
	{
		if (cl_audit_read_tail(&ids, &tail, &problem))
			(void) cl_audit_link_all(&ids, false);
		else
		{
			(void) cl_audit_chain_lock(ids.chain, true);
			cl_audit_note_chain_lock(ids.chain);
		}
	}

	/*
	 * One snapshot for everything read from here on.  With the chain lock
	 * the end of the chain cannot move; without it (read-only, a standby, a
	 * role that does not own the trail) it is read as of the snapshot too,
	 * so that a concurrent archive or linking cannot look like tampering.
	 */
	cl_audit_lock_trail(&ids, true, &locks);
	snap = RegisterSnapshot(GetLatestSnapshot());
	seen = idset_create(CurrentMemoryContext, 1024, NULL);
	if (!(locked ? cl_audit_read_tail(&ids, &tail, &problem)
		  : cl_audit_read_tail_snapshot(&ids, &tail, &problem, snap)))
		broken(&vs, 0, "%s", problem);
	else if ((problem = log_problem(ids.log)) != NULL)
		broken(&vs, 0, "%s", problem);
	else
		verify_batches(&ids, &tail, snap, locked, seen, &vs);
	if (vs.reason == NULL)
		verify_all_linked(&ids, &tail, snap, seen, &vs);
	UnregisterSnapshot(snap);
	cl_audit_unlock_trail(&locks);

	result[0] = BoolGetDatum(vs.reason == NULL);
	result[1] = Int64GetDatum(vs.checked);
	if (vs.reason == NULL)
	{
		rnulls[2] = rnulls[3] = true;
		result[2] = result[3] = (Datum) 0;
	}
	else
	{
		result[2] = Int64GetDatum(vs.broken_id);
		rnulls[2] = (vs.broken_id == 0);
		result[3] = CStringGetTextDatum(vs.reason);
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(rettd, result, rnulls)));
}

/* ---- audit_archive(through_batch) ----------------------------------------- */

PG_FUNCTION_INFO_V1(cl_audit_archive);

/*
 * audit_archive(through_batch) -> bigint: superuser only.  Links what is
 * not linked yet, then deletes the batches up to through_batch and the entries
 * they link, and records the anchor (the batch, the positions archived and
 * its hash), so that what is kept remains one verifiable chain.  Returns
 * the number of entries deleted.  Export the entries first (COPY).
 */
Datum
cl_audit_archive(PG_FUNCTION_ARGS)
{
	int64		through = PG_GETARG_INT64(0);
	AuditRelids ids;
	ChainTail	tail;
	const char *problem;
	Datum		arg[4];
	Oid			argtype[4] = {INT8OID, INT8OID, BYTEAOID, INT8OID};
	uint64		deleted = 0;
	int			ret;
	bool		n1,
				n2,
				n3,
				n4;
	Datum		first_pos,
				nent,
				hash,
				through_id;
	uint8		anchor_hash[AUDIT_HASH_LEN];

	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("only a superuser may archive audit log entries")));
	cl_audit_require_relids(&ids);
	PreventCommandIfReadOnly("audit_archive()");
	PreventCommandDuringRecovery("audit_archive()");
	/* its deletions must see the chain's latest batches, as linking does */
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("audit_archive() must run at READ COMMITTED"),
				 errdetail("Under REPEATABLE READ or SERIALIZABLE its snapshot may not show the latest batches.")));

	/* the chain lock: nothing is linked while we move the anchor */
	(void) cl_audit_link_all(&ids, true);
	if (!cl_audit_read_tail(&ids, &tail, &problem))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the audit chain is damaged: %s", problem),
				 errhint("Run audit_verify().")));
	if (through >= tail.next_batch)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot archive through batch %lld: the chain ends at batch %lld",
						(long long) through, (long long) tail.next_batch - 1)));
	if (tail.anchored && through <= tail.anchor_batch)
		PG_RETURN_INT64(0);
	if (through < 1)
		PG_RETURN_INT64(0);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	arg[0] = Int64GetDatum(through);
	ret = SPI_execute_with_args("SELECT first_position, n_entries::bigint, hash, through_id "
								"FROM clinical_audit.chain WHERE batch = $1",
								1, argtype, arg, NULL, false, 1);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "audit_archive: reading the batch failed");
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("batch %lld of the audit chain is missing", (long long) through),
				 errhint("Run audit_verify().")));
	first_pos = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &n1);
	nent = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &n2);
	hash = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &n3);
	through_id = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &n4);
	if (n1 || n2 || n4 || !cl_audit_get_hash(hash, n3, anchor_hash))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("batch %lld of the audit chain is malformed", (long long) through),
				 errhint("Run audit_verify().")));
	arg[1] = Int64GetDatum(DatumGetInt64(first_pos) + DatumGetInt64(nent) - 1);
	arg[2] = PointerGetDatum(cl_audit_hash_bytea(anchor_hash));
	arg[3] = through_id;

	cl_audit_archiving = true;
	PG_TRY();
	{
		ret = SPI_execute_with_args("DELETE FROM clinical_audit.log l USING clinical_audit.chain c "
									"WHERE c.batch <= $1 AND l.id = ANY (c.entry_ids)",
									1, argtype, arg, NULL, false, 0);
		if (ret != SPI_OK_DELETE)
			elog(ERROR, "audit_archive: deleting entries failed");
		deleted = SPI_processed;
		ret = SPI_execute_with_args("DELETE FROM clinical_audit.chain WHERE batch <= $1",
									1, argtype, arg, NULL, false, 0);
		if (ret != SPI_OK_DELETE)
			elog(ERROR, "audit_archive: deleting batches failed");
		ret = SPI_execute("DELETE FROM clinical_audit.anchor", false, 0);
		if (ret != SPI_OK_DELETE)
			elog(ERROR, "audit_archive: replacing the anchor failed");
		ret = SPI_execute_with_args("INSERT INTO clinical_audit.anchor "
									"VALUES (true, $1, $2, $3, clock_timestamp(), $4)",
									4, argtype, arg, NULL, false, 0);
		if (ret != SPI_OK_INSERT)
			elog(ERROR, "audit_archive: writing the anchor failed");
	}
	PG_FINALLY();
	{
		cl_audit_archiving = false;
	}
	PG_END_TRY();
	SPI_finish();

	PG_RETURN_INT64((int64) deleted);
}

/* ---- append-only protection ------------------------------------------- */

PG_FUNCTION_INFO_V1(cl_audit_protect_log);

/*
 * BEFORE UPDATE/DELETE (row) and BEFORE TRUNCATE (statement) trigger of
 * the trail's tables: always an error, except the DELETEs of audit_archive.
 * A superuser can still disable the triggers; audit_verify() detects what is
 * changed then.
 */
Datum
cl_audit_protect_log(PG_FUNCTION_ARGS)
{
	TriggerData *td;
	const char *relname;
	const char *what;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("clinical_audit.protect_log() must be called as a trigger")));
	td = (TriggerData *) fcinfo->context;
	relname = RelationGetRelationName(td->tg_relation);
	what = TRIGGER_FIRED_BY_TRUNCATE(td->tg_event) ? "TRUNCATE" :
		TRIGGER_FIRED_BY_DELETE(td->tg_event) ? "DELETE" : "UPDATE";

	if (cl_audit_archiving && TRIGGER_FIRED_BY_DELETE(td->tg_event) &&
		TRIGGER_FIRED_FOR_ROW(td->tg_event))
		return PointerGetDatum(td->tg_trigtuple);

	if (strcmp(relname, "log") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("clinical_audit.log is append-only"),
				 errdetail("%s of audit log entries is not allowed.", what),
				 errhint("A superuser removes old entries with audit_archive().")));
	if (strcmp(relname, "chain") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("clinical_audit.chain is append-only"),
				 errdetail("%s of the hash chain is not allowed.", what),
				 errhint("A superuser removes old batches with audit_archive().")));
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("clinical_audit.%s is maintained by the audit trail itself", relname),
			 errdetail("%s is not allowed.", what)));
	PG_RETURN_NULL();			/* not reached */
}
