#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh [ARCH...]: run the SVA benchmark (guest/svabench.c) in full on
# each ARCH (default: x86_64 arm64): build the kernel and the guest, boot
# with SVABENCH=full, and write the figures ("# BENCH" lines of the run)
# to build/bench/ARCH.csv, then print them as one table and, with gnuplot,
# plot figures 3 and 2 into build/bench/*.png.
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

# Plots (gnuplot): figure 3, time per bind/unbind operation against the
# number of bound processes, and figure 2, IOTLB commands per instance and
# ATC invalidations per device of one munmap() against the number of
# endpoints bound, one line per size, for each architecture.
if command -v gnuplot >/dev/null; then
	python3 - "$out" "${arches[@]}" <<'EOF'
import csv, re, sys
out, arches = sys.argv[1], sys.argv[2:]
for a in arches:
    binds, inval = {}, {}
    with open('%s/%s.csv' % (out, a)) as f:
        for r in csv.DictReader(f):
            m = re.fullmatch(r'(\w+?)_(\d+)proc', r['name'])
            if r['figure'] == 'binds' and m:
                binds.setdefault(m.group(1), []).append((int(m.group(2)), r['median']))
            m = re.fullmatch(r'munmap_(\w+)_(\d+)dev_(iotlb_per_instance|atc_per_device)', r['name'])
            if r['figure'] == 'invalidations' and m:
                inval.setdefault('%s %s' % (m.group(3).split('_')[0].upper(), m.group(1)),
                                 []).append((int(m.group(2)), r['median']))
    for fig, data in (('binds', binds), ('invalidations', inval)):
        with open('%s/%s-%s.dat' % (out, fig, a), 'w') as f:
            for name, pts in data.items():
                f.write('"%s"\n' % name)
                for x, y in sorted(pts):
                    f.write('%d %s\n' % (x, y))
                f.write('\n\n')
EOF
	for a in "${arches[@]}"; do
		for fig in binds invalidations; do
			dat=$out/$fig-$a.dat
			[ -s "$dat" ] || continue
			n=$(grep -c '^"' "$dat")
			if [ "$fig" = binds ]; then
				labels='set title "SVA bind/unbind, '"$a"' (median of the runs)"; set xlabel "processes bound"; set ylabel "microseconds"; set logscale x'
			else
				labels='set title "One munmap(), '"$a"'"; set xlabel "endpoints bound on the instance"; set ylabel "commands"; set xtics 1; set yrange [0:*]; set offsets graph 0.05, graph 0.05, 1, 0'
			fi
			gnuplot -e "set terminal pngcairo noenhanced size 900,520; set output '$out/$fig-$a.png'; $labels; set key outside; plot for [i=0:$((n - 1))] '$dat' index i using 1:2 with linespoints title columnheader(1)" ||
				warn "gnuplot: $fig-$a.png"
		done
	done
	log "bench: plots in $out/*.png"
fi
