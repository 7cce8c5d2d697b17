/*
 * tt-base: the base pieces of libinteg, driven from tests/t-base.sh.
 *
 *   tt-base escape MAX [SECRET...]  stdin -> escaped into a MAX-byte buffer
 *   tt-base cut MAX [SECRET...]     stdin -> masked and cut, not escaped
 *   tt-base errf [SECRET...]        stdin -> an integ_err's message
 *   tt-base nodump [SECRET...]      "dumpable D core SOFT HARD" after adding
 *   tt-base mask SECRET...          stdin -> masked
 *   tt-base log LEVEL SECRET...     log stdin's lines at LEVEL (a name), level WARN
 *   tt-base level NAME              the level's canonical name, or exit 1
 *   tt-base buf MAX CHUNK...        append chunks; prints len or the error
 *   tt-base trailer CODE MSG        write a trailer
 *   tt-base parse                   stdin lines -> "CODE MSG" or "no"
 *   tt-base exitname CODE
 *   tt-base signal                  wait for SIGTERM/SIGINT on a blocking read
 *   tt-base closeout                write stdin to stdout, then close it
 */
#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "integ.h"
#include "tt.h"

int
main(int argc, char *argv[])
{
	struct integ_err e;
	char *in, *out, line[4096];
	size_t len;
	int i, code;

	integ_log_init("tt-base", INTEG_LOG_WARN);
	if (argc < 2)
		return 64;
	if ((strcmp(argv[1], "escape") == 0 || strcmp(argv[1], "cut") == 0) &&
	    argc >= 3) {
		size_t max = strtoul(argv[2], NULL, 10);
		char *dst = integ_xmalloc(max ? max : 1);

		for (i = 3; i < argc; i++)
			integ_secret_add(argv[i]);
		in = tt_slurp(&len);
		if (argv[1][0] == 'e')
			len = integ_secret_escape(dst, max, in, len);
		else
			len = integ_secret_mask_cut(dst, max, in, len, 0);
		printf("%zu:%s\n", len, dst);
		free(dst);
		free(in);
		integ_secret_clear();
	} else if (strcmp(argv[1], "errf") == 0) {
		for (i = 2; i < argc; i++)
			integ_secret_add(argv[i]);
		in = tt_slurp(&len);
		integ_errf(&e, 1, "%s", in);
		printf("%zu:%s\n", strlen(e.msg), e.msg);
		free(in);
		integ_secret_clear();
	} else if (strcmp(argv[1], "nodump") == 0) {
		struct rlimit rl;
		int d = -1;

		for (i = 2; i < argc; i++)
			integ_secret_add(argv[i]);
#ifdef __linux__
		d = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
#endif
		if (getrlimit(RLIMIT_CORE, &rl) == -1)
			return 1;
		printf("dumpable %d core %lld %lld\n", d,
		    rl.rlim_cur == RLIM_INFINITY ? -1LL : (long long)rl.rlim_cur,
		    rl.rlim_max == RLIM_INFINITY ? -1LL : (long long)rl.rlim_max);
	} else if (strcmp(argv[1], "mask") == 0) {
		for (i = 2; i < argc; i++)
			integ_secret_add(argv[i]);
		in = tt_slurp(&len);
		out = integ_secret_maskn(in, len);
		fputs(out, stdout);
		printf("[in=%d]\n", integ_secret_in(in, len));
		free(in);
		free(out);
		integ_secret_clear();
	} else if (strcmp(argv[1], "log") == 0 && argc >= 3) {
		enum integ_level lv;

		if (integ_log_level_parse(argv[2], &lv) == -1)
			return 64;
		for (i = 3; i < argc; i++)
			integ_secret_add(argv[i]);
		while (fgets(line, sizeof(line), stdin) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			integ_log(lv, "%s", line);
		}
		integ_secret_clear();
	} else if (strcmp(argv[1], "level") == 0 && argc == 3) {
		enum integ_level lv;

		if (integ_log_level_parse(argv[2], &lv) == -1)
			return 1;
		printf("%d %s\n", (int)lv, integ_log_level_name(lv));
	} else if (strcmp(argv[1], "buf") == 0 && argc >= 3) {
		struct integ_buf b;

		integ_buf_init(&b, strtoul(argv[2], NULL, 10));
		integ_buf_reserve(&b, 0);
		for (i = 3; i < argc; i++) {
			if (integ_buf_adds(&b, argv[i]) == -1) {
				printf("error at %d: %s\n", i - 2, strerror(errno));
				break;
			}
		}
		printf("%zu:%s\n", b.len, b.data);
		integ_buf_free(&b);
	} else if (strcmp(argv[1], "trailer") == 0 && argc >= 4) {
		for (i = 4; i < argc; i++)
			integ_secret_add(argv[i]);
		integ_trailer_write(stdout, atoi(argv[2]), argv[3]);
		integ_secret_clear();
	} else if (strcmp(argv[1], "parse") == 0) {
		const char *msg;

		while (fgets(line, sizeof(line), stdin) != NULL) {
			len = strcspn(line, "\n");
			if (integ_trailer_parse(line, len, &code, &msg))
				printf("%d %.*s\n", code, (int)(len - (size_t)(msg - line)), msg);
			else
				printf("no\n");
		}
	} else if (strcmp(argv[1], "exitname") == 0 && argc == 3) {
		printf("%s\n", integ_exit_name(atoi(argv[2])));
	} else if (strcmp(argv[1], "signal") == 0) {
		ssize_t n;

		integ_signal_init();
		printf("ready\n");
		fflush(stdout);
		while ((n = read(STDIN_FILENO, line, sizeof(line))) > 0)
			;
		if (n == -1 && errno == EINTR && integ_signal_caught()) {
			printf("caught %d\n", integ_signal_caught());
			return INTEG_EXIT_SIGNAL + integ_signal_caught();
		}
		printf("eof\n");
	} else if (strcmp(argv[1], "closeout") == 0) {
		in = tt_slurp(&len);
		fwrite(in, 1, len, stdout);
		free(in);
		if ((code = integ_io_close_stdout(&e)) != 0)
			return integ_log_err(&e);
	} else {
		return 64;
	}
	return 0;
}
