#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh [ARCH...]: run the SVA benchmark (guest/svabench.c) in full on
# each ARCH (default: x86_64 arm64), on three kernels:
#
#  series    the tree (build/linux): every figure;
#  base      (x86_64) the tree with the base kernel's x86 page-table free
#            paths, i.e. without the deferred kernel page-table flush:
#            figure 4 only, in build/bench/base/;
#  upstream  Debian's linux-source-6.12 with the mock ported to it
#            (upstream/, a workspace-carried series): every figure, in
#            build/upstream/.
#
# BENCH_KERNELS (default "series base upstream") picks the kernels to run;
# the table takes the other kernels' figures from their last CSV.
#
# Each kernel is built and booted with SVABENCH=full; the "# BENCH" lines
# of its run go to build/bench/KERNEL-ARCH.csv (the series' also to
# ARCH.csv). The script prints one table per ARCH with the other kernels'
# medians and the ratios series/base and series/upstream, writes them to
# build/bench/compare.csv, and, with gnuplot, plots figures 3 and 2 into
# build/bench/*.png, the series' and upstream's lines side by side.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(x86_64 arm64)
for arch in "${arches[@]}"; do check_arch "$arch"; done
out=$BUILD/bench
mkdir -p "$out"
"$TOP/scripts/tree.sh"
kernels=" ${BENCH_KERNELS:-series base upstream} "
for k in $kernels; do
	case "$k" in series | base | upstream) ;; *) die "bench: unknown kernel '$k'" ;; esac
done
want() { [[ "$kernels" == *" $1 "* ]]; }
! want upstream || "$TOP/scripts/deps.sh" "$TOP/scripts/packages-bench.txt"

BASE_BUILD=$BUILD/bench/base
UP_BUILD=$BUILD/upstream
UP_SRC_PKG=linux-source-6.12
UP_SRC_TAR=/usr/src/linux-source-6.12.tar.xz
# The patch of the series whose free paths the base kernel takes back
FLUSH_SUBJECT='iommu/sva, x86/mm: Free kernel page tables only after SVA invalidation'

# The base kernel's tree: a worktree of build/linux's HEAD in which the
# files outside drivers/ and include/linux/ that the flush patch changes
# are the base tree's again. Each must be changed by that patch alone, so
# that nothing else of the series is taken back with it.
base_tree() {
	local dir=$BASE_BUILD/linux head commit f n
	head=$(git -C "$LINUX" rev-parse HEAD)
	commit=$(git -C "$LINUX" log --format=%H -F --grep="$FLUSH_SUBJECT" "$BASE_TAG..HEAD")
	[ -n "$commit" ] || die "bench: no commit '$FLUSH_SUBJECT' in the tree"
	mapfile -t files < <(git -C "$LINUX" show --format= --name-only "$commit" |
		grep -E '^(arch/|mm/|include/asm-generic/)')
	[ ${#files[@]} -gt 0 ] || die "bench: the flush commit changes no free path"
	for f in "${files[@]}"; do
		n=$(git -C "$LINUX" rev-list --count "$BASE_TAG..HEAD" -- "$f")
		[ "$n" = 1 ] || die "bench: $f is changed by $n commits of the series, not by the flush commit alone"
	done
	if [ "$(git -C "$dir" rev-parse HEAD^ 2>/dev/null)" = "$head" ] &&
		[ -z "$(git -C "$dir" status --porcelain 2>/dev/null)" ]; then
		return 0
	fi
	log "bench: base tree = $(git -C "$LINUX" describe --tags) with the base tree's ${files[*]}"
	git -C "$LINUX" worktree prune
	[ -e "$dir/.git" ] || git -C "$LINUX" worktree add -q --detach "$dir" "$head"
	git -C "$dir" checkout -q -f --detach "$head"
	git -C "$dir" checkout -q "$BASE_TAG" -- "${files[@]}"
	git -C "$dir" -c user.name="iommu-sva workspace" -c user.email=iommu-sva@localhost \
		commit -q -m "bench: the base tree's x86 kernel page-table frees" \
		-m "Takes back the free paths of: $FLUSH_SUBJECT"
}

# Upstream's tree: linux-source-6.12 as a git tree (tag base) with
# upstream/series applied; rebuilt when the source package or a patch
# changes.
upstream_tree() {
	local dir=$UP_BUILD/linux ver stamp p tmp
	[ -f "$UP_SRC_TAR" ] || die "bench: $UP_SRC_TAR missing (apt-get install $UP_SRC_PKG)"
	ver=$(dpkg-query -W -f='${Version}' "$UP_SRC_PKG")
	stamp=$({
		echo "$ver"
		while read -r p; do
			case "$p" in '' | '#'*) continue ;; esac
			cat "$TOP/upstream/$p"
		done <"$TOP/upstream/series"
	} | sha256sum | cut -d' ' -f1)
	[ "$(cat "$dir/.git/iommu-sva-state" 2>/dev/null)" = "$stamp" ] && return 0
	log "bench: unpacking $UP_SRC_TAR ($UP_SRC_PKG $ver) and applying upstream/series"
	tmp=$UP_BUILD/linux.unpack
	rm -rf "$tmp" "$dir"
	mkdir -p "$tmp"
	tar -xJf "$UP_SRC_TAR" -C "$tmp"
	mv "$tmp/linux-source-6.12" "$dir"
	rmdir "$tmp"
	sed -i -e '/^\/\*$/d' -e '/^!\/debian\/$/d' "$dir/.gitignore"
	git -C "$dir" init -q -b work
	git -C "$dir" config user.name "iommu-sva workspace"
	git -C "$dir" config user.email "iommu-sva@localhost"
	git -C "$dir" config gc.auto 0
	git -C "$dir" add -f -A .
	git -C "$dir" commit -q -m "Linux $(make -s -C "$dir" kernelversion) ($UP_SRC_PKG $ver)"
	git -C "$dir" tag -f base >/dev/null
	while read -r p; do
		case "$p" in '' | '#'*) continue ;; esac
		git -C "$dir" am -q "$TOP/upstream/$p" ||
			die "bench: upstream/$p does not apply to $UP_SRC_PKG $ver"
	done <"$TOP/upstream/series"
	echo "$stamp" >"$dir/.git/iommu-sva-state"
}

# bench_kernel NAME ARCH BUILD-DIR KCONFIG-EXTRA ONLY SELFTESTS: build,
# boot with SVABENCH=full (and SVABENCH_ONLY=ONLY) and write the figures
# to $out/NAME-ARCH.csv.
bench_kernel() {
	local name=$1 arch=$2 dir=$3 extra=$4 only=$5 sts=$6 ktap
	log "bench: $name kernel, $arch"
	BUILD=$dir KCONFIG_EXTRA=$extra "$TOP/scripts/build.sh" "$arch"
	BUILD=$dir GUEST_SELFTESTS=$sts "$TOP/scripts/guest.sh" "$arch"
	BUILD=$dir APPEND="SVABENCH=full${only:+ SVABENCH_ONLY=$only}" \
		BOOT_TIMEOUT=${BOOT_TIMEOUT:-1800} "$TOP/scripts/boot.sh" "$arch" || true
	ktap=$dir/runs/$arch/ktap.txt
	{
		echo "figure,name,median,min,max,unit"
		sed -n 's/^ *# BENCH //p' "$ktap" | tr ' ' ','
	} >"$out/$name-$arch.csv"
	grep -q 'svabench: full run' "$ktap" ||
		die "bench $name $arch: the benchmark did not run in full (see $ktap)"
	if grep -q '^not ok [0-9]* svabench' "$ktap"; then
		grep -E '^ *(not ok|# [a-z])' "$ktap" | grep -A3 -B3 svabench >&2 || true
		die "bench $name $arch: a figure could not be measured (see $ktap)"
	fi
	cp "$ktap" "$out/$name-$arch.ktap"
}

! want upstream || upstream_tree
for arch in "${arches[@]}"; do
	if want series; then
		bench_kernel series "$arch" "$BUILD" "${KCONFIG_EXTRA:-}" "" ""
		cp "$out/series-$arch.csv" "$out/$arch.csv"
	fi
	if want base && [ "$arch" = x86_64 ]; then
		base_tree
		bench_kernel base "$arch" "$BASE_BUILD" "$TOP/kconfig/bench-base.config" \
			kernel_pgtables /dev/null
	fi
	! want upstream ||
		bench_kernel upstream "$arch" "$UP_BUILD" "$TOP/upstream/upstream.config" "" /dev/null
done

# One table per architecture: the series' median [min-max], the other
# kernels' medians and the ratios of the series' median to theirs.
python3 - "$out" "${arches[@]}" <<'EOF'
import csv, os, sys
out, arches = sys.argv[1], sys.argv[2:]
def load(path):
    rows = {}
    if os.path.exists(path):
        with open(path) as f:
            for r in csv.DictReader(f):
                rows[(r['figure'], r['name'], r['unit'])] = r
    return rows
def ratio(a, b):
    a, b = float(a), float(b)
    return '%.2f' % (a / b) if b else '-'
lines = []
for a in arches:
    series = load('%s/series-%s.csv' % (out, a))
    base = load('%s/base-%s.csv' % (out, a))
    up = load('%s/upstream-%s.csv' % (out, a))
    w = max([len(k[1]) for k in series] + [10])
    print('\n%s: series median [min-max]; base, upstream 6.12 medians; series/base, series/upstream' % a)
    print('%-16s %-*s %-9s %-30s %-10s %-10s %-8s %s' % ('figure', w, 'name', 'unit',
          'series', 'base', 'upstream', 's/base', 's/upstream'))
    for k, r in series.items():
        b, u = base.get(k), up.get(k)
        row = [a, k[0], k[1], k[2], r['median'], r['min'], r['max'],
               b['median'] if b else '', u['median'] if u else '',
               ratio(r['median'], b['median']) if b else '',
               ratio(r['median'], u['median']) if u else '']
        lines.append(row)
        print('%-16s %-*s %-9s %-30s %-10s %-10s %-8s %s' % (k[0], w, k[1], k[2],
              '%s [%s-%s]' % (r['median'], r['min'], r['max']),
              row[7] or '-', row[8] or '-', row[9] or '-', row[10] or '-'))
    for k in up:
        if k not in series:
            print('%-16s %-*s %-9s %-30s %-10s %-10s (upstream only)' % (k[0], w, k[1], k[2], '-', '-', up[k]['median']))
with open('%s/compare.csv' % out, 'w') as f:
    wr = csv.writer(f)
    wr.writerow(['arch', 'figure', 'name', 'unit', 'series_median', 'series_min',
                 'series_max', 'base_median', 'upstream_median',
                 'series_to_base', 'series_to_upstream'])
    wr.writerows(lines)
EOF
log "bench: medians [min-max]; CSV in $out/ (compare.csv: every kernel side by side)"

# Plots (gnuplot): figure 3, time per bind/unbind operation against the
# number of bound processes, and figure 2, IOTLB commands per instance and
# ATC invalidations per device of one munmap() against the number of
# endpoints bound, one line per size, for each architecture; upstream
# 6.12's lines beside the series'.
if command -v gnuplot >/dev/null; then
	python3 - "$out" "${arches[@]}" <<'EOF'
import csv, os, re, sys
out, arches = sys.argv[1], sys.argv[2:]
for a in arches:
    binds, inval = {}, {}
    for kernel, label in (('series', ''), ('upstream', '6.12 ')):
        path = '%s/%s-%s.csv' % (out, kernel, a)
        if not os.path.exists(path):
            continue
        with open(path) as f:
            for r in csv.DictReader(f):
                m = re.fullmatch(r'(\w+?)_(\d+)proc', r['name'])
                if r['figure'] == 'binds' and m:
                    binds.setdefault(label + m.group(1), []).append((int(m.group(2)), r['median']))
                m = re.fullmatch(r'munmap_(\w+)_(\d+)dev_(iotlb_per_instance|atc_per_device)', r['name'])
                if r['figure'] == 'invalidations' and m:
                    inval.setdefault('%s%s %s' % (label, m.group(3).split('_')[0].upper(), m.group(1)),
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
				labels='set title "SVA bind/unbind, '"$a"', series and upstream 6.12 (median of the runs)"; set xlabel "processes bound"; set ylabel "microseconds"; set logscale x'
			else
				labels='set title "One munmap(), '"$a"', series and upstream 6.12"; set xlabel "endpoints bound on the instance"; set ylabel "commands"; set xtics 1; set yrange [0:*]; set offsets graph 0.05, graph 0.05, 1, 0'
			fi
			gnuplot -e "set terminal pngcairo noenhanced size 1000,560; set output '$out/$fig-$a.png'; $labels; set key outside; plot for [i=0:$((n - 1))] '$dat' index i using 1:2 with linespoints title columnheader(1)" ||
				warn "gnuplot: $fig-$a.png"
		done
	done
	log "bench: plots in $out/*.png"
fi
