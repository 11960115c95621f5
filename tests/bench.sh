#!/bin/sh
# bench.sh - `make bench`: wall time (median of N runs), peak memory and
# output sizes of fivestar on the example dossier.  Targets on the 2-core
# reference machine: both PDFs of the example in ≤ 20 ms and ≤ 24 MB peak
# memory, each file ≤ 150 KB (issue 3); both DOCX in ≤ 15 ms (issue 4);
# the whole dossier, all forms in both formats, ≤ 50 ms and ≤ 32 MB, and
# ≥ 100 dossiers per second in batch (issues 6 and 7).
# A run's time includes starting the process, loading the fonts and
# templates.  Figures are printed, not asserted: speed lives here, never in
# the tests.
set -eu
BIN=${FIVESTAR:-./fivestar}
RUNS=${RUNS:-21}
EXAMPLE=samples/mingli-2018.xml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now_ns() { date +%s%N; }

# median_ms CMD...: runs CMD $RUNS times, prints the median in ms.
median_ms() {
    i=0
    while [ $i -lt "$RUNS" ]; do
        t0=$(now_ns); "$@" >/dev/null 2>&1; t1=$(now_ns)
        echo $(( (t1 - t0) / 1000 ))
        i=$((i + 1))
    done | sort -n | awk '{ a[NR] = $1 } END { m = a[int((NR + 1) / 2)]; printf "%.1f", m / 1000 }'
}

# peak_mb CMD...: peak resident memory of one run, in MB.
peak_mb() {
    /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.1f", $1 / 1024 }'
}

size_kb() { awk -v b="$(wc -c < "$1")" 'BEGIN { printf "%.1f", b / 1024 }'; }

echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d)"
echo "example: $EXAMPLE, $RUNS runs each"

ms=$(median_ms "$BIN" render "$EXAMPLE" -o "$tmp/out" --format pdf)
mb=$(peak_mb "$BIN" render "$EXAMPLE" -o "$tmp/out" --format pdf)
d="$tmp/out/mingli-2018"
printf 'render PDF (评定标准 + 申报表): median %s ms, peak %s MB, 评定标准.pdf %s KB, 申报表.pdf %s KB   [targets: 20 ms, 24 MB, 150 KB each]\n' \
    "$ms" "$mb" "$(size_kb "$d/评定标准.pdf")" "$(size_kb "$d/申报表.pdf")"

ms=$(median_ms "$BIN" render "$EXAMPLE" -o "$tmp/docx" --format docx)
mb=$(peak_mb "$BIN" render "$EXAMPLE" -o "$tmp/docx" --format docx)
d="$tmp/docx/mingli-2018"
printf 'render DOCX (评定标准 + 申报表): median %s ms, peak %s MB, 评定标准.docx %s KB, 申报表.docx %s KB   [target: 15 ms]\n' \
    "$ms" "$mb" "$(size_kb "$d/评定标准.docx")" "$(size_kb "$d/申报表.docx")"

ms=$(median_ms "$BIN" render "$EXAMPLE" -o "$tmp/all")
mb=$(peak_mb "$BIN" render "$EXAMPLE" -o "$tmp/all")
printf 'render all forms, PDF + DOCX (one full dossier): median %s ms, peak %s MB, %s KB in 4 files   [targets: 50 ms, 32 MB]\n' \
    "$ms" "$mb" "$(du -sk "$tmp/all/mingli-2018" | cut -f1)"

ms=$(median_ms "$BIN" validate "$EXAMPLE")
echo "validate: median $ms ms"

# Batch (issues 6 and 7): N generated dossiers in one run, all forms, PDF +
# DOCX, BATCH_RUNS runs each (median).  Target ≥ 100 dossiers per second,
# time growing linearly with N.
BATCH_RUNS=${BATCH_RUNS:-3}
# sh -c script: render the dossiers listed in $3 with $2 into $1, afresh.
# xargs keeps the 1000 names off a shell line of their own.
batch='rm -rf "$1"; xargs "$2" render -o "$1" < "$3"'
sh tests/gen-dossiers.sh 1000 "$tmp/gen" >/dev/null
for n in 150 300 1000; do
    ls "$tmp"/gen/gen-*.xml | head -n "$n" > "$tmp/list"
    s=$(RUNS=$BATCH_RUNS median_ms sh -c "$batch" sh "$tmp/batch" "$BIN" "$tmp/list")
    mb=$(peak_mb sh -c "$batch" sh "$tmp/batch" "$BIN" "$tmp/list")
    kb=$(du -sk "$tmp/batch" | cut -f1)
    awk -v n="$n" -v ms="$s" -v mb="$mb" -v kb="$kb" 'BEGIN { s = ms / 1000;
        printf "render %d dossiers (all forms, PDF + DOCX): median %.2f s, %.1f dossiers/s, peak %s MB, %.1f MB written   [target: 100/s]\n",
            n, s, n / s, mb, kb / 1024 }'
done
ls "$tmp"/gen/gen-*.xml | head -n 300 > "$tmp/list"
ms=$(RUNS=$BATCH_RUNS median_ms sh -c 'xargs "$1" stats -o "$2" < "$3"' sh "$BIN" "$tmp/stats.pdf" "$tmp/list")
echo "stats over 300 dossiers: median $ms ms"

# fivestar serve (issue 15): the check call and a form preview, answered
# over loopback by a running server (tests/serve_bench.py).
if command -v python3 >/dev/null 2>&1; then
    python3 tests/serve_bench.py "$BIN" "$EXAMPLE" "$RUNS"
else
    echo "serve: not measured (python3 is missing)"
fi
