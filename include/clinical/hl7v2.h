/*
 * clinical/hl7v2.h
 *		The PostgreSQL-free core for HL7 v2 messages: parsing into a stored
 *		image with a segment index, paths, lookups, escapes, editing, ACKs,
 *		batch splitting, timestamps and a lossless JSON form.
 *
 * Every function allocates through a caller's cl_allocator (or the allocator
 * of the cl_buf it appends to) and reports failure by filling a cl_error and
 * returning false.  Error codes:
 *   CL_ERR_SYNTAX         malformed message (SQL: 22P02)
 *   CL_ERR_ENCODING       invalid UTF-8 in a message (SQL: 22021)
 *   CL_ERR_INVALID_PARAM  bad path, argument, delimiter set (SQL: 22023)
 *   CL_ERR_LIMIT          message too large for the image format (SQL: 54000)
 *   CL_ERR_NOMEM          allocation failed (SQL: 53200)
 * Error messages quote at most CL_ERR_FRAGMENT_CHARS characters of input.
 *
 * Counting conventions (as the standard counts): segments, occurrences,
 * fields, repetitions, components and subcomponents are 1-based.  MSH-1 is
 * the field separator itself, MSH-2 the encoding characters as written, MSH-3
 * the first field after MSH-2; in every other segment field n is the n-th
 * field after the segment id.
 *
 * Time: every function is linear in the size of its inputs.
 */
#ifndef CLINICAL_HL7V2_H
#define CLINICAL_HL7V2_H

#include "clinical/common.h"

/* ------------------------------------------------------------------------
 * Delimiters
 * ------------------------------------------------------------------------ */

/*
 * The separators of one message, from MSH-1 and MSH-2.  A delimiter the
 * message does not declare (MSH-2 shorter than 4 characters, or no 5th
 * truncation character) is '\0'; the parser rejects NUL bytes, so a '\0'
 * delimiter never matches anything.  'field' is never '\0'.
 */
typedef struct hl7_delims
{
	char		field;			/* MSH-1, usually '|' */
	char		component;		/* MSH-2[0], usually '^' */
	char		repetition;		/* MSH-2[1], usually '~' */
	char		escape;			/* MSH-2[2], usually '\\' */
	char		subcomponent;	/* MSH-2[3], usually '&' */
	char		truncation;		/* MSH-2[4] (v2.7, usually '#'), or '\0' */
} hl7_delims;

/* The defaults |^~\& without truncation character. */
void		hl7_delims_default(hl7_delims *d);

/*
 * Reads a delimiter string "|^~\\&" (field separator then MSH-2, 2..6
 * characters) as written in MSH-1/MSH-2 or in the JSON form's "delimiters".
 * Checks the rules below.  CL_ERR_INVALID_PARAM on failure.
 */
bool		hl7_delims_from_string(const char *s, size_t len, hl7_delims *d,
								   cl_error *err);

/*
 * Writes the delimiter string (field separator + declared encoding
 * characters) into out (at least 7 bytes), NUL-terminated; returns length.
 */
size_t		hl7_delims_to_string(const hl7_delims *d, char *out);

/*
 * Delimiter rules: every declared delimiter is distinct from the others, not
 * CR, LF or NUL, and a single byte (< 0x80); the field separator is not a
 * letter or digit (the encoding characters may be: MSH-2 is honoured as
 * declared).
 * Returns false and fills err (CL_ERR_INVALID_PARAM) when broken.
 */
bool		hl7_delims_check(const hl7_delims *d, cl_error *err);

/* ------------------------------------------------------------------------
 * Spans: a (pointer, length) pair into a message.  ptr == NULL means
 * ABSENT (segment missing, fewer fields/components...); ptr != NULL with
 * len == 0 means present but EMPTY.
 * ------------------------------------------------------------------------ */
typedef struct hl7_span
{
	const char *ptr;
	size_t		len;
} hl7_span;

#define HL7_SPAN_ABSENT ((hl7_span) { NULL, 0 })

typedef enum hl7_value_kind
{
	HL7_VALUE_ABSENT,			/* not there: SQL NULL */
	HL7_VALUE_EMPTY,			/* present but empty: SQL NULL */
	HL7_VALUE_NULL,				/* the HL7 explicit null "" : SQL '' */
	HL7_VALUE_TEXT				/* anything else: decode with hl7_unescape */
} hl7_value_kind;

/* Classifies a span for the SQL layer (see the comments above). */
hl7_value_kind hl7_value_classify(hl7_span v);

/* ------------------------------------------------------------------------
 * Parsing into a stored image
 *
 * Image layout (all integers little-endian, no alignment assumed):
 *   [header_reserve bytes left free for the caller (varlena header)]
 *   header, 16 bytes:
 *     0      format version (HL7_IMAGE_VERSION)
 *     1      0 (reserved)
 *     2..7   delimiters: field, component, repetition, escape,
 *            subcomponent, truncation ('\0' when not declared)
 *     8..11  number of segments (>= 1)
 *     12..15 text length in bytes
 *   text: the normalised message, every segment terminated by one '\r'
 *   index: 12 bytes per segment: offset (u32) of the segment in the text,
 *          length (u32) without terminator, 3-character id, 1 byte 0.
 *
 * Normalisation (the only change made to the input):
 *   - a leading UTF-8 BOM is dropped;
 *   - "\r" and "\r\n" always end a segment; a lone "\n" ends a segment only
 *     when it ends an empty line, or when what follows is the end of input,
 *     another "\r"/"\n" or a line of only spaces/tabs (blank line)
 *     or a segment start (3 characters [A-Z0-9] followed by the field
 *     separator, a "\r"/"\n" or the end) or a line that begins with
 *     [A-Z0-9]+ directly followed by the field separator (a malformed
 *     segment header such as "PIDX|", which is then rejected: free text
 *     never holds an unescaped field separator); otherwise the "\n" belongs
 *     to the text (a multi-line NTE or OBX-5) and is kept as "\n";
 *   - empty lines, lines of only spaces/tabs and trailing terminators are
 *     dropped; every segment is
 *     stored with a single "\r" terminator, the last one too.
 * Checks: not empty, no NUL byte, valid UTF-8 (CL_ERR_ENCODING), starts with
 * MSH (after the BOM and any blank lines), MSH-1/MSH-2 form a valid
 * delimiter set, every segment id is exactly 3 characters [A-Z0-9] followed
 * by the field separator or the end of the segment.  MSH-2 may hold 1 to 5
 * characters when a field separator follows it; it is an error
 * ("MSH shorter than its encoding characters") when the segment ends first.
 * Error offsets (err->offset, "at byte N") count bytes of the input as
 * given (a BOM included); segment numbers are 1-based and count the
 * segments found so far.  Limits: text < 1 GB (CL_MAX_ALLOC).
 * ------------------------------------------------------------------------ */
#define HL7_IMAGE_VERSION 1
#define HL7_IMAGE_HEADER 16
#define HL7_INDEX_ENTRY 12

/*
 * Parses in[0..len) into a freshly allocated image.  On success *image is
 * the start of the allocation (header_reserve free bytes, then the image)
 * and *image_len its total size including header_reserve.
 */
bool		hl7_parse_image(const char *in, size_t len, const cl_allocator *a,
							size_t header_reserve, void **image,
							size_t *image_len, cl_error *err);

/* A read-only view of an image, valid as long as the image is. */
typedef struct hl7_msg
{
	hl7_delims	delims;
	uint32_t	nsegs;
	const unsigned char *index; /* nsegs entries of HL7_INDEX_ENTRY bytes */
	const char *text;			/* normalised text ('\r' terminators) */
	size_t		text_len;
} hl7_msg;

/*
 * Fills out from an image (pointer just past header_reserve, length without
 * it).  Checks structure in O(number of segments): version, delimiters,
 * sizes, each index entry inside the text, contiguous, ended by '\r', ids
 * equal to the text, first segment MSH.  CL_ERR_SYNTAX when malformed.
 */
bool		hl7_msg_view(const void *image, size_t len, hl7_msg *out,
						 cl_error *err);

/*
 * Deep check of an image that did not come from hl7_parse_image (binary
 * receive): hl7_msg_view plus valid UTF-8, no NUL, no '\r' inside segments,
 * valid segment ids, delimiters equal to those written in MSH.
 */
bool		hl7_image_verify(const void *image, size_t len, cl_error *err);

/* Segment i (0-based) of a view. */
typedef struct hl7_seginfo
{
	size_t		offset;			/* in msg->text */
	size_t		len;			/* without terminator */
	char		id[4];			/* NUL-terminated */
} hl7_seginfo;

static inline uint32_t
hl7_read_u32(const unsigned char *p)
{
	return (uint32_t) p[0] | ((uint32_t) p[1] << 8) |
		((uint32_t) p[2] << 16) | ((uint32_t) p[3] << 24);
}

static inline void
hl7_msg_segment(const hl7_msg *m, size_t i, hl7_seginfo *out)
{
	const unsigned char *e = m->index + i * HL7_INDEX_ENTRY;

	out->offset = hl7_read_u32(e);
	out->len = hl7_read_u32(e + 4);
	out->id[0] = (char) e[8];
	out->id[1] = (char) e[9];
	out->id[2] = (char) e[10];
	out->id[3] = '\0';
}

/* The whole text of segment i without its terminator. */
hl7_span	hl7_msg_segment_span(const hl7_msg *m, size_t i);

/*
 * Returns (without conversion or full parsing) the first repetition of
 * MSH-18 (character set) of raw input bytes, in any encoding: *cs points into
 * in.  Returns false when the input has no MSH or no MSH-18 (then *cs is
 * NULL, *cslen 0).  Never fails otherwise; never reads past len.
 */
bool		hl7_peek_charset(const char *in, size_t len, const char **cs,
							 size_t *cslen);

typedef enum hl7_charset
{
	HL7_CHARSET_UNKNOWN,
	HL7_CHARSET_ASCII,
	HL7_CHARSET_UTF8,
	HL7_CHARSET_LATIN1,			/* ISO-8859-1 */
	HL7_CHARSET_WIN1252
} hl7_charset;

/*
 * Classifies an MSH-18 value, case-insensitive, ignoring spaces, '-', '_'
 * and '/': ASCII, US-ASCII -> ASCII; UNICODE UTF-8, UTF-8, UTF8 -> UTF8;
 * 8859/1, ISO-8859-1, ISO_8859-1, ISO IR100, LATIN1 -> LATIN1;
 * WINDOWS-1252, CP1252 -> WIN1252; empty or only spaces -> UTF8 (default);
 * anything else -> UNKNOWN.
 */
hl7_charset hl7_charset_classify(const char *name, size_t len);

/* ------------------------------------------------------------------------
 * Paths: SEG[(n)][-FIELD[(r)][.COMPONENT[.SUBCOMPONENT]]]
 * also dashed: SEG-F-C-S (PID-5-1), with '(r)' after F.  Everything 1-based;
 * an explicit 0 is an error.  Segment id: exactly 3 of [A-Z0-9].  Leading
 * and trailing spaces are ignored.  Numbers are at most HL7_PATH_MAX_INDEX.
 * ------------------------------------------------------------------------ */
#define HL7_PATH_MAX_INDEX 100000

typedef struct hl7_path
{
	char		seg[4];			/* NUL-terminated id */
	int			occurrence;		/* 0 = not given (get: 1st; get_all: all) */
	int			field;			/* 0 = whole segment */
	int			repetition;		/* 0 = not given (get: 1st; get_all: all) */
	int			component;		/* 0 = not given (whole repetition) */
	int			subcomponent;	/* 0 = not given (whole component) */
} hl7_path;

/*
 * Compiles a path.  CL_ERR_INVALID_PARAM with a message such as
 * 'invalid character "x" at position 5 in HL7 path' (1-based position in the
 * given string; err->offset is the 0-based byte offset) and a hint showing
 * the grammar.
 */
bool		hl7_path_parse(const char *s, size_t len, hl7_path *p, cl_error *err);

/* Writes the canonical form ("PID(2)-3(1).4.5", given parts only). */
bool		hl7_path_format(const hl7_path *p, cl_buf *out);

/* ------------------------------------------------------------------------
 * Lookups (raw, still-escaped values pointing into msg->text)
 *
 * MSH-1 and MSH-2 are atomic: their repetition/component/subcomponent 1 is
 * the whole value, higher ones are absent.
 * ------------------------------------------------------------------------ */

/*
 * First match: occurrence not given = first segment with that id, repetition
 * not given = first repetition.  A path naming only a segment returns the
 * whole segment without terminator.  Returns the span (ptr NULL = absent).
 */
hl7_span	hl7_get(const hl7_msg *m, const hl7_path *p);

/*
 * Every match, in message order: every segment occurrence (or the given one)
 * x every repetition (or the given one).  A matching segment whose field is
 * absent, or a repetition whose component is absent, contributes one ABSENT
 * span, so that non-repeating fields stay aligned with segment occurrences.
 * No matching segment: no call.  The callback returns false to stop (then
 * hl7_get_all returns false).
 */
typedef bool (*hl7_span_fn) (void *arg, hl7_span value);
bool		hl7_get_all(const hl7_msg *m, const hl7_path *p, hl7_span_fn fn,
						void *arg);

/* Field n (1-based, MSH counting) of a segment span of message m. */
hl7_span	hl7_segment_field(const hl7_msg *m, hl7_span seg, int n);

/*
 * Piece n (1-based) of a span split on delimiter c ('\0': the span is one
 * piece).  ABSENT when fewer pieces, or when v is absent.
 */
hl7_span	hl7_piece(hl7_span v, char c, int n);

/*
 * Iterates the fields of one segment (for hl7_segments): fields 1..N where
 * for MSH field 1 is the field separator and field 2 the encoding
 * characters.  Linear in the segment length overall.
 */
typedef struct hl7_field_iter
{
	const char *pos;			/* next field start, NULL when done */
	const char *end;
	char		fs;
	int			n;				/* number of the last field returned */
	bool		msh;
} hl7_field_iter;

void		hl7_field_iter_init(hl7_field_iter *it, const hl7_msg *m, size_t segno);
bool		hl7_field_iter_next(hl7_field_iter *it, hl7_span *field);

/* Convenience: MSH-9 ("ADT^A01"), MSH-10, MSH-12 raw spans. */
hl7_span	hl7_msh_field(const hl7_msg *m, int n);

/* ------------------------------------------------------------------------
 * Escapes
 * ------------------------------------------------------------------------ */

/*
 * Decodes escapes of v[0..len) into out: \F\ \S\ \T\ \R\ \E\ -> the
 * delimiters; \P\ -> truncation character (only when declared);
 * \Xhhhh..\ (even number of hex digits) -> bytes: valid UTF-8 sequences
 * as they are, other bytes as ISO-8859-1 converted to UTF-8 (a 00 byte keeps
 * the escape verbatim); \.br\ -> "\n"; \.sp\ or \.sp n\ -> n newlines
 * (n <= 100); every other escape (\H\ \N\ \.fi\ \.nf\ \.in n\ \.ti n\
 * \.sk n\ \.ce\ \Cxxyy\ \Mxxyyzz\ \Zxxx\, unknown ones) verbatim; an escape
 * character without a closing one is a literal.  Output is valid UTF-8 when
 * the input is.  Fails only on NOMEM.
 */
bool		hl7_unescape(const char *v, size_t len, const hl7_delims *d,
						 cl_buf *out, cl_error *err);

/*
 * Encodes text: field, component, repetition, subcomponent separators and
 * the escape character (and the truncation character when declared) to
 * \F\ \S\ \R\ \T\ \E\ (\P\); CR, LF and CRLF to \.br\ (to \X0A\ when '.'
 * is one of the delimiters, where \.br\ would break the structure).  CL_ERR_INVALID_PARAM
 * when the text needs escaping but the delimiters declare no escape
 * character.
 */
bool		hl7_escape(const char *v, size_t len, const hl7_delims *d,
					   cl_buf *out, cl_error *err);

/* ------------------------------------------------------------------------
 * Editing
 * ------------------------------------------------------------------------ */

/*
 * Appends to out the text of m with value (escaped with the message's
 * delimiters) placed at path p.  The unit the path names (repetition of a
 * field -- repetition 1 when not given --, component, subcomponent) is
 * replaced as a whole; other repetitions/components are kept.  Missing
 * segments (appended at the end, as many as needed to reach the requested
 * occurrence), fields, repetitions, components, subcomponents are created.
 * Errors (CL_ERR_INVALID_PARAM): no field in path (whole-segment paths are
 * not settable), MSH-1 or MSH-2, a new MSH segment, an index beyond a
 * delimiter the message does not declare, a value with a '\0'.  value may be
 * NULL when len is 0.  The output uses '\r' terminators: re-parse it with
 * hl7_parse_image.  Line feeds kept as text inside the edited segment are
 * written as the newline escape (\.br\ or \X0A\), so that the edit cannot
 * turn a text line into a segment header; decoded values are unchanged.
 */
bool		hl7_set(const hl7_msg *m, const hl7_path *p, const char *value,
					size_t len, cl_buf *out, cl_error *err);

/* ------------------------------------------------------------------------
 * ACK
 * ------------------------------------------------------------------------ */

/*
 * Appends an acknowledgement of m to out:
 *   MSH|<MSH-2>|<MSH-5>|<MSH-6>|<MSH-3>|<MSH-4>|<timestamp>||ACK^<MSH-9.2>^ACK
 *      |<control_id>|<MSH-11>|<MSH-12>
 *   MSA|<code>|<MSH-10>[|<text>]
 * with m's delimiters (MSH-9 is just ACK when m has no trigger event).
 * timestamp, control_id and text are escaped; each may be NULL (empty).
 * code must be AA AE AR CA CE CR (else CL_ERR_INVALID_PARAM).  No ERR
 * segment is added (MSA-3 carries the text).
 */
bool		hl7_build_ack(const hl7_msg *m, const char *code, const char *text,
						  size_t text_len, const char *control_id,
						  size_t control_id_len, const char *timestamp,
						  size_t timestamp_len, cl_buf *out, cl_error *err);

/* ------------------------------------------------------------------------
 * Batches
 *
 * Splits a file of messages: MLLP framing bytes (0x0B, 0x1C) end a message
 * and are dropped, lines end at CR, LF or CRLF, blank lines (and lines of
 * only spaces/tabs) are skipped, a UTF-8 BOM at a line start is skipped,
 * FHS/BHS/BTS/FTS envelope lines are skipped (and end the current message).
 * A message starts at a line beginning with "MSH" + a non-alphanumeric
 * character and runs to its last line before the next message start,
 * envelope line or framing byte, or before the first line after a blank line
 * that does not look like a segment (3 characters [A-Z0-9] then a
 * character that is not a letter or digit, or the line end): within a message a blank line may only be
 * followed by more segments.  Other lines outside a message (before the
 * first MSH, after an envelope line, after a blank line that ended a
 * message: comment lines between messages) form a GARBAGE item, reported
 * with its own ordinal so that the caller can report it as a bad message.
 * ------------------------------------------------------------------------ */
typedef enum hl7_batch_kind
{
	HL7_BATCH_MESSAGE,
	HL7_BATCH_GARBAGE
} hl7_batch_kind;

typedef struct hl7_batch_item
{
	hl7_batch_kind kind;
	int			ordinal;		/* 1-based, messages and garbage alike */
	size_t		offset;			/* byte span in the input */
	size_t		len;
} hl7_batch_item;

typedef struct hl7_batch_iter
{
	const char *in;
	size_t		len;
	size_t		pos;
	int			ordinal;
} hl7_batch_iter;

void		hl7_batch_init(hl7_batch_iter *it, const char *in, size_t len);

/* Next item; false at the end of input. */
bool		hl7_batch_next(hl7_batch_iter *it, hl7_batch_item *item);

/* ------------------------------------------------------------------------
 * Date/time: DTM/TS "YYYY[MM[DD[HH[MM[SS[.S{1,4}]]]]]][+/-ZZZZ]", an
 * optional "^precision" component is ignored, surrounding spaces too.
 * ------------------------------------------------------------------------ */
typedef struct hl7_datetime
{
	int			year;
	int			month;			/* 1 when not given */
	int			day;			/* 1 when not given */
	int			hour;
	int			minute;
	int			second;
	int			microsecond;
	int			digits;			/* date/time digits given: 4,6,8,10,12,14 */
	int			frac_digits;	/* 0..4 */
	bool		has_offset;
	int			offset_minutes; /* east of UTC, -840..840 */
} hl7_datetime;

/* CL_ERR_INVALID_PARAM naming what is wrong (month 13, day 30 in 2...). */
bool		hl7_datetime_parse(const char *s, size_t len, hl7_datetime *dt,
							   cl_error *err);

/* ------------------------------------------------------------------------
 * JSON (lossless tree)
 *
 *   {"delimiters":"|^~\\&","segments":[["MSH","|","^~\\&","APP",...],
 *                                       ["PID","1","",[["DOE","JOHN"]]],...]}
 * Element 0 of a segment is its id, element i field i (MSH: 1 = field
 * separator, 2 = encoding characters).  A field is a string when it holds
 * no repetition/component/subcomponent delimiter, else an array of
 * repetitions; a repetition is a string when it holds no component or
 * subcomponent delimiter, else an array of components; a component is a
 * string when atomic, else an array of subcomponents.  Leaves are the raw
 * (still escaped) text.
 * ------------------------------------------------------------------------ */
bool		hl7_to_json(const hl7_msg *m, cl_buf *out, cl_error *err);

/*
 * Writer: builds message text from tree events (the SQL layer walks jsonb
 * and calls these).  Per segment: hl7_writer_segment; per field:
 * hl7_writer_field then either hl7_writer_text (atomic) or, per repetition,
 * hl7_writer_repetition then text or, per component, hl7_writer_component
 * then text or, per subcomponent, hl7_writer_subcomponent then text.
 * MSH fields 1 and 2 must be texts equal to the writer's delimiters.  Leaves
 * may not contain CR or any field/repetition/component/subcomponent
 * delimiter (CL_ERR_INVALID_PARAM).  hl7_writer_finish ends the last
 * segment; every segment ends with '\r'.
 */
typedef struct hl7_writer
{
	cl_buf	   *out;
	hl7_delims	d;
	unsigned char special[256]; /* bytes forbidden in leaves */
	int			nsegs;
	int			field;			/* last field number in the segment */
	int			rep;			/* repetitions started in the field */
	int			comp;			/* components started in the repetition */
	int			sub;			/* subcomponents started in the component */
	bool		msh;
	bool		in_segment;
} hl7_writer;

bool		hl7_writer_init(hl7_writer *w, const hl7_delims *d, cl_buf *out,
							cl_error *err);
bool		hl7_writer_segment(hl7_writer *w, const char *id, size_t len,
							   cl_error *err);
bool		hl7_writer_field(hl7_writer *w, cl_error *err);
bool		hl7_writer_repetition(hl7_writer *w, cl_error *err);
bool		hl7_writer_component(hl7_writer *w, cl_error *err);
bool		hl7_writer_subcomponent(hl7_writer *w, cl_error *err);
bool		hl7_writer_text(hl7_writer *w, const char *s, size_t len,
							cl_error *err);
bool		hl7_writer_finish(hl7_writer *w, cl_error *err);

/*
 * Parses the JSON text form (as produced by hl7_to_json; members in any
 * order, whitespace allowed) and appends the message text to out through an
 * hl7_writer.  For standalone use and tests; CL_ERR_SYNTAX for bad JSON,
 * CL_ERR_INVALID_PARAM for a bad tree.
 */
bool		hl7_from_json(const char *json, size_t len, cl_buf *out,
						  cl_error *err);

#endif							/* CLINICAL_HL7V2_H */
