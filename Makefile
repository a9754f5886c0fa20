# sflowkit: build, test, bench, demo.  See README.md.
#
#   make            build the programs into bin/ (optimised)
#   make test       install what is missing, build with ASan+UBSan, run every test
#   make demo       install what is missing, build, run the main job
#   make bench      speed figures beside baselines measured in the same run
#   make fuzz       libFuzzer on every parser (FUZZ_SECONDS each, default 300)

CC       ?= cc
PKGS      = libpcap librrd libmaxminddb libcurl
WARN      = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CSTD      = -std=c11 -D_GNU_SOURCE
OPT      ?= -O2
CFLAGS   ?= -g
ALL_CFLAGS = $(CSTD) $(WARN) $(OPT) $(CFLAGS) $(SANFLAGS) -Iconvert -Iagent \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl: its headers only; the ClickHouse sink loads it (collector/ch_curl.c).
LDLIBS_ALL = $(shell pkg-config --libs $(filter-out libcurl,$(PKGS)) 2>/dev/null || echo -lpcap) -lm -pthread -ldl

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
# libnl's libraries: the agent, the switch (its local port's tap) and the emulator's links.
NL_LDLIBS     := $(shell pkg-config --libs $(AGENT_PKGS) 2>/dev/null || echo -lnl-route-3 -lnl-3)
AGENT_SRC     := $(wildcard agent/*.c)
AGENT_CORE    := rng sampler poller datagram sender records hostctr
AGENT_CORE_OBJ := $(AGENT_CORE:%=$(B)/agent/%.o)
AGENT_OBJ     := $(AGENT_SRC:%.c=$(B)/%.o)
$(AGENT_OBJ): ALL_CFLAGS += $(shell pkg-config --cflags $(AGENT_PKGS) 2>/dev/null)
PROGS += $(BIN)/sflow-agent

# sflow-emu: the emulator (switch/emu/); libnl for links, libedit for its CLI.
EMU_PKGS       = libnl-3.0 libnl-route-3.0 libedit
EMU_SRC       := $(wildcard switch/emu/*.c)
EMU_OBJ       := $(EMU_SRC:%.c=$(B)/%.o)
$(EMU_OBJ): ALL_CFLAGS += -Iswitch $(shell pkg-config --cflags $(EMU_PKGS) 2>/dev/null)
PROGS += $(BIN)/sflow-emu

# sflow-switch and sfctl: switch/ (the emulator in switch/emu/ apart) on the
# agent core.  sfctl needs nothing but libc.
SWITCH_SRC    := $(filter-out switch/sfctl.c,$(wildcard switch/*.c))
SWITCH_OBJ    := $(SWITCH_SRC:%.c=$(B)/%.o)
# The local port's device (tap.c) is set up through libnl.
$(B)/switch/tap.o: ALL_CFLAGS += $(shell pkg-config --cflags $(AGENT_PKGS) 2>/dev/null)
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
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(NL_LDLIBS) -lcap $(LDLIBS_ALL)

$(BIN)/sflow-switch: $(SWITCH_OBJ) $(AGENT_CORE_OBJ) $(B)/agent/caps.o $(B)/libconvert.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^ $(NL_LDLIBS) $(LDLIBS_ALL) -lcap

$(BIN)/sfctl: $(B)/switch/sfctl.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $^

$(BIN)/sflow-emu: $(EMU_OBJ) $(B)/switch/owndir.o $(B)/libconvert.a
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
$(BIN)/test_owndir: $(B)/switch/owndir.o
$(BIN)/test_vlan: $(B)/switch/vlan.o
$(B)/tests/unit/test_vlan.o: ALL_CFLAGS += -Iswitch
$(BIN)/test_netflow_cache: $(B)/switch/netflow_cache.o
$(B)/tests/unit/test_netflow_cache.o: ALL_CFLAGS += -Iswitch
$(B)/tests/unit/test_mac_table.o $(B)/tests/unit/test_flow_table.o $(B)/tests/unit/test_owndir.o: ALL_CFLAGS += -Iswitch
# ctl and ctl_db run on a whole switch without ports.
$(BIN)/test_ctl_db: $(SWITCH_LIBOBJ)
$(BIN)/test_ctl_db: LDLIBS_ALL += $(NL_LDLIBS)
$(B)/tests/unit/test_ctl_db.o: ALL_CFLAGS += -Iswitch
# The topology readers give links their shaping (shape.c), which speaks netlink (link.c).
EMU_TOPO      := topo mn shape link
EMU_TOPO_OBJ  := $(EMU_TOPO:%=$(B)/switch/emu/%.o)
$(BIN)/test_emu_topo: $(EMU_TOPO_OBJ)
$(B)/tests/unit/test_emu_topo.o: ALL_CFLAGS += -Iswitch/emu
# test_emu_samples also runs sfgen and sflowcollect from its own directory.
$(BIN)/test_emu_samples: $(B)/switch/emu/samples.o
$(B)/tests/unit/test_emu_samples.o: ALL_CFLAGS += -Iswitch/emu
$(BIN)/test_emu_report: $(B)/switch/emu/report.o $(B)/switch/emu/samples.o $(EMU_TOPO_OBJ)
$(BIN)/test_emu_topo $(BIN)/test_emu_report: LDLIBS_ALL += $(NL_LDLIBS)
$(B)/tests/unit/test_emu_report.o: ALL_CFLAGS += -Iswitch/emu

deps:
	@sh mk/deps.sh

test: deps
	@$(MAKE) --no-print-directory check-clang
	@$(MAKE) --no-print-directory SAN=1 programs
	@$(MAKE) --no-print-directory fuzz-build
	@sh tests/run.sh build/san/bin

# The tree must build clean with clang as well as gcc.
check-clang:
	@for f in $(CONVERT_SRC) $(COLLECTOR_SRC) $(AGENT_SRC) $(wildcard switch/*.c switch/emu/*.c) $(wildcard tests/bench/*.c tests/unit/*.c); do \
	    clang $(CSTD) $(WARN) -Iconvert -Iagent -Iswitch -Iswitch/emu -Ibuild $(shell pkg-config --cflags $(AGENT_PKGS) 2>/dev/null) -fsyntax-only $$f || exit 1; done
	@echo "clang: clean"

# libFuzzer harnesses (tests/fuzz/fuzz_*.c), built with clang.  The code
# under test is compiled once into build/fuzz/obj with the fuzzer's coverage;
# each harness links convert/ (its logging replaced by tests/fuzz/lib/log_drop.c,
# which turns fatal() into a finding) and the objects its own line adds.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SECONDS ?= 300
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := $(CSTD) $(WARN) -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
               -Iconvert -Iagent -Iswitch -Iswitch/emu -Icollector -Itests/fuzz/lib \
               $(shell pkg-config --cflags $(PKGS) $(EMU_PKGS) 2>/dev/null)
fuzz_obj = $(patsubst %.c,build/fuzz/obj/%.o,$(1))
FUZZ_COMMON := $(call fuzz_obj,$(filter-out convert/log.c,$(CONVERT_SRC)) tests/fuzz/lib/log_drop.c)
# Their local ports get tap_fake.c's descriptors, not tap devices (see there).
FUZZ_SWITCH := $(call fuzz_obj,$(filter-out switch/main.c switch/tap.c,$(SWITCH_SRC)) \
               $(AGENT_CORE:%=agent/%.c) tests/fuzz/lib/tap_fake.c)
build/fuzz/fuzz_recv_pcap: $(call fuzz_obj,collector/recv_pcap.c)
build/fuzz/fuzz_flow_parse: $(call fuzz_obj,switch/flow_parse.c switch/flow_table.c)
build/fuzz/fuzz_switch_ctl build/fuzz/fuzz_switch_state: $(FUZZ_SWITCH) $(call fuzz_obj,tests/fuzz/lib/fuzz_sw.c)
EMU_TOPO_C := $(EMU_TOPO:%=switch/emu/%.c)
build/fuzz/fuzz_emu_topo: $(call fuzz_obj,$(EMU_TOPO_C))
build/fuzz/fuzz_emu_samples: $(call fuzz_obj,switch/emu/samples.c)
build/fuzz/fuzz_emu_flows: $(call fuzz_obj,$(EMU_TOPO_C) switch/emu/traffic.c switch/emu/netns.c)
build/fuzz/fuzz_agent_config: $(call fuzz_obj,agent/config.c)
FUZZ_LDLIBS := $(LDLIBS_ALL) $(NL_LDLIBS)
.PHONY: fuzz-build
.PRECIOUS: build/fuzz/obj/%.o
fuzz-build: $(FUZZ_BIN)
build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC-FUZZ $<"
	@clang $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
build/fuzz/%: build/fuzz/obj/tests/fuzz/%.o $(FUZZ_COMMON)
	@echo "  LD-FUZZ $@"
	@clang $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(FUZZ_LDLIBS)

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

# ---- version, install, uninstall, deb (issue 18) ----
# One version, from mk/version.sh (git describe, else the VERSION file), in
# build/version.h for every program's --version; the file is rewritten only
# when the version changes, so only the mains that show it are rebuilt.
VERSION_H   := build/version.h
VERSION_OBJ := $(addprefix $(B)/,collector/main.o agent/main.o switch/main.o \
                 switch/sfctl.o switch/emu/main.o tests/bench/sfgen.o)
$(VERSION_OBJ): $(VERSION_H)
$(VERSION_OBJ): ALL_CFLAGS += -Ibuild
check-clang: $(VERSION_H)
.PHONY: version-check
$(VERSION_H): version-check
	@mkdir -p $(dir $@)
	@v=$$(sh mk/version.sh) && \
	  printf '/* Generated from mk/version.sh; do not edit. */\n#define SFLOWKIT_VERSION "%s"\n' "$$v" >$@.tmp && \
	  if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; echo "  GEN     $@ ($$v)"; fi

# make install [PREFIX=/usr/local] [DESTDIR=stage]: the GNU way.  Daemons
# go to sbin, as Debian's do; man pages get the version in their header.
# Configuration files (the example agent configuration, the units' options
# in dist/default/) are installed only where there are none and uninstalled
# only while unchanged.  The units in dist/systemd name /usr/bin and
# /usr/sbin; install rewrites those to BINDIR and SBINDIR.  Uninstall
# removes what install put there, and the directories install created
# (listed in DIRS_LIST) where they are left empty; the list stays while one
# of them still holds something (a changed configuration).
PREFIX     ?= /usr/local
BINDIR      = $(PREFIX)/bin
SBINDIR     = $(PREFIX)/sbin
MANDIR      = $(PREFIX)/share/man
SYSCONFDIR  = /etc
UNITDIR     = $(or $(shell pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
INSTALL    ?= install
USER_PROGS := sflowcollect sfgen sfctl sflow-emu
DAEMONS    := sflow-agent sflow-switch
MAN1       := $(wildcard docs/*.1)
MAN8       := $(wildcard docs/*.8)
UNITS      := $(wildcard dist/systemd/*.service)
DEFAULTS   := $(wildcard dist/default/*)
# Each configuration file as PATH-UNDER-SYSCONFDIR:SOURCE.
CONFS      := sflowkit/sflow-agent.conf:dist/sflow-agent.conf \
              $(foreach f,$(DEFAULTS),default/$(notdir $(f)):$(f))
DIRS_LIST   = $(DESTDIR)$(PREFIX)/share/sflowkit/installed-dirs
MAN_VERSION = /^\.TH /s/"sflowkit[^"]*"/"sflowkit $(shell sh mk/version.sh)"/
INSTALL_DIRS = $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man1 \
               $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSCONFDIR)/sflowkit \
               $(if $(DEFAULTS),$(DESTDIR)$(SYSCONFDIR)/default) \
               $(if $(UNITS),$(DESTDIR)$(UNITDIR))

.PHONY: install uninstall deb
install: $(PROGS)
	@sh mk/installdirs.sh make $(DIRS_LIST) "$(DESTDIR)" $(INSTALL_DIRS)
	@for p in $(USER_PROGS:%=$(BIN)/%); do echo "  INSTALL $(DESTDIR)$(BINDIR)/$${p##*/}"; \
	    $(INSTALL) -m 755 $$p $(DESTDIR)$(BINDIR)/ || exit 1; done
	@for p in $(DAEMONS:%=$(BIN)/%); do echo "  INSTALL $(DESTDIR)$(SBINDIR)/$${p##*/}"; \
	    $(INSTALL) -m 755 $$p $(DESTDIR)$(SBINDIR)/ || exit 1; done
	@for m in $(MAN1) $(MAN8); do f=$(DESTDIR)$(MANDIR)/man$${m##*.}/$${m##*/}; \
	    echo "  INSTALL $$f"; sed '$(MAN_VERSION)' $$m >$$f && chmod 644 $$f || exit 1; done
	@for c in $(CONFS); do f=$(DESTDIR)$(SYSCONFDIR)/$${c%%:*}; \
	    if [ -e $$f ]; then echo "  KEPT    $$f"; \
	    else echo "  INSTALL $$f"; $(INSTALL) -m 644 $${c#*:} $$f || exit 1; fi; done
	@for u in $(UNITS); do f=$(DESTDIR)$(UNITDIR)/$${u##*/}; echo "  INSTALL $$f"; \
	    sed -e 's|/usr/sbin/|$(SBINDIR)/|g' -e 's|/usr/bin/|$(BINDIR)/|g' $$u >$$f && \
	    chmod 644 $$f || exit 1; done

uninstall:
	@echo "  RM      $(USER_PROGS) $(DAEMONS), man pages, units"
	@rm -f $(USER_PROGS:%=$(DESTDIR)$(BINDIR)/%) $(DAEMONS:%=$(DESTDIR)$(SBINDIR)/%) \
	      $(MAN1:docs/%=$(DESTDIR)$(MANDIR)/man1/%) $(MAN8:docs/%=$(DESTDIR)$(MANDIR)/man8/%) \
	      $(UNITS:dist/systemd/%=$(DESTDIR)$(UNITDIR)/%)
	@for c in $(CONFS); do f=$(DESTDIR)$(SYSCONFDIR)/$${c%%:*}; \
	    if cmp -s $${c#*:} $$f; then rm -f $$f; \
	    elif [ -e $$f ]; then echo "  KEPT    $$f (changed)"; fi; done
	@sh mk/installdirs.sh remove $(DIRS_LIST) "$(DESTDIR)"

# make deb: build/sflowkit_VERSION_ARCH.deb (mk/deb.sh; older ones are
# removed) from a staged `make install PREFIX=/usr`.  Its programs are
# built apart, in build/deb, with Debian's hardening flags (all of
# dpkg-buildflags' hardening=+all).
DEB_FLAGS = $(foreach f,CFLAGS CPPFLAGS LDFLAGS,\
              $(shell DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get $(f)))
DEB_MAKE  = $(MAKE) --no-print-directory SAN= B=build/deb CFLAGS="$(strip $(DEB_FLAGS))"
deb:
	@$(DEB_MAKE) $(addprefix build/deb/bin/,$(USER_PROGS) $(DAEMONS))
	@rm -rf build/deb/stage build/sflowkit_*.deb
	@$(DEB_MAKE) install PREFIX=/usr DESTDIR=$(CURDIR)/build/deb/stage >/dev/null
	@sh mk/deb.sh build/deb/stage build

-include $(shell find build -name '*.d' 2>/dev/null)
