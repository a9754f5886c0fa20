# sflowkit: build, test, bench, demo.  See README.md.
#
#   make            build the programs into bin/ (optimised)
#   make test       install what is missing, build with ASan+UBSan, run every test
#   make demo       install what is missing, build, run the main job
#   make bench      speed figures beside baselines measured in the same run
#   make fuzz       libFuzzer on the decoders (FUZZ_SECONDS, default 300)

CC       ?= cc
PKGS      = libpcap librrd libmaxminddb
WARN      = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CSTD      = -std=c11 -D_GNU_SOURCE
OPT      ?= -O2
CFLAGS   ?= -g
ALL_CFLAGS = $(CSTD) $(WARN) $(OPT) $(CFLAGS) $(SANFLAGS) -Iconvert -Iagent \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS_ALL = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpcap) -lm -pthread

# Variants: release objects in build/rel, sanitizer objects in build/san.
ifeq ($(SAN),1)
B        := build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
OPT      := -O1
else
B        := build/rel
endif
BIN      := $(B)/bin

CONVERT_SRC   := $(wildcard convert/*.c)
COLLECTOR_SRC := $(wildcard collector/*.c)
CONVERT_OBJ   := $(CONVERT_SRC:%.c=$(B)/%.o)
COLLECTOR_OBJ := $(COLLECTOR_SRC:%.c=$(B)/%.o)
UNIT_SRC      := $(wildcard tests/unit/test_*.c)
UNIT_BIN      := $(UNIT_SRC:tests/unit/%.c=$(BIN)/%)
TESTLIB_SRC   := $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))
TESTLIB_OBJ   := $(TESTLIB_SRC:%.c=$(B)/%.o)

PROGS := $(BIN)/sflowcollect $(BIN)/sfgen

# sflow-agent: the agent core (no kernel capture, no main: the switch links
# it too) plus the Linux-bridge front end, which alone needs libnl.
AGENT_PKGS     = libnl-3.0 libnl-route-3.0
AGENT_SRC     := $(wildcard agent/*.c)
AGENT_CORE    := rng sampler poller datagram sender records hostctr
AGENT_CORE_OBJ := $(AGENT_CORE:%=$(B)/agent/%.o)
AGENT_OBJ     := $(AGENT_SRC:%.c=$(B)/%.o)
$(AGENT_OBJ): ALL_CFLAGS += $(shell pkg-config --cflags $(AGENT_PKGS) 2>/dev/null)
PROGS += $(BIN)/sflow-agent

# sflow-emu: the emulator (switch/emu_*.c); libnl for links, libedit for its CLI.
EMU_PKGS       = libnl-3.0 libnl-route-3.0 libedit
EMU_SRC       := $(wildcard switch/emu_*.c)
EMU_OBJ       := $(EMU_SRC:%.c=$(B)/%.o)
$(EMU_OBJ): ALL_CFLAGS += $(shell pkg-config --cflags $(EMU_PKGS) 2>/dev/null)
PROGS += $(BIN)/sflow-emu

# sflow-switch and sfctl: switch/ (the emulator's emu_*.c excluded) on the
# agent core.  sfctl needs nothing but libc.
SWITCH_SRC    := $(filter-out switch/emu_%.c switch/sfctl.c,$(wildcard switch/*.c))
SWITCH_OBJ    := $(SWITCH_SRC:%.c=$(B)/%.o)
SWITCH_LIBOBJ := $(filter-out $(B)/switch/main.o,$(SWITCH_OBJ))
PROGS += $(BIN)/sflow-switch $(BIN)/sfctl

.PHONY: all test unit demo bench fuzz deps clean programs check-clang
all: programs
	@mkdir -p bin
	@for p in $(PROGS); do ln -sf ../$$p bin/; done

programs: $(PROGS) $(UNIT_BIN)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libconvert.a: $(CONVERT_OBJ)
	@echo "  AR      $@"
	@$(AR) rcs $@ $^

# -R samples raw captures with the agent's sampler and datagram builder.
$(BIN)/sflowcollect: $(COLLECTOR_OBJ) $(B)/agent/rng.o $(B)/agent/sampler.o $(B)/agent/datagram.o $(B)/libconvert.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BIN)/sfgen: $(B)/tests/bench/sfgen.o $(B)/agent/rng.o $(B)/libconvert.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BIN)/sflow-agent: $(AGENT_OBJ) $(B)/libconvert.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(shell pkg-config --libs $(AGENT_PKGS) 2>/dev/null || echo -lnl-route-3 -lnl-3) $(LDLIBS_ALL)

$(BIN)/sflow-switch: $(SWITCH_OBJ) $(AGENT_CORE_OBJ) $(B)/libconvert.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BIN)/sfctl: $(B)/switch/sfctl.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^

$(BIN)/sflow-emu: $(EMU_OBJ) $(B)/libconvert.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(shell pkg-config --libs $(EMU_PKGS) 2>/dev/null || echo -lnl-route-3 -lnl-3 -ledit) $(LDLIBS_ALL)

# Unit tests of collector/ modules link those modules' objects too.
COLLECTOR_LIBOBJ := $(filter-out $(B)/collector/main.o,$(COLLECTOR_OBJ))
$(BIN)/test_%: $(B)/tests/unit/test_%.o $(TESTLIB_OBJ) $(COLLECTOR_LIBOBJ) $(AGENT_CORE_OBJ) $(B)/libconvert.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ -lcmocka $(LDLIBS_ALL)

# Unit tests of switch/ modules link the module under test.
$(BIN)/test_mac_table: $(B)/switch/mac_table.o
$(BIN)/test_flow_table: $(B)/switch/flow_table.o $(B)/switch/flow_parse.o
$(B)/tests/unit/test_mac_table.o $(B)/tests/unit/test_flow_table.o: ALL_CFLAGS += -Iswitch

deps:
	@sh mk/deps.sh

test: deps
	@$(MAKE) --no-print-directory check-clang
	@$(MAKE) --no-print-directory SAN=1 programs
	@$(MAKE) --no-print-directory fuzz-build
	@sh tests/run.sh build/san/bin

# The tree must build clean with clang as well as gcc.
check-clang:
	@for f in $(CONVERT_SRC) $(COLLECTOR_SRC) $(AGENT_SRC) $(wildcard switch/*.c) $(wildcard tests/bench/*.c tests/unit/*.c); do \
	    clang $(CSTD) $(WARN) -Iconvert -Iagent -Iswitch $(shell pkg-config --cflags $(AGENT_PKGS) 2>/dev/null) -fsyntax-only $$f || exit 1; done
	@echo "clang: clean"

# libFuzzer harnesses, built with clang.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SECONDS ?= 300
.PHONY: fuzz-build
fuzz-build: $(FUZZ_BIN)
build/fuzz/%: tests/fuzz/%.c $(CONVERT_SRC) $(wildcard convert/*.h)
	@mkdir -p $(dir $@)
	clang $(CSTD) $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -Iconvert -o $@ $< $(CONVERT_SRC) $(LDLIBS_ALL)

fuzz: deps fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: deps
	@$(MAKE) --no-print-directory all
	@sh tests/bench/run.sh build/rel/bin

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tests/demo.sh build/rel/bin

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
