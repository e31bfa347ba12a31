# The SDL2 viewer: build/mmulab-view, `make viewer`, `make test-viewer`.
# Only these rules need SDL2, SDL2_ttf and SDL2_image (scripts/deps.sh viewer);
# the core library and build/mmulab never include SDL.  The viewer's own
# non-SDL parts (the driver, the view model, the event log) are compiled with
# the core's flags; the SDL parts add pkg-config's.

VIEWER_SDL_SRC := viewer/gfx.c viewer/panels.c viewer/timeline.c viewer/app.c viewer/main.c
VIEWER_CORE_SRC := $(filter-out $(VIEWER_SDL_SRC),$(wildcard viewer/*.c))
VIEWER_CORE_OBJ := $(VIEWER_CORE_SRC:%.c=$(OUT)/%.o)
VIEWER_SDL_OBJ := $(VIEWER_SDL_SRC:%.c=$(OUT)/%.o)
VIEWER_PKGS := sdl2 SDL2_ttf SDL2_image
SDL_CFLAGS = $(shell pkg-config --cflags $(VIEWER_PKGS) 2>/dev/null)
SDL_LIBS = $(shell pkg-config --libs $(VIEWER_PKGS) 2>/dev/null)

.PHONY: viewer viewer-binaries deps-viewer test-viewer viewer-test-binaries

# A sub-make, so pkg-config runs after deps-viewer has installed SDL.
viewer: deps-core deps-viewer
	$(Q)$(MAKE) --no-print-directory viewer-binaries

viewer-binaries: $(OUT)/mmulab $(OUT)/mmulab-view
	@:

deps-viewer:
	$(Q)scripts/deps.sh viewer

$(VIEWER_SDL_OBJ): $(OUT)/viewer/%.o: viewer/%.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) $(SDL_CFLAGS) -c $< -o $@

$(OUT)/mmulab-view: $(VIEWER_SDL_OBJ) $(VIEWER_CORE_OBJ) $(OUT)/libmmulab.a
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(SAN) -o $@ $^ $(SDL_LIBS) $(LDLIBS_ALL)

# The model against the machine (cmocka), then the renders and a real window.
$(OUT)/tests/viewer_model: tests/viewer/test_model.c $(VIEWER_CORE_OBJ) $(OUT)/libmmulab.a
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  TEST-CC $<")
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $^ -lcmocka $(LDLIBS_ALL)

test-viewer: viewer deps-test
	$(Q)$(MAKE) --no-print-directory viewer-test-binaries
	$(Q)OUT=$(OUT) tests/viewer.sh

viewer-test-binaries: $(OUT)/tests/viewer_model
	@:

# `make` (and `make check`) build the viewer and its test binary when SDL is
# there (`make` runs scripts/deps.sh viewer first, in its parent make).
ifneq ($(SDL_LIBS),)
build: $(OUT)/mmulab-view
check-binaries: $(OUT)/tests/viewer_model
endif

-include $(VIEWER_CORE_OBJ:.o=.d) $(VIEWER_SDL_OBJ:.o=.d)
