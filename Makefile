# SPDX-License-Identifier: GPL-2.0
# Front door of the iommu-sva workspace. Every target is a thin call into
# scripts/; see README.md.
ARCH ?= x86_64
S := scripts

.PHONY: all run check checks deps tree import export config build guest boot bisect mutate matrix bench clean help

all: run

help:
	@grep -E '^[a-z]+:.*## ' Makefile | sed -E 's/^([a-z]+):.*## /  make \1\t/'

run: ## build, boot and test ARCH (default x86_64), print a report
	$(S)/run.sh $(ARCH)

check: ## the test suite: both arches, debug kernel, static checks
	$(S)/check.sh

checks: tree ## static checks only (kernels must be built)
	@: > build/checks.txt; $(S)/checks.sh build/checks.txt; $(S)/verdict.py summary build/checks.txt

deps: ## install missing Debian packages
	$(S)/deps.sh

tree: deps ## unpack the base and apply patches/ (idempotent)
	$(S)/tree.sh

import: deps ## rebuild build/linux from patches/ even if it looks current
	$(S)/tree.sh --reapply

export: ## write the commits of build/linux since base to patches/
	$(S)/export.sh

config: tree
	$(S)/config.sh $(ARCH) $(VARIANT)

build: tree ## build the kernel for ARCH (VARIANT=debug for the debug kernel)
	$(S)/build.sh $(ARCH) $(VARIANT)

guest: tree
	$(S)/guest.sh $(ARCH)

boot: guest ## boot the built kernel for ARCH and judge the run
	@: > build/boot-$(ARCH).txt
	$(S)/boot.sh $(ARCH) $(VARIANT)
	$(S)/verdict.py run $(ARCH)$(if $(VARIANT),-$(VARIANT)) build/runs/$(ARCH)$(if $(VARIANT),-$(VARIANT)) build/boot-$(ARCH).txt
	$(S)/verdict.py summary build/boot-$(ARCH).txt

bisect: ## build every prefix of the series on both arches
	$(S)/bisect.sh

mutate: tree ## apply each of mutations/ in turn, show which test kills it
	$(S)/mutate.sh $(MUTATIONS)

matrix: tree ## build the touched directories with Debian's configs and SVA off/modules
	$(S)/matrix.sh $(ARCHES)

bench: tree ## run the SVA benchmark in full on both arches (ARCHES=...)
	$(S)/bench.sh $(ARCHES)

clean: ## remove build/ except the unpacked tree
	rm -rf build/out-* build/runs build/guest-* build/checks build/*.txt
