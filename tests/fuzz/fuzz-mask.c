/*
 * fuzz-mask: mask, then cut. The input is a buffer size, a secret and a
 * text; the text is cut into that size, escaped and not. The result fits
 * and holds nowhere the first 8 bytes of the secret; nor does the whole
 * text masked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "integ.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* No part of the result is the first 8 or more bytes of sec. */
static void
check(const char *out, size_t n, const char *sec, size_t slen)
{
	size_t i;

	for (i = 0; i + 8 <= n; i++)
		if (memcmp(out + i, sec, 8) == 0)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char sec[64], *dst, *m, *txt;
	size_t dstsz, slen, i, n;
	int plain;

	if (size < 2)
		return 0;
	dstsz = data[0];
	slen = 8 + data[1] % 40;
	if (size < 2 + slen)
		return 0;
	/*
	 * "*" and "." are what masking and cutting write: a secret made of
	 * them would be found in the result by juxtaposition alone.
	 */
	memcpy(sec, data + 2, slen);
	for (i = 0; i < slen; i++)
		if (sec[i] == '*' || sec[i] == '.' || sec[i] == '\0')
			sec[i] = 'x';
	sec[slen] = '\0';
	data += 2 + slen;
	size -= 2 + slen;
	/*
	 * a text, as a C string for integ_secret_maskn; plain if nothing to
	 * escape
	 */
	txt = malloc(size + 1);
	for (i = 0, plain = 1; i < size; i++) {
		txt[i] = data[i] != '\0' ? (char)data[i] : ' ';
		if (data[i] < 0x20 || data[i] > 0x7e || data[i] == '\\' ||
		    data[i] == '"')
			plain = 0;
	}
	txt[size] = '\0';

	integ_secret_add(sec);
	dst = malloc(dstsz ? dstsz : 1);
	n = integ_secret_mask_cut(dst, dstsz, txt, size, 0);
	if (dstsz > 0 && (n >= dstsz || strlen(dst) != n))
		abort();
	check(dst, n, sec, slen);
	n = integ_secret_mask_cut(dst, dstsz, txt, size, INTEG_CUT_ESCAPE);
	if (dstsz > 0 && (n >= dstsz || strlen(dst) != n))
		abort();
	/* escapes could spell a secret: only a plain text is checked */
	if (plain)
		check(dst, n, sec, slen);
	free(dst);
	m = integ_secret_maskn(txt, size);
	check(m, strlen(m), sec, slen);
	free(m);
	free(txt);
	integ_secret_clear();
	return 0;
}
