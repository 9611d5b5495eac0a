#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# run.sh [ARCH]: the main job. Build the kernel with the series for ARCH
# (default x86_64), boot it under QEMU with the emulated IOMMU (VT-d on
# x86_64, SMMUv3 on arm64), run the guest tests and print a short report.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:-x86_64}
check_arch "$arch"
results=$BUILD/run-$arch.txt
mkdir -p "$BUILD"
: >"$results"
"$TOP/scripts/deps.sh"
"$TOP/scripts/tree.sh"
"$TOP/scripts/arch-run.sh" "$arch" "" "$results"

run=$BUILD/runs/$arch
console=$run/console.log
case "$arch" in
x86_64) iommu=$(grep -m1 -oE 'DMAR: dmar[0-9]+: reg_base_addr .*' "$console" || true)
	mode=$(grep -m1 -oE 'DMAR-IR: Enabled IRQ remapping in [a-z0-9]+ mode' "$console" || true) ;;
arm64) iommu=$(grep -m1 -oE 'arm-smmu-v3 [^ ]+: ias [0-9]+-bit, oas [0-9]+-bit.*' "$console" || true)
	mode= ;;
esac
{
	echo
	echo "== iommu-sva run: $arch =="
	echo "kernel:  $(grep -m1 -oE 'Linux version [^ ]+' "$console" || echo '(no boot banner)')"
	echo "base:    $SRC_PKG $(src_version), $(series_patches | wc -l) patches applied"
	echo "IOMMU:   ${iommu:-none found}${mode:+ ($mode)}"
	echo "groups:  $(grep -c 'Adding to iommu group' "$console" || true) devices added to IOMMU groups"
	echo "boot:    $(cat "$run/seconds" 2>/dev/null || echo '?') s under QEMU (TCG); console: $console"
	echo "tests:"
} >&2
"$TOP/scripts/verdict.py" summary "$results" | sed 's/^/  /' >&2 && verdict=PASS || verdict=FAIL
echo "verdict: $verdict" >&2
[ "$verdict" = PASS ]
