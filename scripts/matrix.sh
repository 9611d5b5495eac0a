#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# matrix.sh [ARCH...]: build the directories the series touches with other
# configurations than make check's, and require them warning-free:
#
#   debian   Debian's own config of the base kernel (package linux-config-6.1;
#            the arm64 one is fetched as a .deb, see below), new symbols at
#            their defaults;
#   sva-off  make check's fragments with every SVA user off, so that
#            IOMMU_SVA and MMU_NOTIFIER are off;
#   modules  make check's fragments with the SVA users that can be modules
#            built as modules (idxd, uacce, hisi_zip, SMMUv3).
#
# Each is built from a worktree of build/linux's HEAD (build/matrix/linux),
# out of tree in build/matrix/out-ARCH-NAME, and prints one result per
# configuration: a compiler warning or error in a touched directory, or a
# symbol the configuration needs that olddefconfig dropped, fails it.
# Ends with "N passed, N failed".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arches=("${@:-x86_64}")
[ $# -eq 0 ] && arches=(x86_64 arm64)
MX=$BUILD/matrix
SRC=$MX/linux
CFG_DEB=linux-config-6.1
pass=0
fail=0

result() { # STATUS NAME [DETAIL]
	echo "$1 matrix: $2${3:+ # $3}"
	if [ "$1" = PASS ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}

# Debian's config for ARCH, as a path; the arm64 one comes in the arm64
# build of linux-config-6.1, which apt fetches once the architecture is
# known to dpkg (no arm64 package gets installed).
debian_config() {
	local arch=$1 f deb
	case "$arch" in
	x86_64) f=/usr/src/$CFG_DEB/config.amd64_none_amd64.xz ;;
	arm64)
		f=$MX/debian-arm64/usr/src/$CFG_DEB/config.arm64_none_arm64.xz
		if [ ! -f "$f" ]; then
			mkdir -p "$MX/debian-arm64"
			if ! dpkg --print-foreign-architectures | grep -qx arm64; then
				[ "$(id -u)" -eq 0 ] || die "need root to add the arm64 architecture for $CFG_DEB:arm64"
				dpkg --add-architecture arm64
				apt-get update -qq
			fi
			(cd "$MX/debian-arm64" && apt-get download -q "$CFG_DEB:arm64" >/dev/null 2>&1) ||
				die "cannot fetch $CFG_DEB:arm64 (apt-get download)"
			deb=$(ls "$MX/debian-arm64/"*.deb | head -1)
			dpkg-deb -x "$deb" "$MX/debian-arm64"
		fi
		;;
	esac
	[ -f "$f" ] || die "no Debian config $f (apt-get install $CFG_DEB)"
	echo "$f"
}

# The fragment that turns a make check configuration into NAME.
fragment() {
	local arch=$1 name=$2
	case "$name" in
	sva-off)
		cat <<-EOF
		# CONFIG_IOMMU_SVA_MOCK is not set
		# CONFIG_INTEL_IOMMU_SVM is not set
		# CONFIG_INTEL_IDXD_SVM is not set
		# CONFIG_AMD_IOMMU_V2 is not set
		# CONFIG_ARM_SMMU_V3_SVA is not set
		EOF
		;;
	modules)
		cat <<-EOF
		CONFIG_MODULES=y
		CONFIG_MODULE_UNLOAD=y
		CONFIG_UACCE=m
		EOF
		if [ "$arch" = x86_64 ]; then
			echo CONFIG_INTEL_IDXD=m
		else
			# Its KUnit suite needs the driver built in
			printf '%s\n' CONFIG_ARM_SMMU_V3=m \
				'# CONFIG_ARM_SMMU_V3_KUNIT_TEST is not set' \
				CONFIG_CRYPTO_DEV_HISI_QM=m CONFIG_CRYPTO_DEV_HISI_ZIP=m
		fi
		;;
	esac
}

# What each configuration must end up with, checked after olddefconfig.
expect() {
	local arch=$1 name=$2
	case "$name" in
	debian) ;;
	sva-off) printf '%s\n' '# CONFIG_IOMMU_SVA is not set' '# CONFIG_MMU_NOTIFIER is not set' ;;
	modules)
		echo CONFIG_UACCE=m
		if [ "$arch" = x86_64 ]; then echo CONFIG_INTEL_IDXD=m; else echo CONFIG_ARM_SMMU_V3=m; fi
		;;
	esac
}

dirs_of() {
	local d=(drivers/iommu/ drivers/misc/uacce/ mm/)
	if [ "$1" = x86_64 ]; then d+=(drivers/dma/idxd/ arch/x86/mm/); else d+=(drivers/crypto/hisilicon/); fi
	printf '%s\n' "${d[@]}"
}

mx_make() { # ARCH OUT ARGS...
	local arch=$1 out=$2 cross= cc=gcc
	shift 2
	[ "$arch" = arm64 ] && cross=aarch64-linux-gnu- && cc=${cross}gcc
	command -v ccache >/dev/null && cc="ccache $cc"
	make -C "$SRC" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" CC="$cc" "-j$JOBS" \
		KBUILD_BUILD_TIMESTAMP=2024-01-01 KBUILD_BUILD_USER=iommu-sva \
		KBUILD_BUILD_HOST=build "$@"
}

one() { # ARCH NAME
	local arch=$1 name=$2 out=$MX/out-$1-$2 t0 bad= line log
	t0=$(date +%s)
	mkdir -p "$out"
	log=$out/build.log
	if [ "$name" = debian ]; then
		xzcat "$(debian_config "$arch")" >"$out/.config"
		# Debian's signing keys are not in the source package
		"$SRC/scripts/config" --file "$out/.config" --set-str SYSTEM_TRUSTED_KEYS "" \
			--set-str SYSTEM_REVOCATION_KEYS "" --set-str MODULE_SIG_KEY "certs/signing_key.pem"
	else
		mx_make "$arch" "$out" -s tinyconfig >/dev/null
		fragment "$arch" "$name" >"$out/matrix.config"
		frags=("$TOP/kconfig/common.config" "$TOP/kconfig/$arch.config" "$out/matrix.config")
		(cd "$out" && ARCH=$arch "$SRC/scripts/kconfig/merge_config.sh" -m -O "$out" \
			"$out/.config" "${frags[@]}" >"$out/merge_config.log")
	fi
	mx_make "$arch" "$out" -s olddefconfig >/dev/null
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) grep -qxF "$line" "$out/.config" || bad="$bad $line" ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			if grep -q "^$sym=" "$out/.config"; then bad="$bad $sym=n"; fi
			;;
		esac
	done < <(expect "$arch" "$name"; [ "$name" = debian ] || fragment "$arch" "$name" | grep -v '^# CONFIG_.*_KUNIT_TEST')
	if [ -n "$bad" ]; then
		result FAIL "$arch $name" "olddefconfig did not keep:$bad"
		return
	fi
	mapfile -t dirs < <(dirs_of "$arch")
	log "matrix $arch $name: ${dirs[*]}"
	# Every file compiles again, so that a warning shows on every run
	# (ccache hands back the compiler's warnings with its hits)
	for d in "${dirs[@]}"; do
		[ -d "$out/$d" ] && find "$out/$d" -name '*.o' -delete
	done
	if ! mx_make "$arch" "$out" "${dirs[@]}" >"$log" 2>&1; then
		grep -E 'error:' "$log" | head -5 >&2 || tail -5 "$log" >&2
		result FAIL "$arch $name" "build failed: $(grep -m1 -E 'error:' "$log" || tail -1 "$log")"
		return
	fi
	local warns
	warns=$(grep -cE ': warning:' "$log" || true)
	if [ "$warns" -ne 0 ]; then
		grep -E ': warning:' "$log" | head -10 >&2
		result FAIL "$arch $name" "$warns compiler warnings"
		return
	fi
	result PASS "$arch $name" "$(grep -cE '^  CC' "$log" || true) files compiled, 0 warnings, $(($(date +%s) - t0)) s"
}

[ -d "$LINUX/.git" ] || die "no tree in $LINUX (make tree)"
head=$(git -C "$LINUX" rev-parse HEAD)
if [ ! -e "$SRC/.git" ]; then
	mkdir -p "$MX"
	git -C "$LINUX" worktree add -q --detach "$SRC" "$head"
else
	git -C "$SRC" checkout -q --detach "$head"
fi
log "matrix: $(git -C "$LINUX" describe --tags --always "$head")"
for arch in "${arches[@]}"; do
	check_arch "$arch"
	for name in ${MATRIX:-debian sva-off modules}; do
		one "$arch" "$name"
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
