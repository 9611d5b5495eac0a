#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh [ARCH...]: run the SVA benchmark (guest/svabench.c) in full on
# each ARCH (default: x86_64 arm64): build the kernel and the guest, boot
# with SVABENCH=full, and write the figures ("# BENCH" lines of the run)
# to build/bench/ARCH.csv, then print them as one table.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(x86_64 arm64)
out=$BUILD/bench
mkdir -p "$out"
"$TOP/scripts/tree.sh"
for arch in "${arches[@]}"; do
	check_arch "$arch"
	"$TOP/scripts/build.sh" "$arch"
	"$TOP/scripts/guest.sh" "$arch"
	APPEND="SVABENCH=full" BOOT_TIMEOUT=${BOOT_TIMEOUT:-1800} \
		"$TOP/scripts/boot.sh" "$arch" || true
	ktap=$BUILD/runs/$arch/ktap.txt
	{
		echo "figure,name,median,min,max,unit"
		sed -n 's/^ *# BENCH //p' "$ktap" | tr ' ' ','
	} >"$out/$arch.csv"
	grep -q 'svabench: full run' "$ktap" ||
		die "bench $arch: the benchmark did not run in full (see $ktap)"
	if grep -q '^not ok [0-9]* svabench' "$ktap"; then
		grep -E '^ *(not ok|# [a-z])' "$ktap" | grep -A3 -B3 svabench >&2 || true
		die "bench $arch: a figure could not be measured (see $ktap)"
	fi
	cp "$ktap" "$out/$arch.ktap"
done

# One table, a column per architecture
python3 - "$out" "${arches[@]}" <<'EOF'
import csv, sys
out, arches = sys.argv[1], sys.argv[2:]
rows, order = {}, []
for a in arches:
    with open('%s/%s.csv' % (out, a)) as f:
        for r in csv.DictReader(f):
            key = (r['figure'], r['name'], r['unit'])
            if key not in rows:
                rows[key] = {}
                order.append(key)
            rows[key][a] = '%s [%s-%s]' % (r['median'], r['min'], r['max'])
w = max(len(k[1]) for k in order)
print('%-14s %-*s %-9s %s' % ('figure', w, 'name', 'unit',
      '  '.join('%-34s' % a for a in arches)))
for k in order:
    print('%-14s %-*s %-9s %s' % (k[0], w, k[1], k[2],
          '  '.join('%-34s' % rows[k].get(a, '-') for a in arches)))
EOF
log "bench: median [min-max] of each figure; CSV in $out/"
