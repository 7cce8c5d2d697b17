/*
 * config.c: a connector's config checked against its spec before any
 * request is made, so a typo fails in a second with the field named
 * instead of an hour into a sync.
 *
 * The spec is the JSON Schema subset DESIGN.md names: type, properties,
 * required, enum, default, format (date-time, date, uri), pattern (POSIX
 * extended regex), minimum/maximum, airbyte_secret. Anything else in a
 * schema is ignored, not guessed at.
 */
#include <stdlib.h>
#include <string.h>

/*
 * libonig (which libjq needs) exports regcomp and regexec under glibc's
 * names with other flag values, and wins at link time: glibc's <regex.h>
 * would silently call Oniguruma with the wrong flags. Say so, and use
 * Oniguruma's POSIX interface on purpose.
 */
#include <onigposix.h>

#include "integ.h"

#define FIELD_MAX	256

static int check(struct integ_json_span, struct integ_json_span, const char *,
    struct integ_err *);

static const char *
field(const char *where)
{
	return *where ? where : "(config)";
}

static int
typeok(const char *want, struct integ_json_span v)
{
	enum integ_json_type t = integ_json_type(v);
	size_t i;

	if (strcmp(want, "object") == 0)
		return t == INTEG_JSON_OBJECT;
	if (strcmp(want, "array") == 0)
		return t == INTEG_JSON_ARRAY;
	if (strcmp(want, "string") == 0)
		return t == INTEG_JSON_STRING;
	if (strcmp(want, "boolean") == 0)
		return t == INTEG_JSON_TRUE || t == INTEG_JSON_FALSE;
	if (strcmp(want, "null") == 0)
		return t == INTEG_JSON_NULL;
	if (strcmp(want, "number") == 0)
		return t == INTEG_JSON_NUMBER;
	if (strcmp(want, "integer") == 0) {
		if (t != INTEG_JSON_NUMBER)
			return 0;
		/* 1.0 and 1e2 are numbers, not integers, as for Singer */
		for (i = 0; i < v.len; i++)
			if (v.p[i] == '.' || v.p[i] == 'e' || v.p[i] == 'E')
				return 0;
		return 1;
	}
	return 1;	/* a type we do not know constrains nothing */
}

/* "type" is a string or an array of strings. */
static int
checktype(struct integ_json_span schema, struct integ_json_span v,
    const char *where, struct integ_err *e)
{
	struct integ_json_span ty, el;
	struct integ_json_iter it;
	struct integ_buf name;
	int ok = 0;

	if (!integ_json_member(schema, "type", &ty))
		return 0;
	integ_buf_init(&name, FIELD_MAX);
	if (integ_json_type(ty) == INTEG_JSON_STRING) {
		if (integ_json_str_decode(ty, &name) == 0)
			ok = typeok(name.data, v);
	} else if (integ_json_type(ty) == INTEG_JSON_ARRAY) {
		integ_json_iter_init(&it, ty);
		while (!ok && integ_json_iter_next(&it, NULL, &el))
			if (integ_json_str_decode(el, &name) == 0)
				ok = typeok(name.data, v);
	} else {
		ok = 1;
	}
	if (!ok) {
		integ_buf_reset(&name);
		integ_json_compact(ty, &name);
		integ_errf(e, INTEG_EXIT_CONFIG, "%s: must be of type %s, not %s",
		    field(where), name.data ? name.data : "?",
		    integ_json_type_name(integ_json_type(v)));
	}
	integ_buf_free(&name);
	return ok ? 0 : INTEG_EXIT_CONFIG;
}

static int
checkenum(struct integ_json_span schema, struct integ_json_span v,
    const char *where, struct integ_err *e)
{
	struct integ_json_span en, el;
	struct integ_json_iter it;

	if (!integ_json_member(schema, "enum", &en) ||
	    integ_json_type(en) != INTEG_JSON_ARRAY)
		return 0;
	integ_json_iter_init(&it, en);
	while (integ_json_iter_next(&it, NULL, &el))
		if (integ_json_equal(el, v))
			return 0;
	return integ_errf(e, INTEG_EXIT_CONFIG, "%s: not one of the allowed values",
	    field(where));
}

static int
checkrange(struct integ_json_span schema, struct integ_json_span v,
    const char *where, struct integ_err *e)
{
	struct integ_json_span lim;
	double x;

	if (integ_json_type(v) != INTEG_JSON_NUMBER)
		return 0;
	x = integ_json_number(v);
	if (integ_json_member(schema, "minimum", &lim) &&
	    integ_json_type(lim) == INTEG_JSON_NUMBER &&
	    x < integ_json_number(lim))
		return integ_errf(e, INTEG_EXIT_CONFIG, "%s: below the minimum %.*s",
		    field(where), (int)lim.len, lim.p);
	if (integ_json_member(schema, "maximum", &lim) &&
	    integ_json_type(lim) == INTEG_JSON_NUMBER &&
	    x > integ_json_number(lim))
		return integ_errf(e, INTEG_EXIT_CONFIG, "%s: above the maximum %.*s",
		    field(where), (int)lim.len, lim.p);
	return 0;
}

static int
matches(const char *re, const char *s)
{
	regex_t rx;
	int ok;

	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
		return -1;
	ok = regexec(&rx, s, 0, NULL, 0) == 0;
	regfree(&rx);
	return ok;
}

/* Shapes only: a well-formed value, not a check that the date exists. */
static const char *
formatre(const char *fmt)
{
	if (strcmp(fmt, "date-time") == 0)
		return "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}"
		    "(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$";
	if (strcmp(fmt, "date") == 0)
		return "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
	if (strcmp(fmt, "uri") == 0)
		return "^[A-Za-z][A-Za-z0-9+.-]*:[^ ]+$";
	return NULL;
}

static int
checkstring(struct integ_json_span schema, struct integ_json_span v,
    const char *where, struct integ_err *e)
{
	struct integ_json_span pat, fmt;
	struct integ_buf s, re;
	const char *fre;
	int rc = 0, m;

	if (integ_json_type(v) != INTEG_JSON_STRING)
		return 0;
	integ_buf_init(&s, 0);
	integ_buf_init(&re, 4096);
	if (integ_json_str_decode(v, &s) == -1 || s.data == NULL)
		integ_buf_adds(&s, "");
	if (strlen(s.data) != s.len) {
		rc = integ_errf(e, INTEG_EXIT_CONFIG, "%s: contains a NUL",
		    field(where));
		goto out;
	}
	if (integ_json_member(schema, "format", &fmt) &&
	    integ_json_str_decode(fmt, &re) == 0 && re.data != NULL &&
	    (fre = formatre(re.data)) != NULL && matches(fre, s.data) != 1) {
		rc = integ_errf(e, INTEG_EXIT_CONFIG, "%s: not a valid %s",
		    field(where), re.data);
		goto out;
	}
	if (integ_json_member(schema, "pattern", &pat) &&
	    integ_json_str_decode(pat, &re) == 0 && re.data != NULL) {
		m = matches(re.data, s.data);
		if (m == -1)
			rc = integ_errf(e, INTEG_EXIT_CONFIG,
			    "%s: the spec's pattern does not compile", field(where));
		else if (m == 0)
			rc = integ_errf(e, INTEG_EXIT_CONFIG,
			    "%s: does not match the pattern %s", field(where),
			    re.data);
	}
out:
	integ_buf_free(&s);
	integ_buf_free(&re);
	return rc;
}

static int
checkobject(struct integ_json_span schema, struct integ_json_span v,
    const char *where, struct integ_err *e)
{
	struct integ_json_span props, req, key, sub, val;
	struct integ_json_iter it;
	struct integ_buf name;
	char path[FIELD_MAX];
	int rc = 0;

	if (integ_json_type(v) != INTEG_JSON_OBJECT)
		return 0;
	integ_buf_init(&name, FIELD_MAX);
	if (integ_json_member(schema, "required", &req) &&
	    integ_json_type(req) == INTEG_JSON_ARRAY) {
		integ_json_iter_init(&it, req);
		while (rc == 0 && integ_json_iter_next(&it, NULL, &key)) {
			if (integ_json_str_decode(key, &name) != 0 ||
			    name.data == NULL)
				continue;
			if (!integ_json_member(v, name.data, &val)) {
				snprintf(path, sizeof(path), "%s%s%s", where,
				    *where ? "." : "", name.data);
				rc = integ_errf(e, INTEG_EXIT_CONFIG,
				    "%s: required field missing", path);
			}
		}
	}
	if (rc == 0 && integ_json_member(schema, "properties", &props) &&
	    integ_json_type(props) == INTEG_JSON_OBJECT) {
		integ_json_iter_init(&it, props);
		while (rc == 0 && integ_json_iter_next(&it, &key, &sub)) {
			if (integ_json_str_decode(key, &name) != 0 ||
			    name.data == NULL)
				continue;
			if (!integ_json_member(v, name.data, &val))
				continue;
			snprintf(path, sizeof(path), "%s%s%s", where,
			    *where ? "." : "", name.data);
			rc = check(sub, val, path, e);
		}
	}
	integ_buf_free(&name);
	return rc;
}

static int
check(struct integ_json_span schema, struct integ_json_span v,
    const char *where, struct integ_err *e)
{
	int rc;

	if (integ_json_type(schema) != INTEG_JSON_OBJECT)
		return 0;
	if ((rc = checktype(schema, v, where, e)) != 0 ||
	    (rc = checkenum(schema, v, where, e)) != 0 ||
	    (rc = checkrange(schema, v, where, e)) != 0 ||
	    (rc = checkstring(schema, v, where, e)) != 0)
		return rc;
	return checkobject(schema, v, where, e);
}

int
integ_config_validate(struct integ_json_span schema,
    struct integ_json_span config, struct integ_err *e)
{
	return check(schema, config, "", e);
}

/*
 * Register as secrets the values of every field the schema marks
 * airbyte_secret, at any depth, so that no log can show them.
 */
int
integ_config_secrets(struct integ_json_span schema, struct integ_json_span config)
{
	struct integ_json_span props, key, sub, val, flag;
	struct integ_json_iter it;
	struct integ_buf name, s;
	int n = 0;

	if (integ_json_type(schema) != INTEG_JSON_OBJECT ||
	    integ_json_type(config) != INTEG_JSON_OBJECT ||
	    !integ_json_member(schema, "properties", &props) ||
	    integ_json_type(props) != INTEG_JSON_OBJECT)
		return 0;
	integ_buf_init(&name, FIELD_MAX);
	integ_buf_init(&s, 0);
	integ_json_iter_init(&it, props);
	while (integ_json_iter_next(&it, &key, &sub)) {
		if (integ_json_str_decode(key, &name) != 0 || name.data == NULL ||
		    !integ_json_member(config, name.data, &val))
			continue;
		if (integ_json_member(sub, "airbyte_secret", &flag) &&
		    integ_json_truthy(flag)) {
			if (integ_json_type(val) == INTEG_JSON_STRING &&
			    integ_json_str_decode(val, &s) == 0) {
				if (s.len > 0)
					integ_secret_addn(s.data, s.len);
			} else {
				integ_secret_addn(val.p, val.len);
			}
			n++;
		} else {
			n += integ_config_secrets(sub, val);
		}
	}
	integ_buf_free(&name);
	integ_buf_free(&s);
	return n;
}
