#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# build.sh ARCH [debug|16k|64k]: configure and build the kernel image out of tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build.sh ARCH [debug|16k|64k]}
variant=${2:-}
check_arch "$arch"
"$TOP/scripts/config.sh" "$arch" "$variant"
out=$(kout "$arch" "$variant")
log "build $arch${variant:+ $variant} ($(git -C "$LINUX" describe --always --tags), -j$JOBS$(command -v ccache >/dev/null && echo ', ccache'))"
start=$(date +%s)
target=bzImage
[ "$arch" = arm64 ] && target=Image
if ! kmake "$arch" "$variant" "$target" >"$out/build.log" 2>&1; then
	grep -E -B2 -A6 'error|Error' "$out/build.log" | head -60 >&2
	die "build $arch${variant:+ $variant} failed (full log: $out/build.log)"
fi
log "build $arch${variant:+ $variant}: $(kernel_image "$arch" "$variant") in $(($(date +%s) - start)) s"
