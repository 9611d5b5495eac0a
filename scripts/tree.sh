#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Materialise build/linux: Debian's linux-source-6.1 as a git tree with a
# tagged base commit, plus patches/ applied with git am in series order.
#
# Re-running with unchanged inputs costs seconds; --reapply rebuilds anyway. The tree is rebuilt from
# patches/ only when they (or the Debian source) changed; commits in the tree
# that are not exported yet are never thrown away unless FORCE=1.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

state=$LINUX/.git/iommu-sva-state

unpack() {
	[ -f "$SRC_TAR" ] || die "$SRC_TAR missing: apt-get install $SRC_PKG (or make deps)"
	local ver tmp
	ver=$(src_version)
	tmp=$BUILD/linux.unpack
	rm -rf "$tmp" "$LINUX"
	mkdir -p "$tmp"
	log "unpacking $SRC_TAR ($SRC_PKG $ver)"
	tar -xJf "$SRC_TAR" -C "$tmp"
	mv "$tmp/linux-source-6.1" "$LINUX"
	rmdir "$tmp"
	# Debian's top-level .gitignore ends with "/*", which hides every new
	# file from git; drop those two lines so the tree behaves like an
	# upstream checkout. No patch of the series touches .gitignore.
	sed -i -e '/^\/\*$/d' -e '/^!\/debian\/$/d' "$LINUX/.gitignore"
	log "creating base commit"
	git -C "$LINUX" init -q -b work
	git -C "$LINUX" config user.name "iommu-sva workspace"
	git -C "$LINUX" config user.email "iommu-sva@localhost"
	git -C "$LINUX" config gc.auto 0
	git -C "$LINUX" add -f -A .
	git -C "$LINUX" commit -q -m "Linux $(make -s -C "$LINUX" kernelversion) ($SRC_PKG $ver)" \
		-m "Unpacked from $SRC_TAR; top-level .gitignore catch-all dropped."
	git -C "$LINUX" tag -f "$BASE_TAG" >/dev/null
	echo "$ver" >"$LINUX/.git/iommu-sva-debver"
}

# Hash of everything the applied tree depends on.
inputs_hash() {
	{
		src_version
		series_patches | while read -r p; do
			basename "$p"
			cat "$p"
		done
	} | sha256sum | cut -d' ' -f1
}

want_ver=$(src_version)
if [ ! -d "$LINUX/.git" ]; then
	unpack
elif [ "$(cat "$LINUX/.git/iommu-sva-debver" 2>/dev/null)" != "$want_ver" ]; then
	[ "${FORCE:-0}" = 1 ] || [ ! -f "$state" ] ||
		[ "$(git -C "$LINUX" rev-parse HEAD)" = "$(cut -d' ' -f2 "$state")" ] ||
		die "$SRC_PKG changed to $want_ver but build/linux has unexported commits; make export, or FORCE=1"
	log "$SRC_PKG is now $want_ver: rebuilding the base tree"
	unpack
fi

# Fail here, not in a subshell below, if patches/series names a missing file.
series_patches >/dev/null
hash=$(inputs_hash)
head=$(git -C "$LINUX" rev-parse HEAD)
case "${1:-}" in
--record)
	# Called by export.sh: the tree is what patches/ now says.
	echo "$hash $head" >"$state"
	exit 0
	;;
--reapply)
	# Rebuild from patches/ even when nothing seems to have changed.
	reapply=1
	;;
'') ;;
*) die "usage: tree.sh [--reapply|--record]" ;;
esac
if [ -f "$state" ]; then
	read -r old_hash old_head <"$state"
else
	old_hash=none old_head=$(git -C "$LINUX" rev-parse "$BASE_TAG")
fi
dirty=$(git -C "$LINUX" status --porcelain --untracked-files=no)

if [ -z "${reapply:-}" ] && [ "$hash" = "$old_hash" ] && [ "$head" = "$old_head" ] && [ -z "$dirty" ]; then
	log "tree up to date: $SRC_PKG $want_ver + $(series_patches | wc -l) patches"
	exit 0
fi
if [ "${FORCE:-0}" != 1 ]; then
	[ -z "$dirty" ] || die "build/linux has uncommitted changes; commit and make export, or FORCE=1 to discard"
	[ "$head" = "$old_head" ] ||
		die "build/linux has commits that are not in patches/ (HEAD moved); make export first, or FORCE=1 to discard"
fi
[ -d "$LINUX/.git/rebase-apply" ] && git -C "$LINUX" am --abort
git -C "$LINUX" checkout -q -f -B work "$BASE_TAG"
n=0
while read -r p; do
	[ -n "$p" ] || continue
	n=$((n + 1))
	if ! git -C "$LINUX" am -q --keep-cr "$p" >"$BUILD/am.log" 2>&1; then
		grep -v -e '^hint:' -e '^When you have' -e '^If you prefer' -e '^To restore' \
			-e '^Patch failed at' "$BUILD/am.log" >&2
		git -C "$LINUX" am --abort || true
		git -C "$LINUX" checkout -q -f -B work "$BASE_TAG"
		rm -f "$state"
		die "patch $n does not apply: $(basename "$p")"
	fi
done < <(series_patches)
echo "$hash $(git -C "$LINUX" rev-parse HEAD)" >"$state"
log "tree: $SRC_PKG $want_ver + $n patches applied"
