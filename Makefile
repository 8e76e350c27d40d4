# gup-pin-test: module, harness and the VM that tests them.
#
#   make                 build module/gup_pin_test.ko and the userspace tools
#   make check           as root: on the host's kernel, build, probe test,
#                        make dkms-install and dkms-uninstall, the .deb
#                        installed with apt, the test VM on the module the
#                        package's DKMS build installed, apt-get purge; then
#                        every other kernel of vm/kernels.list fetched, its
#                        module built in its release's chroot, booted, the
#                        suite run; prove judges it all.  KERNELS="5.10 7.2"
#                        for some of them; KERNEL_TREE=/path/to/linux boots
#                        a kernel built from source instead (KERNELS="tree
#                        6.1" for both)
#   make check-stress    the race stress alone, STRESS_SECONDS (60) on each
#                        kernel of KERNELS, then rmmod; the suite runs it
#                        for 10 s (docs/reliability.md)
#   make check-debug     the reference kernel rebuilt with lockdep, KASAN,
#                        DEBUG_VM, DEBUG_PAGEALLOC, PAGE_OWNER (about an
#                        hour the first time, cached: scripts/build-debug-
#                        kernel.sh); the suite, then STRESS_SECONDS of stress
#   make demo            build, boot the test VM, run a short gupctl session
#   make run KERNEL=K RUN='gupctl ...'   run a command in the VM on kernel K
#                        (a name of vm/kernels.list), the module loaded;
#                        files it writes in /out come back to OUT
#                        (build/vm-run/out)
#   make shell KERNEL=K  a shell in that VM
#   make bench [KERNEL=K] [BENCH='--mem anon ...']   gupctl bench in the VM
#                        (one vCPU): table, CSV, JSON and a plot per memory
#                        in bench-results/; then the range from 1 to 256
#                        MiB (hugetlb: 128; bench-results/scaling/) and one vs two CPUs
#                        pinning at once (bench-results/smp/)
#   make bench-compare   the in-tree gup_test beside gupctl bench, in one
#                        boot of the reference kernel (REFERENCE_BUILDER,
#                        default ../shared/tools/build-reference-kernel):
#                        both figures and their ratio, bench-results/compare.*
#   make bench-ab [PATCH=F]   two builds of the module (this tree, and with
#                        patch F) in one boot of that kernel, beside the
#                        in-tree gup_test at 1 page a call: bench-results/ab/
#   make install         gupctl, gupctl(1), its bash completion and the suite under PREFIX
#                        (/usr/local), DESTDIR for staging; make uninstall
#                        removes them (the module: make dkms-install)
#   make probe-test      run the feature probes against KDIR, compare (TAP)
#   make dkms-install    as root: DKMS add/build/install (KVER=... or every
#                        installed kernel with headers)
#   make dkms-uninstall  as root: remove every trace of the DKMS module
#   make deb             build/deb/gup-pin-test-dkms_VERSION_all.deb and
#                        build/deb/gup-pin-test-tools_VERSION_amd64.deb
#   make lint            sparse, W=1, checkpatch, cppcheck, gcc -fanalyzer
#   make mutants         boot the suite on each deliberate defect in
#                        mutants/*.patch: every one must be caught
#                        (MUTANTS="mutants/a.patch ..." for some of them)
#   make sign            sign module/gup_pin_test.ko with the DKMS MOK key
#
# KVER/KDIR pick the kernel to build for (default: the newest installed
# kernel with headers, never the host's running one).  The version lives in
# VERSION only.

KVER ?= $(shell vm/kernel-version.sh)
KDIR ?= /lib/modules/$(KVER)/build
BUILD := build
PACKAGE := gup-pin-test
VERSION := $(shell cat VERSION)

CC ?= cc
USER_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
	-Iinclude -Iuserspace-tests/lib
USER_LDFLAGS := -static
LIB_SRCS := $(wildcard userspace-tests/lib/*.c)
LIB_HDRS := $(wildcard userspace-tests/lib/*.h) include/gup_pin_test.h
TEST_SRCS := $(wildcard userspace-tests/tests/*.c)
TOOLS := $(BUILD)/gupctl $(BUILD)/gpt-tests
MODULE := module/gup_pin_test.ko
# What the module build reads: also exactly what goes into the DKMS tree.
MODULE_SRCS := $(filter-out %.mod.c,$(wildcard module/*.c)) \
	$(wildcard module/*.h module/conftest/*.c) \
	module/Kbuild module/conftest.mk include/gup_pin_test.h VERSION
DKMS_TREE ?= $(BUILD)/dkms/$(PACKAGE)-$(VERSION)
# Kbuild runs the feature probes and the compiles in parallel, unless the
# caller already chose a -j.
MODULE_JOBS = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc))
# The Debian 6.1 answers that "make probe-test" expects.
PROBE_EXPECT ?= host-tests/probes-debian-6.1.expected
# The kernels "make check" boots: every name in vm/kernels.list, or the
# ones KERNELS names.  The host's own (bookworm) gets the whole packaged
# check; the others are fetched, built in their release's chroot, booted.
ALL_KERNELS := $(shell awk '!/^\#/ && NF { print $$1 }' vm/kernels.list)
HOST_KERNEL := $(shell awk '!/^\#/ && $$2 == "bookworm" { print $$1 }' vm/kernels.list)
# KERNEL_TREE=/path/to/linux: a kernel built from source, alone unless
# KERNELS names others too.
ifneq ($(KERNEL_TREE),)
KERNELS ?= tree
export KERNEL_TREE := $(abspath $(KERNEL_TREE))
endif
KERNELS ?= $(ALL_KERNELS)
OTHER_KERNELS := $(filter-out $(HOST_KERNEL),$(KERNELS))
# The TAP streams "make check" hands to prove, in the order they run.
CHECK_TAP := $(if $(filter $(HOST_KERNEL),$(KERNELS)),$(BUILD)/host/probes.t \
	$(BUILD)/host/packaging.t $(BUILD)/host/completion.t $(BUILD)/host/autopkgtest.t \
	$(BUILD)/vm/suite.t $(BUILD)/vm/rig.t \
	$(BUILD)/vm/experiments.t $(BUILD)/vm/experiments-rig.t \
	$(BUILD)/host/purge.t) \
	$(foreach k,$(OTHER_KERNELS),$(BUILD)/kernels/$(k)/vm/build.t \
	$(BUILD)/kernels/$(k)/vm/suite.t $(BUILD)/kernels/$(k)/vm/rig.t \
	$(BUILD)/kernels/$(k)/vm/experiments.t $(BUILD)/kernels/$(k)/vm/experiments-rig.t)

.PHONY: all module tools deps check demo clean probe-test dkms-tree \
	dkms-install dkms-uninstall deb lint sign mutants matrix-doc run shell bench-ab \
	bench bench-compare check-stress check-debug install uninstall

all: module tools

deps:
	@vm/deps.sh

module: $(MODULE)

$(MODULE): $(MODULE_SRCS)
	$(MAKE) $(MODULE_JOBS) -C $(KDIR) M=$(CURDIR)/module modules

tools: $(TOOLS)

# gupctl --json is built with json-c (libjson-c-dev), linked in statically
# for the test VM's initramfs; the package links both tools the way Debian
# links programs (debian/rules: USER_LDFLAGS= and dpkg-buildflags' CFLAGS,
# CPPFLAGS, LDFLAGS, which a plain make leaves empty).
GUPCTL_SRCS := $(wildcard userspace-tests/gupctl/*.c)
$(BUILD)/gupctl: $(GUPCTL_SRCS) $(wildcard userspace-tests/gupctl/*.h) $(LIB_SRCS) $(LIB_HDRS) VERSION
	@mkdir -p $(BUILD)
	$(CC) $(CPPFLAGS) $(USER_CFLAGS) $(CFLAGS) -Iuserspace-tests/gupctl \
		-DGPT_TOOL_VERSION=\"$(VERSION)\" -o $@ $(GUPCTL_SRCS) $(LIB_SRCS) \
		$(LDFLAGS) $(USER_LDFLAGS) -ljson-c

$(BUILD)/gpt-tests: $(TEST_SRCS) $(wildcard userspace-tests/tests/*.h) $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(CPPFLAGS) $(USER_CFLAGS) $(CFLAGS) -o $@ $(TEST_SRCS) $(LIB_SRCS) \
		$(LDFLAGS) $(USER_LDFLAGS)

# "make check" boots the module that DKMS built from the .deb; the demo
# boots this build tree's module.
$(BUILD)/initramfs.cpio: $(MODULE) $(TOOLS) vm/build-initramfs.sh vm/guest-init vm/demo.sh
	vm/build-initramfs.sh $(KVER) $@ $(MODULE) $(TOOLS)

check: deps
	@test "$$(id -u)" -eq 0 || { echo "make check installs the .deb and DKMS modules: run it as root" >&2; exit 1; }
	$(MAKE) all deb
	@mkdir -p $(BUILD)/host $(BUILD)/vm-run
	$(if $(filter $(HOST_KERNEL),$(KERNELS)),host-tests/probes.sh $(KDIR) $(PROBE_EXPECT) >$(BUILD)/host/probes.t)
	$(if $(filter $(HOST_KERNEL),$(KERNELS)),flock /tmp/$(PACKAGE)-check.lock host-tests/packaged-check.sh $(KVER) $(BUILD))
	@for k in $(OTHER_KERNELS); do \
		echo "  KERNEL  $$k"; \
		vm/check-kernel.sh $$k $(BUILD)/kernels/$$k/vm || exit 1; \
	done
	@for k in $(filter-out tree,$(KERNELS)); do \
		echo "  RUN     $$k: make run, make shell"; \
		host-tests/vm-run-check.sh $$k $(BUILD)/vm-run/$$k-check >$(BUILD)/vm-run/$$k.t; \
	done
	$(if $(filter-out $(KERNELS),$(ALL_KERNELS)),,$(MATRIX_DOC_CHECK))
	prove --exec cat $(CHECK_TAP) $(foreach k,$(filter-out tree,$(KERNELS)),$(BUILD)/vm-run/$(k).t) \
		$(if $(filter-out $(KERNELS),$(ALL_KERNELS)),,$(BUILD)/host/matrix-doc.t)

# The host's kernel boots this tree's module; the others build theirs as
# make check does (vm/check-kernel.sh, one boot: GPT_BOOTS=stress).
STRESS_SECONDS ?= 60
check-stress: deps
	$(MAKE) all
	@rm -rf $(BUILD)/stress
	$(if $(filter $(HOST_KERNEL),$(KERNELS)),$(MAKE) $(BUILD)/initramfs.cpio)
	$(if $(filter $(HOST_KERNEL),$(KERNELS)),GPT_STRESS_SECONDS=$(STRESS_SECONDS) \
		GPT_MODULE=$(CURDIR)/$(MODULE) vm/run.sh stress $(KVER) $(BUILD)/initramfs.cpio \
		$(BUILD)/stress/$(HOST_KERNEL))
	@for k in $(OTHER_KERNELS); do \
		echo "  STRESS  $$k"; \
		GPT_BOOTS=stress GPT_STRESS_SECONDS=$(STRESS_SECONDS) \
			vm/check-kernel.sh $$k $(BUILD)/stress/$$k || exit 1; \
	done
	prove --exec cat $(foreach k,$(KERNELS),$(if $(filter $(HOST_KERNEL),$(k)),,$(BUILD)/stress/$(k)/build.t) \
		$(BUILD)/stress/$(k)/stress.t $(BUILD)/stress/$(k)/stress-rig.t)

# Not in make check: the kernel takes an hour to build, the suite under
# KASAN and TCG several minutes.  Every lockdep or KASAN report fails it
# (the rig's console check, and lockdep still on at the end).
check-debug: deps
	$(MAKE) tools
	@rm -rf $(BUILD)/debug
	tree=$$(scripts/build-debug-kernel.sh) && \
		KERNEL_TREE=$$tree GPT_BOOTS="check stress" GPT_VM_APPEND=page_owner=on GPT_REQUIRE_LOCKDEP=1 \
		GPT_VM_MEM=2G \
		GPT_VM_TIMEOUT=3600 GPT_STRESS_SECONDS=$(STRESS_SECONDS) \
		vm/check-kernel.sh tree $(BUILD)/debug/vm
	prove --exec cat $(foreach t,build suite rig stress stress-rig,$(BUILD)/debug/vm/$(t).t)

# make run KERNEL=6.12 RUN='gupctl pin --path pin --longterm --mem kind:memfd-hugetlb'
# make shell KERNEL=7.2-rt            (vm/gup-vm: the host's kernel by default)
KERNEL ?= $(HOST_KERNEL)
run: deps
	@test -n "$$RUN" || { echo "make run: say what to run: RUN='gupctl info'" >&2; exit 2; }
	vm/gup-vm $(KERNEL) $(if $(OUT),--out $(OUT)) "$$RUN"

shell: deps
	vm/gup-vm $(KERNEL) shell

# Benchmarks print figures with their spread; nothing passes or fails on
# time (gupctl bench's own smoke run is in make check).
bench: deps
	@mkdir -p bench-results
	vm/gup-vm $(KERNEL) --layout bench --out bench-results \
		'echo 64 >/proc/sys/vm/nr_hugepages; gupctl bench --out /out $(BENCH)'
	scripts/bench-plot.sh bench-results
	vm/gup-vm $(KERNEL) --layout bench --out bench-results/scaling \
		'mkdir small huge; gupctl bench --out /out/small --per-call 512 --mem anon --mem thp \
		 --size 1 --size 4 --size 16 --size 64 --size 256; echo 96 >/proc/sys/vm/nr_hugepages; \
		 gupctl bench --out /out/huge --per-call 512 --mem hugetlb \
		 --size 1 --size 4 --size 16 --size 64 --size 128'
	scripts/bench-plot.sh bench-results/scaling/small pages
	scripts/bench-plot.sh bench-results/scaling/huge pages
	vm/gup-vm $(KERNEL) --layout bench-smp --out bench-results/smp \
		'echo 64 >/proc/sys/vm/nr_hugepages; mkdir 1 2 2apart; \
		 gupctl bench --out /out/1 --per-call 512 --size 64 --threads 1; \
		 gupctl bench --out /out/2 --per-call 512 --size 64 --threads 2; \
		 gupctl bench --out /out/2apart --per-call 512 --size 64 --threads 2 --apart'
	scripts/bench-smp.sh bench-results/smp

# Not in make check: the reference kernel takes 30-60 minutes to build.
bench-compare: deps tools
	scripts/bench-compare.sh bench-results $(ROUNDS)

# Two builds of the module in one boot of the reference kernel: this tree
# and this tree with PATCH (default: scripts/bench-ab-align.patch).
bench-ab: deps tools
	scripts/bench-ab.sh bench-results/ab

# docs/matrix.md is generated from the runs of every kernel: "make check"
# says whether the committed one is what it generated, "make matrix-doc"
# takes the generated one.
MATRIX_RUNS = $(foreach k,$(ALL_KERNELS),$(k)=$(if $(filter $(HOST_KERNEL),$(k)),$(BUILD)/vm/suite.t,$(BUILD)/kernels/$(k)/vm/suite.t))
MATRIX_DOC_CHECK = scripts/matrix-doc.py $(MATRIX_RUNS) >$(BUILD)/matrix.md; \
	if cmp -s $(BUILD)/matrix.md docs/matrix.md; then r=ok; else r="not ok"; fi; \
	printf '%s 1 - docs/matrix.md is what this run of every kernel generates (make matrix-doc takes it)\n1..1\n' "$$r" >$(BUILD)/host/matrix-doc.t

matrix-doc:
	scripts/matrix-doc.py $(MATRIX_RUNS) >docs/matrix.md

# gupctl(1): printed by gupctl itself, from the text its --help uses.
$(BUILD)/gupctl.1: $(BUILD)/gupctl
	$(BUILD)/gupctl --man >$@

PREFIX ?= /usr/local
INSTALLED := $(PREFIX)/bin/gupctl $(PREFIX)/share/man/man1/gupctl.1 \
	$(PREFIX)/share/bash-completion/completions/gupctl \
	$(PREFIX)/libexec/$(PACKAGE)/gpt-tests
install: tools $(BUILD)/gupctl.1
	install -D -m 0755 $(BUILD)/gupctl $(DESTDIR)$(PREFIX)/bin/gupctl
	install -D -m 0644 $(BUILD)/gupctl.1 $(DESTDIR)$(PREFIX)/share/man/man1/gupctl.1
	install -D -m 0644 userspace-tests/gupctl/gupctl.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/gupctl
	install -D -m 0755 $(BUILD)/gpt-tests $(DESTDIR)$(PREFIX)/libexec/$(PACKAGE)/gpt-tests

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(PREFIX)/libexec/$(PACKAGE)

demo: deps
	$(MAKE) $(BUILD)/initramfs.cpio
	vm/run.sh demo $(KVER) $(BUILD)/initramfs.cpio $(BUILD)/vm

probe-test:
	@mkdir -p $(BUILD)/host
	host-tests/probes.sh $(KDIR) $(PROBE_EXPECT) >$(BUILD)/host/probes.t
	prove -v --exec cat $(BUILD)/host/probes.t

# The source tree DKMS builds from: what the module build reads, the
# Makefile (DKMS runs "make module"), and dkms.conf with its version.
dkms-tree:
	@echo "  DKMS tree $(DKMS_TREE)"
	@rm -rf $(DKMS_TREE)
	@mkdir -p $(DKMS_TREE)
	@cp --parents Makefile $(MODULE_SRCS) $(DKMS_TREE)/
	@sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DKMS_TREE)/dkms.conf

dkms-install:
	scripts/dkms.sh install $(if $(filter command line environment,$(origin KVER)),$(KVER))

dkms-uninstall:
	scripts/dkms.sh uninstall

deb:
	scripts/mkdeb.sh $(BUILD)/deb

lint:
	scripts/lint.sh $(KDIR) $(BUILD)/lint

mutants: deps
	$(MAKE) module tools
	@mkdir -p $(BUILD)/mutants
	scripts/mutants.sh $(KDIR) $(KVER) $(BUILD)/mutants >$(BUILD)/mutants/mutants.t
	prove -v --exec cat $(BUILD)/mutants/mutants.t

sign: module
	scripts/sign.sh $(KDIR) $(MODULE)

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/module clean
	rm -rf $(BUILD)
