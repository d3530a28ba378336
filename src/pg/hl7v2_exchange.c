/*
 * hl7v2_exchange.c
 *		What an interface engine does with messages: acknowledgements,
 *		splitting batch files, reading HL7 timestamps.
 */
#include "hl7v2_pg.h"

#include "datatype/timestamp.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(hl7v2_ack);
PG_FUNCTION_INFO_V1(hl7v2_split_batch);
PG_FUNCTION_INFO_V1(hl7v2_datetime);

/* "YYYYMMDDHHMMSS+ZZZZ" for now, in the session time zone */
static void
hl7_now(char *out, size_t outsize)
{
	TimestampTz now = GetCurrentTimestamp();
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;
	int			east;

	if (timestamp2tm(now, &tz, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	east = -tz;
	snprintf(out, outsize, "%04d%02d%02d%02d%02d%02d%c%02d%02d",
			 tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 east < 0 ? '-' : '+', abs(east) / 3600, (abs(east) % 3600) / 60);
}

/*
 * hl7_ack(msg, code DEFAULT 'AA', message DEFAULT NULL): an ACK for msg.
 * The control id is new and random: 'A' and 16 hexadecimal digits.
 */
Datum
hl7v2_ack(PG_FUNCTION_ARGS)
{
	struct varlena *v;
	text	   *code;
	char	   *codestr;
	const char *msgtext = NULL;
	size_t		msglen = 0;
	hl7_msg		m;
	cl_buf		buf;
	cl_error	err;
	unsigned char rnd[8];
	char		ctrl[18];
	char		ts[32];

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	v = PG_GETARG_HL7V2_P(0);
	code = PG_GETARG_TEXT_PP(1);
	codestr = text_to_cstring(code);
	if (!PG_ARGISNULL(2))
	{
		text	   *t = PG_GETARG_TEXT_PP(2);

		msgtext = VARDATA_ANY(t);
		msglen = VARSIZE_ANY_EXHDR(t);
	}
	if (!pg_strong_random(rnd, sizeof(rnd)))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate a random control id")));
	ctrl[0] = 'A';
	for (int i = 0; i < 8; i++)
		snprintf(ctrl + 1 + 2 * i, 3, "%02X", rnd[i]);
	hl7_now(ts, sizeof(ts));

	hl7v2_view(v, &m);
	cl_error_clear(&err);
	cl_buf_init(&buf, &cl_pg_palloc_allocator, 256 + msglen * 2);
	if (!hl7_build_ack(&m, codestr, msgtext, msglen, ctrl, strlen(ctrl),
					   ts, strlen(ts), &buf, &err))
		cl_pg_raise(&err, NULL);
	PG_RETURN_POINTER(hl7v2_from_utf8(buf.data, buf.len, NULL));
}

/*
 * hl7_split_batch(batch text, skip_bad boolean DEFAULT false) SETOF hl7v2:
 * the messages of a batch file (FHS/BHS/BTS/FTS envelopes, MLLP frames, blank
 * lines, CR, LF or CRLF).  A bad message is an ERROR naming its ordinal
 * number; with skip_bad it is a WARNING and the others are returned.
 */
Datum
hl7v2_split_batch(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	bool		skip_bad = PG_NARGS() > 1 && !PG_ARGISNULL(1) && PG_GETARG_BOOL(1);
	Tuplestorestate *store;
	TupleDesc	tupdesc = cl_pg_materialize_srf(fcinfo, &store);
	const char *in = VARDATA_ANY(t);
	size_t		len = VARSIZE_ANY_EXHDR(t);
	hl7_batch_iter it;
	hl7_batch_item item;
	int			bad = 0;

	hl7_batch_init(&it, in, len);
	while (hl7_batch_next(&it, &item))
	{
		cl_error	err;
		void	   *image = NULL;
		size_t		image_len;
		const char *cs;
		size_t		cslen;
		bool		ok;

		CHECK_FOR_INTERRUPTS();
		cl_error_clear(&err);
		if (item.kind == HL7_BATCH_GARBAGE)
		{
			char		frag[64];

			cl_fragment(frag, sizeof(frag), in, item.offset + item.len, item.offset, 10);
			cl_error_set(&err, CL_ERR_SYNTAX, CL_NO_OFFSET,
						 "text outside any message (starts with \"%s\")", frag);
			ok = false;
		}
		else if (hl7_peek_charset(in + item.offset, item.len, &cs, &cslen) &&
				 hl7_charset_classify(cs, cslen) == HL7_CHARSET_UNKNOWN)
		{
			char		frag[64];

			cl_fragment(frag, sizeof(frag), cs, cslen, 0, CL_ERR_FRAGMENT_CHARS);
			cl_error_set(&err, CL_ERR_SYNTAX, CL_NO_OFFSET,
						 "unsupported character set \"%s\" in MSH-18", frag);
			ok = false;
		}
		else
			ok = hl7_parse_image(in + item.offset, item.len, &cl_pg_palloc_allocator,
								 VARHDRSZ, &image, &image_len, &err);
		if (!ok)
		{
			bad++;
			ereport(skip_bad ? WARNING : ERROR,
					(errcode(cl_pg_sqlstate(err.code)),
					 errmsg("%s message %d of the batch: %s",
							skip_bad ? "skipping" : "invalid",
							item.ordinal, err.message),
					 err.offset != CL_NO_OFFSET ?
					 errdetail("At %s%sbyte %zu of the message (byte %zu of the batch).",
							   err.where, err.where[0] ? ", " : "",
							   err.offset, item.offset + err.offset) :
					 errdetail("The message starts at byte %zu of the batch.", item.offset),
					 skip_bad ? 0 :
					 errhint("Call hl7_split_batch(batch, skip_bad => true) to get the other messages.")));
			continue;
		}
		{
			Datum		value;
			bool		isnull = false;

			SET_VARSIZE(image, image_len);
			value = PointerGetDatum(image);
			tuplestore_putvalues(store, tupdesc, &value, &isnull);
			pfree(image);
		}
	}
	return (Datum) 0;
}

/*
 * hl7_datetime(text) timestamptz: an HL7 DTM/TS value of any precision
 * (YYYY[MM[DD[HH[MM[SS[.S{1,4}]]]]]][+/-ZZZZ]).  Missing parts are the
 * start of the period (month 1, day 1, 00:00:00).  Without an offset the
 * time is read in the session's TimeZone, as timestamptz input does.
 * NULL or empty input gives NULL.
 */
Datum
hl7v2_datetime(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(t);
	size_t		len = VARSIZE_ANY_EXHDR(t);
	hl7_datetime dt;
	cl_error	err;
	struct pg_tm tm;
	int			tz;
	TimestampTz result;
	size_t		i;

	for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	if (i == len)
		PG_RETURN_NULL();
	cl_error_clear(&err);
	if (!hl7_datetime_parse(s, len, &dt, &err))
	{
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_DATETIME_FORMAT),
				 errmsg("%s", err.message),
				 errhint("HL7 DTM/TS is YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ].")));
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = dt.year;
	tm.tm_mon = dt.month;
	tm.tm_mday = dt.day;
	tm.tm_hour = dt.hour;
	tm.tm_min = dt.minute;
	tm.tm_sec = dt.second;
	if (dt.has_offset)
		tz = -dt.offset_minutes * 60;
	else
		tz = DetermineTimeZoneOffset(&tm, session_timezone);
	if (tm2timestamp(&tm, dt.microsecond, &tz, &result) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("HL7 date/time out of range")));
	PG_RETURN_TIMESTAMPTZ(result);
}
