# SPDX-License-Identifier: GPL-2.0
# The kernel to build and test for: KVER=..., else tools/kver.sh's choice
# (the running kernel if its build tree is installed, else the newest
# installed generic kernel with one), printed once. Sub-makes and the VM
# runner inherit it.
ifeq ($(origin KVER),undefined)
KVER := $(shell bash tools/kver.sh -v)
endif
export KVER
KDIR ?= /lib/modules/$(KVER)/build
PWD := $(shell pwd)
CRS_VERSION := $(shell cat $(PWD)/VERSION)
export CRS_VERSION

all: module crsnl

module:
	@echo "crs: building crs.ko for $(KVER)"
	$(MAKE) -C $(KDIR) M=$(PWD) W=1 CRS_VERSION=$(CRS_VERSION) modules

crsnl:
	$(MAKE) -C userspace

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C tools/testing/selftests/crs clean
	rm -rf build

setup:
	@bash tools/setup.sh

selftests: crsnl
	$(MAKE) -C tools/testing/selftests/crs

unit: crsnl
	$(MAKE) -C userspace unit

check: setup
	$(MAKE) all
	$(MAKE) selftests
	bash tools/testing/run-all.sh

# The whole VM suite on KVER's kernel, without the host-only steps of
# 'make check' (style, sparse, unit tests, bench): .ci/run runs it for
# the 6.12 line. crs.ko is built for KVER in build/kernels/KVER.
check-vm: setup crsnl selftests deb ynl
	bash tools/testing/check-kernels.sh $(KVER)

# The whole VM suite on every kernel line and flavour we support (README
# "Supported kernels"): one "N passed, N failed" line per kernel.
CHECK_KERNELS ?= 6.1 6.1-rt 6.12 6.12-rt 6.1-cloud
check-kernels: setup crsnl selftests deb ynl
	bash tools/testing/check-kernels.sh $(CHECK_KERNELS)

# The concurrency stress test alone (it also runs in 'make check').
stress: setup all selftests
	bash tools/testing/vm/run.sh -t 900 -- \
		bash tools/testing/vm/suite.sh test_stress

# The whole suite and the demo on the checking kernel (KASAN, lockdep,
# kmemleak, UBSAN...; tools/testing/debug/), built once from
# linux-source-6.1 into $(CRS_DEBUG_KERNEL_DIR). FULL=1: full-size tests.
CRS_DEBUG_KERNEL_DIR ?= $(CURDIR)/build/kernel-debug
export CRS_DEBUG_KERNEL_DIR
check-debug: setup
	FULL=$(FULL) bash tools/testing/debug/check-debug.sh

# 100,000 fuzzed netlink messages and a 5-minute churn stress on it.
soak-debug: setup
	SOAK=1 bash tools/testing/debug/check-debug.sh

# The whole suite on Debian's PREEMPT_RT kernels of both lines.
check-rt: setup crsnl selftests deb ynl
	bash tools/testing/check-kernels.sh 6.1-rt 6.12-rt

# Benchmarks in the VM (bench/run.sh); results in bench/results/.
bench: setup
	bash bench/run.sh

# checkpatch from Debian's linux-source-6.1, extracted by the selftests'
# rule. Any ERROR or WARNING fails; --strict CHECKs are listed, not fatal.
CHECKPATCH := build/linux-source-6.1/scripts/checkpatch.pl
STYLE_FILES = $(wildcard kmod/*.c kmod/*.h) include/uapi/linux/crs.h

$(CHECKPATCH):
	$(MAKE) -C tools/testing/selftests/crs $(CURDIR)/build/ksft/kselftest_harness.h
	@test -f $@ || { echo "$@ missing: rm -rf build/ksft and retry"; exit 1; }

style: $(CHECKPATCH)
	@out=$$(perl $(CHECKPATCH) --no-tree --strict --terse --show-types \
		-f $(STYLE_FILES) | grep -v '^total:'); \
	[ -z "$$out" ] || echo "$$out"; \
	bad=$$(echo "$$out" | grep -c -E ': (ERROR|WARNING):'); \
	chk=$$(echo "$$out" | grep -c -E ': CHECK:'); \
	echo "make style: $$bad errors and warnings, $$chk --strict checks (not fatal)"; \
	[ "$$bad" -eq 0 ]

# sparse (C=2: every file) on a private copy of the module sources, so the
# tree's own objects are untouched; zero warnings of any kind. Then crsnl
# with -Wall -Wextra -Werror.
STATIC := build/check-static
CRSNL_WFLAGS := -std=gnu11 -Wall -Wextra -Werror -Iinclude/uapi \
	$(shell pkg-config --cflags libnl-3.0 libnl-genl-3.0 json-c 2>/dev/null)

check-static: crsnl
	rm -rf $(STATIC) && mkdir -p $(STATIC)
	cp -r Kbuild VERSION kmod include $(STATIC)/
	rm -f $(STATIC)/kmod/*.o $(STATIC)/kmod/.*.cmd
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(STATIC) W=1 C=2 CHECK=sparse \
		CRS_VERSION=$(CRS_VERSION) modules > $(STATIC)/build.log 2>&1 || \
		{ cat $(STATIC)/build.log; exit 1; }
	@if grep -E '(warning|error):' $(STATIC)/build.log; then \
		echo "make check-static: sparse/compiler warnings above"; exit 1; fi
	python3 tools/testing/layers.py $(STATIC)
	@for f in userspace/*.c; do \
		$(CC) $(CRSNL_WFLAGS) -c -o /dev/null $$f || exit 1; done
	@echo "make check-static: sparse clean, every kmod arrow points down a layer, crsnl builds with -Wall -Wextra -Werror"

.PHONY: all module crsnl clean setup selftests unit check style stress check-static bench \
	check-vm check-kernels check-debug soak-debug check-rt

# The demo (tools/demo/): real runc containers in the VM; see README "Demo".
demo: setup
	$(MAKE) all
	bash tools/demo/mkrootfs.sh
	bash tools/testing/vm/run.sh -t 900 -o build/vm/demo -- bash tools/demo/demo-vm.sh

# Installing on a real host (README "Installing on a real host").
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
HOOKSDIR ?= /usr/share/containers/oci/hooks.d
SYSTEMDDIR ?= /etc/systemd/system
DKMS_SRC ?= /usr/src/crs-$(CRS_VERSION)
DKMS_FILES := Kbuild Makefile VERSION dkms.conf kmod include

# crsnl and the podman/CRI-O hook config (its path pointed at our crsnl).
install-tools: crsnl
	install -D -m 0755 userspace/crsnl $(DESTDIR)$(SBINDIR)/crsnl
	install -d $(DESTDIR)$(HOOKSDIR)
	sed 's|"/usr/local/sbin/crsnl"|"$(SBINDIR)/crsnl"|' oci-hooks.d/crs.json \
		> $(DESTDIR)$(HOOKSDIR)/crs.json
	install -d $(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)/etc/crs/policies
	for u in crs.service crs-events.service crs-metrics.service crs-metrics.timer; do \
		sed 's|/usr/sbin/crsnl|$(SBINDIR)/crsnl|' systemd/$$u \
			> $(DESTDIR)$(SYSTEMDDIR)/$$u; done
	install -D -m 0644 systemd/modules-load.d/crs.conf \
		$(DESTDIR)/etc/modules-load.d/crs.conf
	install -D -m 0644 systemd/modprobe.d/crs.conf \
		$(DESTDIR)/etc/modprobe.d/crs.conf

# crs.ko into /lib/modules/$(KVER)/extra, plus the tools.
install: module install-tools
	$(MAKE) -C $(KDIR) M=$(PWD) INSTALL_MOD_DIR=extra modules_install
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)

# The module's sources, as DKMS wants them, in $(DKMS_SRC).
dkms-src:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)
	cp -r $(DKMS_FILES) $(DKMS_SRC)/
	find $(DKMS_SRC) \( -name '*.o' -o -name '.*.cmd' -o -name '*.ko' \) -delete

# Register, build and install crs.ko with DKMS for the running kernel (and
# rebuild it on every kernel update: AUTOINSTALL).
dkms-install:
	if dkms status -m crs -v $(CRS_VERSION) | grep -q .; then \
		dkms remove -m crs -v $(CRS_VERSION) --all; fi
	$(MAKE) dkms-src DKMS_SRC=/usr/src/crs-$(CRS_VERSION)
	dkms add -m crs -v $(CRS_VERSION)
	dkms build -m crs -v $(CRS_VERSION)
	dkms install -m crs -v $(CRS_VERSION)

.PHONY: demo install install-tools dkms-src dkms-install

# --- Packages, man pages, the YNL spec (issue 22) ---------------------------
# make deb: crs-dkms and crsnl .debs in build/deb/, built from a copy of the
# tree (dpkg-buildpackage writes to the parent directory), then lintian.
DEB_DIR := build/deb
DEB_SRC := $(DEB_DIR)/crs-$(CRS_VERSION)
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

deb: setup
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_SRC)
	git ls-files -co --exclude-standard -z | grep -zv '^build/' | \
		xargs -0 tar -cf - | tar -C $(DEB_SRC) -xf -
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b > ../build.log 2>&1 || \
		{ tail -n 40 ../build.log; exit 1; }
	lintian -I --pedantic --fail-on error,warning,info,pedantic $(DEB_DIR)/*.changes
	@ls $(DEB_DIR)/*.deb

# man pages and completion, with make install (install-tools)
install-tools: install-docs
install-docs:
	install -D -m 0644 Documentation/man/crsnl.8 $(DESTDIR)$(MANDIR)/man8/crsnl.8
	install -D -m 0644 Documentation/man/crs-policy.5 $(DESTDIR)$(MANDIR)/man5/crs-policy.5
	install -D -m 0644 userspace/completion/crsnl $(DESTDIR)$(BASHCOMPDIR)/crsnl

# The kernel's ynl tool and YNL schemas from Debian's linux-source-6.12,
# extracted into build/ (never committed); check-spec compares the spec
# with include/uapi/linux/crs.h.
YNL_SRC := build/linux-source-6.12
$(YNL_SRC)/tools/net/ynl/cli.py:
	mkdir -p build
	tar -C build -xJf /usr/src/linux-source-6.12.tar.xz \
		linux-source-6.12/tools/net/ynl linux-source-6.12/Documentation/netlink
	touch $@

ynl: $(YNL_SRC)/tools/net/ynl/cli.py

check-spec: ynl
	bash tools/testing/ynl/host.sh

.PHONY: deb install-docs ynl check-spec

# The Debian packages installed, used and purged in the VM (test_pkg.sh)
# alone; make check, check-vm and check-kernels run it with the suite.
check-pkg: setup all selftests deb
	bash tools/testing/dkms-build.sh > build/dkms.log 2>&1 || { cat build/dkms.log; exit 1; }
	bash tools/testing/vm/run.sh -t 1800 -o build/vm/pkg -- \
		bash tools/testing/vm/suite.sh test_pkg.sh

.PHONY: check-pkg
