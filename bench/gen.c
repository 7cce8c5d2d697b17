/*
 * gen: deterministic benchmark fixtures (bench/README.md).
 *
 *   gen [-s seed] [-r per-page] [-u url] pages N FILE    N pages, one stream
 *   gen [-s seed] [-r per-page] [-u url] pagedir N DIR   DIR/page-0001.json ...
 *   gen [-s seed] jsonl N FILE                           N records, JSON Lines
 *   gen [-s seed] array MB FILE                          one array of >= MB MiB
 *
 * Pages are PokeAPI-shaped: {"count","next","previous","results":[...]},
 * minified, each followed by a newline. Records carry nested objects,
 * escapes, raw UTF-8, timestamps and a 64-bit id. FILE may be "-".
 * Built and run by bench/gen.sh.
 */
#include <err.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned
pick(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static const char *names[] = {
	"bulbasaur", "ivysaur", "venusaur", "charmander", "charmeleon",
	"charizard", "squirtle", "wartortle", "blastoise", "caterpie",
	"pikachu", "raichu", "nidoran-f", "nidoran-m", "clefairy", "vulpix",
	"jigglypuff", "zubat", "oddish", "paras", "meowth", "psyduck",
	"mr-mime", "farfetchd", "flabébé", "type-null"
};
static const char *types[] = {
	"grass", "poison", "fire", "flying", "water", "bug", "normal",
	"electric", "ground", "fairy", "fighting", "psychic", "rock", "steel",
	"ice", "ghost", "dragon", "dark"
};
/* flavour texts: JSON string bodies, escapes and raw UTF-8 included */
static const char *flavor[] = {
	"A strange seed was\\nplanted on its back at birth.",
	"It can go for days\\nwithout eating a single morsel. \\\"Zzz\\\"",
	"Obviously prefers\\nhot places. When it rains, steam spouts from the tip of its tail.",
	"Sie speichert Strom in ihren Backen \\u2014 über 10\\u00a0000 Volt.",
	"ポケモンのなかまで　いちばん　おおきい。",
	"Son pelage est doux et lisse, très agréable au toucher.",
	"When several of\\nthese POKéMON gather, their electricity could build and cause lightning storms.",
	"Tab\\tseparated\\tvalues and a back\\\\slash \\/ slash.",
	"🔥 Its flame burns brighter 🔥 when it is angry \\ud83d\\ude20.",
	"Ce Pokémon est très calme."
};

static char *obuf;
static size_t olen, ocap;
static FILE *out;

static void
flush(void)
{
	if (olen && fwrite(obuf, 1, olen, out) != olen)
		err(1, "write");
	olen = 0;
}

static void
put(const char *s, size_t n)
{
	if (olen + n > ocap)
		flush();
	if (n > ocap) {
		if (fwrite(s, 1, n, out) != n)
			err(1, "write");
		return;
	}
	memcpy(obuf + olen, s, n);
	olen += n;
}

static void
puts_(const char *s)
{
	put(s, strlen(s));
}

static void
putf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
putf(const char *fmt, ...)
{
	char b[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	put(b, (size_t)n);
}

static uint64_t total_written;

static void
record(uint64_t id)
{
	unsigned n = pick(sizeof(names) / sizeof(names[0]));
	unsigned t1 = pick(18), t2 = pick(18), nt = 1 + pick(2);

	putf("{\"id\":%llu,\"name\":\"%s-%llu\",", (unsigned long long)id,
	    names[n], (unsigned long long)id);
	putf("\"url\":\"https://pokeapi.co/api/v2/pokemon/%llu/\",",
	    (unsigned long long)id);
	putf("\"types\":[{\"slot\":1,\"type\":{\"name\":\"%s\"}}", types[t1]);
	if (nt == 2)
		putf(",{\"slot\":2,\"type\":{\"name\":\"%s\"}}", types[t2]);
	putf("],\"stats\":{\"hp\":%u,\"speed\":%.2f},", 1 + pick(255),
	    (double)pick(20000) / 100);
	putf("\"flavor_text\":\"%s\",", flavor[pick(10)]);
	putf("\"updated_at\":\"20%02u-%02u-%02uT%02u:%02u:%02u.%03uZ\",",
	    15 + pick(10), 1 + pick(12), 1 + pick(28), pick(24), pick(60),
	    pick(60), pick(1000));
	putf("\"tracking_id\":%llu}", (unsigned long long)
	    (10000000000000000000ULL + (rnd() % 8000000000000000000ULL)));
}

static void
page(uint64_t i, uint64_t npages, unsigned per, const char *url,
    int dir)
{
	uint64_t j, count = npages * per;

	putf("{\"count\":%llu,\"next\":", (unsigned long long)count);
	if (i + 1 < npages) {
		if (dir)
			putf("\"%s/page-%04llu.json\"", url,
			    (unsigned long long)i + 2);
		else
			putf("\"%s?offset=%llu&limit=%u\"", url,
			    (unsigned long long)(i + 1) * per, per);
	} else
		puts_("null");
	puts_(",\"previous\":");
	if (i > 0) {
		if (dir)
			putf("\"%s/page-%04llu.json\"", url,
			    (unsigned long long)i);
		else
			putf("\"%s?offset=%llu&limit=%u\"", url,
			    (unsigned long long)(i - 1) * per, per);
	} else
		puts_("null");
	puts_(",\"results\":[");
	for (j = 0; j < per; j++) {
		if (j)
			put(",", 1);
		record(i * per + j + 1);
	}
	puts_("]}\n");
}

static FILE *
openout(const char *path)
{
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return stdout;
	if ((fp = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	return fp;
}

static void
closeout(void)
{
	flush();
	if (fclose(out) != 0)
		err(1, "close");
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: gen [-s seed] [-r per-page] [-u url] pages N FILE\n"
	    "       gen [-s seed] [-r per-page] [-u url] pagedir N DIR\n"
	    "       gen [-s seed] jsonl N FILE\n"
	    "       gen [-s seed] array MB FILE\n");
	exit(64);
}

int
main(int argc, char *argv[])
{
	const char *url = NULL;
	unsigned per = 1000;
	uint64_t n, i;
	int ch;

	while ((ch = getopt(argc, argv, "r:s:u:")) != -1) {
		switch (ch) {
		case 'r':
			per = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 's':
			rng = strtoull(optarg, NULL, 10) * 0x9e3779b97f4a7c15ULL;
			break;
		case 'u':
			url = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 3 || per == 0)
		usage();
	n = strtoull(argv[1], NULL, 10);
	ocap = 1 << 20;
	if ((obuf = malloc(ocap)) == NULL)
		err(1, NULL);
	if (strcmp(argv[0], "pages") == 0) {
		out = openout(argv[2]);
		for (i = 0; i < n; i++)
			page(i, n, per, url ? url :
			    "https://pokeapi.co/api/v2/pokemon", 0);
		closeout();
	} else if (strcmp(argv[0], "pagedir") == 0) {
		char path[4096];

		if (mkdir(argv[2], 0755) == -1 && access(argv[2], W_OK) == -1)
			err(1, "%s", argv[2]);
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/page-%04llu.json",
			    argv[2], (unsigned long long)i + 1);
			out = openout(path);
			page(i, n, per, url ? url : "http://127.0.0.1:8080", 1);
			closeout();
		}
	} else if (strcmp(argv[0], "jsonl") == 0) {
		out = openout(argv[2]);
		for (i = 0; i < n; i++) {
			record(i + 1);
			put("\n", 1);
		}
		closeout();
	} else if (strcmp(argv[0], "array") == 0) {
		uint64_t want = n << 20;

		out = openout(argv[2]);
		put("[", 1);
		for (i = 0; total_written + olen < want; i++) {
			if (i)
				put(",\n", 2);
			if (olen > ocap / 2) {
				total_written += olen;
				flush();
			}
			record(i + 1);
		}
		puts_("]\n");
		closeout();
	} else
		usage();
	return 0;
}
