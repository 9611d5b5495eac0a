#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# arch-run.sh ARCH VARIANT RESULTS [MACHINE]: build, boot and judge one
# kernel, and append its results to RESULTS. VARIANT is "", "debug", "16k"
# or "64k" (the last two arm64 only); MACHINE "vtd" boots x86_64 on the
# VT-d with page requests and the SVA test devices (scripts/boot.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: arch-run.sh ARCH VARIANT RESULTS [MACHINE]}
variant=$2
results=$3
machine=${4:-}
label=$arch${variant:+-$variant}${machine:+-$machine}
check_arch "$arch"

mkdir -p "$BUILD"
if [ -n "$machine" ]; then
	rc=0
	q=$("$TOP/scripts/qemu.sh" 2>"$BUILD/qemu-$label.log") || rc=$?
	cat "$BUILD/qemu-$label.log" >&2
	if [ "$rc" != 0 ]; then
		why=$(grep '^ERROR:' "$BUILD/qemu-$label.log" | tail -1 || true)
		echo "FAIL $label: QEMU of the $machine machine builds # ${why#ERROR: }" >>"$results"
		exit 0
	fi
	# The report names the QEMU and its patches
	echo "PASS $label: QEMU of the $machine machine builds # $(head -1 "$(dirname "$q")/version")" >>"$results"
fi
if ! "$TOP/scripts/build.sh" "$arch" "$variant" 2> >(tee "$BUILD/build-$label.log" >&2); then
	why=$(grep '^ERROR:' "$BUILD/build-$label.log" | tail -1 || true)
	echo "FAIL $label: kernel configures and builds # ${why#ERROR: }" >>"$results"
	exit 0
fi
echo "PASS $label: kernel configures and builds" >>"$results"
if ! "$TOP/scripts/guest.sh" "$arch" >"$BUILD/guest-$arch.log" 2>&1; then
	cat "$BUILD/guest-$arch.log" >&2
	echo "FAIL $label: guest programs build # see $BUILD/guest-$arch.log" >>"$results"
	exit 0
fi
"$TOP/scripts/boot.sh" "$arch" "$variant" $machine
"$TOP/scripts/verdict.py" run "$label" "$BUILD/runs/$label" "$results"
