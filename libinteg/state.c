/*
 * state.c: bookmarks of every stream, in whatever shape they came, out in
 * the shape a protocol wants.
 *
 * Each stream is an entry holding its bookmarks object as text (blob):
 * either plain, {"K":V,...} (Singer classic, Airbyte stream_state), or the
 * singer-sdk form {"replication_key":"K","replication_key_value":V,...}.
 * An Airbyte STREAM state is also kept verbatim (msg) so that integ-state
 * save writes back exactly what it was given. Entries not changed are
 * written with the bytes they were read with.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integ.h"
#include "lines_int.h"
#include "state_int.h"

/*
 * A state, whole, is at most STATE_MAX bytes: the longest line any stage
 * reads, less room for the message that carries it, so a state that is
 * saved can also be read back and sent on. Past it, writing fails with
 * nothing written: never a state cut short.
 */
#define STATE_MAX	(INTEG_BUF_MAX_DEFAULT - ((size_t)64 << 10))

struct entry {
	char	*name;
	char	*ns;		/* NULL: none */
	char	*blob;		/* bookmarks object text, or NULL */
	size_t	 bloblen;
	int	 sdk;		/* blob in the singer-sdk form */
	int	 singer;	/* blob came from a Singer state */
	char	*msg;		/* Airbyte state object verbatim, or NULL */
	size_t	 msglen;
};

struct integ_state {
	struct entry	*e;
	size_t		 n;
	char		*extra;		/* Singer: other top-level members */
	size_t		 extralen;
	char		*shared;	/* Airbyte GLOBAL shared_state */
	size_t		 sharedlen;
	int		 global;	/* read as an Airbyte GLOBAL state */
	enum integ_protocol proto;	/* the shape it was read in, or 0 */
	size_t		 max;		/* the largest state written */
};

struct integ_state *
integ_state_new(void)
{
	struct integ_state *s = integ_xcalloc(1, sizeof(struct integ_state));

	s->max = STATE_MAX;
	return s;
}

/* Tests lower the cap to reach it without writing 256 MiB. */
void
integ_state_cap(struct integ_state *s, size_t max)
{
	s->max = max;
}

static void
entry_clear(struct entry *en)
{
	free(en->name);
	free(en->ns);
	free(en->blob);
	free(en->msg);
}

void
integ_state_free(struct integ_state *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		entry_clear(&s->e[i]);
	free(s->e);
	free(s->extra);
	free(s->shared);
	free(s);
}

static int
same_ns(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Entry of stream name (namespace ns); NULL ns on lookup matches any. */
static struct entry *
entry_find(const struct integ_state *s, const char *name, const char *ns,
    int exact)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->e[i].name, name) == 0 &&
		    ((!exact && ns == NULL) || same_ns(s->e[i].ns, ns)))
			return &s->e[i];
	return NULL;
}

static struct entry *
entry_get(struct integ_state *s, const char *name, const char *ns)
{
	struct entry *en;

	if ((en = entry_find(s, name, ns, 1)) != NULL)
		return en;
	s->e = integ_xreallocarray(s->e, s->n + 1, sizeof(*s->e));
	en = &s->e[s->n++];
	memset(en, 0, sizeof(*en));
	en->name = integ_xstrdup(name);
	en->ns = ns != NULL ? integ_xstrdup(ns) : NULL;
	return en;
}

static int
is_sdk(struct integ_json_span blob)
{
	return integ_json_member(blob, "replication_key", NULL) &&
	    integ_json_member(blob, "replication_key_value", NULL);
}

static void
entry_set_blob(struct entry *en, struct integ_json_span blob, int singer)
{
	free(en->blob);
	en->blob = integ_xstrndup(blob.p, blob.len);
	en->bloblen = blob.len;
	en->sdk = integ_json_type(blob) == INTEG_JSON_OBJECT && is_sdk(blob);
	en->singer = singer;
}

static void
entry_set_msg(struct entry *en, struct integ_json_span msg)
{
	free(en->msg);
	en->msg = NULL;
	en->msglen = 0;
	if (msg.p != NULL) {
		en->msg = integ_xstrndup(msg.p, msg.len);
		en->msglen = msg.len;
	}
}


/* Singer value {"bookmarks":{...}, other...}: merge per stream. */
static void
apply_singer(struct integ_state *s, struct integ_json_span value)
{
	struct integ_json_iter it;
	struct integ_json_span k, v, bm;
	struct integ_buf extra, name;
	struct entry *en;

	if (integ_json_type(value) != INTEG_JSON_OBJECT)
		return;
	if (s->proto == 0)
		s->proto = INTEG_PROTO_SINGER;
	if (integ_json_member(value, "bookmarks", &bm) &&
	    integ_json_type(bm) == INTEG_JSON_OBJECT) {
		integ_buf_init(&name, 1 << 20);
		integ_json_iter_init(&it, bm);
		while (integ_json_iter_next(&it, &k, &v)) {
			if (integ_json_str_decode(k, &name) == -1)
				continue;
			en = entry_get(s, name.len ? name.data : "", NULL);
			entry_set_blob(en, v, 1);
			entry_set_msg(en, (struct integ_json_span){ NULL, 0 });
		}
		integ_buf_free(&name);
	}
	/* a part of a text already read: it fits where that did */
	integ_buf_init(&extra, SIZE_MAX / 2);
	integ_json_iter_init(&it, value);
	while (integ_json_iter_next(&it, &k, &v)) {
		if (integ_json_str_eq(k, "bookmarks", 9))
			continue;
		if (extra.len > 0)
			integ_buf_addc(&extra, ',');
		integ_buf_add(&extra, k.p, k.len);
		integ_buf_addc(&extra, ':');
		integ_buf_add(&extra, v.p, v.len);
	}
	free(s->extra);
	s->extralen = extra.len;
	s->extra = integ_buf_take(&extra);
}

/* One Airbyte stream state {stream_descriptor, stream_state}. */
static void
apply_stream(struct integ_state *s, struct integ_json_span ss,
    struct integ_json_span msg)
{
	struct integ_json_span sd, blob;
	struct entry *en;
	char *name, *ns;

	if (!integ_json_member(ss, "stream_descriptor", &sd) ||
	    (name = integ_json_member_str(sd, "name", 1 << 20)) == NULL)
		return;
	ns = integ_json_member_str(sd, "namespace", 1 << 20);
	en = entry_get(s, name, ns);
	free(name);
	free(ns);
	if (integ_json_member(ss, "stream_state", &blob) &&
	    integ_json_type(blob) == INTEG_JSON_OBJECT)
		entry_set_blob(en, blob, 0);
	else {
		free(en->blob);
		en->blob = NULL;
		en->bloblen = 0;
		en->sdk = 0;
	}
	entry_set_msg(en, msg);
}

/* Legacy data: {"bookmarks":...} or a map {"S":{"K":V}}. */
static void
apply_legacy(struct integ_state *s, struct integ_json_span data)
{
	struct integ_json_iter it;
	struct integ_json_span k, v;
	struct integ_buf name;

	if (integ_json_type(data) != INTEG_JSON_OBJECT)
		return;
	if (integ_json_member(data, "bookmarks", NULL)) {
		apply_singer(s, data);
		return;
	}
	integ_buf_init(&name, 1 << 20);
	integ_json_iter_init(&it, data);
	while (integ_json_iter_next(&it, &k, &v)) {
		if (integ_json_type(v) != INTEG_JSON_OBJECT ||
		    integ_json_str_decode(k, &name) == -1)
			continue;
		entry_set_blob(entry_get(s, name.len ? name.data : "", NULL),
		    v, 0);
	}
	integ_buf_free(&name);
}

/* An AirbyteStateMessage. */
static void
apply_airbyte(struct integ_state *s, struct integ_json_span st)
{
	struct integ_json_iter it;
	struct integ_json_span v, g, arr;

	if (integ_json_type(st) != INTEG_JSON_OBJECT)
		return;
	s->proto = INTEG_PROTO_AIRBYTE;
	if (integ_json_member(st, "stream", &v) &&
	    integ_json_type(v) == INTEG_JSON_OBJECT) {
		apply_stream(s, v, st);
	} else if (integ_json_member(st, "global", &g) &&
	    integ_json_type(g) == INTEG_JSON_OBJECT) {
		s->global = 1;
		free(s->shared);
		s->shared = NULL;
		if (integ_json_member(g, "shared_state", &v) &&
		    integ_json_type(v) == INTEG_JSON_OBJECT) {
			s->shared = integ_xstrndup(v.p, v.len);
			s->sharedlen = v.len;
		}
		if (integ_json_member(g, "stream_states", &arr) &&
		    integ_json_type(arr) == INTEG_JSON_ARRAY) {
			integ_json_iter_init(&it, arr);
			while (integ_json_iter_next(&it, NULL, &v))
				apply_stream(s, v, (struct integ_json_span){
				    NULL, 0 });
		}
	} else if (integ_json_member(st, "data", &v)) {
		apply_legacy(s, v);
	}
}

int
integ_state_merge_message(struct integ_state *s, struct integ_json_span m,
    enum integ_protocol *proto)
{
	struct integ_json_span t, v;

	if (integ_json_type(m) != INTEG_JSON_OBJECT ||
	    !integ_json_member(m, "type", &t) ||
	    !integ_json_str_eq(t, "STATE", 5))
		return 0;
	if (integ_json_member(m, "state", &v)) {
		apply_airbyte(s, v);
		*proto = INTEG_PROTO_AIRBYTE;
		return 1;
	}
	if (integ_json_member(m, "value", &v)) {
		apply_singer(s, v);
		*proto = INTEG_PROTO_SINGER;
		return 1;
	}
	return 0;
}

/* An element of a state array: a state message of either protocol. */
static int
is_state_msg(struct integ_json_span v)
{
	struct integ_json_span t;

	if (integ_json_type(v) != INTEG_JSON_OBJECT)
		return 0;
	if (integ_json_member(v, "type", &t) &&
	    integ_json_str_eq(t, "STATE", 5))
		return integ_json_member(v, "state", NULL) ||
		    integ_json_member(v, "value", NULL);
	return integ_json_member(v, "stream", NULL) ||
	    integ_json_member(v, "global", NULL) ||
	    integ_json_member(v, "data", NULL);
}

static int
parse_doc(struct integ_state *s, struct integ_json_span doc,
    struct integ_err *e)
{
	struct integ_json_iter it;
	struct integ_json_span v, t;
	enum integ_protocol proto;
	size_t n = 0;

	switch (integ_json_type(doc)) {
	case INTEG_JSON_ARRAY:
		/* all or nothing: a state is never half read */
		integ_json_iter_init(&it, doc);
		while (integ_json_iter_next(&it, NULL, &v)) {
			if (!is_state_msg(v))
				return integ_errf(e, INTEG_EXIT_DATA, "a state "
				    "array holds state messages; element %zu "
				    "is %s", n, integ_json_type(v) ==
				    INTEG_JSON_OBJECT ? "an object without "
				    "stream, global or data" :
				    integ_json_type_name(integ_json_type(v)));
			n++;
		}
		integ_json_iter_init(&it, doc);
		while (integ_json_iter_next(&it, NULL, &v)) {
			if (integ_state_merge_message(s, v, &proto) == 0)
				apply_airbyte(s, v);
		}
		return 0;
	case INTEG_JSON_OBJECT:
		break;
	default:
		return integ_errf(e, INTEG_EXIT_DATA,
		    "a state is an object or an array, not %s",
		    integ_json_type_name(integ_json_type(doc)));
	}
	if (integ_state_merge_message(s, doc, &proto))
		return 0;
	if (integ_json_member(doc, "bookmarks", NULL)) {
		apply_singer(s, doc);
	} else if (integ_json_member(doc, "stream", NULL) ||
	    integ_json_member(doc, "global", NULL) ||
	    (integ_json_member(doc, "type", &t) &&
	    integ_json_type(t) == INTEG_JSON_STRING) ||
	    integ_json_member(doc, "data", NULL)) {
		apply_airbyte(s, doc);
	} else {
		apply_legacy(s, doc);
	}
	return 0;
}

int
integ_state_parse(struct integ_state *s, const char *text, size_t len,
    struct integ_err *e)
{
	struct integ_json_span doc;
	struct integ_buf c;
	size_t i;
	int code;

	for (i = 0; i < len; i++)
		if (strchr(" \t\r\n", text[i]) == NULL)
			break;
	if (i == len)
		return 0;	/* an empty file is an empty state */
	if ((code = integ_json_validate(text, len, &doc, e)) != 0)
		return code;
	/*
	 * Parts of the state are copied into messages as they were read:
	 * a state written over several lines is made compact first, so
	 * that every message stays one line. (Valid JSON has line breaks
	 * only between tokens.)
	 */
	if (memchr(doc.p, '\n', doc.len) == NULL &&
	    memchr(doc.p, '\r', doc.len) == NULL)
		return parse_doc(s, doc, e);
	integ_buf_init(&c, doc.len + 1);
	if (integ_json_compact(doc, &c) == -1) {
		integ_buf_free(&c);
		return integ_errf(e, INTEG_EXIT_DATA, "state too large");
	}
	doc.p = c.data;
	doc.len = c.len;
	code = parse_doc(s, doc, e);
	integ_buf_free(&c);
	return code;
}

int
integ_state_load(struct integ_state *s, const char *path,
    struct integ_err *e)
{
	struct integ_buf b;
	char msg[sizeof(e->msg)];
	int code;

	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;	/* no state yet */
	if ((code = integ_file_read(path, s->max, &b, e)) != 0)
		return code;
	code = integ_state_parse(s, b.data, b.len, e);
	if (code != 0 && e != NULL) {
		strlcpy(msg, e->msg, sizeof(msg));
		integ_errf(e, code, "%s: %s", path, msg);
	}
	integ_buf_free(&b);
	return code;
}

enum integ_protocol
integ_state_shape(const struct integ_state *s)
{
	return s->proto;
}

/* The key and value of an entry's cursor, in either form. */
int
integ_state_get(const struct integ_state *s, const char *name,
    const char *ns, const char *key, struct integ_json_span *out)
{
	const struct entry *en;
	struct integ_json_span blob, rk;

	if ((en = entry_find(s, name, ns, 0)) == NULL || en->blob == NULL)
		return 0;
	blob.p = en->blob;
	blob.len = en->bloblen;
	if (integ_json_type(blob) != INTEG_JSON_OBJECT)
		return 0;
	if (en->sdk && integ_json_member(blob, "replication_key", &rk) &&
	    integ_json_str_eq(rk, key, strlen(key)))
		return integ_json_member(blob, "replication_key_value", out);
	return integ_json_member(blob, key, out);
}

/* Append the members of blob except those named in skip. */
static int
copy_members(struct integ_buf *b, struct integ_json_span blob,
    const char *const *skip, int *first)
{
	struct integ_json_iter it;
	struct integ_json_span k, v;
	size_t i;
	int r = 0;

	if (blob.p == NULL || integ_json_type(blob) != INTEG_JSON_OBJECT)
		return 0;
	integ_json_iter_init(&it, blob);
	while (integ_json_iter_next(&it, &k, &v)) {
		for (i = 0; skip[i] != NULL; i++)
			if (integ_json_str_eq(k, skip[i], strlen(skip[i])))
				break;
		if (skip[i] != NULL)
			continue;
		if (!*first)
			r |= integ_buf_addc(b, ',');
		*first = 0;
		r |= integ_buf_add(b, k.p, k.len);
		r |= integ_buf_addc(b, ':');
		r |= integ_buf_add(b, v.p, v.len);
	}
	return r;
}

int
integ_state_set(struct integ_state *s, const char *name, const char *ns,
    const char *key, const char *val, size_t vlen)
{
	const char *skip[] = { "replication_key", "replication_key_value",
	    key, NULL };
	struct integ_json_span old = { NULL, 0 }, rk;
	struct entry *en;
	struct integ_buf b;
	int first = 1, sdk, r = 0;

	en = entry_get(s, name, ns);
	if (en->blob != NULL) {
		old.p = en->blob;
		old.len = en->bloblen;
	}
	/*
	 * The singer-sdk form names one cursor; a plain object with other
	 * bookmarks besides this key stays plain.
	 */
	sdk = old.p == NULL || en->sdk ||
	    integ_json_type(old) != INTEG_JSON_OBJECT ||
	    integ_json_count(old) == 0 ||
	    (integ_json_count(old) == 1 && integ_json_member(old, key, NULL));
	if (en->sdk && integ_json_member(old, "replication_key", &rk) &&
	    !integ_json_str_eq(rk, key, strlen(key)))
		sdk = 1;	/* the cursor moved to another key */
	integ_buf_init(&b, s->max);
	r |= integ_buf_addc(&b, '{');
	if (sdk) {
		r |= integ_buf_adds(&b, "\"replication_key\":");
		r |= integ_json_str_encode(&b, key, strlen(key));
		r |= integ_buf_adds(&b, ",\"replication_key_value\":");
		r |= integ_buf_add(&b, val, vlen);
		first = 0;
	}
	r |= copy_members(&b, old, skip, &first);
	if (!sdk) {
		if (!first)
			r |= integ_buf_addc(&b, ',');
		r |= integ_json_str_encode(&b, key, strlen(key));
		r |= integ_buf_addc(&b, ':');
		r |= integ_buf_add(&b, val, vlen);
	}
	/* a part that did not fit leaves the old bookmark, not a cut one */
	if ((r | integ_buf_addc(&b, '}')) != 0) {
		integ_buf_free(&b);
		return INTEG_EXIT_DATA;
	}
	free(en->blob);
	en->bloblen = b.len;
	en->blob = integ_buf_take(&b);
	en->sdk = sdk;
	entry_set_msg(en, (struct integ_json_span){ NULL, 0 });
	return 0;
}

/* A stream's bookmarks as Airbyte keeps them: plain {"K":V,...}. */
static int
write_plain(struct integ_buf *b, const struct entry *en)
{
	const char *skip[] = { "replication_key", "replication_key_value",
	    NULL };
	struct integ_json_span blob = { en->blob, en->bloblen }, rk, rv;
	struct integ_buf key;
	int first = 1, r = 0;

	if (en->blob == NULL)
		return integ_buf_adds(b, "{}");
	if (!en->sdk)
		return integ_buf_add(b, en->blob, en->bloblen);
	r |= integ_buf_addc(b, '{');
	integ_json_member(blob, "replication_key", &rk);
	integ_json_member(blob, "replication_key_value", &rv);
	if (integ_json_type(rk) == INTEG_JSON_STRING) {
		integ_buf_init(&key, 1 << 20);
		integ_json_str_decode(rk, &key);
		skip[2] = key.data;
		r |= integ_buf_add(b, rk.p, rk.len);
		r |= integ_buf_addc(b, ':');
		r |= integ_buf_add(b, rv.p, rv.len);
		first = 0;
		r |= copy_members(b, blob, skip, &first);
		integ_buf_free(&key);
	} else
		r |= copy_members(b, blob, skip, &first);
	return r | integ_buf_addc(b, '}');
}

/* A stream's bookmarks as Singer keeps them. */
static int
write_singer_blob(struct integ_buf *b, const struct entry *en)
{
	struct integ_json_span blob = { en->blob, en->bloblen }, k, v;
	struct integ_json_iter it;
	int r = 0;

	if (en->blob == NULL)
		return integ_buf_adds(b, "{}");
	if (en->sdk || en->singer ||
	    integ_json_type(blob) != INTEG_JSON_OBJECT ||
	    integ_json_count(blob) != 1)
		return integ_buf_add(b, en->blob, en->bloblen);
	/* one Airbyte cursor: the singer-sdk form */
	integ_json_iter_init(&it, blob);
	integ_json_iter_next(&it, &k, &v);
	r |= integ_buf_adds(b, "{\"replication_key\":");
	r |= integ_buf_add(b, k.p, k.len);
	r |= integ_buf_adds(b, ",\"replication_key_value\":");
	r |= integ_buf_add(b, v.p, v.len);
	return r | integ_buf_addc(b, '}');
}

static int
write_descriptor(struct integ_buf *b, const struct entry *en)
{
	int r = 0;

	r |= integ_buf_adds(b, "{\"name\":");
	r |= integ_json_str_encode(b, en->name, strlen(en->name));
	if (en->ns != NULL) {
		r |= integ_buf_adds(b, ",\"namespace\":");
		r |= integ_json_str_encode(b, en->ns, strlen(en->ns));
	}
	return r | integ_buf_addc(b, '}');
}

/*
 * Every write below fails (-1) when any part did not fit: a buffer past
 * its cap refuses one part and may take the next, so each is checked.
 * On failure b holds a partial text that the caller must not use.
 */
int
integ_state_write_stream(const struct integ_state *s, const char *name,
    const char *ns, struct integ_buf *b)
{
	const struct entry *en = entry_find(s, name, ns, 0);

	if (en == NULL)
		return integ_buf_adds(b, "{}");
	return write_plain(b, en);
}

static int
write_singer(const struct integ_state *s, struct integ_buf *b)
{
	size_t i;
	int r = 0;

	r |= integ_buf_adds(b, "{\"bookmarks\":{");
	for (i = 0; i < s->n; i++) {
		if (i > 0)
			r |= integ_buf_addc(b, ',');
		r |= integ_json_str_encode(b, s->e[i].name,
		    strlen(s->e[i].name));
		r |= integ_buf_addc(b, ':');
		r |= write_singer_blob(b, &s->e[i]);
	}
	r |= integ_buf_addc(b, '}');
	if (s->extralen > 0) {
		r |= integ_buf_addc(b, ',');
		r |= integ_buf_add(b, s->extra, s->extralen);
	}
	return r | integ_buf_addc(b, '}');
}

static int
write_global(const struct integ_state *s, struct integ_buf *b)
{
	size_t i;
	int r = 0;

	r |= integ_buf_adds(b, "[{\"type\":\"GLOBAL\",\"global\":{");
	if (s->shared != NULL) {
		r |= integ_buf_adds(b, "\"shared_state\":");
		r |= integ_buf_add(b, s->shared, s->sharedlen);
		r |= integ_buf_addc(b, ',');
	}
	r |= integ_buf_adds(b, "\"stream_states\":[");
	for (i = 0; i < s->n; i++) {
		r |= integ_buf_adds(b, i ? ",{" : "{");
		r |= integ_buf_adds(b, "\"stream_descriptor\":");
		r |= write_descriptor(b, &s->e[i]);
		r |= integ_buf_adds(b, ",\"stream_state\":");
		r |= write_plain(b, &s->e[i]);
		r |= integ_buf_addc(b, '}');
	}
	return r | integ_buf_adds(b, "]}}]");
}

int
integ_state_write(const struct integ_state *s, enum integ_protocol proto,
    struct integ_buf *b)
{
	size_t i;
	int r = 0;

	if (proto == INTEG_PROTO_SINGER)
		return write_singer(s, b);
	if (s->global)
		return write_global(s, b);
	r |= integ_buf_addc(b, '[');
	for (i = 0; i < s->n; i++) {
		if (i > 0)
			r |= integ_buf_addc(b, ',');
		if (s->e[i].msg != NULL) {
			r |= integ_buf_add(b, s->e[i].msg, s->e[i].msglen);
			continue;
		}
		r |= integ_buf_adds(b, "{\"type\":\"STREAM\",\"stream\":"
		    "{\"stream_descriptor\":");
		r |= write_descriptor(b, &s->e[i]);
		r |= integ_buf_adds(b, ",\"stream_state\":");
		r |= write_plain(b, &s->e[i]);
		r |= integ_buf_adds(b, "}}");
	}
	return r | integ_buf_addc(b, ']');
}

int
integ_state_save(const struct integ_state *s, enum integ_protocol proto,
    const char *path, struct integ_err *e)
{
	struct integ_buf b;
	int code;

	integ_buf_init(&b, s->max);
	if (integ_state_write(s, proto, &b) == -1 ||
	    integ_buf_addc(&b, '\n') == -1) {
		integ_buf_free(&b);
		return integ_errf(e, INTEG_EXIT_DATA, "%s: the state is larger "
		    "than %zu bytes: not saved, the file is unchanged", path,
		    s->max);
	}
	code = integ_atomic_write(path, b.data, b.len, e);
	integ_buf_free(&b);
	return code;
}

/* A cheap look before validating: does the line name "STATE"? */
static int
has_state(const char *p, size_t len)
{
	const char *q = p, *end = p + len;

	while ((q = memchr(q, '"', (size_t)(end - q))) != NULL &&
	    end - q >= 7) {
		if (memcmp(q, "\"STATE\"", 7) == 0)
			return 1;
		q++;
	}
	return 0;
}

/*
 * integ-state save: copy lines from fd to out unchanged; after each
 * STATE has gone out (flushed), merge it and rewrite the file. A trailer
 * is passed on and ends saving with its code.
 */
int
integ_state_save_run(struct integ_state *s, const char *path, int fd,
    FILE *out, struct integ_err *e)
{
	struct integ_json_span v;
	struct integ_lines lr;
	enum integ_protocol proto;
	const char *p, *tmsg;
	size_t len;
	int code = 0, tcode, k;

	integ_lines_init(&lr, fd);
	while ((k = integ_lines_next(&lr, &p, &len)) == INTEG_LINES_LINE) {
		if (fwrite(p, 1, len + 1, out) != len + 1) {
			code = integ_errf(e, INTEG_EXIT_IO, "write error: %s",
			    strerror(errno));
			goto done;
		}
		if (code != 0)
			continue;	/* after a trailer: copy only */
		if (integ_trailer_parse(p, len, &tcode, &tmsg)) {
			code = integ_errf(e, tcode, "upstream failed: %.*s",
			    (int)(len - (size_t)(tmsg - p)), tmsg);
			continue;
		}
		if (!has_state(p, len) ||
		    integ_json_validate(p, len, &v, NULL) != 0 ||
		    !integ_state_merge_message(s, v, &proto))
			continue;
		if (fflush(out) != 0) {
			code = integ_errf(e, INTEG_EXIT_IO, "write error: %s",
			    strerror(errno));
			goto done;
		}
		if ((code = integ_state_save(s, proto, path, e)) != 0) {
			/* our own failure travels down the pipe too */
			integ_trailer_write(out, code, e != NULL ? e->msg :
			    "cannot save the state");
			goto done;
		}
	}
	switch (k) {
	case INTEG_LINES_LONG:
		code = integ_errf(e, INTEG_EXIT_DATA, "a line longer than %zu "
		    "bytes", lr.in.max);
		integ_trailer_write(out, code, e != NULL ? e->msg :
		    "a line too long");
		break;
	case INTEG_LINES_ERROR:
		code = integ_errf(e, INTEG_EXIT_IO, "stdin: %s",
		    strerror(errno));
		break;
	case INTEG_LINES_SIGNAL:
		code = integ_errf(e, INTEG_EXIT_SIGNAL + lr.sig,
		    "interrupted by signal %d", lr.sig);
		integ_trailer_write(out, code, e != NULL ? e->msg :
		    "interrupted");
		break;
	}
done:
	integ_lines_free(&lr);
	if (fflush(out) != 0 && code == 0)
		code = integ_errf(e, INTEG_EXIT_IO, "write error: %s",
		    strerror(errno));
	return code;
}
