/*
 * rusage: run a command with stdout to /dev/null and print its wall
 * time in seconds, peak RSS in KiB, exit status and CPU seconds (user
 * + system): "SECONDS KIB STATUS CPU".
 *   rusage [-i FILE] CMD [ARG...]     (-i: the command's stdin)
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct timespec t0, t1;
	struct rusage ru;
	const char *in = NULL;
	pid_t pid;
	int st, fd;

	if (argc > 2 && strcmp(argv[1], "-i") == 0) {
		in = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2)
		errx(64, "usage: rusage [-i FILE] CMD [ARG...]");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) == -1 ||
		    dup2(fd, STDOUT_FILENO) == -1)
			err(1, "/dev/null");
		if (in != NULL && ((fd = open(in, O_RDONLY)) == -1 ||
		    dup2(fd, STDIN_FILENO) == -1))
			err(1, "%s", in);
		execvp(argv[1], argv + 1);
		err(127, "%s", argv[1]);
	}
	if (wait4(pid, &st, 0, &ru) == -1)
		err(1, "wait4");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.4f %ld %d %.4f\n", (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, ru.ru_maxrss,
	    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st),
	    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return 0;
}
