# gup-pin-test: module, harness and the VM that tests them.
#
#   make            build module/gup_pin_test.ko and the userspace tools
#   make check      build, boot the test VM, run the suite, judge with prove
#   make demo       build, boot the test VM, run a short gupctl session
#
# KVER/KDIR pick the kernel to build for (default: the newest installed
# kernel with headers, never the host's running one).

KVER ?= $(shell vm/kernel-version.sh)
KDIR ?= /lib/modules/$(KVER)/build
BUILD := build

CC ?= cc
USER_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
	-Iinclude -Iuserspace-tests/lib
USER_LDFLAGS := -static
LIB_SRCS := $(wildcard userspace-tests/lib/*.c)
LIB_HDRS := $(wildcard userspace-tests/lib/*.h) include/gup_pin_test.h
TEST_SRCS := $(wildcard userspace-tests/tests/*.c)
TOOLS := $(BUILD)/gupctl $(BUILD)/gpt-tests
MODULE := module/gup_pin_test.ko
MODULE_SRCS := $(wildcard module/*.c module/*.h module/conftest/*.c) \
	module/Kbuild module/conftest.mk include/gup_pin_test.h VERSION
# Kbuild runs the feature probes and the compiles in parallel, unless the
# caller already chose a -j.
MODULE_JOBS = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc))

.PHONY: all module tools deps check demo clean

all: module tools

deps:
	@vm/deps.sh

module: $(MODULE)

$(MODULE): $(MODULE_SRCS)
	$(MAKE) $(MODULE_JOBS) -C $(KDIR) M=$(CURDIR)/module modules

tools: $(TOOLS)

$(BUILD)/gupctl: userspace-tests/gupctl.c $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(USER_CFLAGS) -o $@ userspace-tests/gupctl.c $(LIB_SRCS) $(USER_LDFLAGS)

$(BUILD)/gpt-tests: $(TEST_SRCS) userspace-tests/tests/suite.h $(LIB_SRCS) $(LIB_HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(USER_CFLAGS) -o $@ $(TEST_SRCS) $(LIB_SRCS) $(USER_LDFLAGS)

$(BUILD)/initramfs.cpio: $(MODULE) $(TOOLS) vm/build-initramfs.sh vm/guest-init vm/demo.sh
	vm/build-initramfs.sh $(KVER) $@ $(MODULE) $(TOOLS)

check: deps
	$(MAKE) $(BUILD)/initramfs.cpio
	vm/run.sh check $(KVER) $(BUILD)/initramfs.cpio $(BUILD)/vm
	prove --exec cat $(BUILD)/vm/suite.t $(BUILD)/vm/rig.t

demo: deps
	$(MAKE) $(BUILD)/initramfs.cpio
	vm/run.sh demo $(KVER) $(BUILD)/initramfs.cpio $(BUILD)/vm

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/module clean
	rm -rf $(BUILD)
