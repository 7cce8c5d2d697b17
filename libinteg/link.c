/*
 * link.c: the RFC 8288 Link header, as GitHub and Shopify send it.
 *
 *   Link: <https://api/x?page=2>; rel="next", <https://api/x?page=9>; rel=last
 *
 * Several links in one value, parameters in any order, quoted or bare
 * values, relation types compared without case and as a space-separated
 * list, commas inside quotes and inside <...> kept. Repeated headers are
 * joined with ", " before they get here.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "integ.h"

#define OWS(c)	((c) == ' ' || (c) == '\t' || (c) == '\r' || (c) == '\n')

/* Does the space-separated list v (n bytes) hold rel? */
static int
has_rel(const char *v, size_t n, const char *rel)
{
	size_t i = 0, j, rl = strlen(rel);

	while (i < n) {
		while (i < n && OWS(v[i]))
			i++;
		j = i;
		while (j < n && !OWS(v[j]))
			j++;
		if (j - i == rl && strncasecmp(v + i, rel, rl) == 0)
			return 1;
		i = j;
	}
	return 0;
}

/* Skip to the end of this link-value (a top-level ','), quotes kept. */
static const char *
skip_value(const char *p)
{
	int q = 0;

	for (; *p != '\0'; p++) {
		if (q && *p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '"')
			q = !q;
		else if (!q && *p == ',')
			break;
	}
	return p;
}

int
integ_link_find(const char *s, const char *rel, struct integ_buf *out)
{
	const char *p = s, *uri, *uend, *name, *nend;
	struct integ_buf val;
	int found, seen_rel;

	integ_buf_init(&val, 0);
	while (*p != '\0') {
		while (OWS(*p) || *p == ',')
			p++;
		if (*p != '<') {
			p = skip_value(p);
			continue;
		}
		uri = p + 1;
		if ((uend = strchr(uri, '>')) == NULL)
			break;
		p = uend + 1;
		found = seen_rel = 0;
		for (;;) {
			while (OWS(*p))
				p++;
			if (*p != ';')
				break;
			p++;
			while (OWS(*p))
				p++;
			name = p;
			while (*p != '\0' && *p != '=' && *p != ';' &&
			    *p != ',' && !OWS(*p))
				p++;
			nend = p;
			while (OWS(*p))
				p++;
			integ_buf_reset(&val);
			if (*p == '=') {
				p++;
				while (OWS(*p))
					p++;
				if (*p == '"') {
					for (p++; *p != '\0' && *p != '"'; p++) {
						if (*p == '\\' && p[1] != '\0')
							p++;
						integ_buf_addc(&val, *p);
					}
					if (*p == '"')
						p++;
				} else {
					while (*p != '\0' && *p != ';' &&
					    *p != ',' && !OWS(*p))
						integ_buf_addc(&val, *p++);
				}
			}
			/* only the first rel parameter counts (RFC 8288 3.3) */
			if (nend - name == 3 && strncasecmp(name, "rel", 3) == 0 &&
			    !seen_rel) {
				seen_rel = 1;
				if (val.len > 0 && has_rel(val.data, val.len, rel))
					found = 1;
			}
		}
		if (found) {
			integ_buf_reset(out);
			integ_buf_add(out, uri, (size_t)(uend - uri));
			integ_buf_free(&val);
			return 1;
		}
		p = skip_value(p);
	}
	integ_buf_free(&val);
	return 0;
}
