# SPDX-License-Identifier: GPL-2.0
# Common settings and helpers, sourced by every script in scripts/.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
LINUX=$BUILD/linux
PATCHES=$TOP/patches
SRC_PKG=linux-source-6.1
SRC_TAR=/usr/src/linux-source-6.1.tar.xz
BASE_TAG=base
JOBS=${JOBS:-$(nproc)}
# Trees that sit beside their out dirs the same way (build/linux and
# build/out-ARCH, build/base/linux and build/base/out-ARCH, ...) share ccache
# hits: paths below $BUILD are hashed relative to the compiler's directory.
export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# check_arch ARCH: accept the two architectures the project builds.
check_arch() {
	case "$1" in
	x86_64 | arm64) ;;
	*) die "unknown ARCH '$1' (use x86_64 or arm64)" ;;
	esac
}

# Per-architecture make arguments for an out-of-tree kernel build.
# VARIANT is "" for the normal kernel, "debug" for the debug kernel, "16k"
# or "64k" for the arm64 kernel with 16K or 64K pages.
kout() { echo "$BUILD/out-$1${2:+-$2}"; }

kmake_args() {
	local arch=$1 variant=${2:-} cc=gcc cross=
	[ "$arch" = arm64 ] && cross=aarch64-linux-gnu- && cc=${cross}gcc
	command -v ccache >/dev/null && cc="ccache $cc"
	printf '%s\n' "-C" "$LINUX" "O=$(kout "$arch" "$variant")" \
		"ARCH=$arch" "CROSS_COMPILE=$cross" "CC=$cc" "-j$JOBS" \
		"KBUILD_BUILD_TIMESTAMP=2024-01-01" "KBUILD_BUILD_USER=iommu-sva" \
		"KBUILD_BUILD_HOST=build"
}

kmake() {
	local arch=$1 variant=$2
	shift 2
	local -a args
	mapfile -t args < <(kmake_args "$arch" "$variant")
	make "${args[@]}" "$@"
}

# The Debian package version the base tree was unpacked from.
src_version() {
	dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null || echo unknown
}

kernel_image() {
	case "$1" in
	x86_64) echo "$(kout "$1" "${2:-}")/arch/x86/boot/bzImage" ;;
	arm64) echo "$(kout "$1" "${2:-}")/arch/arm64/boot/Image" ;;
	esac
}

# Patches in series order, one path per line.
series_patches() {
	[ -f "$PATCHES/series" ] || return 0
	local p
	while read -r p; do
		case "$p" in '' | '#'*) continue ;; esac
		[ -f "$PATCHES/$p" ] || die "patches/series names $p, which is missing"
		echo "$PATCHES/$p"
	done <"$PATCHES/series"
}
