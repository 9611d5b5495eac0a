#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# config.sh ARCH [debug|16k|64k]: tinyconfig + kconfig/ fragments, then
# verify that every symbol a fragment asks for survived olddefconfig. The
# debug variant adds debug.config (and kasan.config with KASAN=1), the 16k
# and 64k ones (arm64) pages16k.config or pages64k.config.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: config.sh ARCH [debug|16k|64k]}
variant=${2:-}
check_arch "$arch"
out=$(kout "$arch" "$variant")
frags=("$TOP/kconfig/common.config" "$TOP/kconfig/$arch.config")
case "$variant" in
"") ;;
debug)
	frags+=("$TOP/kconfig/debug.config")
	[ "${KASAN:-0}" = 1 ] && frags+=("$TOP/kconfig/kasan.config")
	;;
16k | 64k)
	[ "$arch" = arm64 ] || die "the $variant variant is arm64's"
	frags+=("$TOP/kconfig/pages$variant.config")
	;;
*) die "unknown variant '$variant' (use debug, 16k or 64k)" ;;
esac
extra=${KCONFIG_EXTRA:-}
[ -n "$extra" ] && frags+=("$extra")

mkdir -p "$out"
stamp=$(cat "${frags[@]}" <(git -C "$LINUX" rev-parse HEAD) | sha256sum | cut -d' ' -f1)
if [ -f "$out/.config" ] && [ "$(cat "$out/.config.stamp" 2>/dev/null)" = "$stamp" ]; then
	log "config $arch${variant:+ $variant}: up to date"
	exit 0
fi
rm -f "$out/.config.stamp"
log "config $arch${variant:+ $variant}: tinyconfig + ${frags[*]##*/}"
kmake "$arch" "$variant" -s tinyconfig >/dev/null
(cd "$out" && ARCH=$arch "$LINUX/scripts/kconfig/merge_config.sh" -m -O "$out" \
	"$out/.config" "${frags[@]}" >"$out/merge_config.log")
kmake "$arch" "$variant" -s olddefconfig >/dev/null

# Every CONFIG_X=v and "# CONFIG_X is not set" in a fragment must hold
# (the last fragment's, where several name X).
bad=
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		sym=${line%%=*}
		if ! grep -qxF "$line" "$out/.config"; then
			got=$(grep -E "^(# )?$sym[= ]" "$out/.config" || echo "$sym undefined")
			echo "  dropped: $line (got: $got)" >&2
			bad="$bad ${sym#CONFIG_}"
		fi
		;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		sym=${sym%% *}
		if grep -q "^$sym=" "$out/.config"; then
			echo "  dropped: $line (got: $(grep "^$sym=" "$out/.config"))" >&2
			bad="$bad ${sym#CONFIG_}"
		fi
		;;
	esac
done < <(cat "${frags[@]}" | awk '
	# A later fragment overrides an earlier one: check the last word on
	# each symbol.
	/^CONFIG_[A-Za-z0-9_]*=/ { s = $0; sub(/=.*/, "", s) }
	/^# CONFIG_[A-Za-z0-9_]* is not set$/ { s = $2 }
	s != "" { if (!(s in last)) order[n++] = s; last[s] = $0; s = "" }
	END { for (i = 0; i < n; i++) print last[order[i]] }')
[ -z "$bad" ] || die "config $arch${variant:+ $variant}: olddefconfig dropped$bad (missing dependency?)"
echo "$stamp" >"$out/.config.stamp"
log "config $arch${variant:+ $variant}: all fragment symbols set"
