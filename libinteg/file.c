/*
 * file.c: a whole file into memory, within a bound, for the small files
 * a run reads at its start (config, state, catalog, manifest, a body).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "integ.h"

int
integ_file_read(const char *path, size_t max, struct integ_buf *b,
    struct integ_err *e)
{
	char chunk[65536];
	ssize_t n;
	int fd, saved;

	if ((fd = open(path, O_RDONLY)) == -1)
		return integ_errf(e, INTEG_EXIT_NOINPUT, "%s: %s", path,
		    strerror(errno));
	integ_buf_init(b, max);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (integ_buf_add(b, chunk, (size_t)n) == -1) {
			close(fd);
			integ_buf_free(b);
			return integ_errf(e, INTEG_EXIT_DATA, "%s: larger "
			    "than %zu bytes", path, max);
		}
	}
	if (n == -1) {
		saved = errno;
		close(fd);
		integ_buf_free(b);
		return integ_errf(e, INTEG_EXIT_NOINPUT, "%s: %s", path,
		    strerror(saved));
	}
	close(fd);
	if (integ_buf_reserve(b, 0) == -1) {
		integ_buf_free(b);
		return integ_errf(e, INTEG_EXIT_DATA, "%s: too large", path);
	}
	return 0;
}
