/*
 * fuzz-path: path compilation and lookup. The input is a path, a
 * newline, and a JSON text. When both are good, the streaming scanner
 * must yield at the path what integ_path_find finds (an array's
 * elements, another value itself, null or missing nothing), unless an
 * object repeats a name (the stream follows every occurrence).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
rec(void *arg, const char *p, size_t n)
{
	integ_buf_add(arg, p, n);
	integ_buf_addc(arg, '\n');
	return 0;
}

/* Does any object in v repeat a name? */
static int
dups(struct integ_json_span v)
{
	struct integ_json_iter it, jt;
	struct integ_json_span k, c, k2;
	struct integ_buf b;
	int n, m, d = 0;

	if (integ_json_iter_init(&it, v) != 0)
		return 0;
	integ_buf_init(&b, 0);
	for (n = 0; !d && integ_json_iter_next(&it, &k, &c); n++) {
		if (dups(c))
			d = 1;
		if (!it.object)
			continue;
		integ_json_str_decode(k, &b);
		integ_json_iter_init(&jt, v);
		for (m = 0; m < n && integ_json_iter_next(&jt, &k2, NULL); m++)
			if (integ_json_str_eq(k2, b.data, b.len))
				d = 1;
	}
	integ_buf_free(&b);
	return d;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size), *doc;
	struct integ_json_sink sink = { rec, NULL, NULL, NULL, NULL };
	struct integ_json_stream *s;
	struct integ_json_span v, found, el;
	struct integ_json_iter it;
	struct integ_path *path;
	struct integ_buf want, got;
	char *text;
	size_t dlen, off, k;
	int rc;

	if (nl == NULL)
		return 0;
	text = integ_xstrndup((const char *)data, (size_t)(nl - (const char *)data));
	if (strlen(text) != (size_t)(nl - (const char *)data) ||
	    integ_path_compile(text, &path, NULL) != 0) {
		free(text);
		return 0;
	}
	if (strcmp(integ_path_text(path), text) != 0)
		abort();
	doc = nl + 1;
	dlen = size - (size_t)(doc - (const char *)data);
	if (integ_json_validate(doc, dlen, &v, NULL) == 0 && !dups(v)) {
		integ_buf_init(&want, 0);
		integ_buf_init(&got, 0);
		if (integ_path_find(path, v, &found) &&
		    integ_json_type(found) != INTEG_JSON_NULL) {
			if (integ_json_type(found) == INTEG_JSON_ARRAY) {
				integ_json_iter_init(&it, found);
				while (integ_json_iter_next(&it, NULL, &el)) {
					integ_json_compact(el, &want);
					integ_buf_addc(&want, '\n');
				}
			} else {
				integ_json_compact(found, &want);
				integ_buf_addc(&want, '\n');
			}
		}
		sink.arg = &got;
		/* fed in small chunks: keys and records cross their edges */
		s = integ_json_stream_new(path, 0, &sink);
		for (off = 0, rc = 0; off < dlen && rc == 0; off += k) {
			k = 1 + (off * 7 + size) % 13;
			if (k > dlen - off)
				k = dlen - off;
			rc = integ_json_stream_feed(s, doc + off, k, NULL);
		}
		if (rc == 0)
			rc = integ_json_stream_end(s, NULL);
		integ_json_stream_free(s);
		if (rc != 0 || want.len != got.len ||
		    (want.len && memcmp(want.data, got.data, want.len) != 0))
			abort();
		integ_buf_free(&want);
		integ_buf_free(&got);
	}
	integ_path_free(path);
	free(text);
	return 0;
}
