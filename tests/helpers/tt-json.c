/*
 * tt-json: the JSON core of libinteg, driven from tests/t-json.sh.
 * Values come on stdin; results go to stdout, one per line.
 *
 *   tt-json validate           "ok SPAN" or the error (exit 65)
 *   tt-json type               the type name of the validated text
 *   tt-json iter               each child: "KEY\tVALUE" (KEY "-" in arrays)
 *   tt-json count
 *   tt-json streq BYTES        1 or 0
 *   tt-json decode             the string's decoded bytes
 *   tt-json encode             stdin's bytes as a JSON string
 *   tt-json compact
 *   tt-json equal A B          1 or 0 (A and B as arguments)
 *   tt-json number             as %.17g
 *   tt-json truthy             1 or 0
 *   tt-json member NAME        the member or "missing"
 *   tt-json path PATH          the value at PATH or "missing"
 *   tt-json stream PATH|- N [MAX]  stream stdin in chunks of N bytes
 *                              (records up to MAX bytes): records,
 *                              "#text FOUND", "#trailer CODE LINE"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integ.h"
#include "tt.h"

static void
put(struct integ_json_span v)
{
	fwrite(v.p, 1, v.len, stdout);
	putchar('\n');
}

static int
on_record(void *arg, const char *p, size_t len)
{
	fwrite(p, 1, len, stdout);
	putchar('\n');
	return 0;
}

static int
on_text(void *arg, int found)
{
	printf("#text %d\n", found);
	return 0;
}

static int
on_trailer(void *arg, int code, const char *line, size_t len)
{
	printf("#trailer %d %.*s\n", code, (int)len, line);
	return 0;
}

static int
stream(const char *path, size_t chunk, size_t max)
{
	struct integ_json_sink sink = { on_record, on_text, on_trailer, NULL,
	    NULL };
	struct integ_json_stream *s;
	struct integ_path *pa = NULL;
	struct integ_err e;
	char *in;
	size_t len, off, n;
	int rc = 0;

	if (strcmp(path, "-") != 0 && integ_path_compile(path, &pa, &e) != 0) {
		printf("error: %s\n", e.msg);
		return e.code;
	}
	in = tt_slurp(&len);
	s = integ_json_stream_new(pa, max, &sink);
	for (off = 0; off < len && rc == 0; off += n) {
		n = len - off < chunk ? len - off : chunk;
		rc = integ_json_stream_feed(s, in + off, n, &e);
	}
	if (rc == 0)
		rc = integ_json_stream_end(s, &e);
	if (rc != 0)
		printf("error %d: %s\n", rc, e.msg);
	integ_json_stream_free(s);
	integ_path_free(pa);
	free(in);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct integ_json_span v, k, c, a, b;
	struct integ_json_iter it;
	struct integ_path *pa;
	struct integ_err e;
	struct integ_buf buf;
	char *in;
	size_t len;
	int rc = 0;

	integ_log_init("tt-json", INTEG_LOG_WARN);
	if (argc < 2)
		return 64;
	if (strcmp(argv[1], "stream") == 0 && (argc == 4 || argc == 5))
		return stream(argv[2], strtoul(argv[3], NULL, 10),
		    argc == 5 ? strtoul(argv[4], NULL, 10) : 0);
	if (strcmp(argv[1], "equal") == 0 && argc == 4) {
		if (integ_json_validate(argv[2], strlen(argv[2]), &a, &e) != 0 ||
		    integ_json_validate(argv[3], strlen(argv[3]), &b, &e) != 0) {
			printf("error: %s\n", e.msg);
			return 65;
		}
		printf("%d\n", integ_json_equal(a, b));
		return 0;
	}
	in = tt_slurp(&len);
	integ_buf_init(&buf, 0);
	if (strcmp(argv[1], "encode") == 0) {
		integ_json_str_encode(&buf, in, len);
		printf("%s\n", buf.data);
		goto done;
	}
	if (integ_json_validate(in, len, &v, &e) != 0) {
		printf("error: %s\n", e.msg);
		rc = e.code;
		goto done;
	}
	if (strcmp(argv[1], "validate") == 0) {
		printf("ok ");
		put(v);
	} else if (strcmp(argv[1], "type") == 0) {
		printf("%s\n", integ_json_type_name(integ_json_type(v)));
	} else if (strcmp(argv[1], "iter") == 0) {
		if (integ_json_iter_init(&it, v) == -1)
			printf("not a container\n");
		while (integ_json_iter_next(&it, &k, &c)) {
			if (k.p == NULL)
				printf("-\t");
			else
				printf("%.*s\t", (int)k.len, k.p);
			put(c);
		}
	} else if (strcmp(argv[1], "count") == 0) {
		printf("%zu\n", integ_json_count(v));
	} else if (strcmp(argv[1], "streq") == 0 && argc == 3) {
		printf("%d\n", integ_json_str_eq(v, argv[2], strlen(argv[2])));
	} else if (strcmp(argv[1], "decode") == 0) {
		if (integ_json_str_decode(v, &buf) == -1)
			printf("error\n");
		else
			fwrite(buf.data, 1, buf.len, stdout);
	} else if (strcmp(argv[1], "compact") == 0) {
		integ_json_compact(v, &buf);
		printf("%.*s\n", (int)buf.len, buf.data ? buf.data : "");
	} else if (strcmp(argv[1], "number") == 0) {
		printf("%.17g\n", integ_json_number(v));
	} else if (strcmp(argv[1], "truthy") == 0) {
		printf("%d\n", integ_json_truthy(v));
	} else if (strcmp(argv[1], "member") == 0 && argc == 3) {
		if (integ_json_member(v, argv[2], &c))
			put(c);
		else
			printf("missing\n");
	} else if (strcmp(argv[1], "path") == 0 && argc == 3) {
		if ((rc = integ_path_compile(argv[2], &pa, &e)) != 0) {
			printf("error: %s\n", e.msg);
			goto done;
		}
		if (integ_path_find(pa, v, &c))
			put(c);
		else
			printf("missing\n");
		integ_path_free(pa);
	} else
		rc = 64;
done:
	integ_buf_free(&buf);
	free(in);
	return rc;
}
