# mmulab build.  `make` builds build/mmulab (and, where their tools are,
# the viewer build/mmulab-view and the RTL engine); `make demo` runs the
# seed's vector copy under every mode; `make test` runs every suite, then
# again under AddressSanitizer and UndefinedBehaviorSanitizer; `make bench`
# the benchmarks.  Each target installs the Debian packages it needs first
# (scripts/deps.sh): the core's always, the viewer's and the RTL's when the
# machine lets it (otherwise those parts are skipped with a note).
# OUT=dir puts the build elsewhere; V=1 shows the commands.

OUT ?= build
CC ?= gcc
OPT ?= -O2
SAN ?=
CSTD := -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -g -MMD -MP $(SAN) $(CFLAGS)
LDLIBS_ALL = $(SAN) -lz -llzma -lm $(LDLIBS)

Q := $(if $(V),,@)

LIB_SRC := $(wildcard cpu/*.c mmu/*.c machine/*.c toolchain/*.c os/*.c studies/*.c obs/*.c sim/*.c)
CLI_SRC := $(wildcard cli/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
# Helpers the unit tests share (tests/unit/*.c that are not tests), linked into each.
UNIT_HELPER_OBJ := $(patsubst %.c,$(OUT)/%.o,$(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c)))
.SECONDARY: $(UNIT_HELPER_OBJ)

LIB_OBJ := $(LIB_SRC:%.c=$(OUT)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(OUT)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(OUT)/tests/%)
GUEST_LIBS := $(patsubst %.s,%.so,$(wildcard programs/lib/*.s))

.PHONY: all build deps deps-core deps-test demo test check check-binaries check-portable bench clean

# Install first, then build in a sub-make, so that what the mk/*.mk parts
# detect (SDL through pkg-config, Verilator) is what is installed now.
all: deps
	$(Q)$(MAKE) --no-print-directory build

# What `all` builds; mk/*.mk add the viewer and the RTL engine.
build: $(OUT)/mmulab $(GUEST_LIBS)

# The guest's dynamic libraries: programs/lib/NAME.s becomes NAME.so beside
# its source, where the OS finds a program's libraries (the program's
# directory and its lib/; docs/services.md).  The OS loads only executables.
programs/lib/%.so: programs/lib/%.s $(OUT)/mmulab
	@mkdir -p $(OUT)/programs/lib
	$(if $(Q),@echo "  GUEST   $@")
	$(Q)$(OUT)/mmulab asm -c $< -o $(OUT)/programs/lib/$*.o && $(OUT)/mmulab ld -shared $(OUT)/programs/lib/$*.o -o $@

deps: deps-core
	$(Q)scripts/deps.sh viewer || echo "note: the viewer's packages could not be installed; skipping the viewer"
	$(Q)scripts/deps.sh rtl || echo "note: Verilator could not be installed; skipping the RTL engine"
	$(Q)scripts/deps.sh plot || echo "note: gnuplot-nox could not be installed; --plot will say so"

deps-core:
	$(Q)scripts/deps.sh core

$(OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -c $< -o $@

# The version: the VERSION file, and the commit when built from git
# (`mmulab --version`, and every output's configuration record).
# $(OUT)/version.h is rewritten only when the string changes.
MMULAB_VERSION := $(shell cat VERSION 2>/dev/null || echo unknown)$(shell git describe --always --dirty --exclude '*' 2>/dev/null | sed 's/^/+g/')
.PHONY: FORCE
$(OUT)/version.h: FORCE
	@mkdir -p $(dir $@)
	@printf '#define MMULAB_VERSION "%s"\n' '$(MMULAB_VERSION)' >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(OUT)/sim/runconfig.o: $(OUT)/version.h
$(OUT)/sim/runconfig.o: CFLAGS_ALL += -I$(OUT) # not CFLAGS: a CFLAGS given to make (check-portable) would override it

$(OUT)/libmmulab.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUT)/mmulab: $(CLI_OBJ) $(OUT)/libmmulab.a
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(SAN) -o $@ $(CLI_OBJ) $(OUT)/libmmulab.a $(LDLIBS_ALL)

$(OUT)/tests/%: tests/unit/%.c $(UNIT_HELPER_OBJ) $(OUT)/libmmulab.a
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  TEST-CC $<")
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $< $(UNIT_HELPER_OBJ) $(OUT)/libmmulab.a -lcmocka $(LDLIBS_ALL)

# The suites run by `check`: unit tests (cmocka), then every tests/*.sh
# suite; mk/*.mk add their test binaries to check-binaries.
check: build $(UNIT_BIN) check-binaries
	$(Q)OUT=$(OUT) tests/run.sh

check-binaries:
	@:

# The fast paths' switch dispatch (what a compiler without labels as values
# gets, cpu/cpu.c), checked against the reference path like the threaded one.
check-portable:
	$(Q)$(MAKE) --no-print-directory OUT=$(OUT)/portable CFLAGS="$(CFLAGS) -DMMULAB_NO_COMPUTED_GOTO" \
	    $(OUT)/portable/tests/test_fastpath $(OUT)/portable/tests/test_fastpath_random
	$(Q)$(OUT)/portable/tests/test_fastpath
	$(Q)$(OUT)/portable/tests/test_fastpath_random

deps-test:
	$(Q)scripts/deps.sh test
	$(Q)scripts/deps.sh slurm || echo "note: slurm-wlm and munge could not be installed; tests/slurm.sh will skip"

test: deps deps-test
	$(Q)$(MAKE) --no-print-directory check
	$(Q)$(MAKE) --no-print-directory OUT=$(OUT)/san OPT=-O1 \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" check

demo: all
	$(Q)scripts/demo.sh $(OUT)

bench: all
	$(Q)scripts/deps.sh test
	$(Q)bench/run.sh $(OUT)

clean:
	rm -rf $(OUT) $(GUEST_LIBS)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(UNIT_HELPER_OBJ:.o=.d)

# Parts with their own dependencies (the viewer: SDL2; the RTL: Verilator)
# keep their rules in mk/*.mk, so the core builds and tests without them.
include $(wildcard mk/*.mk)
