#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# checks.sh RESULTS: static checks of the series, each compared against the
# base so that only new findings count. Appends PASS/FAIL/SKIP lines to
# RESULTS; details go to build/checks/.
#   checkpatch --strict   every patch (patches/checkpatch-exceptions lists
#                         justified exceptions: "NNNN-name.patch TYPE reason")
#   kernel-doc -none      touched .c and .h files
#   sparse C=2            touched .c files, per architecture that builds them
#   W=1                   drivers/iommu/, per architecture
#   coccicheck report     touched .c files (scripts/coccicheck per file)
# Expects the kernels of both architectures to be built (scripts/build.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

results=${1:?usage: checks.sh RESULTS}
det=$BUILD/checks
rm -rf "$det"
mkdir -p "$det"
BASETREE=$BUILD/base/linux

result() { echo "$1 $2${3:+ # $3}" >>"$results"; printf '%s %s%s\n' "$1" "$2" "${3:+ # $3}" >&2; }

# new_findings OLD NEW: lines of NEW not in OLD (as multisets), with line and
# column numbers and tree prefixes removed so moved code does not count.
norm() { sed -E -e "s#$LINUX/##g" -e "s#$BASETREE/##g" -e 's/:[0-9]+(:[0-9]+)?:/:/g' \
	-e 's/line [0-9]+/line N/g' "$1" | sort; }
new_findings() { comm -13 <(norm "$1") <(norm "$2"); }

# checked_all LOG OBJ...: print the objects whose source the checker (sparse
# or coccicheck, both run through kbuild's "CHECK" step) did not check.
checked_all() {
	local log=$1 o
	shift
	for o in "$@"; do
		grep -qE "^  CHECK +(.*/)?${o%.o}\.c\$" "$log" || printf ' %s' "${o%.o}.c"
	done
}

# A git worktree of the base commit in build/base/linux, with out dirs in
# build/base/out-ARCH, for checks that compare against the base. Created on
# first use.
base_tree() {
	if [ ! -d "$BASETREE" ]; then
		log "checks: creating base worktree"
		git -C "$LINUX" worktree prune
		git -C "$LINUX" worktree add -q --detach "$BASETREE" "$BASE_TAG"
	fi
}

base_make() {
	local arch=$1
	shift
	local out=$BUILD/base/out-$arch
	mkdir -p "$out"
	if ! cmp -s "$(kout "$arch")/.config" "$out/.config.src"; then
		cp "$(kout "$arch")/.config" "$out/.config"
		cp "$(kout "$arch")/.config" "$out/.config.src"
	fi
	LINUX=$BASETREE kmake_base "$arch" "$out" "$@"
}

kmake_base() {
	local arch=$1 out=$2
	shift 2
	local -a args
	mapfile -t args < <(LINUX=$BASETREE kmake_args "$arch" "")
	args=("${args[@]/#O=*/O=$out}")
	make "${args[@]}" "$@"
}

# --- checkpatch ----------------------------------------------------------
mapfile -t series < <(series_patches)
if [ ${#series[@]} -eq 0 ]; then
	result SKIP "checkpatch" "the series is empty"
fi
for p in "${series[@]}"; do
	name=$(basename "$p")
	ignore=$(awk -v n="$name" '$1 == n { printf "%s%s", sep, $2; sep = "," }' \
		"$PATCHES/checkpatch-exceptions" 2>/dev/null || true)
	# Debian's python3 first: its spdxcheck.py needs python3-ply.
	if (cd "$LINUX" && PATH=/usr/bin:/bin:$PATH ./scripts/checkpatch.pl --strict \
		--no-summary --quiet ${ignore:+--ignore "$ignore"} "$p") >"$det/checkpatch-$name.txt" 2>&1 &&
		! grep -q '^Traceback' "$det/checkpatch-$name.txt"; then
		result PASS "checkpatch: $name"
	elif grep -q '^Traceback' "$det/checkpatch-$name.txt"; then
		result FAIL "checkpatch: $name" "checkpatch's SPDX check crashed: $(tail -1 "$det/checkpatch-$name.txt")"
	else
		result FAIL "checkpatch: $name" \
			"$(grep -cE '^(ERROR|WARNING|CHECK):' "$det/checkpatch-$name.txt") findings, worst: $(
				grep -m1 '^ERROR:' "$det/checkpatch-$name.txt" ||
				grep -m1 '^WARNING:' "$det/checkpatch-$name.txt" ||
				grep -m1 '^CHECK:' "$det/checkpatch-$name.txt")"
		sed 's/^/  | /' "$det/checkpatch-$name.txt" | head -40 >&2
	fi
done

# Files the series touches (that still exist at HEAD).
mapfile -t touched < <(git -C "$LINUX" diff --name-only --diff-filter=AM "$BASE_TAG..HEAD" -- '*.c' '*.h')
mapfile -t touched_c < <(printf '%s\n' "${touched[@]}" | grep '\.c$' || true)

# --- kernel-doc ------------------------------------------------------------
# First make sure kernel-doc reports a broken comment at all.
printf '/**\n * kdoc_selftest() - Broken on purpose\n */\nint kdoc_selftest(int undocumented);\n' >"$det/kdoc-selftest.c"
if ! "$LINUX/scripts/kernel-doc" -none "$det/kdoc-selftest.c" 2>&1 | grep -q "undocumented"; then
	result FAIL "kernel-doc" "scripts/kernel-doc reports nothing on a broken comment"
elif [ ${#touched[@]} -eq 0 ]; then
	result SKIP "kernel-doc" "the series touches no C file"
else
	: >"$det/kdoc-base.txt"
	: >"$det/kdoc-new.txt"
	for f in "${touched[@]}"; do
		"$LINUX/scripts/kernel-doc" -none "$LINUX/$f" >>"$det/kdoc-new.txt" 2>&1 || true
		if git -C "$LINUX" cat-file -e "$BASE_TAG:$f" 2>/dev/null; then
			git -C "$LINUX" show "$BASE_TAG:$f" >"$det/kdoc.tmp"
			"$LINUX/scripts/kernel-doc" -none "$det/kdoc.tmp" 2>&1 |
				sed "s#$det/kdoc.tmp#$f#g" >>"$det/kdoc-base.txt" || true
		fi
	done
	new_findings "$det/kdoc-base.txt" "$det/kdoc-new.txt" >"$det/kdoc-added.txt"
	if [ -s "$det/kdoc-added.txt" ]; then
		result FAIL "kernel-doc" "$(wc -l <"$det/kdoc-added.txt") new warnings, first: $(head -1 "$det/kdoc-added.txt")"
	else
		result PASS "kernel-doc" "${#touched[@]} files"
	fi
fi

# builds_obj OUT OBJ: whether the configuration of OUT builds OBJ into its
# kernel. An object an earlier configuration left in OUT (a KASAN build's,
# say) does not count: the objects linked are those vmlinux.a lists.
builds_obj() {
	if [ -f "$1/vmlinux.a" ]; then
		[ -n "${linked[$1]:-}" ] || linked[$1]=" $(cd "$1" && ar t vmlinux.a | tr '\n' ' ')"
		[[ ${linked[$1]} == *" $2 "* ]]
	else
		[ -f "$1/$2" ]
	fi
}
declare -A linked=()

# --- sparse and W=1, per architecture ---------------------------------------
for arch in x86_64 arm64; do
	out=$(kout "$arch")
	[ -f "$out/.config" ] || { result FAIL "sparse $arch" "kernel not configured"; continue; }
	objs=()
	for f in "${touched_c[@]}"; do
		builds_obj "$out" "${f%.c}.o" && objs+=("${f%.c}.o")
	done
	base_tree
	# W=1 over drivers/iommu/: a new warning in the series fails.
	kmake "$arch" "" W=1 drivers/iommu/ >"$det/w1-$arch-new.txt" 2>&1 || true
	base_make "$arch" -s olddefconfig >/dev/null 2>&1
	base_make "$arch" W=1 drivers/iommu/ >"$det/w1-$arch-base.txt" 2>&1 || true
	grep -E 'warning:|error:' "$det/w1-$arch-new.txt" >"$det/w1-$arch-new.w" || true
	grep -E 'warning:|error:' "$det/w1-$arch-base.txt" >"$det/w1-$arch-base.w" || true
	new_findings "$det/w1-$arch-base.w" "$det/w1-$arch-new.w" >"$det/w1-$arch-added.txt"
	if ! grep -q ' CC  *drivers/iommu/' "$det/w1-$arch-new.txt" ||
		! grep -q ' CC  *drivers/iommu/' "$det/w1-$arch-base.txt"; then
		result FAIL "W=1 drivers/iommu $arch" "did not compile drivers/iommu/ (see $det/w1-$arch-*.txt)"
	elif [ -s "$det/w1-$arch-added.txt" ]; then
		result FAIL "W=1 drivers/iommu $arch" "$(wc -l <"$det/w1-$arch-added.txt") new, first: $(head -1 "$det/w1-$arch-added.txt")"
	else
		result PASS "W=1 drivers/iommu $arch" "$(wc -l <"$det/w1-$arch-new.w") warnings, all in the base too"
	fi
	# A normal build again, so the W=1 objects do not linger.
	kmake "$arch" "" drivers/iommu/ >/dev/null 2>&1 || true

	if [ ${#objs[@]} -eq 0 ]; then
		result SKIP "sparse $arch" "no touched C file is built for $arch"
		continue
	fi
	command -v sparse >/dev/null || die "sparse missing: make deps"
	kmake "$arch" "" C=2 "${objs[@]}" >"$det/sparse-$arch-new.txt" 2>&1 || true
	unchecked=$(checked_all "$det/sparse-$arch-new.txt" "${objs[@]}")
	base_objs=()
	for o in "${objs[@]}"; do
		[ -f "$BASETREE/${o%.o}.c" ] && base_objs+=("$o")
	done
	: >"$det/sparse-$arch-base.txt"
	[ ${#base_objs[@]} -eq 0 ] ||
		base_make "$arch" C=2 "${base_objs[@]}" >"$det/sparse-$arch-base.txt" 2>&1 || true
	grep -E ': (warning|error):' "$det/sparse-$arch-new.txt" >"$det/sparse-$arch-new.w" || true
	grep -E ': (warning|error):' "$det/sparse-$arch-base.txt" >"$det/sparse-$arch-base.w" || true
	new_findings "$det/sparse-$arch-base.w" "$det/sparse-$arch-new.w" >"$det/sparse-$arch-added.txt"
	if [ -n "$unchecked" ]; then
		result FAIL "sparse $arch" "sparse did not check$unchecked (see $det/sparse-$arch-new.txt)"
	elif [ -s "$det/sparse-$arch-added.txt" ]; then
		result FAIL "sparse $arch" "$(wc -l <"$det/sparse-$arch-added.txt") new, first: $(head -1 "$det/sparse-$arch-added.txt")"
	else
		result PASS "sparse $arch" "${#objs[@]} files"
	fi
done

# --- coccinelle ---------------------------------------------------------------
# Every rule of scripts/coccinelle on each touched .c file, once, with the
# include paths of an architecture that builds it (scripts/coccicheck's
# per-file mode), on all cores. The base is checked afterwards, and only
# for the files with findings: a finding counts if the base does not have
# it too. Files neither kernel builds are not checked.
if [ ${#touched_c[@]} -eq 0 ]; then
	result SKIP "coccicheck" "the series touches no C file"
else
	command -v spatch >/dev/null || die "spatch missing: make deps"
	declare -A cocci_objs=()
	n=0
	for f in "${touched_c[@]}"; do
		for arch in x86_64 arm64; do
			if builds_obj "$(kout "$arch")" "${f%.c}.o"; then
				cocci_objs[$arch]+=" ${f%.c}.o"
				n=$((n + 1))
				break
			fi
		done
	done
	: >"$det/cocci-new.txt"
	: >"$det/cocci-base.txt"
	unchecked=
	for arch in "${!cocci_objs[@]}"; do
		read -r -a objs <<<"${cocci_objs[$arch]}"
		kmake "$arch" "" C=2 CHECK="$LINUX/scripts/coccicheck" MODE=report \
			"${objs[@]}" >"$det/cocci-new-$arch.txt" 2>&1 || true
		cat "$det/cocci-new-$arch.txt" >>"$det/cocci-new.txt"
		unchecked="$unchecked$(checked_all "$det/cocci-new-$arch.txt" "${objs[@]}")"
		# Files with findings; a finding outside the checked files (in a
		# header) could come from any of them: then check them all.
		found=$(grep -oE '^[^ ]+:[0-9]+:' "$det/cocci-new-$arch.txt" |
			sed -E -e "s#^$LINUX/##" -e 's/:[0-9]+:$//' | sort -u || true)
		base_objs=()
		for o in "${objs[@]}"; do
			[ -f "$BASETREE/${o%.o}.c" ] || continue
			[ -n "$found" ] || continue
			if grep -qxF "${o%.o}.c" <<<"$found" ||
			   grep -qvxF -f <(printf '%s\n' "${objs[@]/%.o/.c}") <<<"$found"; then
				base_objs+=("$o")
			fi
		done
		if [ ${#base_objs[@]} -gt 0 ]; then
			base_make "$arch" C=2 CHECK="$BASETREE/scripts/coccicheck" MODE=report \
				"${base_objs[@]}" >"$det/cocci-base-$arch.txt" 2>&1 || true
			cat "$det/cocci-base-$arch.txt" >>"$det/cocci-base.txt"
		fi
	done
	grep -qE 'coccicheck: not found|No such file' "$det/cocci-new.txt" && unchecked="$unchecked (coccicheck failed to start)"
	# A rule with an OCaml script needs a compiler at run time (ocaml-nox).
	grep -qE 'No OCaml compiler found' "$det/cocci-new.txt" && unchecked="$unchecked (spatch found no OCaml compiler)"
	grep -E '^[^ ]+:[0-9]+:' "$det/cocci-new.txt" >"$det/cocci-new.w" || true
	grep -E '^[^ ]+:[0-9]+:' "$det/cocci-base.txt" >"$det/cocci-base.w" || true
	new_findings "$det/cocci-base.w" "$det/cocci-new.w" >"$det/cocci-added.txt"
	if [ -n "$unchecked" ]; then
		result FAIL "coccicheck" "coccicheck did not run on$unchecked (see $det/cocci-new.txt)"
	elif [ -s "$det/cocci-added.txt" ]; then
		result FAIL "coccicheck" "$(wc -l <"$det/cocci-added.txt") new, first: $(head -1 "$det/cocci-added.txt")"
	else
		result PASS "coccicheck" "$n files, $(wc -l <"$det/cocci-new.w") findings, all in the base too"
	fi
fi
