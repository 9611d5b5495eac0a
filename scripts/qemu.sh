#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# qemu.sh: print the path of the qemu-system-x86_64 that runs the VT-d
# guests (scripts/boot.sh MACHINE=vtd), building it first if needed.
#
# The source is the Debian package pinned in qemu/source, fetched from the
# Debian mirror apt is configured with and checked against its SHA256 sums;
# Debian's own patches are applied by dpkg-source, then those of
# qemu/series. A minimal x86_64 system emulator is built (the devices of
# qemu/patches' configs/devices/x86_64-softmmu/sva.mak) and kept outside the
# clone, in QEMU_CACHE (default ~/.cache/iommu-sva), under a key that
# hashes qemu/, this script, the configure flags and the versions of the
# compiler and libraries: only a change of one of them rebuilds it. Its
# provenance is in the file "version" beside it. Runs that need the same
# build wait for each other.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

qdir=$TOP/qemu
cache=${QEMU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommu-sva}
flags=(--target-list=x86_64-softmmu --without-default-features
	--without-default-devices --with-devices-x86_64=sva --enable-tcg
	--disable-docs --disable-user --disable-tools --disable-werror
	--disable-install-blobs --python=/usr/bin/python3)

mkdir -p "$cache"
"$TOP/scripts/deps.sh" "$TOP/scripts/packages-qemu.txt" >&2
mapfile -t patches < <(grep -v -e '^#' -e '^$' "$qdir/series")
key=$({
	cat "$qdir/source" "$qdir/series" "$0"
	for p in "${patches[@]}"; do cat "$qdir/patches/$p"; done
	echo "${flags[*]} $(uname -m)"
	gcc --version | head -1
	dpkg-query -W gcc libc6-dev libglib2.0-dev zlib1g-dev libfdt-dev ninja-build
} | sha256sum | cut -c1-16)
out=$cache/qemu-$key
# One build per key at a time; a run that waited finds it built
exec 9>"$out.lock"
flock 9
if [ -x "$out/qemu-system-x86_64" ] && [ -f "$out/version" ] &&
	"$out/qemu-system-x86_64" --version >/dev/null 2>&1; then
	echo "$out/qemu-system-x86_64"
	exit 0
fi

version=$(awk '$1 == "version" { print $2 }' "$qdir/source")
[ -n "$version" ] || die "qemu/source names no version"

# The Debian archive apt uses (not its security or update suites); apt
# knows it only once it has its package lists.
debian_mirror() {
	apt-get indextargets --format '$(REPO_URI) $(ORIGIN) $(CODENAME)' 2>/dev/null |
		awk '$2 == "Debian" && $3 !~ /-/ && !m { m = $1 } END { print m }'
}
mirror=$(debian_mirror)
if [ -z "$mirror" ] && [ "$(id -u)" = 0 ]; then
	apt-get update -qq >&2 || true
	mirror=$(debian_mirror)
fi
[ -n "$mirror" ] || die "apt knows no Debian mirror (apt-get indextargets; run apt-get update)"
mirror=${mirror%/}

dl=$cache/downloads
mkdir -p "$dl"
# fetch POOL-PATH SHA256: a checked file of the mirror, in $dl
fetch() {
	local f part
	f=$dl/$(basename "$1")
	if [ -f "$f" ] && echo "$2  $f" | sha256sum -c --status; then
		return 0
	fi
	log "qemu: fetching $mirror/$1"
	part=$(mktemp "$f.XXXXXX")
	if ! curl -fsS --connect-timeout 30 --retry 3 -o "$part" "$mirror/$1"; then
		rm -f "$part"
		die "$mirror/$1 cannot be fetched: is $(basename "$1") still served?" \
			"qemu/source pins qemu $version; its header says how to pin another."
	fi
	if ! echo "$2  $part" | sha256sum -c --status; then
		rm -f "$part"
		die "$(basename "$1"): SHA256 differs from qemu/source"
	fi
	mv "$part" "$f"
}
while read -r kind path sum; do
	case "$kind" in file | meson) fetch "$path" "$sum" ;; esac
done < <(grep -v '^#' "$qdir/source")

work=$out.build
rm -rf "$work" "$out" "$out.tmp"
mkdir -p "$work"
log "qemu: unpacking qemu $version"
dsc=$(awk '$1 == "file" && $2 ~ /\.dsc$/ { print $2 }' "$qdir/source")
dpkg-source --no-check -x "$dl/$(basename "$dsc")" "$work/src" >"$work/unpack.log" 2>&1 ||
	{ tail -5 "$work/unpack.log" >&2; die "dpkg-source could not unpack qemu $version"; }
grep -q "^Version: ${version}\$" "$dl/$(basename "$dsc")" ||
	die "$(basename "$dsc") is not of qemu $version"
for p in "${patches[@]}"; do
	patch -d "$work/src" -p1 -s --no-backup-if-mismatch <"$qdir/patches/$p" ||
		die "qemu/patches/$p does not apply to qemu $version"
done
meson_deb=$(awk '$1 == "meson" { print $2 }' "$qdir/source")
dpkg-deb -x "$dl/$(basename "$meson_deb")" "$work/meson" ||
	die "cannot unpack $(basename "$meson_deb")"
export PYTHONPATH=$work/meson/usr/lib/python3/dist-packages

log "qemu: configuring ${flags[*]}"
mkdir -p "$work/b"
start=$(date +%s)
(cd "$work/b" && ../src/configure "${flags[@]}") >"$work/configure.log" 2>&1 ||
	{ tail -20 "$work/configure.log" >&2; die "qemu configure failed (log: $work/configure.log)"; }
log "qemu: building qemu-system-x86_64 (-j$JOBS)"
ninja -C "$work/b" -j"$JOBS" qemu-system-x86_64 >"$work/build.log" 2>&1 ||
	{ grep -E -A5 'error|FAILED' "$work/build.log" | head -40 >&2; die "qemu build failed (log: $work/build.log)"; }
secs=$(($(date +%s) - start))

mkdir -p "$out.tmp"
cp "$work/b/qemu-system-x86_64" "$out.tmp/" || die "cannot copy the built QEMU"
{
	echo "qemu $version (Debian source package) + qemu/series: ${patches[*]}"
	echo "built in ${secs} s with: configure ${flags[*]}"
} >"$out.tmp/version"
mv "$out.tmp" "$out"
rm -rf "$work"
log "qemu: $out/qemu-system-x86_64 built in ${secs} s"
echo "$out/qemu-system-x86_64"
