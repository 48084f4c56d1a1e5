#!/usr/bin/env bash
# Runs every Go benchmark once and writes BENCHMARKS.md: the machine, the
# date, the Go version and each figure next to the baseline measured in the
# same run (metrics named x-... are the ratios). Benchmarks added later by
# other packages appear in the last table automatically.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=en_US.UTF-8
out=BENCHMARKS.md
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT

go test -p 1 -run '^$' -bench . -benchtime "${BENCHTIME:-2s}" -timeout 60m ./... 2>&1 | tee "$raw" | grep -E '^(Benchmark|ok|FAIL|pkg:|---)|_test\.go:[0-9]+:' || true
failed=$(grep -E '^--- FAIL' "$raw" | awk '{print $3}' | tr '\n' ' ' || true)

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)

# metric NAME UNIT: the value of a benchmark's metric ("" when absent).
metric() {
  awk -v name="$1" -v unit="$2" '$1 ~ "^"name"(-[0-9]+)?$" { for (i = 3; i < NF; i++) if ($(i+1) == unit) { print $i; exit } }' "$raw"
}

{
  echo "# TechWalk benchmarks"
  echo
  echo "Written by \`make bench\` (.ci/bench.sh). Every figure is shown with its baseline from the same run."
  echo
  echo "- Machine: $(nproc) cores, ${cpu}, ${mem} RAM"
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- Go: $(go version | cut -d' ' -f3-)"
  echo
  echo "## Autosave (one answer: validate, upsert, commit with synchronous=FULL)"
  echo
  echo "| figure | TechWalk | baseline: bare INSERT + commit | ratio |"
  echo "|---|---|---|---|"
  echo "| p50 per answer | $(metric BenchmarkAutosave save-us) µs | $(metric BenchmarkAutosave bare-us) µs | $(metric BenchmarkAutosave x-bare-insert)x (goal ≤ 1.5) |"
  echo "| p99 per answer | $(metric BenchmarkAutosave save-p99-us) µs | $(metric BenchmarkAutosave bare-us) µs (p50) | |"
  echo
  echo "## Start-up and memory (real binary under Xvfb, exec to window mapped, median of 5)"
  echo
  echo "| figure | TechWalk | baseline: minimal Fyne window | ratio |"
  echo "|---|---|---|---|"
  echo "| cold start, demo database | $(metric BenchmarkColdStart app-ms) ms | $(metric BenchmarkColdStart minimal-ms) ms | $(metric BenchmarkColdStart x-minimal)x (goal ≤ 1.3) |"
  echo "| peak RSS, district database | $(metric BenchmarkDistrictMemory rss-MB) MB | $(metric BenchmarkDistrictMemory minimal-rss-MB) MB | $(metric BenchmarkDistrictMemory x-minimal)x (goal < 200 MB) |"
  echo "| window up, district database | $(metric BenchmarkDistrictMemory start-ms) ms | | |"
  echo "| home screen loaded (in the background), district database | $(metric BenchmarkDistrictMemory home-loaded-ms) ms | | |"
  echo
  echo "## District-sized database (200 schools x 3 visits x 40 rooms x 40 items, photos in 10 % of rooms)"
  echo
  echo "| load | TechWalk | baseline: bare SQL over the same rows | ratio |"
  echo "|---|---|---|---|"
  echo "| home screen: schools, visits, room counts and score summaries (goal < 100 ms) | $(metric BenchmarkDistrictHome ms) ms | the latest visits' answers: $(metric BenchmarkDistrictHome bare-ms) ms | $(metric BenchmarkDistrictHome x-bare-sql)x |"
  echo "| district picture from the visit summaries (goal < 200 ms; computing it: $(metric BenchmarkDistrictPicture compute-ms) ms) | $(metric BenchmarkDistrictPicture ms) ms | every school, room, visit, answer, feedback and action row: $(metric BenchmarkDistrictPicture bare-ms) ms | $(metric BenchmarkDistrictPicture x-bare-sql)x |"
  echo "| findings of one visit | $(metric BenchmarkDistrictFindingsVisit ms) ms | $(metric BenchmarkDistrictFindingsVisit bare-ms) ms | $(metric BenchmarkDistrictFindingsVisit x-bare-sql)x |"
  echo "| all findings ($(metric BenchmarkDistrictFindingsAll findings)) | $(metric BenchmarkDistrictFindingsAll ms) ms | $(metric BenchmarkDistrictFindingsAll bare-ms) ms | $(metric BenchmarkDistrictFindingsAll x-bare-sql)x |"
  echo
  echo "| Home screen (app, Fyne test driver) | TechWalk | baseline | ratio |"
  echo "|---|---|---|---|"
  echo "| start to the school list painted | $(metric BenchmarkHomeDistrict start-ms) ms | reading the same schools, visits and scores: $(metric BenchmarkHomeDistrict load-ms) ms | $(metric BenchmarkHomeDistrict x-load)x |"
  echo "| search keystroke to the list filtered and laid out | $(metric BenchmarkHomeDistrict key-ms) ms (goal < 100 ms) | one software repaint of the window: $(metric BenchmarkHomeDistrict paint-ms) ms | $(metric BenchmarkHomeDistrict x-paint)x |"
  echo
  echo "| output | TechWalk | baseline | ratio |"
  echo "|---|---|---|---|"
  echo "| export the district's backlog to plain CSV ($(metric BenchmarkExportDistrict findings) faults, one row each) | $(metric BenchmarkExportDistrict export-ms) ms | sqlite3 CLI, every failing answer ($(metric BenchmarkExportDistrict sqlite3-rows) sightings) joined the same way to CSV: $(metric BenchmarkExportDistrict sqlite3-ms) ms | $(metric BenchmarkExportDistrict x-sqlite3)x |"
  echo "| PDF report of one 40-room visit | $(metric BenchmarkDistrictReport report-ms) ms | loading the visit and its photos: $(metric BenchmarkDistrictReport load-ms) ms | $(metric BenchmarkDistrictReport x-load)x |"
  echo "| district report PDF (200 schools) | $(metric BenchmarkDistrictPDF report-ms) ms | loading the district picture: $(metric BenchmarkDistrictPDF load-ms) ms | $(metric BenchmarkDistrictPDF x-load)x |"
  echo
  echo "## Importing a district list of 100,000 schools"
  echo
  echo "| figure | TechWalk | baseline: the first import into an empty database | ratio |"
  echo "|---|---|---|---|"
  echo "| re-import, every school updated | $(metric BenchmarkReimportSchools reimport-ms) ms | $(metric BenchmarkReimportSchools first-ms) ms | $(metric BenchmarkReimportSchools x-first-import)x (goal ≤ 1.5) |"
  echo
  echo "## Bundles between devices (import into an empty database, one transaction)"
  echo
  echo "| figure | TechWalk | baseline: bare INSERT ... SELECT of the same rows, one transaction | ratio |"
  echo "|---|---|---|---|"
  echo "| one-visit bundle (40 rooms x 40 items, 4 photos) | $(metric BenchmarkBundleImportVisit import-ms) ms | $(metric BenchmarkBundleImportVisit bare-ms) ms | $(metric BenchmarkBundleImportVisit x-bare-insert)x (goal ≤ 2) |"
  echo "| re-importing it | $(metric BenchmarkBundleImportVisit reimport-ms) ms (goal ≤ 50 ms) | | |"
  echo "| whole-district bundle (benchmark database) | $(metric BenchmarkBundleImportDistrict import-ms) ms | $(metric BenchmarkBundleImportDistrict bare-ms) ms | $(metric BenchmarkBundleImportDistrict x-bare-insert)x (goal ≤ 3) |"
  echo
  echo "## District hub push (PostgreSQL, the district benchmark database)"
  echo
  echo "| figure | TechWalk | baseline: psql \\copy of the same rows from CSV files, one transaction | ratio |"
  echo "|---|---|---|---|"
  echo "| whole district to an empty hub ($(metric BenchmarkHubPushDistrict rows) rows): read from SQLite + push | $(metric BenchmarkHubPushDistrict push-ms) ms | $(metric BenchmarkHubPushDistrict psql-copy-ms) ms | $(metric BenchmarkHubPushDistrict x-psql-copy)x (goal ≤ 2) |"
  echo "| the same, push alone (COPY into staging, merge, commit) | $(metric BenchmarkHubPushDistrict send-ms) ms | $(metric BenchmarkHubPushDistrict psql-copy-ms) ms | $(metric BenchmarkHubPushDistrict x-psql-copy-send)x |"
  echo "| one new 40-room visit ($(metric BenchmarkHubPushVisit rows) rows) to a hub holding the district | $(metric BenchmarkHubPushVisit push-ms) ms (goal < 1 s) | $(metric BenchmarkHubPushVisit psql-copy-ms) ms | $(metric BenchmarkHubPushVisit x-psql-copy)x |"
  echo "| the same, push alone | $(metric BenchmarkHubPushVisit send-ms) ms | | |"
  echo
  echo "## District hub pull (a device's first pull of the whole district, in batches of visits)"
  echo
  echo "| figure | TechWalk | baseline: the whole change set read, then merged in one transaction | ratio |"
  echo "|---|---|---|---|"
  for v in 16 64; do
    n="BenchmarkHubPullDistrict/visits=$v"
    echo "| $v visits a batch: time | $(metric "$n" pull-ms) ms | $(metric "$n" one-shot-ms) ms | $(metric "$n" x-time)x |"
    echo "| $v visits a batch: peak heap | $(metric "$n" peak-heap-MB) MB | $(metric "$n" one-shot-peak-heap-MB) MB | $(metric "$n" x-peak-heap)x |"
    echo "| $v visits a batch: peak RSS | $(metric "$n" peak-rss-MB) MB | $(metric "$n" one-shot-peak-rss-MB) MB | $(metric "$n" x-peak-rss)x |"
  done
  echo
  echo "## District screen with a hub (a synced device, the hub holding the 600-visit district)"
  echo
  echo "| figure | TechWalk | baseline: the picture from the local database alone | ratio |"
  echo "|---|---|---|---|"
  echo "| opening it: the pull that brings nothing new + the picture (goal < 200 ms) | $(metric BenchmarkDistrictScreenHub synced-ms) ms | $(metric BenchmarkDistrictScreenHub local-ms) ms | $(metric BenchmarkDistrictScreenHub x-local)x |"
  echo "| the pull alone | $(metric BenchmarkDistrictScreenHub pull-ms) ms | | $(metric BenchmarkDistrictScreenHub x-local-pull)x |"
  echo "| the pull alone, the hub without planner statistics | $(metric BenchmarkDistrictScreenHub pull-nostats-ms) ms | | $(metric BenchmarkDistrictScreenHub x-local-pull-nostats)x |"
  echo "| the hub holding another device's new 40-room visit: pulled, then the picture again | $(metric BenchmarkDistrictScreenHub visit-ms) ms | $(metric BenchmarkDistrictScreenHub local-ms) ms | $(metric BenchmarkDistrictScreenHub x-local-visit)x |"
  echo
  echo "## PDF report of a 60-room visit with 120 photos"
  echo
  echo "| figure | TechWalk | baseline: reading the photo bytes | ratio |"
  echo "|---|---|---|---|"
  echo "| time to PDF | $(metric BenchmarkReport report-ms) ms | $(metric BenchmarkReport photo-read-ms) ms | $(metric BenchmarkReport x-photo-read)x (goal < 1 s) |"
  echo "| peak heap | $(metric BenchmarkReport peak-heap-MB) MB | | (goal < 300 MB) |"
  echo
  echo "## Every benchmark (filled automatically: exports, reports and any new benchmark appear here)"
  echo
  echo "| package | benchmark | ns/op | other metrics (x-... are ratios to the baseline) |"
  echo "|---|---|---|---|"
  awk '/^pkg: / { pkg = $2 }
       /^Benchmark/ {
         name = $1; sub(/-[0-9]+$/, "", name); extra = ""
         for (i = 5; i < NF; i += 2) extra = extra (extra == "" ? "" : ", ") $i " " $(i+1)
         printf "| %s | %s | %s | %s |\n", pkg, name, $3, extra
       }' "$raw"
  if [ -n "$failed" ]; then
    echo
    echo "## Failed in this run (their figures are missing above)"
    echo
    echo "$failed"
  fi
} > "$out"
echo "bench: wrote $out"
if [ -n "$failed" ]; then
  echo "bench: failed: $failed" >&2
  exit 1
fi
