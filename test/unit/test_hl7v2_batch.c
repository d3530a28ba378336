/*
 * test_hl7v2_batch.c
 *		Unit tests of batch splitting.
 */
#include <stdlib.h>

#include "clinical/hl7v2.h"
#include "unit.h"

static char listing[2048];

/* "M1:<text>|G2:<text>|..." with CR/LF shown as '/' */
static const char *
split(const char *in, size_t len)
{
	hl7_batch_iter it;
	hl7_batch_item item;
	size_t		o = 0;

	listing[0] = '\0';
	hl7_batch_init(&it, in, len);
	while (hl7_batch_next(&it, &item) && o < sizeof(listing) - 64)
	{
		o += (size_t) snprintf(listing + o, sizeof(listing) - o, "%s%c%d:",
							   o ? "|" : "", item.kind == HL7_BATCH_MESSAGE ? 'M' : 'G',
							   item.ordinal);
		for (size_t i = 0; i < item.len && o < sizeof(listing) - 2; i++)
		{
			char		c = in[item.offset + i];

			listing[o++] = (c == '\r' || c == '\n') ? '/' : c;
		}
		listing[o] = '\0';
	}
	return listing;
}

#define SPLIT(s) split(s, sizeof(s) - 1)

TEST(hl7_batch_plain)
{
	CHECK_STR(SPLIT("MSH|1\rPID|1\rMSH|2\rPID|2\r"), "M1:MSH|1/PID|1|M2:MSH|2/PID|2");
	CHECK_STR(SPLIT("MSH|1\nPID|1\n\n\nMSH|2\nPID|2"), "M1:MSH|1/PID|1|M2:MSH|2/PID|2");
	CHECK_STR(SPLIT("MSH|1\r\nPID|1\r\n\r\nMSH|2\r\n"), "M1:MSH|1//PID|1|M2:MSH|2");
	CHECK_STR(SPLIT(""), "");
	CHECK_STR(SPLIT("\r\n\n  \n"), "");
	CHECK_STR(SPLIT("\xEF\xBB\xBFMSH|1\n"), "M1:MSH|1");
}

TEST(hl7_batch_envelopes)
{
	CHECK_STR(SPLIT("FHS|^~\\&|F\rBHS|^~\\&|B\rMSH|1\rPID|1\rMSH|2\rBTS|2\rFTS|1\r"),
			  "M1:MSH|1/PID|1|M2:MSH|2");
	CHECK_STR(SPLIT("BHS|x\nMSH|1\nBTS\n"), "M1:MSH|1");
	/* a blank line inside a message: segments continue it */
	CHECK_STR(SPLIT("MSH|1\n\nPID|1\n"), "M1:MSH|1//PID|1");
	/* MSHX is not a message start */
	CHECK_STR(SPLIT("MSH|1\nMSHX\n"), "M1:MSH|1/MSHX");
}

TEST(hl7_batch_mllp)
{
	CHECK_STR(SPLIT("\x0bMSH|1\rPID|1\r\x1c\r\x0bMSH|2\r\x1c\r"), "M1:MSH|1/PID|1|M2:MSH|2");
	CHECK_STR(SPLIT("\x0bMSH|1\rPID|1\x1c\x0d\x0bjunk\x1c\x0d"), "M1:MSH|1/PID|1|G2:junk");
}

TEST(hl7_batch_garbage)
{
	CHECK_STR(SPLIT("garbage line\nmore\nMSH|1\nPID|1\n"), "G1:garbage line/more|M2:MSH|1/PID|1");
	CHECK_STR(SPLIT("junkMSH|1\nPID|1\n"), "G1:junkMSH|1/PID|1");
	CHECK_STR(SPLIT("MSH|1\nPID|1\n\n// comment\nMSH|2\n"), "M1:MSH|1/PID|1|G2:// comment|M3:MSH|2");
	CHECK_STR(SPLIT("BHS|1\nnot a segment\nBTS|1\n"), "G1:not a segment");
	/* text continuation lines without a blank line stay in the message */
	CHECK_STR(SPLIT("MSH|1\nNTE|1||a\nb c\n"), "M1:MSH|1/NTE|1||a/b c");
}

TEST(hl7_batch_large_linear)
{
	cl_buf		b;
	hl7_batch_iter it;
	hl7_batch_item item;
	int			n = 0;

	cl_buf_init(&b, &cl_malloc_allocator, 1 << 20);
	for (int i = 0; i < 20000; i++)
		cl_buf_append_str(&b, "MSH|^~\\&|A\nPID|1||X\nOBX|1|ST|||v\n\n");
	hl7_batch_init(&it, b.data, b.len);
	while (hl7_batch_next(&it, &item))
	{
		CHECK(item.kind == HL7_BATCH_MESSAGE);
		n++;
	}
	CHECK_INT(n, 20000);
	CHECK_INT(item.ordinal, 20000);
	cl_buf_free(&b);
}
