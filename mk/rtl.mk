# The RTL (rtl/*.sv) under Verilator: build/mmulab-rtl is the same CLI as
# build/mmulab linked with the Verilated machine (rtl/harness/).  Nothing in
# the core build or the core tests depends on Verilator: `make` builds the RTL
# engine only when verilator and g++ are already installed (rtl-auto);
# `make rtl` installs them (scripts/deps.sh rtl) and builds it.
#
#   make rtl        build/mmulab-rtl
#   make rtl-lint   verilator --lint-only -Wall over rtl/*.sv
#   make test-rtl   lint, programs x modes in lockstep under two reset seeds (also run
#                   by `make test` when verilator is installed),
#                   random MMU stimulus, mutation tests (tests/rtl/run.sh)
#   make rtl-mutants  build/rtl-mut/<name>/mmulab-rtl, one planted bug each
#   make synth      yosys synth_ice40 (MMU with a 16-entry TLB, core) + nextpnr-ice40
#   make bench-rtl  bench/rtl.sh

RTL_SRC := $(sort $(wildcard rtl/*.sv)) $(wildcard rtl/*.v)
RTL_HARNESS := rtl/harness/rtl_machine.cpp
VERILATOR ?= verilator
RTL_VFLAGS := -Wall --assert --x-assign unique --x-initial unique -O3 --trace-fst \
	--top-module mmulab_top --no-timing -CFLAGS "-O2 -fno-strict-aliasing"
RTL_JOBS ?= 2
RTL_MUTANTS := MUT_NO_LIMIT MUT_NO_DIRTY MUT_NO_ASID MUT_WALK_LEVEL MUT_SEG_NO_DOWN
VL_INC := $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)/include

.PHONY: rtl rtl-auto rtl-lint test-rtl test-rtl-auto rtl-mutants synth bench-rtl deps-rtl deps-synth

all: rtl-auto
test: test-rtl-auto

deps-rtl:
	$(Q)scripts/deps.sh rtl

# `make`: the RTL engine too, when its tools are already there; never an error.
rtl-auto: $(OUT)/mmulab
	$(Q)if command -v $(VERILATOR) >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory $(OUT)/mmulab-rtl; \
	else echo "note: verilator not installed; 'make rtl' installs it and builds $(OUT)/mmulab-rtl"; fi

rtl: deps-rtl
	$(Q)$(MAKE) --no-print-directory $(OUT)/mmulab $(OUT)/mmulab-rtl

rtl-lint:
	$(Q)$(VERILATOR) --lint-only -Wall $(wildcard rtl/*.vlt) $(RTL_SRC)

# one Verilated model per define set: $(1) the directory, $(2) the defines
define rtl_model
$(1)/obj/Vmmulab_top__ALL.a: $(RTL_SRC) mk/rtl.mk
	@mkdir -p $(1)/obj
	$(if $(Q),@echo "  VERILATE $(1)")
	$(Q)$(VERILATOR) --cc $(RTL_VFLAGS) $(2) -Mdir $(1)/obj $(RTL_SRC) >$(1)/verilator.log 2>&1 || \
	    { cat $(1)/verilator.log; exit 1; }
	$(Q)printf 'include Vmmulab_top.mk\nlibverilated.a: $$$$(VK_GLOBAL_OBJS)\n\tar rcs $$$$@ $$$$^\n' \
	    >$(1)/obj/globals.mk
	$(Q)$(MAKE) -s -j$(RTL_JOBS) -C $(1)/obj -f globals.mk Vmmulab_top__ALL.a libverilated.a \
	    >>$(1)/verilator.log 2>&1 || { tail -n 30 $(1)/verilator.log; exit 1; }
	@# Verilator leaves unchanged output alone, so the archive may keep an old time: mark it done
	$(Q)touch $$@

$(1)/rtl_machine.o: $(RTL_HARNESS) rtl/harness/rtl.h rtl/harness/dbg_map.h rtl/harness/gtkw.h mmu/seg.h $(1)/obj/Vmmulab_top__ALL.a
	$(if $(Q),@echo "  CXX     $$<")
	$(Q)g++ -std=c++17 -O2 -g -Wall -Wextra -Werror -DVM_TRACE=1 -DVM_TRACE_FST=1 \
	    -I$(1)/obj -isystem $(VL_INC) -isystem $(VL_INC)/vltstd -c $$< -o $$@

# The waveform side: GTKWave save files, their state names from the RTL's enums.
$(1)/rtl_enums.h: $(RTL_SRC) scripts/rtl_enums.py
	@mkdir -p $(1)
	$(Q)python3 scripts/rtl_enums.py $$@ $(RTL_SRC)

$(1)/gtkw.o: rtl/harness/gtkw.cpp rtl/harness/gtkw.h $(1)/rtl_enums.h
	$(if $(Q),@echo "  CXX     $$<")
	$(Q)g++ -std=c++17 -O2 -g -Wall -Wextra -Werror -I$(1) -isystem $(VL_INC) -c $$< -o $$@

$(1)/mmulab-rtl: $(CLI_OBJ) $(OUT)/libmmulab.a $(1)/rtl_machine.o $(1)/gtkw.o $(1)/obj/Vmmulab_top__ALL.a
	$(if $(Q),@echo "  LD      $$@")
	$(Q)g++ -o $$@ $(CLI_OBJ) $(1)/rtl_machine.o $(1)/gtkw.o $(1)/obj/Vmmulab_top__ALL.a $(1)/obj/libverilated.a \
	    $(OUT)/libmmulab.a $(LDLIBS_ALL) -lpthread
endef

$(eval $(call rtl_model,$(OUT)/rtl,))
$(foreach m,$(RTL_MUTANTS),$(eval $(call rtl_model,$(OUT)/rtl-mut/$(m),-D$(m) -Wno-fatal)))

$(OUT)/mmulab-rtl: $(OUT)/rtl/mmulab-rtl
	$(Q)cp $< $@

rtl-mutants: $(foreach m,$(RTL_MUTANTS),$(OUT)/rtl-mut/$(m)/mmulab-rtl)

# `make test`: the RTL suite too, when verilator is already installed.
test-rtl-auto:
	$(Q)if command -v $(VERILATOR) >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory test-rtl; \
	else echo "note: verilator not installed; 'make test-rtl' installs it and runs the RTL suite"; fi

test-rtl: deps-rtl
	$(Q)$(MAKE) --no-print-directory build $(OUT)/mmulab-rtl rtl-mutants rtl-lint
	$(Q)OUT=$(OUT) tests/rtl/run.sh

synth: deps-synth
	$(Q)scripts/synth.sh $(OUT)/synth

deps-synth:
	$(Q)scripts/deps.sh synth

bench-rtl: rtl
	$(Q)bench/rtl.sh $(OUT)
