# fivestar - build, test and demo.
#
#   make          build ./fivestar
#   make demo     install what is missing, build, render samples/ into out/
#   make check    install what is missing, build, run every test
#   make asan     the test suite under -fsanitize=address,undefined
#   make bench    benchmarks (speed and memory targets live here, not in tests)
#   make fuzz     each libFuzzer target for FUZZ_SECONDS (default 60); clang
#   make valgrind the test suite, and fivestar itself, under valgrind
#   make install  the program, templates, fonts.conf, man page, guide and
#                 bash completion under PREFIX (default /usr/local), DESTDIR
#                 honoured; make uninstall removes them
#   make lint     cppcheck over src/ and tests/ (inline suppressions give
#                 their reason)
#
# Every build uses the picky warnings of PICKY; WERROR=1 (as CI sets it)
# turns every warning into an error.

CC      ?= cc
PKGS    := libxml-2.0 libzip harfbuzz-subset libdeflate libmicrohttpd libqpdf libpng
OPT     ?= -O2 -g
SRCDIRS := base model doc forms flow pdf docx bundle lib cli serve
CFLAGS  += -std=gnu11 $(OPT) -Wall -Wextra -Isrc $(SRCDIRS:%=-Isrc/%) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
B       ?= build
# The picky warnings every build uses; WERROR=1 (CI) makes them errors.
PICKY   := -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Wcast-qual -Wfloat-equal
CFLAGS  += $(PICKY) $(if $(filter 1,$(WERROR)),-Werror)

# Linking (README, Performance: start-up).  Every shared object costs each
# run its mapping and relocations, so:
# - libxml2, liblzma and libdeflate are linked from Debian's static
#   archives when they are installed.  Debian's libxml2.a was built with
#   ICU; src/base/fs-noicu.c stands in for the few ICU calls (FS_ICU_V: the
#   version suffix read from the archive), so ICU and libstdc++ stay out.
# - libzip, HarfBuzz, libmicrohttpd and libqpdf (with libcrypto, glib,
#   graphite2, freetype, GnuTLS, libstdc++ …) are not linked at all:
#   src/base/fs-lazy.c loads them on first use.  (libpng is linked: libhpdf
#   needs it anyway.)
# Without the static archives the shared libraries are linked as before.
static_a = $(filter /%,$(shell $(CC) -print-file-name=$(1)))
XML_A   := $(call static_a,libxml2.a)
LZMA_A  := $(call static_a,liblzma.a)
DEFL_A  := $(call static_a,libdeflate.a)
soname   = $(shell objdump -p $(shell $(CC) -print-file-name=$(1)) 2>/dev/null | awk '/SONAME/ { print $$2 }')
ZIP_SO  := $(call soname,libzip.so)
HB_SO   := $(call soname,libharfbuzz-subset.so)
MHD_SO  := $(call soname,libmicrohttpd.so)
QPDF_SO := $(call soname,libqpdf.so)
ifneq ($(XML_A),)
ICU_V   := $(shell nm $(XML_A) 2>/dev/null | sed -n 's/.* U ucnv_open_\([0-9][0-9]*\)$$/\1/p' | head -n 1)
XML_LIBS := $(XML_A) $(if $(LZMA_A),$(LZMA_A),-llzma) -lz
else
XML_LIBS := $(shell pkg-config --libs libxml-2.0 2>/dev/null)
endif
NOICU   := $(if $(ICU_V),$(B)/base/fs-noicu.o)
LDLIBS  += $(NOICU) -lhpdf $(XML_LIBS) $(if $(DEFL_A),$(DEFL_A),-ldeflate) \
           $(shell pkg-config --libs libpng 2>/dev/null) -lz -lm
$(B)/base/fs-noicu.o: CFLAGS += -DFS_ICU_V=$(ICU_V)
$(B)/base/fs-lazy.o: CFLAGS += $(if $(ZIP_SO),-DFS_ZIP_SONAME='"$(ZIP_SO)"') $(if $(HB_SO),-DFS_HB_SONAME='"$(HB_SO)"') \
                              $(if $(MHD_SO),-DFS_MHD_SONAME='"$(MHD_SO)"') \
                              $(if $(QPDF_SO),-DFS_QPDF_SONAME='"$(QPDF_SO)"')

LIBSRC  := $(filter-out src/cli/main.c src/base/fs-noicu.c,$(wildcard $(SRCDIRS:%=src/%/*.c)))
LIBOBJ  := $(LIBSRC:src/%.c=$(B)/%.o) $(B)/serve/fs-serve-web-data.o $(B)/base/fs-xml-known.o
KNOWN   := $(wildcard templates/*.xsd templates/rubrics/*.xml templates/flowcharts/*.xml templates/flowcharts/*/*.xml)
WEBFILES := $(wildcard src/serve/web/*)
HEADERS := $(wildcard src/*.h src/*/*.h)
TESTSRC := $(wildcard tests/test-*.c)
TESTBIN := $(TESTSRC:tests/%.c=$(B)/tests/%)
SAMPLES := $(wildcard samples/*.xml)

.PHONY: FORCE all deps deps-check deps-valgrind deps-fuzz deps-bench deps-lint demo check test asan bench lint clean \
	install install-files uninstall
all: fivestar

# Before compiling, a missing library stops make with one line naming the
# Debian packages and the command that installs them, rather than a
# compiler error about a header.  Goals that install what they need first
# (deps, demo, check …) skip the check.
NOCHECK := deps deps-check deps-valgrind deps-fuzz deps-bench deps-lint demo check fuzz valgrind bench lint \
	clean uninstall
ifeq ($(filter $(NOCHECK),$(MAKECMDGOALS)),)
DEPS_MISSING := $(shell sh tools/deps.sh --missing compile)
ifneq ($(strip $(DEPS_MISSING)),)
$(error 缺少编译所需的软件包 $(DEPS_MISSING)：请运行 make deps 安装（或 sudo apt-get install $(DEPS_MISSING)）)
endif
endif

deps:
	@sh tools/deps.sh build
deps-check deps-valgrind deps-fuzz deps-bench deps-lint:
	@sh tools/deps.sh $(@:deps-%=%)

$(B)/%.o: src/%.c $(HEADERS) | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# The page of `fivestar serve`, embedded with .incbin (paths from the root).
$(B)/serve/fs-serve-web-data.o: src/serve/fs-serve-web-data.S $(WEBFILES) | $(B)
	@mkdir -p $(dir $@)
	$(CC) -c -o $@ $<

# The shipped templates found valid against their schemas at build time,
# which fivestar then does not check again at every run (src/base/fs-xml.h,
# fs_xml_known; README, Performance: start-up).
# The stamp holds where xmllint is (empty: nowhere) and changes only when
# that does, so that installing it later remakes the list.
$(B)/xmllint.stamp: FORCE | $(B)
	@v="$$(command -v xmllint || true)"; [ -f $@ ] && [ "$$(cat $@)" = "$$v" ] || echo "$$v" >$@
$(B)/base/fs-xml-known.c: tools/known-templates.sh $(KNOWN) $(B)/xmllint.stamp | $(B)
	@mkdir -p $(dir $@)
	sh tools/known-templates.sh templates >$@.tmp && mv $@.tmp $@
$(B)/base/fs-xml-known.o: $(B)/base/fs-xml-known.c $(HEADERS)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/libfivestar.a: $(LIBOBJ) | $(NOICU)
	rm -f $@ && ar rcs $@ $^

$(B)/fivestar: $(B)/cli/main.o $(B)/libfivestar.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

fivestar: $(B)/fivestar
	cp $< $@

# Each test program links the shared test helpers (tests/testutil.c,
# compiled once), its own objects (TEST_OBJ, set per target) and the
# library.
$(B)/tests/testutil.o: tests/testutil.c tests/testutil.h $(HEADERS) | $(B)
	@mkdir -p $(B)/tests
	$(CC) $(CFLAGS) $(shell pkg-config --cflags check) -c -o $@ $<

$(B)/tests/%: tests/%.c $(B)/tests/testutil.o $(B)/libfivestar.a tests/*.h | $(B)
	@mkdir -p $(B)/tests
	$(CC) $(CFLAGS) $(shell pkg-config --cflags check) -o $@ $< $(B)/tests/testutil.o \
	    $(TEST_OBJ) $(B)/libfivestar.a $(LDLIBS) $(shell pkg-config --libs check)

$(B):
	@mkdir -p $(B)

# The tests run from the project's root; tests/run.sh prints one closing
# line "N passed, N failed" over every suite.
test: $(B)/fivestar $(TESTBIN)
	@FIVESTAR=$(B)/fivestar sh tests/run.sh $(TESTBIN)

check: deps-check
	@$(MAKE) --no-print-directory test

asan:
	@$(MAKE) --no-print-directory test B=build-asan \
	    OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"

# Fuzzing (tests/fuzz/README): each libFuzzer target runs FUZZ_SECONDS
# (default 60) from the seeds of tests/fuzz/corpus/ and the inputs of
# tests/fuzz/regressions/; new inputs go to build/fuzz/corpus/, a crash
# or hang to build/fuzz/artifacts/ and fails the target.  Debian's clang.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= dossier breaker measure pieces
FUZZ_OPT := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
.PHONY: fuzz fuzz-build valgrind

# test-fuzz replays the regressions through the targets' own code.
$(B)/tests/fuzz-targets.o: tests/fuzz/targets.c tests/fuzz/fuzz.h $(HEADERS) | $(B)
	@mkdir -p $(B)/tests
	$(CC) $(CFLAGS) -Itests/fuzz -c -o $@ $<
$(B)/tests/test-fuzz: $(B)/tests/fuzz-targets.o
$(B)/tests/test-fuzz: TEST_OBJ = $(B)/tests/fuzz-targets.o

$(B)/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/targets.c tests/fuzz/fuzz.h $(B)/libfivestar.a
	$(CC) $(CFLAGS) -Itests/fuzz -fsanitize=fuzzer -o $@ $< tests/fuzz/targets.c $(B)/libfivestar.a $(LDLIBS)

fuzz-build: $(FUZZ_TARGETS:%=$(B)/fuzz-%)

fuzz: deps-fuzz
	@$(MAKE) --no-print-directory fuzz-build B=build/fuzz CC=clang OPT="$(FUZZ_OPT)"
	@mkdir -p build/fuzz/artifacts
	@for t in $(FUZZ_TARGETS); do \
	    case $$t in dossier) max=65536;; *) max=4096;; esac; \
	    dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	    mkdir -p build/fuzz/corpus/$$t; seeds=; \
	    for d in tests/fuzz/corpus/$$t tests/fuzz/regressions/$$t; do [ -d $$d ] && seeds="$$seeds $$d"; done; \
	    echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
	    build/fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	        -max_len=$$max $$dict -print_final_stats=1 \
	        -artifact_prefix=build/fuzz/artifacts/$$t- build/fuzz/corpus/$$t $$seeds \
	        >build/fuzz/$$t.log 2>&1 \
	    || { tail -60 build/fuzz/$$t.log; echo "fuzz: $$t failed: see build/fuzz/$$t.log" \
	         "and build/fuzz/artifacts/"; exit 1; }; \
	    grep -E '^stat::number_of_executed_units|^#[0-9]+ *DONE' build/fuzz/$$t.log | tail -2; \
	done

# The whole suite under valgrind (tests/valgrind.supp): each test program
# in one process (CK_FORK=no), and fivestar itself through a wrapper put in
# $$FIVESTAR.  Logs go to $(B)/valgrind/; an error in any of them fails.
VALGRIND = valgrind --leak-check=full --errors-for-leak-kinds=definite,possible \
	--suppressions=$(CURDIR)/tests/valgrind.supp --num-callers=40 --track-origins=yes \
	--child-silent-after-fork=yes

valgrind: deps-valgrind $(B)/fivestar $(TESTBIN)
	@rm -rf $(B)/valgrind && mkdir -p $(B)/valgrind
	@printf '#!/bin/sh\nexec $(VALGRIND) --error-exitcode=99 --log-file=$(CURDIR)/$(B)/valgrind/fivestar.%%p.log $(CURDIR)/$(B)/fivestar "$$@"\n' \
	    >$(B)/valgrind/fivestar && chmod +x $(B)/valgrind/fivestar
	@for t in $(TESTBIN); do n=$$(basename $$t); \
	    printf '#!/bin/sh\nCK_FORK=no exec $(VALGRIND) --error-exitcode=1 --log-file=$(CURDIR)/$(B)/valgrind/%s.%%p.log $(CURDIR)/%s\n' \
	        $$n $$t >$(B)/valgrind/$$n && chmod +x $(B)/valgrind/$$n; done
	@FIVESTAR=$(B)/valgrind/fivestar sh tests/run.sh $(TESTBIN:$(B)/tests/%=$(B)/valgrind/%); st=$$?; \
	bad=$$(grep -lE 'ERROR SUMMARY: [1-9]' $(B)/valgrind/*.log); \
	for f in $$bad; do echo "== $$f"; cat $$f; done; \
	n=$$(grep -l 'ERROR SUMMARY' $(B)/valgrind/*.log | wc -l); \
	echo "valgrind: $$n processes checked, $$(echo $$bad | wc -w) with errors"; \
	[ $$st -eq 0 ] && [ -z "$$bad" ]

# Static analysis.  A finding fails; a false one is silenced where it is,
# with `cppcheck-suppress ID ; reason` on the line above.
CPPCHECK := cppcheck --enable=warning,portability,performance --error-exitcode=1 \
	--inline-suppr --quiet --std=c11 -D__GNUC__ -Isrc $(SRCDIRS:%=-Isrc/%) \
	--template='{file}:{line}: {severity}: {message} [{id}]'

lint: deps-lint
	$(CPPCHECK) -j2 src tests

demo: deps
	@$(MAKE) --no-print-directory fivestar
	./fivestar validate $(SAMPLES)
	./fivestar score $(SAMPLES)
	./fivestar render $(SAMPLES) -o out
	./fivestar stats $(filter %-2018.xml,$(SAMPLES)) -o out/统计表.pdf
	./fivestar stats $(filter %-2018.xml,$(SAMPLES)) -o out/统计表.docx
	@mkdir -p out/flowcharts
	for c in creation dynamic; do for f in pdf docx; do \
	    ./fivestar flowchart $$c -o out/flowcharts/$$c.$$f && \
	    ./fivestar flowchart $$c -o out/flowcharts/$$c-mingli-2018.$$f \
	        --dossier samples/mingli-2018.xml || exit 1; \
	done; done

# Installation: the binary finds templates/ in ../share/fivestar beside
# itself and fonts/fonts.conf next to them, so it works from any folder.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
DATADIR     ?= $(PREFIX)/share/fivestar
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/fivestar
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

install: $(B)/fivestar
	@$(MAKE) --no-print-directory install-files BIN=$(B)/fivestar

# install-files installs BIN as it is (the tests install the binary they
# test without rebuilding it).
BIN ?= $(B)/fivestar
install-files:
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/fonts $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/fivestar
	rm -rf $(DESTDIR)$(DATADIR)/templates
	find templates samples -type f | while read -r f; do \
	    case $$f in templates/*) d=$(DESTDIR)$(DATADIR);; *) d=$(DESTDIR)$(DOCDIR);; esac; \
	    install -D -m 644 "$$f" "$$d/$$f" || exit 1; done
	install -m 644 fonts/fonts.conf fonts/README fonts/office-aliases.conf $(DESTDIR)$(DATADIR)/fonts/
	install -m 644 docs/fivestar.1 $(DESTDIR)$(MANDIR)/man1/fivestar.1
	install -m 644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/
	install -m 644 tools/fivestar.bash-completion $(DESTDIR)$(BASHCOMPDIR)/fivestar
	@echo "fivestar 已安装到 $(DESTDIR)$(PREFIX)：运行 fivestar --help，使用说明见 man fivestar 或 $(DOCDIR)/使用说明.md"

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/fivestar $(DESTDIR)$(MANDIR)/man1/fivestar.1 \
	    $(DESTDIR)$(BASHCOMPDIR)/fivestar
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)

bench: deps-bench fivestar
	@sh tests/bench.sh

clean:
	rm -rf build build-asan fivestar out
