/*
 * ack.c
 *		Acknowledgement (ACK) messages.
 */
#include <string.h>

#include "hl7v2_internal.h"

static void
append_span(cl_buf *out, hl7_span s)
{
	if (s.ptr)
		cl_buf_append(out, s.ptr, s.len);
}

/*
 * hl7_build_ack
 */
bool
hl7_build_ack(const hl7_msg *m, const char *code, const char *text,
			  size_t text_len, const char *control_id, size_t control_id_len,
			  const char *timestamp, size_t timestamp_len, cl_buf *out,
			  cl_error *err)
{
	static const char *const codes[] = {"AA", "AE", "AR", "CA", "CE", "CR"};
	const hl7_delims *d = &m->delims;
	char		fs = d->field;
	bool		ok = false;
	hl7_span	msg_type,
				trigger;

	if (code != NULL)
		for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
			if (strcmp(code, codes[i]) == 0)
				ok = true;
	if (!ok)
	{
		cl_error_set(err, CL_ERR_INVALID_PARAM, CL_NO_OFFSET,
					 "invalid acknowledgment code");
		cl_error_hint(err, "Use AA, AE, AR (original mode) or CA, CE, CR (enhanced mode).");
		return false;
	}
	msg_type = hl7_piece(hl7_msh_field(m, 9), d->repetition, 1);
	trigger = hl7_piece(msg_type, d->component, 2);

	cl_buf_append(out, "MSH", 3);
	cl_buf_append_char(out, fs);
	append_span(out, hl7_msh_field(m, 2));
	cl_buf_append_char(out, fs);
	append_span(out, hl7_msh_field(m, 5));
	cl_buf_append_char(out, fs);
	append_span(out, hl7_msh_field(m, 6));
	cl_buf_append_char(out, fs);
	append_span(out, hl7_msh_field(m, 3));
	cl_buf_append_char(out, fs);
	append_span(out, hl7_msh_field(m, 4));
	cl_buf_append_char(out, fs);
	if (timestamp && !hl7_escape(timestamp, timestamp_len, d, out, err))
		return false;
	cl_buf_append_char(out, fs);	/* MSH-8 security: empty */
	cl_buf_append_char(out, fs);
	cl_buf_append(out, "ACK", 3);
	if (trigger.ptr && trigger.len > 0)
	{
		hl7_span	t = trigger;

		/* the trigger may carry subcomponents: keep only the first */
		t = hl7_piece(t, d->subcomponent, 1);
		cl_buf_append_char(out, d->component);
		append_span(out, t);
		cl_buf_append_char(out, d->component);
		cl_buf_append(out, "ACK", 3);
	}
	cl_buf_append_char(out, fs);
	if (control_id && !hl7_escape(control_id, control_id_len, d, out, err))
		return false;
	cl_buf_append_char(out, fs);
	append_span(out, hl7_msh_field(m, 11));
	cl_buf_append_char(out, fs);
	append_span(out, hl7_msh_field(m, 12));
	cl_buf_append_char(out, '\r');

	cl_buf_append(out, "MSA", 3);
	cl_buf_append_char(out, fs);
	cl_buf_append(out, code, 2);
	cl_buf_append_char(out, fs);
	append_span(out, hl7_msh_field(m, 10));
	if (text && text_len > 0)
	{
		cl_buf_append_char(out, fs);
		if (!hl7_escape(text, text_len, d, out, err))
			return false;
	}
	cl_buf_append_char(out, '\r');
	if (out->failed)
		return hl7_nomem(err);
	return true;
}
