# Formal proofs of the TLB and the walker (docs/verification.md, "Formal"):
# yosys, yosys-smtbmc with z3, and ABC (yosys-abc) over the properties in
# rtl/mmulab_tlb.sv and rtl/mmulab_ptw.sv (scripts/formal.sh).
#
#   make formal         the full run: deeper bounded checks and the unbounded (PDR) proofs
#   make formal-smoke   shallow bounded checks (make test runs it when yosys is installed)

.PHONY: formal formal-smoke formal-smoke-auto deps-formal

test: formal-smoke-auto

deps-formal:
	$(Q)scripts/deps.sh formal

formal: deps-formal
	$(Q)scripts/formal.sh $(OUT)/formal

formal-smoke: deps-formal
	$(Q)FORMAL_SMOKE=1 scripts/formal.sh $(OUT)/formal-smoke

formal-smoke-auto:
	$(Q)if command -v yosys-smtbmc >/dev/null 2>&1 && command -v z3 >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory formal-smoke; \
	else echo "note: yosys/z3 not installed; 'make formal' installs them and runs the proofs"; fi
