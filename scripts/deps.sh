#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh [LIST]: install the Debian packages listed in LIST (default
# scripts/packages.txt) that are missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

list=${1:-$TOP/scripts/packages.txt}
mapfile -t want < <(grep -v -e '^#' -e '^$' "$list")
missing=()
for p in "${want[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	log "packages: all ${#want[@]} present"
	exit 0
fi

log "packages missing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
	die "need root and apt-get to install them; run as root: apt-get install ${missing[*]}"
fi
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$BUILD"
log "apt-get update"
apt-get update -qq
log "apt-get install ${missing[*]}"
apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$BUILD/apt.log" 2>&1 ||
	{ tail -20 "$BUILD/apt.log" >&2; die "apt-get install failed (log: $BUILD/apt.log)"; }
rm -f "$BUILD/apt.log"
log "packages installed"
