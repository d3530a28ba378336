/*
 * batch.c
 *		Splitting batch files (FHS/BHS envelopes, MLLP frames, blank lines)
 *		into messages.
 */
#include <string.h>

#include "hl7v2_internal.h"

#define MLLP_START '\x0b'
#define MLLP_END '\x1c'

typedef enum line_kind
{
	LINE_BLANK,
	LINE_MSH,
	LINE_ENVELOPE,
	LINE_OTHER
} line_kind;

void
hl7_batch_init(hl7_batch_iter *it, const char *in, size_t len)
{
	it->in = in;
	it->len = len;
	it->pos = 0;
	it->ordinal = 0;
}

/*
 * line_end
 *		First CR, LF or MLLP framing byte at or after p.
 */
static inline const char *
line_end(const char *p, const char *end)
{
	while (p < end)
	{
		unsigned char c = (unsigned char) *p;

		if (c <= 0x1c && (c == '\r' || c == '\n' || c == MLLP_START || c == MLLP_END))
			return p;
		p++;
	}
	return end;
}

/*
 * classify
 *		Kind of the line [p, e); *content is set past a BOM.
 */
static line_kind
classify(const char *p, const char *e, const char **content)
{
	const char *q = p;

	if (e - q >= 3 && memcmp(q, "\xEF\xBB\xBF", 3) == 0)
		q += 3;
	*content = q;
	{
		const char *r = q;

		while (r < e && (*r == ' ' || *r == '\t'))
			r++;
		if (r == e)
			return LINE_BLANK;
	}
	if (e - q >= 4 && memcmp(q, "MSH", 3) == 0 && !hl7_is_alnum((unsigned char) q[3]))
		return LINE_MSH;
	if (e - q >= 3 &&
		(memcmp(q, "FHS", 3) == 0 || memcmp(q, "BHS", 3) == 0 ||
		 memcmp(q, "BTS", 3) == 0 || memcmp(q, "FTS", 3) == 0) &&
		(e - q == 3 || !hl7_is_alnum((unsigned char) q[3])))
		return LINE_ENVELOPE;
	return LINE_OTHER;
}

/*
 * hl7_batch_next
 *		Skips blank lines, envelope lines and framing bytes, then collects
 *		one message (MSH line and following OTHER lines) or one garbage run
 *		(OTHER lines outside a message).
 */
bool
hl7_batch_next(hl7_batch_iter *it, hl7_batch_item *item)
{
	const char *base = it->in;
	const char *end = base + it->len;
	const char *p = base + it->pos;
	const char *start = NULL;
	const char *last_end = NULL;
	line_kind	first = LINE_BLANK;
	bool		blank_seen = false;
	bool		after_content = false;

	while (p < end)
	{
		const char *e;
		const char *content;
		const char *line_start;
		line_kind	k;

		if (*p == '\r' || *p == '\n')
		{
			/* a terminator not ending a line of content: an empty line */
			if (!after_content && start)
				blank_seen = true;
			after_content = false;
			p += (*p == '\r' && p + 1 < end && p[1] == '\n') ? 2 : 1;
			continue;
		}
		if (*p == MLLP_START || *p == MLLP_END)
		{
			/* a framing byte ends the current item */
			if (start)
				break;
			after_content = false;
			p++;
			continue;
		}
		after_content = true;
		line_start = p;
		e = line_end(p, end);
		k = classify(p, e, &content);
		if (k == LINE_BLANK)
		{
			blank_seen = start != NULL;
			p = e;
			continue;
		}
		if (start == NULL)
		{
			if (k == LINE_ENVELOPE)
			{
				p = e;
				continue;
			}
			first = k;
			start = (k == LINE_MSH) ? content : p;
			last_end = e;
			p = e;
			continue;
		}
		if (k != LINE_OTHER)
			break;				/* next message or envelope ends this item */
		/* after a blank line, only a segment continues a message */
		if (blank_seen && first == LINE_MSH &&
			!(e - content >= 3 && hl7_is_idchar((unsigned char) content[0]) &&
			  hl7_is_idchar((unsigned char) content[1]) &&
			  hl7_is_idchar((unsigned char) content[2]) &&
			  (e - content == 3 || !hl7_is_alnum((unsigned char) content[3]))))
		{
			p = line_start;
			break;
		}
		blank_seen = false;
		last_end = e;
		p = e;
	}
	it->pos = (size_t) (p - base);
	if (start == NULL)
		return false;
	item->kind = first == LINE_MSH ? HL7_BATCH_MESSAGE : HL7_BATCH_GARBAGE;
	item->ordinal = ++it->ordinal;
	item->offset = (size_t) (start - base);
	item->len = (size_t) (last_end - start);
	return true;
}
