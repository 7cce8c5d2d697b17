/*
 * about.c: what a connector says of itself for --about, in the shapes
 * Meltano and singer-sdk taps use: plain text (the default), JSON
 * (name, description, version, capabilities, settings: the config's
 * JSON Schema) and Markdown (a settings table for a README or a hub).
 * Everything comes from the source table and its spec, so a connector,
 * C or manifest, has nothing to write for it. And --version, every
 * program's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"
#include "source_int.h"

/* What integ_source_main gives every source on the Singer command line. */
static const char *const capabilities[] = {
	"catalog", "properties", "discover", "state", "about", "test",
	"activate-version", NULL
};

struct about {
	const struct integ_source *src;
	struct integ_json_span	 spec;
	char			 name[128];
	char			*description;
};

/* A member's string decoded, or NULL. */

static int
required(struct integ_json_span spec, struct integ_json_span key)
{
	struct integ_json_span req, v;
	struct integ_json_iter it;

	if (!integ_json_member(spec, "required", &req) ||
	    integ_json_iter_init(&it, req) == -1)
		return 0;
	while (integ_json_iter_next(&it, NULL, &v))
		if (integ_json_equal(v, key))
			return 1;
	return 0;
}

/* Markdown table cells: no pipe or line break may cut the row. */
static void
cell(struct integ_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|')
			integ_buf_adds(b, "\\|");
		else if (*s == '\n' || *s == '\r')
			integ_buf_addc(b, ' ');
		else
			integ_buf_addc(b, *s);
	}
}

static void
json(const struct about *a, struct integ_buf *b)
{
	size_t i;

	integ_buf_adds(b, "{\"name\":");
	integ_json_str_encode(b, a->name, strlen(a->name));
	integ_buf_adds(b, ",\"description\":");
	integ_json_str_encode(b, a->description, strlen(a->description));
	integ_buf_adds(b, ",\"version\":");
	integ_json_str_encode(b, a->src->version ? a->src->version : "",
	    a->src->version ? strlen(a->src->version) : 0);
	integ_buf_adds(b, ",\"integ_about_version\":\"" INTEG_VERSION "\"");
	integ_buf_adds(b, ",\"capabilities\":[");
	for (i = 0; capabilities[i] != NULL; i++)
		integ_buf_printf(b, "%s\"%s\"", i ? "," : "", capabilities[i]);
	integ_buf_adds(b, "],\"settings\":");
	integ_json_compact(a->spec, b);
	integ_buf_adds(b, "}\n");
}

/* One settings row, or line, per property of the spec. */
static void
settings(const struct about *a, struct integ_buf *b, int markdown)
{
	struct integ_json_span props, key, v, dflt;
	struct integ_json_iter it;
	struct integ_buf kb;
	char *type, *desc;

	if (!integ_json_member(a->spec, "properties", &props) ||
	    integ_json_iter_init(&it, props) == -1)
		return;
	integ_buf_init(&kb, 0);
	while (integ_json_iter_next(&it, &key, &v)) {
		integ_json_str_decode(key, &kb);
		integ_buf_addc(&kb, '\0');
		type = integ_json_member_str(v, "type", 0);
		desc = integ_json_member_str(v, "description", 0);
		if (markdown) {
			integ_buf_adds(b, "| ");
			cell(b, kb.data);
			integ_buf_printf(b, " | %s | ", required(a->spec, key) ?
			    "True" : "False");
			if (integ_json_member(v, "default", &dflt)) {
				struct integ_buf d;

				integ_buf_init(&d, 0);
				integ_json_compact(dflt, &d);
				integ_buf_addc(&d, '\0');
				cell(b, d.data);
				integ_buf_free(&d);
			} else {
				integ_buf_adds(b, "None");
			}
			integ_buf_adds(b, " | ");
			cell(b, desc ? desc : "");
			integ_buf_adds(b, " |\n");
		} else {
			integ_buf_printf(b, "  - Name: %s\n    Type: %s\n",
			    kb.data, type ? type : "any");
			if (required(a->spec, key))
				integ_buf_adds(b, "    Required: true\n");
			if (integ_json_member(v, "airbyte_secret", &dflt) &&
			    integ_json_truthy(dflt))
				integ_buf_adds(b, "    Secret: true\n");
		}
		free(type);
		free(desc);
	}
	integ_buf_free(&kb);
}

/* The text and the Markdown answer: the same parts, dressed two ways. */
struct dress {
	const char	*head;		/* name, description, version, integ's */
	const char	*capability;
	const char	*settings;	/* the heading */
	const char	*foot;		/* the name */
	int		 markdown;
};

static const struct dress plain = {
	"Name: %s\nDescription: %s\nVersion: %s\ninteg Version: %s\n"
	"Capabilities:\n",
	"  - %s\n",
	"Settings:\n",
	NULL, 0
};

static const struct dress md = {
	"# `%s`\n\n%s\n\nVersion %s, built with integ %s.\n\n"
	"## Capabilities\n\n",
	"* `%s`\n",
	"\n## Settings\n\n"
	"| Setting | Required | Default | Description |\n"
	"|:--------|:--------:|:-------:|:------------|\n",
	"\nA full list of supported settings and capabilities is available "
	"by running: `%s --about`\n", 1
};

static void
dressed(const struct about *a, const struct dress *d, struct integ_buf *b)
{
	size_t i;

	integ_buf_printf(b, d->head, a->name, a->description,
	    a->src->version ? a->src->version : "", INTEG_VERSION);
	for (i = 0; capabilities[i] != NULL; i++)
		integ_buf_printf(b, d->capability, capabilities[i]);
	integ_buf_adds(b, d->settings);
	settings(a, b, d->markdown);
	if (d->foot != NULL)
		integ_buf_printf(b, d->foot, a->name);
}

int
integ_about(const struct integ_source *src, struct integ_json_span spec,
    const char *format, struct integ_buf *b, struct integ_err *e)
{
	struct about a;

	if (format == NULL)
		format = "text";
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "markdown") != 0)
		return integ_errf(e, INTEG_EXIT_USAGE, "--format %s: not text, "
		    "json or markdown", format);
	memset(&a, 0, sizeof(a));
	a.src = src;
	a.spec = spec;
	snprintf(a.name, sizeof(a.name), "source-%s", src->name);
	/* the source's own words, else the spec's title */
	if (src->description != NULL)
		a.description = integ_xstrdup(src->description);
	else if ((a.description = integ_json_member_str(spec, "description",
	    0)) == NULL &&
	    (a.description = integ_json_member_str(spec, "title", 0)) == NULL)
		a.description = integ_xstrdup(a.name);
	if (strcmp(format, "json") == 0)
		json(&a, b);
	else
		dressed(&a, strcmp(format, "markdown") == 0 ? &md : &plain, b);
	free(a.description);
	return 0;
}

int
integ_about_version(const char *name, const char *own)
{
	if (own != NULL)
		printf("%s %s (integ %s)\n", name, own, INTEG_VERSION);
	else
		printf("%s %s\n", name, INTEG_VERSION);
	return integ_io_stdout_done(0);
}
