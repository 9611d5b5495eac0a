#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# arch-run.sh ARCH VARIANT RESULTS: build, boot and judge one kernel, and
# append its results to RESULTS. VARIANT is "" or "debug".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: arch-run.sh ARCH VARIANT RESULTS}
variant=$2
results=$3
label=$arch${variant:+-$variant}
check_arch "$arch"

if ! "$TOP/scripts/build.sh" "$arch" "$variant"; then
	echo "FAIL $label: kernel configures and builds # see $(kout "$arch" "$variant")/build.log" >>"$results"
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
