/*
 * cursor.c: ordering cursor values, the one comparison incremental sync
 * rests on. Numbers compare by value (integers exactly, however long),
 * RFC 3339 instants by the moment they name whatever their offsets,
 * anything else as strings of bytes. Connectors compare their own
 * instants (a bookmark against a start date) with the same rule.
 */
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "json_int.h"

static int
plain_integer(const char *p, size_t len)
{
	size_t i = 0;

	if (len > 0 && p[0] == '-')
		i = 1;
	if (i == len)
		return 0;
	for (; i < len; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/* Is this text a JSON number? */
static int
numeric(const char *p, size_t len)
{
	struct integ_json_span v;

	size_t i;

	if (len == 0 || len > 512 || !(p[0] == '-' || (p[0] >= '0' && p[0] <= '9')))
		return 0;
	for (i = 1; i < len; i++)	/* most cursors fail here, cheaply */
		if (strchr("0123456789.eE+-", p[i]) == NULL || p[i] == '\0')
			return 0;
	return integ_json_validate(p, len, &v, NULL) == 0 &&
	    integ_json_type(v) == INTEG_JSON_NUMBER && v.len == len;
}

static int
sgn(int v)
{
	return (v > 0) - (v < 0);
}

static int
num_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	struct integ_json_span x = { a, alen }, y = { b, blen };
	double da, db;

	if (plain_integer(a, alen) && plain_integer(b, blen)) {
		int na = a[0] == '-', nb = b[0] == '-', c;
		size_t la = alen - (size_t)na, lb = blen - (size_t)nb;

		if (na != nb)
			return na ? -1 : 1;
		/* JSON integers have no leading zeros: longer is larger */
		if (la != lb)
			c = la < lb ? -1 : 1;
		else
			c = sgn(memcmp(a + na, b + nb, la));
		return na ? -c : c;
	}
	da = integ_json_number(x);
	db = integ_json_number(y);
	return (da > db) - (da < db);
}

/* Two instants: 0 and their order in *c, or -1 when either is none. */
static int
instant_cmp(const char *a, size_t alen, const char *b, size_t blen, int *c)
{
	int64_t sa, sb;
	long na, nb;

	if (integ_time_rfc3339_parse(a, alen, 0, &sa, &na) != 0 ||
	    integ_time_rfc3339_parse(b, blen, 0, &sb, &nb) != 0)
		return -1;
	if (sa != sb)
		*c = sa < sb ? -1 : 1;
	else
		*c = (na > nb) - (na < nb);
	return 0;
}

static int
str_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c;

	if (instant_cmp(a, alen, b, blen, &c) == 0)
		return c;
	c = memcmp(a, b, alen < blen ? alen : blen);
	if (c != 0)
		return sgn(c);
	return (alen > blen) - (alen < blen);
}

/* The text a value compares by: a string decoded, anything else as is. */
static void
text_of(struct integ_json_span v, struct integ_buf *b, const char **p,
    size_t *len)
{
	if (integ_json_type(v) == INTEG_JSON_STRING) {
		if (memchr(v.p, '\\', v.len) == NULL) {
			*p = v.p + 1;
			*len = v.len - 2;
			return;
		}
		if (integ_json_str_decode(v, b) == 0) {
			*p = b->data ? b->data : "";
			*len = b->len;
			return;
		}
	}
	*p = v.p;
	*len = v.len;
}

/* 0x80 in each byte of x that is an ASCII digit. */
static uint64_t
digits8(uint64_t x)
{
	uint64_t t = x & 0x7f7f7f7f7f7f7f7fULL;

	return (t + 0x5050505050505050ULL) & ~(t + 0x4646464646464646ULL) &
	    ~x & 0x8080808080808080ULL;
}

/* same_layout_utc's test on eight bytes at a time. */
static inline int
same_layout8(const char *a, const char *b)
{
	uint64_t x, y, dx, v;

	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	dx = digits8(x);
	if (dx != digits8(y) || ((x ^ y) & ~((dx >> 7) * 0xff)) != 0)
		return 0;
	v = x ^ 0x5c5c5c5c5c5c5c5cULL;		/* no backslash */
	return ((v - 0x0101010101010101ULL) & ~v & 0x8080808080808080ULL) ==
	    0;
}

/*
 * Two strings ending in Z, digits and separators in the same places:
 * byte order is their order, as instants and as strings alike (the
 * usual case of a cursor, compared for every record).
 */
static int
same_layout_utc(struct integ_json_span a, struct integ_json_span b)
{
	size_t i;
	int da, db;

	if (a.len != b.len || a.len < 4 || a.p[0] != '"' || b.p[0] != '"' ||
	    a.p[a.len - 2] != 'Z' || b.p[b.len - 2] != 'Z')
		return 0;
	if (a.len - 2 >= 8) {
		/* the bytes between the quotes, the last word overlapping */
		for (i = 1; i + 8 <= a.len - 1; i += 8)
			if (!same_layout8(a.p + i, b.p + i))
				return 0;
		return i == a.len - 1 ||
		    same_layout8(a.p + a.len - 9, b.p + b.len - 9);
	}
	for (i = 1; i < a.len - 1; i++) {
		da = a.p[i] >= '0' && a.p[i] <= '9';
		db = b.p[i] >= '0' && b.p[i] <= '9';
		if (da != db || (!da && a.p[i] != b.p[i]) || a.p[i] == '\\')
			return 0;
	}
	return 1;
}

int
integ_cursor_cmp(struct integ_json_span a, struct integ_json_span b)
{
	struct integ_buf ba, bb;
	const char *pa, *pb;
	size_t la, lb;
	int c;

	if (same_layout_utc(a, b))
		return sgn(memcmp(a.p, b.p, a.len));
	integ_buf_init(&ba, 1 << 20);
	integ_buf_init(&bb, 1 << 20);
	text_of(a, &ba, &pa, &la);
	text_of(b, &bb, &pb, &lb);
	if (numeric(pa, la) && numeric(pb, lb))
		c = num_cmp(pa, la, pb, lb);
	else
		c = str_cmp(pa, la, pb, lb);
	integ_buf_free(&ba);
	integ_buf_free(&bb);
	return c;
}

int
integ_cursor_cmp_usual(struct integ_json_span a, int ausual,
    struct integ_json_span b, int busual)
{
	if (ausual && busual && a.len == b.len)
		return sgn(memcmp(a.p, b.p, a.len));
	return integ_cursor_cmp(a, b);
}

const char *
integ_cursor_rfc3339_later(const char *a, const char *b)
{
	int c;

	if (a == NULL || b == NULL)
		return a != NULL ? a : b;
	if (instant_cmp(a, strlen(a), b, strlen(b), &c) != 0)
		return a;
	return c < 0 ? b : a;
}
