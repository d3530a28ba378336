/*
 * audit_trigger.c
 *		The audit trigger and the commit-time linking of the hash chain.
 *
 * The trigger (clinical_audit.log_change, AFTER ROW for INSERT/UPDATE/DELETE
 * and AFTER STATEMENT for TRUNCATE, enabled ALWAYS) runs as the user making
 * the change.  It captures who (current_user, session_user, the GUC
 * pg_clinical.audit_user, application_name), what (table, operation, row key,
 * old and new rows as jsonb, changed columns) and when (clock time), and
 * appends the entry to a buffer in TopTransactionContext, tagged with the
 * subtransaction that made it.
 *
 * A rolled-back subtransaction drops its entries (and those of the
 * subtransactions it contained: all of them were buffered after it began).
 * At XACT_EVENT_PRE_COMMIT the entries left are written: as the log's owner,
 * each gets its id from clinical_audit.log_id_seq and its entry hash, and
 * goes into clinical_audit.log, without any lock.  Then they are linked onto
 * the chain if the chain lock is free, or queued for the next linker
 * (audit_link.c).  An aborted transaction never reaches pre-commit and
 * leaves nothing: no entry, no queue row, no batch.
 */
#include "pg_clinical.h"

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "commands/trigger.h"
#include "access/tableam.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "nodes/makefuncs.h"
#include "storage/lmgr.h"
#include "tcop/tcopprot.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/xid8.h"

#include "audit_pg.h"

/* ---- settings ----------------------------------------------------------- */

/* pg_clinical.audit_user: the application's end user, set per session or transaction */
static char *cl_audit_user = NULL;

/* pg_clinical.audit_log_statement: also record the statement text */
static bool cl_audit_log_statement = false;
int			cl_audit_link_every = 32;
static int	cl_audit_link_idle = 1000;

/* ---- the per-transaction buffer ----------------------------------------- */

typedef struct AuditEntry
{
	SubTransactionId subid;		/* the subtransaction that made it */
	Datum		values[AL_NATTS];
	bool		nulls[AL_NATTS];
	/* text forms of row_key, old_row, new_row when known (row_object) */
	char	   *key_text;
	char	   *old_text;
	char	   *new_text;
} AuditEntry;

typedef struct AuditXactState
{
	AuditEntry **entries;		/* in TopTransactionContext */
	int			nentries;
	int			maxentries;
	bool		linked;			/* the pre-commit callback has run */
	Oid			chain_lock;		/* clinical_audit.chain, when we hold the chain lock */
	SubTransactionId chain_lock_subid;	/* the subtransaction that took it */
	/* strings shared by consecutive entries (in TopTransactionContext) */
	Oid			nsp_oid;
	Datum		nsp_name;
	Oid			relid;
	Datum		rel_name;
	char	   *rel_name_src;
	Oid			cur_user_oid;
	Datum		cur_user;
	Oid			sess_user_oid;
	Datum		sess_user;
	char	   *app_user_src;
	Datum		app_user;
	char	   *appname_src;
	Datum		appname;
	const char *stmt_src;
	Datum		stmt;
} AuditXactState;

static AuditXactState xs;

static void
reset_xact_state(void)
{
	memset(&xs, 0, sizeof(xs));
}

/* ---- row values as jsonb ---------------------------------------------- */

/* to_jsonb() of a given argument type, for the types without a fast path */
typedef struct ToJsonbEntry
{
	Oid			typid;			/* hash key */
	FmgrInfo	flinfo;
} ToJsonbEntry;

static HTAB *to_jsonb_cache = NULL;

static FmgrInfo *
to_jsonb_for_type(Oid typid)
{
	ToJsonbEntry *e;
	bool		found;

	if (to_jsonb_cache == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(ToJsonbEntry);
		ctl.hcxt = TopMemoryContext;
		to_jsonb_cache = hash_create("pg_clinical audit to_jsonb", 32, &ctl,
									 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	e = hash_search(to_jsonb_cache, &typid, HASH_ENTER, &found);
	if (!found)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
		FuncExpr   *fexpr;

		/*
		 * to_jsonb(anyelement) reads its argument's type from the call
		 * expression; give it one.  It categorises the type at each call, so
		 * the entry stays right even if the type is altered.
		 */
		fexpr = makeFuncExpr(F_TO_JSONB, JSONBOID,
							 list_make1(makeNullConst(typid, -1, InvalidOid)),
							 InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
		fmgr_info_cxt(F_TO_JSONB, &e->flinfo, TopMemoryContext);
		fmgr_info_set_expr((Node *) fexpr, &e->flinfo);
		MemoryContextSwitchTo(old);
	}
	return &e->flinfo;
}

/*
 * One column value as to_jsonb() would render it, as a JsonbValue: a scalar,
 * or jbvBinary for a container.  Fast paths for the common types, to_jsonb
 * itself for the others.  *ival is set, and true returned, when the value is
 * an integer (its text form is then printed without numeric_out).
 */
static bool
column_value(Oid typid, Datum val, bool isnull, JsonbValue *jv, int64 *ival)
{
	Jsonb	   *jb;

	if (isnull)
	{
		jv->type = jbvNull;
		return false;
	}
	switch (typid)
	{
		case BOOLOID:
			jv->type = jbvBool;
			jv->val.boolean = DatumGetBool(val);
			return false;
		case INT2OID:
			*ival = DatumGetInt16(val);
			break;
		case INT4OID:
			*ival = DatumGetInt32(val);
			break;
		case INT8OID:
			*ival = DatumGetInt64(val);
			break;
		case NUMERICOID:
			{
				Numeric		n = DatumGetNumeric(val);

				if (numeric_is_nan(n) || numeric_is_inf(n))
					goto fallback;	/* to_jsonb makes these strings */
				jv->type = jbvNumeric;
				jv->val.numeric = n;
				return false;
			}
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			{
				text	   *t = DatumGetTextPP(val);

				jv->type = jbvString;
				jv->val.string.val = VARDATA_ANY(t);
				jv->val.string.len = VARSIZE_ANY_EXHDR(t);
				return false;
			}
		case DATEOID:
		case TIMESTAMPOID:
		case TIMESTAMPTZOID:
			jv->type = jbvString;
			jv->val.string.val = JsonEncodeDateTime(NULL, val, typid, NULL);
			jv->val.string.len = strlen(jv->val.string.val);
			return false;
		case JSONBOID:
			jb = DatumGetJsonbP(val);
			goto stored;
		default:
			goto fallback;
	}
	jv->type = jbvNumeric;
	jv->val.numeric = int64_to_numeric(*ival);
	return true;

fallback:
	jb = DatumGetJsonbP(FunctionCall1(to_jsonb_for_type(typid), val));
stored:
	if (JB_ROOT_IS_SCALAR(jb))
	{
		if (!JsonbExtractScalar(&jb->root, jv))
			elog(ERROR, "audit: malformed scalar jsonb");
	}
	else
	{
		jv->type = jbvBinary;
		jv->val.binary.data = &jb->root;
		jv->val.binary.len = VARSIZE(jb) - VARHDRSZ;
	}
	return false;
}

/* a JSON string literal, as jsonb_out writes one (escape_json's rules) */
static void
append_json_string(StringInfo out, const char *s, int len)
{
	const char *run = s;
	const char *end = s + len;
	const char *p = s;

	/* the common case: nothing to escape */
	while (p < end && (unsigned char) *p >= ' ' && *p != '"' && *p != '\\')
		p++;
	if (p == end)
	{
		enlargeStringInfo(out, len + 2);
		out->data[out->len++] = '"';
		memcpy(out->data + out->len, s, len);
		out->len += len;
		out->data[out->len++] = '"';
		out->data[out->len] = '\0';
		return;
	}
	appendStringInfoCharMacro(out, '"');
	for (; p < end; p++)
	{
		unsigned char c = (unsigned char) *p;

		if (c >= ' ' && c != '"' && c != '\\')
			continue;
		appendBinaryStringInfo(out, run, p - run);
		run = p + 1;
		switch (c)
		{
			case '\b':
				appendBinaryStringInfo(out, "\\b", 2);
				break;
			case '\f':
				appendBinaryStringInfo(out, "\\f", 2);
				break;
			case '\n':
				appendBinaryStringInfo(out, "\\n", 2);
				break;
			case '\r':
				appendBinaryStringInfo(out, "\\r", 2);
				break;
			case '\t':
				appendBinaryStringInfo(out, "\\t", 2);
				break;
			case '"':
				appendBinaryStringInfo(out, "\\\"", 2);
				break;
			case '\\':
				appendBinaryStringInfo(out, "\\\\", 2);
				break;
			default:
				appendStringInfo(out, "\\u%04x", (int) c);
				break;
		}
	}
	appendBinaryStringInfo(out, run, end - run);
	appendStringInfoCharMacro(out, '"');
}


/*
 * What the trigger works out once per statement rather than per row: the
 * recorded and key columns and the order jsonb keeps their names in.  It
 * lives in fn_extra, which lasts as long as the statement's trigger call
 * information; the relation stays locked meanwhile.
 */
typedef struct RowShape
{
	Oid			relid;
	Oid			tgoid;			/* the trigger (its arguments) */
	TupleDesc	td;				/* the descriptor it was worked out for */
	MemoryContext cxt;			/* holds this shape */
	bool		stale;			/* the relation changed since: work it out again */
	bool		changed_only;	/* per-table option: changed columns only */
	bool	   *include;		/* recorded columns (by attribute index) */
	bool	   *keyinc;			/* columns of the row key */
	int		   *keylen;			/* strlen of each column name */
	char	  **keyjson;		/* each name as a JSON key, "name": */
	int		   *keyjsonlen;
	int		   *order;			/* live attribute indexes in key order */
	int			norder;
} RowShape;

/* the order jsonb keeps an object's keys in: shorter first, then bytewise */
static int
attname_cmp(const void *a, const void *b, void *arg)
{
	TupleDesc	td = (TupleDesc) arg;
	const char *na = NameStr(TupleDescAttr(td, *(const int *) a)->attname);
	const char *nb = NameStr(TupleDescAttr(td, *(const int *) b)->attname);
	size_t		la = strlen(na);
	size_t		lb = strlen(nb);

	if (la != lb)
		return la < lb ? -1 : 1;
	return memcmp(na, nb, la);
}

/*
 * The shapes of this backend's audited relations, kept across statements
 * (working one out sorts the column names and reads the key's index), keyed
 * by relation and trigger.  Any relcache invalidation of the relation (a
 * column, index or trigger changed) marks its shape stale; it is worked out
 * again at its next use.  A stale shape is not freed at once, since a
 * statement still running may point to it (fn_extra), but at the end of the
 * transaction that replaces it.
 */
typedef struct ShapeKey
{
	Oid			relid;
	Oid			tgoid;
} ShapeKey;

typedef struct ShapeEntry
{
	ShapeKey	key;
	RowShape   *rs;
} ShapeEntry;

static HTAB *shape_cache = NULL;
static MemoryContext shape_cache_cxt = NULL;

static void
shape_invalidate(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS st;
	ShapeEntry *e;

	hash_seq_init(&st, shape_cache);
	while ((e = hash_seq_search(&st)) != NULL)
	{
		if (relid == InvalidOid || e->key.relid == relid)
			e->rs->stale = true;
	}
}

static RowShape *
build_row_shape(Relation rel, Trigger *tg)
{
	TupleDesc	td = RelationGetDescr(rel);
	int			natts = td->natts;
	Bitmapset  *keyattrs;
	MemoryContext cxt;
	MemoryContext old;
	RowShape   *rs;

	/* under the transaction until it is complete: an error frees it */
	cxt = AllocSetContextCreate(TopTransactionContext, "audit row shape",
								ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(cxt);
	rs = palloc0(sizeof(RowShape));
	rs->relid = RelationGetRelid(rel);
	rs->tgoid = tg->tgoid;
	rs->td = td;
	rs->cxt = cxt;
	rs->include = palloc(Max(natts, 1) * sizeof(bool));
	rs->keylen = palloc(Max(natts, 1) * sizeof(int));
	rs->keyjson = palloc(Max(natts, 1) * sizeof(char *));
	rs->keyjsonlen = palloc(Max(natts, 1) * sizeof(int));
	rs->order = palloc(Max(natts, 1) * sizeof(int));

	/* arguments: mode, then excluded columns */
	for (int i = 0; i < natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(td, i);

		rs->include[i] = !att->attisdropped;
		rs->keylen[i] = strlen(NameStr(att->attname));
		rs->keyjson[i] = NULL;
		rs->keyjsonlen[i] = 0;
		if (!att->attisdropped)
		{
			StringInfoData k;

			initStringInfo(&k);
			append_json_string(&k, NameStr(att->attname), rs->keylen[i]);
			appendBinaryStringInfo(&k, ": ", 2);
			/* at its size: the shape is kept for the backend's life */
			rs->keyjson[i] = pnstrdup(k.data, k.len);
			rs->keyjsonlen[i] = k.len;
			pfree(k.data);
			rs->order[rs->norder++] = i;
		}
	}
	if (tg->tgnargs >= 1)
		rs->changed_only = strcmp(tg->tgargs[0], "changed") == 0;
	for (int a = 1; a < tg->tgnargs; a++)
	{
		for (int i = 0; i < natts; i++)
			if (rs->include[i] && strcmp(NameStr(TupleDescAttr(td, i)->attname), tg->tgargs[a]) == 0)
				rs->include[i] = false;
	}
	qsort_arg(rs->order, rs->norder, sizeof(int), attname_cmp, td);

	/*
	 * The row's key: the primary key, else the replica identity index, else
	 * every recorded column.
	 */
	keyattrs = RelationGetIndexAttrBitmap(rel, INDEX_ATTR_BITMAP_PRIMARY_KEY);
	if (bms_is_empty(keyattrs))
		keyattrs = RelationGetIndexAttrBitmap(rel, INDEX_ATTR_BITMAP_IDENTITY_KEY);
	if (bms_is_empty(keyattrs))
		rs->keyinc = rs->include;
	else
	{
		rs->keyinc = palloc0(Max(natts, 1) * sizeof(bool));
		for (int i = 0; i < natts; i++)
			rs->keyinc[i] = rs->include[i] &&
				bms_is_member(i + 1 - FirstLowInvalidHeapAttributeNumber, keyattrs);
	}
	MemoryContextSwitchTo(old);
	return rs;
}

static RowShape *
row_shape(FunctionCallInfo fcinfo, Relation rel, Trigger *tg)
{
	RowShape   *rs = (RowShape *) fcinfo->flinfo->fn_extra;
	TupleDesc	td = RelationGetDescr(rel);
	ShapeKey	key;
	ShapeEntry *ent;
	bool		found;

	if (rs != NULL && !rs->stale && rs->relid == RelationGetRelid(rel) &&
		rs->tgoid == tg->tgoid && rs->td == td)
		return rs;

	if (shape_cache == NULL)
	{
		HASHCTL		ctl;

		shape_cache_cxt = AllocSetContextCreate(CacheMemoryContext,
												"audit row shapes",
												ALLOCSET_SMALL_SIZES);
		ctl.keysize = sizeof(ShapeKey);
		ctl.entrysize = sizeof(ShapeEntry);
		ctl.hcxt = shape_cache_cxt;
		shape_cache = hash_create("audit row shapes", 16, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		CacheRegisterRelcacheCallback(shape_invalidate, (Datum) 0);
	}
	memset(&key, 0, sizeof(key));
	key.relid = RelationGetRelid(rel);
	key.tgoid = tg->tgoid;
	ent = hash_search(shape_cache, &key, HASH_FIND, NULL);
	if (ent == NULL || ent->rs->stale || ent->rs->td != td)
	{
		HASH_SEQ_STATUS st;
		ShapeEntry *old;

		/* worked out before the entry is made: an error leaves no entry */
		rs = build_row_shape(rel, tg);
		/*
		 * Stale shapes go with this transaction (this one's, and those of
		 * relations dropped or changed since): a statement of it may still
		 * point to them.
		 */
		hash_seq_init(&st, shape_cache);
		while ((old = hash_seq_search(&st)) != NULL)
		{
			if (old->rs->stale || (old->key.relid == key.relid && old->key.tgoid == key.tgoid))
			{
				MemoryContextSetParent(old->rs->cxt, TopTransactionContext);
				(void) hash_search(shape_cache, &old->key, HASH_REMOVE, NULL);
			}
		}
		MemoryContextSetParent(rs->cxt, shape_cache_cxt);
		ent = hash_search(shape_cache, &key, HASH_ENTER, &found);
		Assert(!found);
		ent->rs = rs;
	}
	fcinfo->flinfo->fn_extra = ent->rs;
	return ent->rs;
}

/*
 * A jsonb built in the trigger's short-lived context, copied to
 * TopTransactionContext at its exact size (its build buffer is larger).
 */
static Datum
xact_copy(Jsonb *jb)
{
	Jsonb	   *copy = MemoryContextAlloc(TopTransactionContext, VARSIZE(jb));

	memcpy(copy, jb, VARSIZE(jb));
	return JsonbPGetDatum(copy);
}

/*
 * The general path: through pushJsonbValue, which unpacks containers
 * (json, jsonb, array and composite columns).
 */
static Jsonb *
row_object_nested(TupleDesc td, const Datum *values, const bool *nulls,
				  const bool *include)
{
	JsonbParseState *st = NULL;
	JsonbValue *res;

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < td->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(td, i);
		JsonbValue	k;
		JsonbValue	v;
		int64		ival;

		if (!include[i])
			continue;
		k.type = jbvString;
		k.val.string.val = NameStr(att->attname);
		k.val.string.len = strlen(k.val.string.val);
		pushJsonbValue(&st, WJB_KEY, &k);
		(void) column_value(att->atttypid, values[i], nulls[i], &v, &ival);
		pushJsonbValue(&st, WJB_VALUE, &v);
	}
	res = pushJsonbValue(&st, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}

/*
 * A jsonb object of the columns of a row selected by "include" (indexed by
 * attribute number - 1), copied to TopTransactionContext.  When every value
 * is a scalar (the usual row), the object is built from its sorted pairs
 * directly, and *text gets its text form as jsonb_out would write it (in
 * TopTransactionContext: the entry hash covers it at commit); else *text is
 * NULL and the hash prints the jsonb then.
 */
static Datum
row_object(TupleDesc td, const RowShape *rs, const Datum *values,
		   const bool *nulls, const bool *include, char **text)
{
	int			natts = td->natts;
	JsonbPair  *pairs = palloc(Max(natts, 1) * sizeof(JsonbPair));
	int64	   *ivals = palloc(Max(natts, 1) * sizeof(int64));
	bool	   *isint = palloc(Max(natts, 1) * sizeof(bool));
	int		   *attidx = palloc(Max(natts, 1) * sizeof(int));
	JsonbValue	obj;
	StringInfoData out;
	Jsonb	   *jb;
	int			n = 0;

	/* the columns in key order already (rs->order): no sorting per row */
	for (int k = 0; k < rs->norder; k++)
	{
		int			i = rs->order[k];
		Form_pg_attribute att = TupleDescAttr(td, i);
		JsonbPair	p;
		int64		ival = 0;
		bool		is_int;

		if (!include[i])
			continue;
		p.key.type = jbvString;
		p.key.val.string.val = NameStr(att->attname);
		p.key.val.string.len = rs->keylen[i];
		is_int = column_value(att->atttypid, values[i], nulls[i], &p.value, &ival);
		if (p.value.type == jbvBinary)
		{
			*text = NULL;
			return xact_copy(row_object_nested(td, values, nulls, include));
		}
		p.order = n;
		pairs[n] = p;
		ivals[n] = ival;
		isint[n] = is_int;
		attidx[n] = i;
		n++;
	}

	/* the text form: {"key": value, ...} */
	initStringInfo(&out);
	appendStringInfoCharMacro(&out, '{');
	for (int i = 0; i < n; i++)
	{
		JsonbValue *v = &pairs[i].value;

		if (i > 0)
			appendBinaryStringInfo(&out, ", ", 2);
		appendBinaryStringInfo(&out, rs->keyjson[attidx[i]], rs->keyjsonlen[attidx[i]]);
		switch (v->type)
		{
			case jbvNull:
				appendBinaryStringInfo(&out, "null", 4);
				break;
			case jbvBool:
				if (v->val.boolean)
					appendBinaryStringInfo(&out, "true", 4);
				else
					appendBinaryStringInfo(&out, "false", 5);
				break;
			case jbvString:
				append_json_string(&out, v->val.string.val, v->val.string.len);
				break;
			case jbvNumeric:
				if (isint[i])
				{
					char		buf[MAXINT8LEN + 1];

					appendBinaryStringInfo(&out, buf, pg_lltoa(ivals[i], buf));
				}
				else
					appendStringInfoString(&out,
										   DatumGetCString(DirectFunctionCall1(numeric_out,
																			   NumericGetDatum(v->val.numeric))));
				break;
			default:
				elog(ERROR, "audit: unexpected jsonb value type %d", (int) v->type);
		}
	}
	appendStringInfoCharMacro(&out, '}');

	obj.type = jbvObject;
	obj.val.object.nPairs = n;
	obj.val.object.pairs = pairs;
	jb = JsonbValueToJsonb(&obj);
	*text = MemoryContextStrdup(TopTransactionContext, out.data);
	pfree(out.data);
	return xact_copy(jb);
}

/* do two non-null values of a column hold the same bytes? */
static bool
same_value(Form_pg_attribute att, Datum a, Datum b)
{
	if (att->attbyval)
		return a == b;
	if (att->attlen == -1)
	{
		struct varlena *va = (struct varlena *) DatumGetPointer(a);
		struct varlena *vb = (struct varlena *) DatumGetPointer(b);
		bool		eq;

		/* an unchanged out-of-line value keeps its TOAST pointer */
		if (VARATT_IS_EXTERNAL_ONDISK(va) && VARATT_IS_EXTERNAL_ONDISK(vb) &&
			VARSIZE_EXTERNAL(va) == VARSIZE_EXTERNAL(vb) &&
			memcmp(va, vb, VARSIZE_EXTERNAL(va)) == 0)
			return true;
		va = pg_detoast_datum_packed(va);
		vb = pg_detoast_datum_packed(vb);
		eq = VARSIZE_ANY_EXHDR(va) == VARSIZE_ANY_EXHDR(vb) &&
			memcmp(VARDATA_ANY(va), VARDATA_ANY(vb), VARSIZE_ANY_EXHDR(va)) == 0;
		return eq;
	}
	return datumIsEqual(a, b, false, att->attlen);
}

/* ---- the trigger ------------------------------------------------------- */

static Datum
text_in_xact(const char *s)
{
	MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
	Datum		d = PointerGetDatum(cstring_to_text(s));

	MemoryContextSwitchTo(old);
	return d;
}

/* a user name, shared with the previous entry when it is the same user */
static Datum
user_name(Oid userid, Oid *cache_oid, Datum *cache)
{
	if (*cache == (Datum) 0 || *cache_oid != userid)
	{
		char	   *name = GetUserNameFromId(userid, true);
		char		buf[32];

		if (name == NULL)
		{
			snprintf(buf, sizeof(buf), "%u", userid);
			name = buf;
		}
		*cache = text_in_xact(name);
		*cache_oid = userid;
	}
	return *cache;
}

/* a setting's current text, shared with the previous entry when unchanged */
static bool
setting_text(const char *src, char **cache_src, Datum *cache, Datum *out)
{
	if (src == NULL || src[0] == '\0')
		return false;
	if (*cache_src == NULL || strcmp(*cache_src, src) != 0)
	{
		*cache = text_in_xact(src);
		*cache_src = MemoryContextStrdup(TopTransactionContext, src);
	}
	*out = *cache;
	return true;
}

static void
append_entry(AuditEntry *e)
{
	if (xs.nentries == xs.maxentries)
	{
		if (xs.entries == NULL)
		{
			xs.maxentries = 16;
			xs.entries = MemoryContextAlloc(TopTransactionContext,
											xs.maxentries * sizeof(AuditEntry *));
		}
		else
		{
			xs.maxentries *= 2;
			xs.entries = repalloc_huge(xs.entries, xs.maxentries * sizeof(AuditEntry *));
		}
	}
	xs.entries[xs.nentries++] = e;
}

PG_FUNCTION_INFO_V1(cl_audit_log_change);

/*
 * clinical_audit.log_change(mode, excluded column ...): the audit trigger.
 * mode is 'full' (UPDATE entries carry whole rows) or 'changed' (only the
 * changed columns).  Excluded columns are never recorded, and an UPDATE that
 * changes none of the other columns is not logged.
 */
Datum
cl_audit_log_change(PG_FUNCTION_ARGS)
{
	TriggerData *trig;
	Relation	rel;
	TupleDesc	td;
	Trigger    *tg;
	RowShape   *rs;
	bool		changed_only;
	bool	   *include;
	AuditEntry *e;
	const char *op;
	int			natts;
	Oid			relns;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("clinical_audit.log_change() must be called as a trigger")));
	trig = (TriggerData *) fcinfo->context;
	if (!TRIGGER_FIRED_AFTER(trig->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("clinical_audit.log_change() must be an AFTER trigger"),
				 errhint("Use audit_enable() to audit a table.")));
	if (xs.linked)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("an audited table was changed after the audit entries of the transaction were linked"),
				 errdetail("Changes made by commit-time callbacks cannot be audited.")));

	rel = trig->tg_relation;
	td = RelationGetDescr(rel);
	natts = td->natts;
	tg = trig->tg_trigger;
	rs = row_shape(fcinfo, rel, tg);
	include = rs->include;
	changed_only = rs->changed_only;

	e = MemoryContextAllocZero(TopTransactionContext, sizeof(AuditEntry));
	e->subid = GetCurrentSubTransactionId();
	for (int i = 0; i < AL_NATTS; i++)
		e->nulls[i] = true;

	if (TRIGGER_FIRED_FOR_STATEMENT(trig->tg_event))
	{
		if (!TRIGGER_FIRED_BY_TRUNCATE(trig->tg_event))
			ereport(ERROR,
					(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
					 errmsg("clinical_audit.log_change() fires for each row, or for TRUNCATE")));
		op = "TRUNCATE";
	}
	else
	{
		Datum	   *oldv = NULL,
				   *newv = NULL;
		bool	   *oldn = NULL,
				   *newn = NULL;
		Datum	   *keyv;
		bool	   *keyn;
		bool	   *rowinc = include;
		Datum	   *changed = NULL;
		int			nchanged = 0;

		if (trig->tg_trigtuple != NULL &&
			(TRIGGER_FIRED_BY_DELETE(trig->tg_event) || TRIGGER_FIRED_BY_UPDATE(trig->tg_event)))
		{
			oldv = palloc(natts * sizeof(Datum));
			oldn = palloc(natts * sizeof(bool));
			heap_deform_tuple(trig->tg_trigtuple, td, oldv, oldn);
		}
		if (TRIGGER_FIRED_BY_INSERT(trig->tg_event))
		{
			newv = palloc(natts * sizeof(Datum));
			newn = palloc(natts * sizeof(bool));
			heap_deform_tuple(trig->tg_trigtuple, td, newv, newn);
			op = "INSERT";
		}
		else if (TRIGGER_FIRED_BY_UPDATE(trig->tg_event))
		{
			newv = palloc(natts * sizeof(Datum));
			newn = palloc(natts * sizeof(bool));
			heap_deform_tuple(trig->tg_newtuple, td, newv, newn);
			op = "UPDATE";

			/* which recorded columns changed? */
			changed = palloc(natts * sizeof(Datum));
			if (changed_only)
				rowinc = palloc0(natts * sizeof(bool));
			for (int i = 0; i < natts; i++)
			{
				Form_pg_attribute att = TupleDescAttr(td, i);
				bool		differs;

				if (!include[i])
					continue;
				if (oldn[i] || newn[i])
					differs = oldn[i] != newn[i];
				else
					differs = !same_value(att, oldv[i], newv[i]);
				if (differs)
				{
					changed[nchanged++] = CStringGetTextDatum(NameStr(att->attname));
					if (changed_only)
						rowinc[i] = true;
				}
			}
			if (nchanged == 0)
			{
				/* nothing recorded changed: not logged */
				pfree(e);
				return PointerGetDatum(NULL);
			}
		}
		else if (TRIGGER_FIRED_BY_DELETE(trig->tg_event))
			op = "DELETE";
		else
			ereport(ERROR,
					(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
					 errmsg("clinical_audit.log_change(): unexpected trigger event")));

		/*
		 * The row's key (row_shape: the primary key, else the replica
		 * identity index, else every recorded column), from the row before
		 * the change (after it, for INSERT).
		 */
		keyv = oldv ? oldv : newv;
		keyn = oldv ? oldn : newn;
		e->values[AL_ROW_KEY] = row_object(td, rs, keyv, keyn, rs->keyinc, &e->key_text);
		e->nulls[AL_ROW_KEY] = false;
		if (oldv)
		{
			e->values[AL_OLD_ROW] = row_object(td, rs, oldv, oldn, rowinc, &e->old_text);
			e->nulls[AL_OLD_ROW] = false;
		}
		if (newv)
		{
			e->values[AL_NEW_ROW] = row_object(td, rs, newv, newn, rowinc, &e->new_text);
			e->nulls[AL_NEW_ROW] = false;
		}
		if (nchanged > 0)
		{
			MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);

			e->values[AL_CHANGED_COLUMNS] =
				PointerGetDatum(construct_array(changed, nchanged, TEXTOID, -1, false, TYPALIGN_INT));
			e->nulls[AL_CHANGED_COLUMNS] = false;
			MemoryContextSwitchTo(old);
		}
	}

	/* when, where */
	e->values[AL_RECORDED_AT] = TimestampTzGetDatum(GetCurrentTimestamp());
	e->nulls[AL_RECORDED_AT] = false;
	e->values[AL_TABLE_OID] = ObjectIdGetDatum(RelationGetRelid(rel));
	e->nulls[AL_TABLE_OID] = false;
	relns = RelationGetNamespace(rel);
	if (xs.nsp_name == (Datum) 0 || xs.nsp_oid != relns)
	{
		char	   *nspname = get_namespace_name(relns);

		xs.nsp_name = text_in_xact(nspname ? nspname : "");
		xs.nsp_oid = relns;
	}
	e->values[AL_SCHEMA_NAME] = xs.nsp_name;
	e->nulls[AL_SCHEMA_NAME] = false;
	if (xs.rel_name == (Datum) 0 || xs.relid != RelationGetRelid(rel) ||
		strcmp(xs.rel_name_src, RelationGetRelationName(rel)) != 0)
	{
		xs.rel_name = text_in_xact(RelationGetRelationName(rel));
		xs.rel_name_src = MemoryContextStrdup(TopTransactionContext,
											  RelationGetRelationName(rel));
		xs.relid = RelationGetRelid(rel);
	}
	e->values[AL_TABLE_NAME] = xs.rel_name;
	e->nulls[AL_TABLE_NAME] = false;
	e->values[AL_OPERATION] = text_in_xact(op);
	e->nulls[AL_OPERATION] = false;

	/* who: the trigger runs as the user making the change */
	e->values[AL_CURRENT_USER] = user_name(GetUserId(), &xs.cur_user_oid, &xs.cur_user);
	e->nulls[AL_CURRENT_USER] = false;
	e->values[AL_SESSION_USER] = user_name(GetSessionUserId(), &xs.sess_user_oid, &xs.sess_user);
	e->nulls[AL_SESSION_USER] = false;
	e->nulls[AL_APP_USER] = !setting_text(cl_audit_user, &xs.app_user_src, &xs.app_user,
										  &e->values[AL_APP_USER]);
	e->nulls[AL_APPLICATION_NAME] = !setting_text(application_name, &xs.appname_src, &xs.appname,
												  &e->values[AL_APPLICATION_NAME]);
	if (cl_audit_log_statement && debug_query_string != NULL)
	{
		if (xs.stmt_src != debug_query_string)
		{
			xs.stmt = text_in_xact(debug_query_string);
			xs.stmt_src = debug_query_string;
		}
		e->values[AL_STATEMENT] = xs.stmt;
		e->nulls[AL_STATEMENT] = false;
	}

	append_entry(e);
	return PointerGetDatum(NULL);
}

/* ---- linking at commit ------------------------------------------------- */

static Datum
client_info(PGFunction fn, bool *isnull)
{
	LOCAL_FCINFO(fcinfo, 0);
	Datum		d;

	InitFunctionCallInfoData(*fcinfo, NULL, 0, InvalidOid, NULL, NULL);
	d = fn(fcinfo);
	*isnull = fcinfo->isnull;
	return d;
}

/*
 * Writes the transaction's entries and links them.  Called at pre-commit,
 * when no more audited change can happen.
 *
 * The rows go into the log through the table AM and its indexes directly
 * (as logical replication's apply does), not through SQL: no user-defined
 * code runs and no plan is needed.  The log has no INSERT triggers, and
 * every column the table declares NOT NULL is filled here.  No lock is
 * waited for: the chain lock is only tried (audit_link.c).
 */
/* rows per multi-insert call at commit */
#define INSERT_CHUNK 64

/* when this backend last committed audited changes (only a hint) */
static TimestampTz last_audited_commit = 0;

static void
commit_entries(void)
{
	AuditRelids ids;
	Relation	logrel;
	AuditMap	logmap;
	Oid			save_userid;
	int			save_sec;
	Datum		xact_start;
	Datum		xid;
	Datum		client_addr;
	Datum		client_port;
	bool		addr_null;
	bool		port_null;
	int64	   *entry_ids;
	uint8	   *hashes;
	EState	   *estate;
	ResultRelInfo *rri;
	TupleTableSlot **slots;
	int			nslots;
	AuditHasher *hasher;
	CommandId	cid;
	TimestampTz now;
	int			n = xs.nentries;
	const char *texts[AL_NATTS] = {0};
	MemoryContext cxt;
	MemoryContext oldcxt;

	if (!cl_audit_relids(&ids))
	{
		/* the extension was dropped in this very transaction */
		ereport(WARNING,
				(errmsg("clinical_audit.log does not exist: %d audit entries of this transaction are not recorded",
						n)));
		return;
	}

	/*
	 * Everything allocated here goes when it is done: the current context
	 * may live on (a procedure that COMMITs in a loop runs this in its own
	 * context, freed only at the end of the CALL).
	 */
	cxt = AllocSetContextCreate(TopTransactionContext, "audit commit",
								ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(cxt);

	logrel = table_open(ids.log, RowExclusiveLock);
	cl_audit_map(&cl_audit_log_spec, RelationGetDescr(logrel), &logmap);

	/*
	 * Act as the log's owner while writing: whatever index support code runs
	 * does so with the owner's rights, in a restricted security context.
	 */
	GetUserIdAndSecContext(&save_userid, &save_sec);
	SetUserIdAndSecContext(logrel->rd_rel->relowner,
						   save_sec | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	PushActiveSnapshot(GetTransactionSnapshot());

	xact_start = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	xid = FullTransactionIdGetDatum(GetTopFullTransactionId());
	client_addr = client_info(inet_client_addr, &addr_null);
	client_port = client_info(inet_client_port, &port_null);

	entry_ids = palloc(n * sizeof(int64));
	hashes = palloc((Size) n * AUDIT_HASH_LEN);
	estate = CreateExecutorState();
	rri = makeNode(ResultRelInfo);
	InitResultRelInfo(rri, logrel, 1, NULL, 0);
	ExecOpenIndices(rri, false);
	nslots = Min(n, INSERT_CHUNK);
	slots = palloc(nslots * sizeof(TupleTableSlot *));
	for (int s = 0; s < nslots; s++)
		slots[s] = table_slot_create(logrel, NULL);
	cid = GetCurrentCommandId(true);
	hasher = cl_audit_hasher_create();
	/*
	 * The sequence's lock (which nextval takes anyway) before the allocation
	 * lock, so that a writer never waits for it while holding the latter.
	 */
	LockRelationOid(ids.seq, RowExclusiveLock);

	/*
	 * The rows go in chunks through the multi-insert path: one heap WAL
	 * record per page for a chunk instead of one per row.  Index entries
	 * follow, row by row.  The allocation lock is held for each chunk, from
	 * its first id to its last index entry (audit_link.c): a linker that
	 * waits for it waits for one chunk, not for a whole large commit.
	 */
	for (int first = 0; first < n; first += nslots)
	{
		int			chunk = Min(nslots, n - first);

		(void) cl_audit_alloc_lock(ids.seq, RowExclusiveLock, true);

		for (int s = 0; s < chunk; s++)
		{
			int			i = first + s;
			AuditEntry *e = xs.entries[i];
			uint8	   *h = hashes + (Size) i * AUDIT_HASH_LEN;
			TupleTableSlot *slot = slots[s];

			entry_ids[i] = nextval_internal(ids.seq, false);
			e->values[AL_ID] = Int64GetDatum(entry_ids[i]);
			e->nulls[AL_ID] = false;
			e->values[AL_XACT_START] = xact_start;
			e->nulls[AL_XACT_START] = false;
			e->values[AL_XID] = xid;
			e->nulls[AL_XID] = false;
			e->values[AL_CLIENT_ADDR] = client_addr;
			e->nulls[AL_CLIENT_ADDR] = addr_null;
			e->values[AL_CLIENT_PORT] = client_port;
			e->nulls[AL_CLIENT_PORT] = port_null;
			e->values[AL_BACKEND_PID] = Int32GetDatum(MyProcPid);
			e->nulls[AL_BACKEND_PID] = false;
			texts[AL_ROW_KEY] = e->key_text;
			texts[AL_OLD_ROW] = e->old_text;
			texts[AL_NEW_ROW] = e->new_text;
			cl_audit_entry_hash(hasher, e->values, e->nulls, texts, h);
			e->values[AL_HASH] = PointerGetDatum(cl_audit_hash_bytea(h));
			e->nulls[AL_HASH] = false;

			ExecClearTuple(slot);
			cl_audit_scatter(&logmap, e->values, e->nulls,
							 slot->tts_values, slot->tts_isnull);
			ExecStoreVirtualTuple(slot);
		}
		table_multi_insert(logrel, slots, chunk, cid, 0, NULL);
		for (int s = 0; s < chunk; s++)
		{
#if PG_VERSION_NUM >= 160000
			ExecInsertIndexTuples(rri, slots[s], estate, false, false, NULL, NIL, false);
#else
			ExecInsertIndexTuples(rri, slots[s], estate, false, false, NULL, NIL);
#endif
			ResetPerTupleExprContext(estate);
		}
		cl_audit_alloc_unlock(ids.seq, RowExclusiveLock);
	}

	cl_audit_hasher_free(hasher);
	for (int s = 0; s < nslots; s++)
		ExecDropSingleTupleTableSlot(slots[s]);
	ExecCloseIndices(rri);
	FreeExecutorState(estate);

	/*
	 * Link if this transaction's ids reach a multiple of audit_link_every
	 * (one committer in so many entries links), or if this backend has not
	 * committed audited changes for a while (so that a quiet system keeps
	 * its chain current), and the chain lock is free.  The lock, once ours,
	 * is released as soon as the commit is visible (XACT_EVENT_COMMIT), or
	 * with the other locks if the commit fails.
	 *
	 * The table and index locks first, without waiting either: somebody
	 * holding a strong lock on the chain table or one of its indexes (LOCK
	 * TABLE, VACUUM FULL, ALTER TABLE or INDEX) must not make a committer
	 * wait, or deadlock with it, while it holds the chain lock.
	 * RowExclusiveLock is a weak lock: the fast path.
	 */
	now = GetCurrentTimestamp();
	if ((cl_audit_link_every <= 1 ||
		 entry_ids[n - 1] / cl_audit_link_every != (entry_ids[0] - 1) / cl_audit_link_every ||
		 (cl_audit_link_idle >= 0 &&
		  TimestampDifferenceExceeds(last_audited_commit, now, cl_audit_link_idle))) &&
		ConditionalLockRelationOid(ids.chain, RowExclusiveLock) &&
		cl_audit_try_lock_chain_indexes(ids.chain) &&
		cl_audit_chain_lock(ids.chain, false))
	{
		cl_audit_note_chain_lock(ids.chain);
		(void) cl_audit_link_locked(&ids, false);
	}
	last_audited_commit = now;

	/* make the rows visible to the rest of the commit, if anything looks */
	CommandCounterIncrement();

	PopActiveSnapshot();
	SetUserIdAndSecContext(save_userid, save_sec);
	table_close(logrel, NoLock);
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(cxt);
}

void
cl_audit_note_chain_lock(Oid chain)
{
	if (OidIsValid(xs.chain_lock))
		return;					/* held already, by this or an outer subtransaction */
	xs.chain_lock = chain;
	xs.chain_lock_subid = GetCurrentSubTransactionId();
}

static void
audit_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
			if (xs.nentries > 0)
			{
				xs.linked = true;
				commit_entries();
			}
			xs.linked = true;
			break;
		case XACT_EVENT_PRE_PREPARE:
			if (OidIsValid(xs.chain_lock))
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot PREPARE a transaction that holds the audit chain lock"),
						 errdetail("It was taken by audit_verify(), audit_checkpoint(), audit_link() or audit_archive(); a prepared transaction would keep it and stop all linking.")));
			if (xs.nentries > 0)
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot PREPARE a transaction that changed audited tables"),
						 errdetail("Audit entries are linked onto the hash chain at commit.")));
			break;
		case XACT_EVENT_COMMIT:

			/*
			 * The commit record is written and the transaction is visible to
			 * new snapshots: the next linker can read our head.  Release the
			 * chain lock now rather than after the rest of the cleanup.
			 */
			if (OidIsValid(xs.chain_lock))
				cl_audit_chain_unlock(xs.chain_lock);
			reset_xact_state();
			cl_audit_archiving = false;
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PREPARE:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
			reset_xact_state();
			cl_audit_archiving = false;
			break;
		case XACT_EVENT_PARALLEL_PRE_COMMIT:
			break;
	}
}

static void
audit_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					   SubTransactionId parentSubid, void *arg)
{
	/* the chain lock goes with the subtransaction that took it, or to its parent */
	if (OidIsValid(xs.chain_lock) && xs.chain_lock_subid == mySubid)
	{
		if (event == SUBXACT_EVENT_ABORT_SUB)
			xs.chain_lock = InvalidOid;
		else if (event == SUBXACT_EVENT_COMMIT_SUB)
			xs.chain_lock_subid = parentSubid;
	}
	if (event != SUBXACT_EVENT_ABORT_SUB)
		return;

	/*
	 * Every entry made since this subtransaction began was made by it or by
	 * a subtransaction inside it (those have larger ids); they all sit at
	 * the end of the buffer.
	 */
	while (xs.nentries > 0 && xs.entries[xs.nentries - 1]->subid >= mySubid)
		xs.nentries--;
}

/* ---- initialisation ----------------------------------------------------- */

void
cl_audit_init(void)
{
	DefineCustomStringVariable("pg_clinical.audit_user",
							   "The application's end user, recorded with each audit entry.",
							   "Set by the application per session or per transaction "
							   "(SET LOCAL); recorded as app_user in clinical_audit.log.",
							   &cl_audit_user,
							   NULL,
							   PGC_USERSET,
							   0,
							   NULL, NULL, NULL);
	DefineCustomBoolVariable("pg_clinical.audit_log_statement",
							 "Record the text of the statement with each audit entry.",
							 NULL,
							 &cl_audit_log_statement,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("pg_clinical.audit_link_every",
							"Entries are linked onto the audit hash chain in batches of about this many.",
							"The committer whose entries reach a multiple of this number links "
							"every committed entry not linked yet; 1 links at every commit.",
							&cl_audit_link_every,
							32, 1, 1000000,
							PGC_SUSET,
							0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("pg_clinical.audit_link_idle",
							"A backend that has not committed audited changes for this long links at its next audited commit.",
							"So that the chain stays current when there is little traffic; "
							"-1 links only by pg_clinical.audit_link_every.",
							&cl_audit_link_idle,
							1000, -1, INT_MAX,
							PGC_SUSET,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	RegisterXactCallback(audit_xact_callback, NULL);
	RegisterSubXactCallback(audit_subxact_callback, NULL);
}
