#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# check.sh: the test suite. Applies the series, builds and boots both
# architectures with their emulated IOMMU, runs the guest tests, does the
# same on arm64 with 16K and with 64K pages (PAGES=0 skips them), boots
# the x86_64 debug kernel (DEBUG=0 skips it), boots the x86_64 kernels
# again on the VT-d with page requests and the SVA test devices (VTD=0
# skips them; scripts/qemu.sh builds that QEMU once), runs the static
# checks, and ends with "N passed, N failed, N skipped". Exit status 1 if
# anything failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

results=$BUILD/results.txt
mkdir -p "$BUILD"
: >"$results"
t0=$(date +%s)
"$TOP/scripts/deps.sh"
log "base: $SRC_PKG $(src_version); series: $(series_patches | wc -l) patches"

if ! "$TOP/scripts/tree.sh" 2>"$BUILD/tree.log"; then
	cat "$BUILD/tree.log" >&2
	echo "FAIL series applies to $SRC_PKG $(src_version) # $(tail -1 "$BUILD/tree.log")" >>"$results"
	exec "$TOP/scripts/verdict.py" summary "$results"
fi
cat "$BUILD/tree.log" >&2
echo "PASS series applies to $SRC_PKG $(src_version)" >>"$results"

# Exporting the applied tree must give back patches/ byte for byte.
tmp=$(mktemp -d)
git -C "$LINUX" format-patch -q --zero-commit --no-signature -o "$tmp" "$BASE_TAG..HEAD"
if diff -r -x series -x cover-letter -x checkpatch-exceptions "$PATCHES" "$tmp" \
	>"$BUILD/roundtrip.diff" 2>&1; then
	echo "PASS patches/ round-trips through the tree" >>"$results"
else
	echo "FAIL patches/ round-trips through the tree # see $BUILD/roundtrip.diff" >>"$results"
fi
rm -rf "$tmp"

# The verdict's rules, each shown failing a deliberately broken run.
"$TOP/scripts/verdict.py" selftest >>"$results" || true

# run ARCH VARIANT [MACHINE]: one kernel's run; a run that stops on an
# error is a failure of its own, and the others still run
run() {
	local rc=0
	"$TOP/scripts/arch-run.sh" "$1" "$2" "$results" ${3:-} || rc=$?
	[ "$rc" = 0 ] ||
		echo "FAIL $1${2:+-$2}${3:+-$3}: run completes # arch-run.sh exit status $rc" >>"$results"
}

for arch in x86_64 arm64; do
	run "$arch" ""
done
if [ "${VTD:-1}" = 1 ]; then
	run x86_64 "" vtd
fi
if [ "${PAGES:-1}" = 1 ]; then
	for pages in 16k 64k; do
		run arm64 "$pages"
	done
fi
if [ "${DEBUG:-1}" = 1 ]; then
	run x86_64 debug
	if [ "${VTD:-1}" = 1 ]; then
		run x86_64 debug vtd
	fi
fi
"$TOP/scripts/checks.sh" "$results"

log "check: $(($(date +%s) - t0)) s in all"
exec "$TOP/scripts/verdict.py" summary "$results"
