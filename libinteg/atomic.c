/*
 * atomic.c: replace a file so that a crash at any moment leaves either
 * the old contents or the new, whole: write a temporary file beside it,
 * fsync it, rename it over the target, fsync the directory so the rename
 * itself is durable.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integ.h"

static int
writeall(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
integ_atomic_write(const char *path, const void *data, size_t len,
    struct integ_err *e)
{
	return integ_atomic_write_mode(path, data, len, 0644, e);
}

int
integ_atomic_write_mode(const char *path, const void *data, size_t len,
    unsigned int mode, struct integ_err *e)
{
	char *tmp, *dcopy, *bcopy;
	const char *dir, *base;
	int fd, dfd, saved;

	dcopy = integ_xstrdup(path);
	bcopy = integ_xstrdup(path);
	dir = dirname(dcopy);
	base = basename(bcopy);
	integ_xasprintf(&tmp, "%s/.%s.XXXXXX", dir, base);
	if ((fd = mkstemp(tmp)) == -1) {
		saved = errno;
		integ_errf(e, INTEG_EXIT_IO, "%s: cannot create a temporary "
		    "file: %s", path, strerror(saved));
		goto fail;
	}
	if (fchmod(fd, (mode_t)mode) == -1 || writeall(fd, data, len) == -1 ||
	    fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(tmp);
		integ_errf(e, INTEG_EXIT_IO, "%s: %s", tmp, strerror(saved));
		goto fail;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		integ_errf(e, INTEG_EXIT_IO, "%s: %s", path, strerror(saved));
		goto fail;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY)) != -1) {
		/* some file systems refuse fsync on a directory: not fatal */
		if (fsync(dfd) == -1 && errno != EINVAL && errno != EROFS) {
			saved = errno;
			close(dfd);
			integ_errf(e, INTEG_EXIT_IO, "%s: %s", dir,
			    strerror(saved));
			goto fail;
		}
		close(dfd);
	}
	free(tmp);
	free(dcopy);
	free(bcopy);
	return 0;
fail:
	free(tmp);
	free(dcopy);
	free(bcopy);
	return INTEG_EXIT_IO;
}
