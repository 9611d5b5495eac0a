#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# arch-run.sh ARCH VARIANT RESULTS: build, boot and judge one kernel, and
# append its results to RESULTS. VARIANT is "", "debug", "16k" or "64k"
# (the last two arm64 only).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: arch-run.sh ARCH VARIANT RESULTS}
variant=$2
results=$3
label=$arch${variant:+-$variant}
check_arch "$arch"

mkdir -p "$BUILD"
if ! "$TOP/scripts/build.sh" "$arch" "$variant" 2> >(tee "$BUILD/build-$label.log" >&2); then
	why=$(grep '^ERROR:' "$BUILD/build-$label.log" | tail -1)
	echo "FAIL $label: kernel configures and builds # ${why#ERROR: }" >>"$results"
	exit 0
fi
echo "PASS $label: kernel configures and builds" >>"$results"
if ! "$TOP/scripts/guest.sh" "$arch" >"$BUILD/guest-$arch.log" 2>&1; then
	cat "$BUILD/guest-$arch.log" >&2
	echo "FAIL $label: guest programs build # see $BUILD/guest-$arch.log" >>"$results"
	exit 0
fi
"$TOP/scripts/boot.sh" "$arch" "$variant"
"$TOP/scripts/verdict.py" run "$label" "$BUILD/runs/$label" "$results"
