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
	bash tools/testing/run-all.sh

style:
	perl build/linux-source-6.1/scripts/checkpatch.pl --no-tree --strict --terse \
		-f kmod/*.c kmod/*.h include/uapi/linux/crs.h

.PHONY: all module crsnl clean setup selftests unit check style
