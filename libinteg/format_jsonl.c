/* format_jsonl.c: the records alone, one per line, as they came. */
#include "integ.h"

static int
jsonl_write(void *arg, const struct integ_msg *m, struct integ_buf *out,
    struct integ_err *e)
{
	if (m->kind != INTEG_MSG_RECORD)
		return 0;
	if (integ_buf_add(out, m->record.p, m->record.len) == -1 ||
	    integ_buf_addc(out, '\n') == -1)
		return integ_errf(e, INTEG_EXIT_DATA, "record too large");
	return 0;
}

const struct integ_format integ_format_jsonl = {
	.name = "jsonl",
	.summary = "the records alone, one JSON object per line",
	.write = jsonl_write,
};
