# SPDX-License-Identifier: GPL-2.0
KVER ?= $(shell ls /lib/modules 2>/dev/null | grep -E '^[0-9].*-amd64$$' | sort -V | tail -n1)
KDIR ?= /lib/modules/$(KVER)/build
PWD := $(shell pwd)
CRS_VERSION := $(shell cat $(PWD)/VERSION)
export CRS_VERSION

all: module crsnl

module:
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
	@rc=0; \
	$(MAKE) style || { echo "not ok - make style"; rc=1; }; \
	$(MAKE) check-static || { echo "not ok - make check-static"; rc=1; }; \
	bash tools/testing/run-all.sh || rc=1; \
	exit $$rc

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
	@for f in userspace/*.c; do \
		$(CC) $(CRSNL_WFLAGS) -c -o /dev/null $$f || exit 1; done
	@echo "make check-static: sparse clean, crsnl builds with -Wall -Wextra -Werror"

.PHONY: all module crsnl clean setup selftests unit check style check-static bench
