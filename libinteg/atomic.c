/*
 * atomic.c: replace a file so that a crash at any moment leaves either
 * the old contents or the new, whole, and no temporary file behind.
 *
 * The new contents are written and fsynced into an unnamed file
 * (O_TMPFILE), which gets a name beside the target only to be renamed
 * over it at once; the directory is fsynced so the rename is durable.
 * Where the file system has no unnamed files, a named one (mkstemp) is
 * used instead. Either way the writer holds an flock(2) on its temporary
 * file for as long as it lives; the kernel drops it when the writer
 * dies. So a temporary file nobody holds was left by a writer killed
 * between naming and renaming it, and the next write removes it: that
 * is safe against a concurrent writer, whose file is always locked.
 */
#define _GNU_SOURCE	/* O_TMPFILE */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integ.h"

#define TMP_TRIES	16

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

static int
fill(int fd, const void *data, size_t len, unsigned int mode)
{
	if (fchmod(fd, (mode_t)mode) == -1 || writeall(fd, data, len) == -1 ||
	    fsync(fd) == -1)
		return -1;
	return 0;
}

/* The name of a temporary file for base: .BASE.XXXXXX (as mkstemp). */
static int
is_tmp_name(const char *name, const char *base)
{
	size_t n = strlen(base);

	return name[0] == '.' && strncmp(name + 1, base, n) == 0 &&
	    name[n + 1] == '.' && strlen(name + n + 2) == 6;
}

/* Remove the temporary files of base in dir that no live writer holds. */
static void
sweep(const char *dir, const char *base)
{
	struct stat fst, lst;
	struct dirent *de;
	DIR *d;
	int dfd, fd;

	if ((d = opendir(dir)) == NULL)
		return;
	dfd = dirfd(d);
	while ((de = readdir(d)) != NULL) {
		if (!is_tmp_name(de->d_name, base))
			continue;
		fd = openat(dfd, de->d_name, O_RDONLY | O_NOFOLLOW |
		    O_NONBLOCK | O_CLOEXEC);
		if (fd == -1)
			continue;
		/*
		 * Ours to remove only if unlocked (its writer is dead) and
		 * the name still is this file (not renamed or replaced).
		 */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 &&
		    fstat(fd, &fst) == 0 && S_ISREG(fst.st_mode) &&
		    fstatat(dfd, de->d_name, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
		    fst.st_dev == lst.st_dev && fst.st_ino == lst.st_ino)
			unlinkat(dfd, de->d_name, 0);
		close(fd);
	}
	closedir(d);
}

/* tmp (ending in XXXXXX) made a fresh name; no file is created. */
static void
tmp_name(char *tmp)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	char *x = tmp + strlen(tmp) - 6;
	int i;

	for (i = 0; i < 6; i++)
		x[i] = set[arc4random_uniform(sizeof(set) - 1)];
}

/*
 * An unnamed file in dir, locked, or -1 (errno set) when the file system
 * has none.
 */
static int
open_unnamed(const char *dir)
{
#ifdef O_TMPFILE
	int fd;

	if ((fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600)) == -1)
		return -1;
	if (flock(fd, LOCK_EX) == -1) {
		close(fd);
		return -1;
	}
	return fd;
#else
	(void)dir;
	errno = EOPNOTSUPP;
	return -1;
#endif
}

/* Give the unnamed file fd the name tmp (a fresh one each try). */
static int
link_unnamed(int fd, char *tmp)
{
	char proc[64];
	int i;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	for (i = 0; i < TMP_TRIES; i++) {
		memcpy(tmp + strlen(tmp) - 6, "XXXXXX", 6);
		tmp_name(tmp);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp,
		    AT_SYMLINK_FOLLOW) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

/*
 * A named temporary file tmp, locked. Between mkstemp and flock a sweep
 * may take it for a dead writer's and remove it: then try another.
 */
static int
open_named(char *tmp)
{
	struct stat fst, lst;
	int fd, i;

	for (i = 0; i < TMP_TRIES; i++) {
		memcpy(tmp + strlen(tmp) - 6, "XXXXXX", 6);
		if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
			return -1;
		if (flock(fd, LOCK_EX) == 0 && fstat(fd, &fst) == 0 &&
		    lstat(tmp, &lst) == 0 && fst.st_dev == lst.st_dev &&
		    fst.st_ino == lst.st_ino)
			return fd;
		close(fd);
	}
	errno = EEXIST;
	return -1;
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
	sweep(dir, base);
	/* unnamed first; a name for it may still fail (no /proc): named */
	if ((fd = open_unnamed(dir)) != -1 && (fill(fd, data, len, mode) == -1 ||
	    link_unnamed(fd, tmp) == -1)) {
		saved = errno;
		close(fd);
		if (saved != ENOENT && saved != EPERM && saved != EXDEV &&
		    saved != EOPNOTSUPP) {
			integ_errf(e, INTEG_EXIT_IO, "%s: %s", path,
			    strerror(saved));
			goto fail;
		}
		fd = -1;
	}
	if (fd == -1) {
		if ((fd = open_named(tmp)) == -1) {
			saved = errno;
			integ_errf(e, INTEG_EXIT_IO, "%s: cannot create a "
			    "temporary file: %s", path, strerror(saved));
			goto fail;
		}
		if (fill(fd, data, len, mode) == -1) {
			saved = errno;
			unlink(tmp);
			close(fd);
			integ_errf(e, INTEG_EXIT_IO, "%s: %s", tmp,
			    strerror(saved));
			goto fail;
		}
	}
	/* named now: renamed at once, and unlocked only after */
	if (rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		close(fd);
		integ_errf(e, INTEG_EXIT_IO, "%s: %s", path, strerror(saved));
		goto fail;
	}
	if (close(fd) == -1) {
		saved = errno;
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
