/*
 * fuzz-link: the parsers integ-fetch runs on what a server sends: Link
 * headers, Retry-After, URL resolution against a base, query
 * parameters. The input is split at
 * the first newline: a base URL, then a header value. Invariants: no
 * crash, a found link is a substring of the header value, a resolved URL
 * is http or https.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "integ.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct integ_buf b;
	struct integ_err e;
	const char *nl;
	char *in, *base, *hdr, *url, o[512];

	in = integ_xstrndup((const char *)data, size);
	if ((nl = strchr(in, '\n')) != NULL) {
		base = integ_xstrndup(in, (size_t)(nl - in));
		hdr = integ_xstrdup(nl + 1);
	} else {
		base = integ_xstrdup("http://h/a/b?c=d");
		hdr = integ_xstrdup(in);
	}
	integ_buf_init(&b, 1 << 20);
	if (integ_link_find(hdr, "next", &b)) {
		if (b.len > 0 && strstr(hdr, b.data) == NULL)
			abort();
		if (integ_url_resolve(base, b.data, &url, &e) == 0) {
			if (strncasecmp(url, "http://", 7) != 0 &&
			    strncasecmp(url, "https://", 8) != 0)
				abort();
			(void)integ_url_origin(url, o, sizeof(o));
			free(url);
		}
	}
	(void)integ_retry_after(hdr, 1700000000.0);
	if (integ_url_query_set(base, "cursor", hdr, &url, &e) == 0)
		free(url);
	integ_buf_free(&b);
	free(base);
	free(hdr);
	free(in);
	return 0;
}
