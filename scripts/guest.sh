#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# guest.sh ARCH: build the guest initramfs (static init + static test
# programs) for ARCH into build/guest-ARCH/initramfs.cpio. GUEST_EXTRA may
# name more C test programs to include, GUEST_SELFTESTS another list of the
# tree's selftests than guest/selftests.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: guest.sh ARCH}
check_arch "$arch"
g=$BUILD/guest-$arch
out=$(kout "$arch")
cc=gcc
[ "$arch" = arm64 ] && cc=aarch64-linux-gnu-gcc
command -v "$cc" >/dev/null || die "$cc missing: make deps"
rm -rf "$g/root"
mkdir -p "$g/root/tests"
cflags=(-static -O2 -Wall -Werror -I"$LINUX/tools/testing/selftests" -I"$TOP/guest")

log "guest $arch: init, dmatest, kunit and svabench"
$cc "${cflags[@]}" -o "$g/root/init" "$TOP/guest/init.c"
$cc "${cflags[@]}" -o "$g/root/tests/dmatest" "$TOP/guest/dmatest.c"
$cc "${cflags[@]}" -o "$g/root/tests/kunit" "$TOP/guest/kunit.c"
# The benchmark, against the mock's interface in the tree (smoke run
# in the tests; SVABENCH=full on the kernel command line for make bench)
$cc "${cflags[@]}" -pthread -I"$LINUX/drivers/iommu" -o "$g/root/tests/svabench" \
	"$TOP/guest/svabench.c"

# Selftests from the kernel tree, against its exported uapi headers.
# GUEST_SELFTESTS names another list (make bench's other kernels: none).
mapfile -t sts < <(grep -v -e '^#' -e '^$' "${GUEST_SELFTESTS:-$TOP/guest/selftests}")
have=()
for st in "${sts[@]}"; do
	[ -f "$LINUX/$st" ] || die "guest $arch: $st, listed in guest/selftests, is not in the tree"
	have+=("$st")
done
if [ ${#have[@]} -gt 0 ]; then
	kmake "$arch" "" -s headers
	for st in "${have[@]}"; do
		name=$(basename "$st" .c)
		log "guest $arch: selftest $name"
		$cc "${cflags[@]}" -pthread -I"$out/usr/include" -I"$LINUX/$(dirname "$st")" \
			-o "$g/root/tests/$name" "$LINUX/$st"
	done
fi

# GUEST_EXTRA: more C test programs (paths), e.g. to see the verdict fail.
for src in ${GUEST_EXTRA:-}; do
	log "guest $arch: extra test $(basename "$src" .c)"
	$cc "${cflags[@]}" -o "$g/root/tests/$(basename "$src" .c)" "$src"
done

# A cpio list for the kernel's gen_init_cpio: no root needed for /dev nodes.
gcc -O2 -o "$g/gen_init_cpio" "$LINUX/usr/gen_init_cpio.c"
{
	for d in /dev /proc /sys /tmp /tests; do echo "dir $d 0755 0 0"; done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "file /init $g/root/init 0755 0 0"
	for t in "$g"/root/tests/*; do
		echo "file /tests/$(basename "$t") $t 0755 0 0"
	done
} >"$g/cpio.list"
"$g/gen_init_cpio" "$g/cpio.list" >"$g/initramfs.cpio"
gcc -O2 -Wall -Werror -o "$BUILD/dmadisk" "$TOP/guest/dmadisk.c"
log "guest $arch: $g/initramfs.cpio ($(ls "$g/root/tests" | tr '\n' ' '))"
