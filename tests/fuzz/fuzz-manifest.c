/*
 * fuzz-manifest: the manifest loader (integ-manifest(5)) on any text,
 * YAML or JSON. Loading may fail, never read out of bounds or leak. The
 * tree of a text that reads is valid JSON, and that JSON reads again
 * into the same tree: YAML and JSON say the same manifest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integ.h"
#include "manifest_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char dir[] = "/tmp/fuzz-manifest.XXXXXX";
static char file[sizeof(dir) + 16], again[sizeof(dir) + 16];

static void
put(const char *path, const void *p, size_t n)
{
	FILE *f;

	if ((f = fopen(path, "w")) == NULL ||
	    fwrite(p, 1, n, f) != n || fclose(f) != 0)
		abort();
}

static void
cleanup(void)
{
	char path[sizeof(dir) + 16];

	unlink(file);
	unlink(again);
	snprintf(path, sizeof(path), "%s/s.json", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bad.json", dir);
	unlink(path);
	rmdir(dir);
}

static void
setup(void)
{
	static const char schema[] = "{\"type\":\"object\"}";
	char path[sizeof(dir) + 16];

	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	snprintf(file, sizeof(file), "%s/m.yaml", dir);
	snprintf(again, sizeof(again), "%s/j.json", dir);
	/* a schema file beside the manifest, as "schema: s.json" names it */
	snprintf(path, sizeof(path), "%s/s.json", dir);
	put(path, schema, sizeof(schema) - 1);
	snprintf(path, sizeof(path), "%s/bad.json", dir);
	put(path, "{\"type\":", 8);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct integ_manifest *m;
	struct mnode *t, *u;
	struct integ_json_span v;
	struct integ_buf a, b;
	struct integ_err e;

	if (file[0] == '\0')
		setup();
	put(file, data, size);
	if (mnode_load(file, &t, &e) == 0) {
		integ_buf_init(&a, 0);
		integ_buf_adds(&a, "");
		mnode_json(t, &a);
		if (integ_json_validate(a.data, a.len, &v, &e) != 0)
			abort();	/* the tree is not JSON */
		put(again, a.data, a.len);
		if (mnode_load(again, &u, &e) != 0)
			abort();	/* its JSON does not read */
		integ_buf_init(&b, 0);
		integ_buf_adds(&b, "");
		mnode_json(u, &b);
		if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
			abort();	/* nor reads as the same tree */
		integ_buf_free(&a);
		integ_buf_free(&b);
		mnode_free(t);
		mnode_free(u);
	}
	if (integ_manifest_load(file, &m, &e) == 0) {
		if (integ_manifest_source(m)->name == NULL)
			abort();
		integ_manifest_free(m);
	}
	integ_secret_clear();
	return 0;
}
