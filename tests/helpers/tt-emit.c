/*
 * tt-emit: emit.c, schema.c, cursor.c and time.c, driven from
 * tests/t-emit*.sh.
 *
 *   tt-emit cmp A B         compare two cursor values (JSON): -1, 0 or 1
 *   tt-emit rfc3339 TEXT [strict]   "SECS NANOS" or "bad"
 *   tt-emit time MS         MS as RFC 3339 UTC with milliseconds
 *   tt-emit infer N         infer from the first N stdin lines; print the
 *                           schema; then per further line "fits" or
 *                           "widened SCHEMA"
 *   tt-emit formats         the registered formats
 *   tt-emit streams FORMAT  two streams interleaved in one emitter, a log
 *                           line and a global error (the connector's view)
 *   tt-emit drop record|schema JSON NAME...
 *                           JSON without the fields NAME... (field selection)
 *   tt-emit singer-schema JSON   JSON as a Singer SCHEMA carries it
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

static int
json(const char *s, struct integ_json_span *v)
{
	struct integ_err e;

	if (integ_json_validate(s, strlen(s), v, &e) != 0) {
		fprintf(stderr, "tt-emit: %s\n", e.msg);
		exit(65);
	}
	return 0;
}

static int
drop(int argc, char *argv[])
{
	struct integ_json_span v;
	struct integ_buf b;
	int r;

	json(argv[3], &v);
	integ_buf_init(&b, 0);
	if (strcmp(argv[2], "record") == 0)
		r = integ_select_drop(v, (const char *const *)argv + 4,
		    (size_t)(argc - 4), &b);
	else
		r = integ_select_schema_drop(v, (const char *const *)argv + 4,
		    (size_t)(argc - 4), &b);
	if (r == 0)
		printf("%s\n", b.data);
	integ_buf_free(&b);
	return r == 0 ? 0 : 1;
}

static int
singer_schema(const char *text)
{
	struct integ_json_span v;
	struct integ_buf b;

	json(text, &v);
	integ_buf_init(&b, 0);
	integ_format_singer_schema(v, &b);
	printf("%s\n", b.data);
	integ_buf_free(&b);
	return 0;
}

static int
streams(const char *format)
{
	static const char *keys[] = { "id" };
	struct integ_stream_spec a = { .name = "a", .keys = keys, .nkeys = 1,
	    .cursor = "n", .infer = 1 };
	struct integ_stream_spec b = { .name = "b", .ns = "ns1",
	    .schema = "{\"type\":\"object\",\"properties\":{}}" };
	struct integ_emitter *em;
	struct integ_emit_stream *sa, *sb;
	struct integ_state *st = integ_state_new();
	struct integ_err e;
	int code;

	integ_state_set(st, "other", NULL, "k", "\"v\"", 3);
	if ((code = integ_emit_new(format, stdout, &em, &e)) != 0) {
		fprintf(stderr, "tt-emit: %s\n", e.msg);
		return code;
	}
	integ_emit_set_state(em, st);
	if (integ_emit_stream_begin(em, &a, &sa, &e) ||
	    integ_emit_stream_begin(em, &b, &sb, &e) ||
	    integ_emit_log(em, INTEG_LOG_INFO, "hello \"log\"", &e) ||
	    (integ_log_set_sink(integ_emit_log_sink, em),
	    integ_log(INTEG_LOG_WARN, "through the sink"), 0) ||
	    integ_emit_record(sa, "{\"id\":1,\"n\":5}", 14, &e) ||
	    integ_emit_record(sb, "{\"x\":1}", 7, &e) ||
	    integ_emit_record(sa, "{\"id\":2,\"n\":7}", 14, &e) ||
	    integ_emit_checkpoint(sa, &e) ||
	    integ_emit_record(sa, "{\"id\":3,\"n\":9}", 14, &e) ||
	    integ_emit_record(sa, "{\"id\":4,\"n\":6}", 14, &e) ||
	    integ_emit_stream_end(sa, &e) ||
	    integ_emit_stream_fail(sb, 77, "denied", &e) ||
	    integ_emit_error(em, INTEG_FAILURE_CONFIG, "bad config", NULL,
	    &e)) {
		fprintf(stderr, "tt-emit: %s\n", e.msg);
		return e.code;
	}
	integ_log_set_sink(NULL, NULL);
	integ_emit_free(em);
	integ_state_free(st);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct integ_json_span a, b;
	char line[65536], t[32];
	int64_t secs;
	long ns;

	integ_log_init("tt-emit", INTEG_LOG_WARN);
	if (argc < 2)
		return 64;
	if (strcmp(argv[1], "cmp") == 0 && argc == 4) {
		json(argv[2], &a);
		json(argv[3], &b);
		printf("%d\n", integ_cursor_cmp(a, b));
	} else if (strcmp(argv[1], "rfc3339") == 0 && argc >= 3) {
		if (integ_time_rfc3339_parse(argv[2], strlen(argv[2]), argc > 3,
		    &secs, &ns) == 0)
			printf("%lld %ld\n", (long long)secs, ns);
		else
			printf("bad\n");
	} else if (strcmp(argv[1], "time") == 0 && argc == 3) {
		integ_time_rfc3339(strtoll(argv[2], NULL, 10), t);
		printf("%s\n", t);
	} else if (strcmp(argv[1], "infer") == 0 && argc == 3) {
		struct integ_schema *s = integ_schema_new();
		struct integ_buf out;
		long n = strtol(argv[2], NULL, 10), i = 0;

		integ_buf_init(&out, 0);
		while (fgets(line, sizeof(line), stdin) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			json(line, &a);
			if (i++ < n) {
				integ_schema_add(s, a);
				if (i == n) {
					integ_schema_write(s, &out);
					printf("%s\n", out.data);
				}
				continue;
			}
			if (integ_schema_fits(s, a)) {
				printf("fits\n");
			} else {
				integ_schema_add(s, a);
				integ_buf_reset(&out);
				integ_schema_write(s, &out);
				printf("widened %s\n", out.data);
			}
		}
		if (i < n) {
			integ_schema_write(s, &out);
			printf("%s\n", out.data);
		}
		integ_buf_free(&out);
		integ_schema_free(s);
	} else if (strcmp(argv[1], "formats") == 0) {
		const struct integ_format *const *f;

		for (f = integ_format_list(); *f != NULL; f++)
			printf("%s\n", (*f)->name);
	} else if (strcmp(argv[1], "streams") == 0 && argc == 3) {
		return streams(argv[2]);
	} else if (strcmp(argv[1], "drop") == 0 && argc >= 4) {
		return drop(argc, argv);
	} else if (strcmp(argv[1], "singer-schema") == 0 && argc == 3) {
		return singer_schema(argv[2]);
	} else
		return 64;
	return 0;
}
