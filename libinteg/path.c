/*
 * path.c: the one path syntax of every tool (DESIGN.md): jq-style, the
 * leading dot optional. results, .data.items, links.next, .["odd key"],
 * ."odd key", data[0], data[-1].id, and . for the whole text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "json_int.h"

static int
namechar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '$' ||
	    c == '@' || c >= 0x80;
}

static int
bad(const char *text, size_t off, const char *why, struct integ_err *e)
{
	char esc[256];

	integ_secret_escape(esc, sizeof(esc), text, strlen(text));
	return integ_errf(e, INTEG_EXIT_USAGE, "bad path \"%s\": %s at offset %zu",
	    esc, why, off);
}

static void
add_step(struct integ_path *p, const struct path_step *st)
{
	p->steps = integ_xreallocarray(p->steps, (size_t)p->nsteps + 1,
	    sizeof(*p->steps));
	p->steps[p->nsteps++] = *st;
}

/* A JSON string literal at s[i]; sets *next past it. */
static int
quoted(const char *s, size_t i, size_t *next, struct path_step *st)
{
	struct integ_json_span v;
	struct integ_buf b;
	size_t j = i + 1;

	while (s[j] != '\0' && s[j] != '"') {
		if (s[j] == '\\' && s[j + 1] != '\0')
			j++;
		j++;
	}
	if (s[j] != '"')
		return -1;
	j++;
	if (integ_json_validate(s + i, j - i, &v, NULL) != 0)
		return -1;
	integ_buf_init(&b, 0);
	if (integ_json_str_decode(v, &b) == -1) {
		integ_buf_free(&b);
		return -1;
	}
	st->kind = PATH_NAME;
	st->namelen = b.len;
	st->name = b.data ? integ_buf_take(&b) : integ_xstrdup("");
	*next = j;
	return 0;
}

int
integ_path_compile(const char *text, struct integ_path **out,
    struct integ_err *e)
{
	struct integ_path *p;
	struct path_step st;
	size_t i = 0, j;
	int rc = 0;

	p = integ_xcalloc(1, sizeof(*p));
	p->text = integ_xstrdup(text);
	*out = NULL;
	if (strcmp(text, ".") == 0) {
		*out = p;
		return 0;
	}
	if (text[0] == '\0') {
		rc = bad(text, 0, "empty path", e);
		goto fail;
	}
	if (text[0] == '.')
		i = 1;
	for (;;) {
		memset(&st, 0, sizeof(st));
		if (text[i] == '[') {
			i++;
			if (text[i] == '"') {
				if (quoted(text, i, &j, &st) == -1) {
					rc = bad(text, i, "bad string", e);
					goto fail;
				}
				i = j;
			} else {
				int neg = 0;
				int64_t v = 0;

				if (text[i] == '-') {
					neg = 1;
					i++;
				}
				if (text[i] < '0' || text[i] > '9') {
					rc = bad(text, i, "expected an index or a string", e);
					goto fail;
				}
				for (; text[i] >= '0' && text[i] <= '9'; i++) {
					if (v > (INT64_MAX - 9) / 10) {
						rc = bad(text, i, "index too large", e);
						goto fail;
					}
					v = v * 10 + (text[i] - '0');
				}
				st.kind = PATH_INDEX;
				st.index = neg ? -v : v;
			}
			if (text[i] != ']') {
				if (st.name)
					free(st.name);
				rc = bad(text, i, "expected ']'", e);
				goto fail;
			}
			i++;
		} else if (text[i] == '"') {
			if (quoted(text, i, &j, &st) == -1) {
				rc = bad(text, i, "bad string", e);
				goto fail;
			}
			i = j;
		} else if (namechar((unsigned char)text[i])) {
			j = i;
			while (namechar((unsigned char)text[j]))
				j++;
			st.kind = PATH_NAME;
			st.name = integ_xstrndup(text + i, j - i);
			st.namelen = j - i;
			i = j;
		} else {
			rc = bad(text, i, text[i] == '\0' ?
			    "expected a name" : "unexpected character", e);
			goto fail;
		}
		add_step(p, &st);
		if (text[i] == '\0')
			break;
		if (text[i] == '.') {
			i++;
			continue;
		}
		if (text[i] != '[') {
			rc = bad(text, i, "unexpected character", e);
			goto fail;
		}
	}
	*out = p;
	return 0;
fail:
	integ_path_free(p);
	return rc;
}

void
integ_path_free(struct integ_path *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nsteps; i++)
		free(p->steps[i].name);
	free(p->steps);
	free(p->text);
	free(p);
}

const char *
integ_path_text(const struct integ_path *p)
{
	return p->text;
}
