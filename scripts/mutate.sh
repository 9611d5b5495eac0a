#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# mutate.sh [NAME...]: show that the tests bite. Each file of mutations/
# (or those named) is a small diff against the tree of the whole series
# that breaks one rule of the SVA code. In turn, each is applied to
# build/linux, the kernel its "Kernel:" line names is rebuilt
# (incrementally), its guest is run and judged, and the mutation is
# reverted. The table says which tests killed each mutation; a mutation
# that no test kills must carry a "Survives:" line saying why it is
# harmless, or the run fails. A "Gap:" line names a mutation known to
# survive for want of a test: the table says why, and the run fails. A mutation that no longer applies or builds
# fails the run too. Each kernel is first built, and its guest run and
# judged, without mutation: that run must pass. At the end the kernels
# are rebuilt from the clean tree. Results: build/mutate/table.md.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$TOP/mutations
res=$BUILD/mutate
mkdir -p "$res"
"$TOP/scripts/tree.sh"
[ -z "$(git -C "$LINUX" status --porcelain --untracked-files=no)" ] ||
	die "build/linux has uncommitted changes: commit or export them first"

if [ $# -gt 0 ]; then
	muts=()
	for n in "$@"; do muts+=("$dir/${n%.diff}.diff"); done
else
	mapfile -t muts < <(ls "$dir"/*.diff)
fi

applied=
restore() {
	if [ -n "$applied" ]; then
		git -C "$LINUX" apply -R "$applied" || warn "cannot revert $applied"
		applied=
	fi
}
trap restore EXIT

# field FILE NAME: the value of the header line "NAME: value".
field() { sed -n "s/^$2: *//p" "$1" | head -1; }

# build_kernel KERNEL: build it (x86_64, x86_64-debug, x86_64-vtd or arm64;
# x86_64-vtd is the x86_64 kernel on the vtd machine of scripts/boot.sh).
build_kernel() {
	case "$1" in
	x86_64-debug) "$TOP/scripts/build.sh" x86_64 debug ;;
	x86_64-vtd) "$TOP/scripts/build.sh" x86_64 ;;
	*) "$TOP/scripts/build.sh" "$1" ;;
	esac
}

# run_kernel KERNEL VERDICT: boot it and judge the run into VERDICT.
run_kernel() {
	local arch=${1%%-*} variant= machine=
	[ "$1" = x86_64-debug ] && variant=debug
	[ "$1" = x86_64-vtd ] && machine=vtd
	BOOT_TIMEOUT=${BOOT_TIMEOUT:-300} "$TOP/scripts/boot.sh" "$arch" \
		"$variant" $machine || true
	rm -f "$2"
	"$TOP/scripts/verdict.py" run "$1" "$BUILD/runs/$1" "$2" >/dev/null 2>&1 || true
	# The guest's output, for the messages of the tests that failed
	cp "$BUILD/runs/$1/ktap.txt" "${2%.verdict}.ktap" 2>/dev/null || true
}

# The unmutated kernels must pass, or every mutation would look killed.
kernels=()
for m in "${muts[@]}"; do
	k=$(field "$m" Kernel)
	[[ " ${kernels[*]} " == *" $k "* ]] || kernels+=("$k")
done
for k in "${kernels[@]}"; do
	case "$k" in
	x86_64 | arm64 | x86_64-debug | x86_64-vtd) ;;
	*) die "$k: Kernel: must be x86_64, x86_64-debug, x86_64-vtd or arm64" ;;
	esac
	build_kernel "$k"
	"$TOP/scripts/guest.sh" "${k%%-*}"
	run_kernel "$k" "$res/baseline-$k.verdict"
	! grep -q '^FAIL' "$res/baseline-$k.verdict" ||
		die "the unmutated $k kernel fails: $(grep -m3 '^FAIL' "$res/baseline-$k.verdict")"
	log "mutate: the unmutated $k kernel passes"
done

table=$res/table.md
{
	echo "| mutation | kernel | result | killed by |"
	echo "|---|---|---|---|"
} >"$table"
bad=0 killed=0 survived=0
t0=$(date +%s)
for m in "${muts[@]}"; do
	[ -f "$m" ] || die "no mutation $m"
	name=$(basename "$m" .diff)
	kernel=$(field "$m" Kernel)
	why=$(field "$m" Survives)
	gap=$(field "$m" Gap)
	s=$(date +%s)
	result= by=
	if ! git -C "$LINUX" apply --check "$m" 2>"$res/$name.apply"; then
		result="does not apply"
	else
		git -C "$LINUX" apply "$m"
		applied=$m
		if ! build_kernel "$kernel" 2>"$res/$name.build"; then
			result="does not build"
		else
			run_kernel "$kernel" "$res/$name.verdict" 2>"$res/$name.boot"
			by=$(sed -n 's/^FAIL [^:]*: //p' "$res/$name.verdict" |
				sed 's/ #.*//' | head -4 | paste -sd ';' | sed 's/;/; /g')
			if [ -n "$by" ]; then
				result=killed
			elif [ -n "$why" ]; then
				result="survives: $why"
			elif [ -n "$gap" ]; then
				result="SURVIVED, known gap: $gap"
			else
				result=SURVIVED
			fi
		fi
		restore
	fi
	case "$result" in
	killed) killed=$((killed + 1)) ;;
	survives:*) survived=$((survived + 1)) ;;
	*) bad=$((bad + 1)) ;;
	esac
	echo "| $name | $kernel | $result | ${by:--} |" >>"$table"
	log "mutate $name ($kernel): $result${by:+ by $by} in $(($(date +%s) - s)) s"
done

# Leave the kernels as the clean tree builds them.
for k in "${kernels[@]}"; do
	build_kernel "$k"
done

mins=$((($(date +%s) - t0 + 59) / 60))
echo >>"$table"
echo "${#muts[@]} mutations: $killed killed, $survived survive (harmless, see why), $bad not killed or broken; $mins min" >>"$table"
cat "$table"
[ "$bad" -eq 0 ]
