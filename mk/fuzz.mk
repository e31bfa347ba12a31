# Fuzzing (docs/reliability.md).  One libFuzzer harness per input surface,
# tests/fuzz/fuzz_NAME.c, with its seed corpus in tests/fuzz/NAME/corpus and
# every input that ever crashed it in tests/fuzz/NAME/crashes.
#
#   make fuzz        build the harnesses with clang -fsanitize=fuzzer,address,undefined
#                    (scripts/deps.sh fuzz) and run each for FUZZ_SECONDS (default 60);
#                    FUZZ_TARGETS=asm,din picks harnesses; new crashes land in
#                    tests/fuzz/NAME/crashes, the grown corpus in $(OUT)/libfuzzer/corpus/NAME
#   make fuzz-build  only build them ($(OUT)/libfuzzer/fuzz/fuzz-NAME)
#
# `make check` builds, with the project's compiler and flags, a replay driver
# per harness ($(OUT)/fuzz/replay-NAME: tests/fuzz/replay.c in place of
# libFuzzer) and tests/fuzz.sh replays every corpus and every past crash; in
# `make test`'s second pass that runs under ASan and UBSan.

FUZZ_SUPPORT := tests/fuzz/fuzz_util.c tests/fuzz/fuzz_os.c
FUZZ_HARNESSES := $(patsubst tests/fuzz/fuzz_%.c,%,$(filter-out $(FUZZ_SUPPORT),$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_SUPPORT_OBJ = $(FUZZ_SUPPORT:%.c=$(OUT)/%.o)
FUZZ_REPLAY_BIN := $(FUZZ_HARNESSES:%=$(OUT)/fuzz/replay-%)

FUZZ_CC ?= clang
FUZZ_OUT := $(OUT)/libfuzzer
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(subst $(eval) ,$(comma),$(FUZZ_HARNESSES))
comma := ,
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: fuzz fuzz-build deps-fuzz

check-binaries: $(FUZZ_REPLAY_BIN)

$(OUT)/fuzz/replay-%: $(OUT)/tests/fuzz/fuzz_%.o $(OUT)/tests/fuzz/replay.o $(FUZZ_SUPPORT_OBJ) $(OUT)/libmmulab.a
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(SAN) -o $@ $(filter %.o,$^) $(OUT)/libmmulab.a $(LDLIBS_ALL)

# Built in a sub-make with OUT=$(FUZZ_OUT) and clang's flags (below).
$(OUT)/fuzz/fuzz-%: $(OUT)/tests/fuzz/fuzz_%.o $(FUZZ_SUPPORT_OBJ) $(OUT)/libmmulab.a
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) -fsanitize=fuzzer $(SAN) -o $@ $(filter %.o,$^) $(OUT)/libmmulab.a $(LDLIBS_ALL)

deps-fuzz:
	$(Q)scripts/deps.sh fuzz

fuzz-build: deps-fuzz
	$(Q)$(MAKE) --no-print-directory OUT=$(FUZZ_OUT) CC=$(FUZZ_CC) OPT="-O1 -gline-tables-only" SAN="$(FUZZ_SAN)" \
	    $(FUZZ_HARNESSES:%=$(FUZZ_OUT)/fuzz/fuzz-%)

fuzz: fuzz-build
	$(Q)tests/fuzz/campaign.sh $(FUZZ_OUT) $(FUZZ_SECONDS) $(subst $(comma), ,$(FUZZ_TARGETS))

-include $(wildcard $(OUT)/tests/fuzz/*.d)
.SECONDARY: $(FUZZ_HARNESSES:%=$(OUT)/tests/fuzz/fuzz_%.o) $(OUT)/tests/fuzz/replay.o $(FUZZ_SUPPORT_OBJ)
