#!/usr/bin/env bash
# Tracing overhead: nanobragg-nbtrace (tracing compiled in, no pixel selected) vs
# nanobragg-notrace (compiled out) on a full 1024x1024 image; median wall time of N runs each,
# interleaved. Usage: bench/overhead.sh [N=7]
set -euo pipefail
N=${1:-7}
B="$(cd "$(dirname "$0")/.." && pwd)/build"
ARGS="-detpixels 1024 -N 5 -oversample 2 -mosaic 0.5 -mosaic_domains 4 -default_F 100 -cell 100 100 100 90 90 90 -nopgm -nonoise -quiet"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT; cd "$W"
# wall and user+sys CPU seconds of one run
t() { /usr/bin/time -f "%e %U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%s %.3f", $1, $2+$3}'; }
for i in $(seq "$N"); do
  echo "off $(t "$B/nanobragg-notrace" $ARGS)"
  echo "on $(t "$B/nanobragg-nbtrace" $ARGS)"
done > times.txt
cmp <("$B/nanobragg-notrace" $ARGS -floatfile a.bin >/dev/null; cat a.bin) <("$B/nanobragg-nbtrace" $ARGS -floatfile b.bin >/dev/null; cat b.bin) && echo "images identical"
med() { grep "^$1 " times.txt | awk -v c="$2" '{print $c}' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for col in 2 3; do
  OFF=$(med off $col); ON=$(med on $col)
  what=$([ $col = 2 ] && echo "wall" || echo "cpu ")
  echo "$what: compiled-out median ${OFF} s, compiled-in (no pixel) median ${ON} s, overhead $(echo "($ON/$OFF-1)*100" | bc -l | xargs printf '%.2f') %  (N=$N)"
done
