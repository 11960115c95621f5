# fivestar - build, test and demo.
#
#   make          build ./fivestar
#   make demo     install what is missing, build, render samples/ into out/
#   make check    install what is missing, build, run every test
#   make asan     the test suite under -fsanitize=address,undefined
#   make bench    benchmarks (speed and memory targets live here, not in tests)

CC      ?= cc
PKGS    := libxml-2.0 libzip harfbuzz-subset
OPT     ?= -O2 -g
CFLAGS  += -std=gnu11 $(OPT) -Wall -Wextra -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += -lhpdf $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
B       ?= build

LIBSRC  := $(filter-out src/main.c,$(wildcard src/*.c))
LIBOBJ  := $(LIBSRC:src/%.c=$(B)/%.o)
TESTSRC := $(wildcard tests/test-*.c)
TESTBIN := $(TESTSRC:tests/%.c=$(B)/tests/%)
SAMPLES := $(wildcard samples/*.xml)

.PHONY: all deps deps-check demo check test asan bench clean
all: fivestar

deps:
	@sh tools/deps.sh build
deps-check:
	@sh tools/deps.sh check

$(B)/%.o: src/%.c src/*.h | $(B)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/libfivestar.a: $(LIBOBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/fivestar: $(B)/main.o $(B)/libfivestar.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

fivestar: $(B)/fivestar
	cp $< $@

$(B)/tests/%: tests/%.c $(B)/libfivestar.a tests/*.h | $(B)
	@mkdir -p $(B)/tests
	$(CC) $(CFLAGS) $(shell pkg-config --cflags check) -o $@ $< $(B)/libfivestar.a \
	    $(LDLIBS) $(shell pkg-config --libs check)

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

demo: deps
	@$(MAKE) --no-print-directory fivestar
	./fivestar validate $(SAMPLES)
	./fivestar score $(SAMPLES)
	./fivestar render $(SAMPLES) -o out

bench: fivestar
	@sh tests/bench.sh

clean:
	rm -rf build build-asan fivestar out
