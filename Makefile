# SPDX-License-Identifier: GPL-2.0
#
# dmaeng: user-facing targets.  Kbuild (the file next to this one) holds the
# module definitions; this Makefile only drives kbuild and the test harness.
#
#   make                 build the modules for the running kernel (KDIR)
#   make check           the test suite: test kernel, sparse/W=1 builds,
#                        stock-header build, KUnit and scenarios under QEMU
#   make demo            the in_use / rmmod / disable-dma story in a guest
#   make shell           the same guest with an interactive shell
#   make check-selftest  proves the harness reports planted failures
#   make soak            the long soak (SOAK_ROUNDS=1000 rounds) in one boot
#   make bench           benchmark figures (build/bench/results.md)
#   make docs            Documentation/ as HTML in build/docs/ (Sphinx)
#   make install         modules_install to extra/ and depmod (KDIR)

KDIR ?= /lib/modules/$(shell uname -r)/build
PWD := $(shell pwd)
# The release of the kernel in KDIR (its /lib/modules directory), which is
# where install puts modules.
KVER = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null || uname -r)
MODS := dmaeng_core dmaeng_memcpy dmaeng_memcpy2 dmaeng_edu dmaeng_test dmaeng_netcopy \
	dmaeng_to_dmaengine dmaengine_to_dmaeng

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean

# INSTALL_MOD_PATH (default: none) installs under another root.
install: modules
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_DIR=extra modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)

# modules_install keeps the tree's layout: extra/, extra/providers/, ...
uninstall:
	rm -f $(foreach d,. providers clients bridges kunit,$(foreach m,$(MODS) dmaeng_kunit,$(wildcard $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/extra/$(d)/$(m).ko*)))
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER)

check:
	tools/check.sh check

check-selftest:
	tools/check.sh selftest

# The long soak: SOAK_ROUNDS rounds (default 1000) in one boot.
soak:
	tools/check.sh soak

demo:
	tools/check.sh demo

shell:
	tools/check.sh shell

bench:
	tools/check.sh bench

docs:
	tools/docs.sh

.PHONY: all modules clean install uninstall check check-selftest soak demo shell bench docs
