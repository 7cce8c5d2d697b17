/*
 * manifest_tree.c: a YAML or JSON file as a tree of maps, sequences and
 * scalars with their line numbers. libyaml reads both: JSON is YAML's
 * flow style, so one reader gives both the same tree and the same
 * messages.
 */
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "integ.h"
#include "manifest_int.h"

#define MANIFEST_MAX	((size_t)4 << 20)
#define DEPTH_MAX	64

static const char *const kind_names[] = { "null", "a boolean", "a number",
    "a string", "a list", "a map" };

const char *
mnode_kind_name(enum mnode_kind k)
{
	return kind_names[k];
}

void
mnode_free(struct mnode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++)
		mnode_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n->key);
	free(n);
}

struct mnode *
mnode_get(const struct mnode *m, const char *key)
{
	size_t i;

	if (m == NULL || m->kind != MN_MAP)
		return NULL;
	for (i = 0; i < m->n; i++)
		if (strcmp(m->kids[i]->key, key) == 0)
			return m->kids[i];
	return NULL;
}

/* JSON's number grammar: what passes is valid JSON as it stands. */
static int
is_number(const char *s)
{
	const char *d;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return 0;
	if (*s == '.') {
		for (d = ++s; *s >= '0' && *s <= '9'; s++)
			;
		if (s == d)
			return 0;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		for (d = s; *s >= '0' && *s <= '9'; s++)
			;
		if (s == d)
			return 0;
	}
	return *s == '\0';
}

static enum mnode_kind
resolve(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	const char *tag = (const char *)ev->data.scalar.tag;

	if (tag != NULL && strcmp(tag, YAML_STR_TAG) == 0)
		return MN_STR;
	if (!ev->data.scalar.plain_implicit)
		return MN_STR;
	if (*s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0)
		return MN_NULL;
	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
		return MN_BOOL;
	if (is_number(s))
		return MN_NUM;
	return MN_STR;
}

struct reader {
	yaml_parser_t	 p;
	const char	*file;
	struct integ_err *e;
};

static int
fail(struct reader *r, unsigned long line, const char *what)
{
	return integ_errf(r->e, INTEG_EXIT_CONFIG, "%s:%lu: %s", r->file,
	    line, what);
}

static int
next(struct reader *r, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&r->p, ev)) {
		const char *why = r->p.problem ? r->p.problem : "not YAML";

		return integ_errf(r->e, INTEG_EXIT_CONFIG, "%s:%lu: %s%s%s",
		    r->file, (unsigned long)r->p.problem_mark.line + 1, why,
		    r->p.context ? " " : "", r->p.context ? r->p.context : "");
	}
	return 0;
}

static void
add_kid(struct mnode *parent, struct mnode *kid)
{
	parent->kids = integ_xreallocarray(parent->kids, parent->n + 1,
	    sizeof(*parent->kids));
	parent->kids[parent->n++] = kid;
}

/* The node the event ev starts (ev is consumed). */
static int
node(struct reader *r, yaml_event_t *ev, int depth, struct mnode **out)
{
	struct mnode *n, *kid;
	yaml_event_t kev;
	int code, type = ev->type;

	*out = NULL;
	n = integ_xcalloc(1, sizeof(*n));
	n->line = (unsigned long)ev->start_mark.line + 1;
	if (type == YAML_ALIAS_EVENT) {
		unsigned long line = n->line;

		yaml_event_delete(ev);
		free(n);
		return fail(r, line, "aliases (*name) are not supported");
	}
	if (type == YAML_SCALAR_EVENT) {
		n->kind = resolve(ev);
		n->text = integ_xstrndup((const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		if (strlen(n->text) != ev->data.scalar.length) {
			unsigned long line = n->line;

			yaml_event_delete(ev);
			mnode_free(n);
			return fail(r, line, "a NUL byte in a string");
		}
		yaml_event_delete(ev);
		*out = n;
		return 0;
	}
	yaml_event_delete(ev);
	if (depth > DEPTH_MAX) {
		mnode_free(n);
		return fail(r, n->line, "nested too deep");
	}
	n->kind = type == YAML_SEQUENCE_START_EVENT ? MN_SEQ : MN_MAP;
	for (;;) {
		if ((code = next(r, ev)) != 0)
			goto bad;
		if (ev->type == YAML_SEQUENCE_END_EVENT ||
		    ev->type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(ev);
			*out = n;
			return 0;
		}
		if (n->kind == MN_MAP) {
			unsigned long kline = (unsigned long)ev->start_mark.line + 1;
			char *key;

			if (ev->type != YAML_SCALAR_EVENT) {
				yaml_event_delete(ev);
				code = fail(r, kline, "a key that is not a string");
				goto bad;
			}
			key = integ_xstrndup((const char *)ev->data.scalar.value,
			    ev->data.scalar.length);
			yaml_event_delete(ev);
			if (mnode_get(n, key) != NULL) {
				char msg[300];

				snprintf(msg, sizeof(msg), "%.200s: the key again",
				    key);
				free(key);
				code = fail(r, kline, msg);
				goto bad;
			}
			if ((code = next(r, &kev)) != 0 ||
			    (code = node(r, &kev, depth + 1, &kid)) != 0) {
				free(key);
				goto bad;
			}
			kid->key = key;
			kid->line = kline;
		} else if ((code = node(r, ev, depth + 1, &kid)) != 0) {
			goto bad;
		}
		add_kid(n, kid);
	}
bad:
	mnode_free(n);
	return code;
}

int
mnode_load(const char *path, struct mnode **out, struct integ_err *e)
{
	struct reader r;
	struct integ_buf text;
	yaml_event_t ev;
	int code;

	*out = NULL;
	if ((code = integ_file_read(path, MANIFEST_MAX, &text, e)) != 0)
		return code;
	memset(&r, 0, sizeof(r));
	r.file = path;
	r.e = e;
	yaml_parser_initialize(&r.p);
	yaml_parser_set_input_string(&r.p, (const unsigned char *)
	    (text.data ? text.data : ""), text.len);
	/* stream start, document start, the root */
	if ((code = next(&r, &ev)) != 0)
		goto out;
	yaml_event_delete(&ev);
	if ((code = next(&r, &ev)) != 0)
		goto out;
	if (ev.type != YAML_DOCUMENT_START_EVENT) {
		yaml_event_delete(&ev);
		code = fail(&r, 1, "empty");
		goto out;
	}
	yaml_event_delete(&ev);
	if ((code = next(&r, &ev)) != 0 ||
	    (code = node(&r, &ev, 0, out)) != 0)
		goto out;
	if ((code = next(&r, &ev)) != 0)
		goto out;
	yaml_event_delete(&ev);
	if ((code = next(&r, &ev)) != 0)
		goto out;
	if (ev.type != YAML_STREAM_END_EVENT)
		code = fail(&r, (unsigned long)ev.start_mark.line + 1,
		    "more than one document");
	yaml_event_delete(&ev);
out:
	if (code != 0) {
		mnode_free(*out);
		*out = NULL;
	}
	yaml_parser_delete(&r.p);
	integ_buf_free(&text);
	return code;
}

int
mnode_json_with(const struct mnode *n, struct integ_buf *b, mnode_str_fn *fn,
    void *arg)
{
	size_t i;
	int code;

	switch (n->kind) {
	case MN_NULL:
		integ_buf_adds(b, "null");
		break;
	case MN_BOOL:
	case MN_NUM:
		integ_buf_adds(b, n->text);
		break;
	case MN_STR:
		if (fn != NULL)
			return fn(arg, n, b);
		integ_json_str_encode(b, n->text, strlen(n->text));
		break;
	case MN_SEQ:
	case MN_MAP:
		integ_buf_addc(b, n->kind == MN_SEQ ? '[' : '{');
		for (i = 0; i < n->n; i++) {
			if (i > 0)
				integ_buf_addc(b, ',');
			if (n->kind == MN_MAP) {
				integ_json_str_encode(b, n->kids[i]->key,
				    strlen(n->kids[i]->key));
				integ_buf_addc(b, ':');
			}
			if ((code = mnode_json_with(n->kids[i], b, fn,
			    arg)) != 0)
				return code;
		}
		integ_buf_addc(b, n->kind == MN_SEQ ? ']' : '}');
		break;
	}
	return 0;
}

void
mnode_json(const struct mnode *n, struct integ_buf *b)
{
	(void)mnode_json_with(n, b, NULL, NULL);
}
