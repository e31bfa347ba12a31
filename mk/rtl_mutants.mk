# The mutant campaign (docs/verification.md): every `MUT_*` define planted in
# rtl/*.sv is one RTL engine with that bug, build/rtl-mut/<name>/mmulab-rtl,
# built by the rtl_model rule of mk/rtl.mk (this file sorts after it).  The
# list is read from the sources, so a mutant planted there is in the
# campaign without an edit here.  `make test` builds and kills the smoke set
# (RTL_MUTANTS in mk/rtl.mk, tests/rtl/run.sh); `make mutants` all of them.
#
#   make mutants          build every mutant, run tests/rtl/mutants.sh
#   make mutants MUT=X    one of them

RTL_MUTANTS_ALL := $(sort $(shell grep -ohE '\bMUT_[A-Z0-9_]+' rtl/*.sv 2>/dev/null))
MUT ?= $(RTL_MUTANTS_ALL)

.PHONY: mutants rtl-mutants-all

$(foreach m,$(filter-out $(RTL_MUTANTS),$(RTL_MUTANTS_ALL)),$(eval $(call rtl_model,$(OUT)/rtl-mut/$(m),-D$(m) -Wno-fatal)))

rtl-mutants-all: $(foreach m,$(MUT),$(OUT)/rtl-mut/$(m)/mmulab-rtl)

# make test-rtl's readable-failure cases use one more: a walker bug an RTL
# assertion stops (tests/rtl/run.sh)
rtl-mutants: $(OUT)/rtl-mut/MUT_PTW_AD_ON_FAULT/mmulab-rtl

mutants: deps-rtl
	$(Q)$(MAKE) --no-print-directory $(OUT)/mmulab $(OUT)/mmulab-rtl rtl-mutants-all MUT="$(MUT)"
	$(Q)OUT=$(OUT) tests/rtl/mutants.sh $(MUT)
