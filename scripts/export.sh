#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Export the commits of build/linux since the base tag to patches/ with
# git format-patch. File names and contents are stable: re-exporting an
# unchanged tree changes no file. patches/series is rewritten to match.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$LINUX/.git" ] || die "no work tree at $LINUX: make tree"
[ -z "$(git -C "$LINUX" status --porcelain --untracked-files=no)" ] ||
	die "build/linux has uncommitted changes: commit them first"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$LINUX" format-patch -q --zero-commit --no-signature --no-cover-letter \
	--subject-prefix=PATCH -o "$tmp" "$BASE_TAG..HEAD"

changed=0
for p in "$tmp"/*.patch; do
	[ -e "$p" ] || continue
	name=$(basename "$p")
	if ! cmp -s "$p" "$PATCHES/$name"; then
		cp "$p" "$PATCHES/$name"
		changed=$((changed + 1))
	fi
done
# Patches that are no longer in the tree.
removed=0
for p in "$PATCHES"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -e "$p" ] || continue
	if [ ! -e "$tmp/$(basename "$p")" ]; then
		rm "$p"
		removed=$((removed + 1))
	fi
done
{
	echo "# Series for $SRC_PKG $(src_version), applied in this order by scripts/tree.sh."
	(cd "$tmp" && ls -1 -- *.patch 2>/dev/null) || true
} >"$tmp/series"
cmp -s "$tmp/series" "$PATCHES/series" || cp "$tmp/series" "$PATCHES/series"
# Record the exported state so that scripts/tree.sh sees an up-to-date tree.
FORCE=0 "$TOP/scripts/tree.sh" --record
log "export: $(grep -vc '^#' "$PATCHES/series" || true) patches, $changed written, $removed removed"
