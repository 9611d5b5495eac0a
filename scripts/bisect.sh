#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bisect.sh [ARCH...]: build every prefix of the series (base + patch 1,
# base + patches 1..2, ...) for each ARCH (default: x86_64 arm64) and name
# the first patch that breaks a build. Uses its own git worktree and out
# dirs, so build/linux is not touched; ccache makes the later steps cheap.
# BISECT_FROM=N starts at the prefix that ends with patch N.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(x86_64 arm64)
"$TOP/scripts/tree.sh"
wt=$BUILD/bisect/linux
git -C "$LINUX" worktree prune
[ -d "$wt" ] || git -C "$LINUX" worktree add -q --detach "$wt" "$BASE_TAG"
mapfile -t commits < <(git -C "$LINUX" rev-list --reverse "$BASE_TAG..HEAD")
[ ${#commits[@]} -gt 0 ] || { log "bisect: the series is empty"; exit 0; }
for arch in "${arches[@]}"; do
	check_arch "$arch"
	"$TOP/scripts/config.sh" "$arch" >/dev/null
done
t0=$(date +%s)
i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	[ "$i" -ge "${BISECT_FROM:-1}" ] || continue
	git -C "$wt" checkout -q --detach "$c"
	subj=$(git -C "$wt" log -1 --format=%s)
	for arch in "${arches[@]}"; do
		out=$BUILD/bisect/out-$arch
		mkdir -p "$out"
		cp "$(kout "$arch")/.config" "$out/.config"
		target=bzImage
		[ "$arch" = arm64 ] && target=Image
		mapfile -t args < <(LINUX=$wt kmake_args "$arch" "")
		args=("${args[@]/#O=*/O=$out}")
		s=$(date +%s)
		if ! make "${args[@]}" olddefconfig "$target" W=1 >"$out/build.log" 2>&1; then
			grep -E -m20 'error|Error' "$out/build.log" >&2 || true
			die "bisect: patch $i ($subj) breaks the $arch build (log: $out/build.log)"
		fi
		log "bisect: patch $i/$((${#commits[@]})) builds on $arch ($(($(date +%s) - s)) s): $subj"
	done
done
log "bisect: prefixes ${BISECT_FROM:-1} to ${#commits[@]} build on ${arches[*]} in $(($(date +%s) - t0)) s"
