# integ: build, test, lint, fuzz, bench, demo, install.
# Files are found by their place: libinteg/*.c make libinteg.a, tools/X.c
# makes bin/X, connectors/N/*.c make bin/source-N, tests/helpers/X.c make a
# test helper, tests/fuzz/X.c a libFuzzer target.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
LIBDIR	?= $(PREFIX)/lib
INCDIR	?= $(PREFIX)/include
MANDIR	?= $(PREFIX)/share/man
PKGDIR	?= $(LIBDIR)/pkgconfig

B	?= build
CC	?= cc
CFLAGS	?= -O2 -g
WARN	 = -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Wshadow \
	   -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
DEPS_CFLAGS := $(shell pkg-config --cflags libbsd-overlay libcurl)
DEPS_LIBS   := $(shell pkg-config --libs libbsd-overlay libcurl) -lyaml -ljq -lonig -lpthread -lm
ALL_CFLAGS   = $(WARN) $(DEPS_CFLAGS) -Ilibinteg $(CFLAGS)

LIB_SRC	 = $(sort $(wildcard libinteg/*.c))
LIB_OBJ	 = $(LIB_SRC:%.c=$(B)/obj/%.o)
LIB_A	 = $(B)/libinteg.a
TOOLS	 = $(patsubst tools/%.c,$(B)/bin/%,$(sort $(wildcard tools/*.c)))
CONN_DIRS = $(sort $(patsubst %/,%,$(dir $(wildcard connectors/*/*.c))))
CONNECTORS = $(patsubst connectors/%,$(B)/bin/source-%,$(CONN_DIRS))
HELPERS	 = $(patsubst tests/helpers/%.c,$(B)/tests/%,$(sort $(wildcard tests/helpers/*.c)))
FUZZERS	 = $(patsubst tests/fuzz/%.c,%,$(sort $(wildcard tests/fuzz/*.c)))
MAN	 = $(sort $(wildcard man/*.[1-9]))
SCRIPTS	 = $(sort $(wildcard tests/*.sh tests/mock/*.sh examples/*.sh bench/*.sh connectors/*.sh)) .ci/run

FUZZ_SECONDS ?= 20

.PHONY: all check asan lint fuzz bench demo install uninstall clean helpers

all: $(LIB_A) $(TOOLS) $(CONNECTORS)

helpers: $(HELPERS)

$(B)/obj/%.o: %.c $(wildcard libinteg/*.h tests/helpers/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The archive is remade when a source file goes away, not only when one
# changes: the object list is kept in a file, rewritten (at parse time)
# only when the list differs.
LIST_STAMP := $(shell mkdir -p $(B) && echo '$(LIB_OBJ)' | cmp -s - $(B)/lib.list || \
	echo '$(LIB_OBJ)' >$(B)/lib.list)

$(LIB_A): $(LIB_OBJ) $(B)/lib.list
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

$(B)/bin/%: $(B)/obj/tools/%.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_A) $(DEPS_LIBS)

$(B)/tests/%: $(B)/obj/tests/helpers/%.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_A) $(DEPS_LIBS)

# integ.h's examples, cut out for tt-example.c to compile and run: each is
# the indented block after a line that ends "(tt-example: NAME):".
$(B)/gen/example-%.inc: libinteg/integ.h
	@mkdir -p $(@D)
	awk -v mark='(tt-example: $*):' 'index($$0, mark) { on = 1; next } \
	    on && /^ \*\t/ { sub(/^ \*/, ""); print; got = 1; next } \
	    on && /^ \*$$/ { print ""; next } { on = 0 } END { exit !got }' \
	    libinteg/integ.h >$@.tmp && mv $@.tmp $@

$(B)/obj/tests/helpers/tt-example.o: $(B)/gen/example-emit.inc $(B)/gen/example-connector.inc
$(B)/obj/tests/helpers/tt-example.o: ALL_CFLAGS += -I$(B)/gen

# A connector is every .c file in its folder, and its spec.json and
# schemas/*.json compiled in by connectors/embed.sh.
.SECONDEXPANSION:
$(B)/bin/source-%: $$(foreach f,$$(wildcard connectors/$$*/*.c),$(B)/obj/$$(basename $$f).o) $(B)/obj/embed/%.o $(LIB_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_A) $(DEPS_LIBS)

$(B)/embed/%.c: $$(wildcard connectors/$$*/spec.json connectors/$$*/schemas/*.json) connectors/embed.sh
	@mkdir -p $(@D)
	sh connectors/embed.sh connectors/$* >$@

$(B)/obj/embed/%.o: $(B)/embed/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

check: all helpers
	INTEG_BIN=$(CURDIR)/$(B)/bin INTEG_HELPERS=$(CURDIR)/$(B)/tests \
	    sh tests/run.sh $(TESTS)

# The suite again, every binary built with ASan and UBSan, leaks checked.
# tests/lsan.supp holds libjq 1.6's own parser leak and nothing of ours.
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan:
	$(MAKE) B=build-asan CC=clang CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" all helpers
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99:fast_unwind_on_malloc=0 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	INTEG_SANITIZED=1 \
	INTEG_BIN=$(CURDIR)/build-asan/bin INTEG_HELPERS=$(CURDIR)/build-asan/tests \
	    sh tests/run.sh $(TESTS)

lint: $(B)/gen/example-emit.inc $(B)/gen/example-connector.inc
	$(if $(MAN),mandoc -Tlint -Wwarning $(MAN))
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --std=c11 --inline-suppr -D__GNUC__ -Ilibinteg -I$(B)/gen \
	    libinteg tools connectors tests/helpers
	shellcheck -S warning $(SCRIPTS) .ci/deps

# libFuzzer targets, each run for FUZZ_SECONDS on a copy of its seed corpus.
fuzz:
	@mkdir -p $(B)/fuzz
	@for f in $(FUZZERS); do \
	    echo "fuzz: $$f for $(FUZZ_SECONDS)s"; \
	    clang -g -O1 -fsanitize=fuzzer,address,undefined $(WARN) $(DEPS_CFLAGS) \
	        -Ilibinteg -o $(B)/fuzz/$$f tests/fuzz/$$f.c $(LIB_SRC) $(DEPS_LIBS) || exit 1; \
	    rm -rf $(B)/fuzz/$$f.corpus; mkdir -p $(B)/fuzz/$$f.corpus; \
	    if [ -d tests/fuzz/corpus/$$f ]; then cp tests/fuzz/corpus/$$f/* $(B)/fuzz/$$f.corpus/; fi; \
	    ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	    $(B)/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	        $(B)/fuzz/$$f.corpus || exit 1; \
	done

bench: all
	sh bench/run.sh

demo: all
	sh tests/demo.sh

# integ.pc is written at install time, for the PREFIX of that install.
# libinteg is a static library: what it links against is in Requires and
# Libs, not in their .private forms.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR) $(DESTDIR)$(PKGDIR)
	install -m 755 $(TOOLS) $(CONNECTORS) $(DESTDIR)$(BINDIR)
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)
	install -m 644 libinteg/integ.h $(DESTDIR)$(INCDIR)
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(patsubst $(PREFIX)%,$${prefix}%,$(LIBDIR))' \
	    'includedir=$(patsubst $(PREFIX)%,$${prefix}%,$(INCDIR))' '' \
	    'Name: integ' 'Description: HTTP/JSON APIs to Singer and Airbyte messages' \
	    'Version: $(shell sed -n 's/^#define INTEG_VERSION "\(.*\)"/\1/p' libinteg/integ.h)' \
	    'Requires: libcurl libbsd-overlay' \
	    'Cflags: -I$${includedir}' 'Libs: -L$${libdir} -linteg -lyaml -ljq -lonig -lpthread -lm' \
	    >$(DESTDIR)$(PKGDIR)/integ.pc
	for m in $(MAN); do s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
	    install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s; done

uninstall:
	for t in $(notdir $(TOOLS) $(CONNECTORS)); do rm -f $(DESTDIR)$(BINDIR)/$$t; done
	rm -f $(DESTDIR)$(LIBDIR)/libinteg.a $(DESTDIR)$(INCDIR)/integ.h $(DESTDIR)$(PKGDIR)/integ.pc
	for m in $(notdir $(MAN)); do rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$$m; done

clean:
	rm -rf build build-asan
