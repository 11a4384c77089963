#!/usr/bin/env bash
# Runs every benchmark of the project and writes their results into docs/benchmarks.md, between
# the markers <!-- bench.sh:begin --> and <!-- bench.sh:end --> (the prose around them is kept).
#
# Usage: scripts/bench.sh [--help]
#
# It builds the test servers if they are missing (scripts/build-test-servers.sh, cached by version),
# builds the jar and the test classes once, then runs, in this order:
#   PlannerBench         JMH: the pure planner, 250 declared indexes against 250 present and against none
#   ReconcileBench       commands and wall time of a no-op reconcile, and converging from empty, against the raw driver
#   IdAllocationBench    id allocation by counter against max-scan at 10k, 100k and 1M documents; 8 concurrent allocators
#   MigrationBench       deduplicate and backfill against the raw driver; the throttle's accuracy
#   OperatorMemoryBench  the operator's RSS, heap and time to Ready with many MongoSchemas (a real API server)
#   sidecar              scripts/bench-sidecar.sh: /readyz latency under load, pings reaching MongoDB, RSS
# Each writes a Markdown fragment into $BENCH_OUT (a `### heading`, what it measures and its goal, a table
# of median, min and max with the ratio to its baseline measured in the same run); this script puts them
# in that order under the machine, the versions and the command. 12 to 15 minutes on 2 idle cores (the
# machine sets it), plus about 5 to build the test servers the first time: 19 min 26 s from nothing,
# every cache empty, in one timed run (docs/benchmarks.md).
#
# Knobs (environment):
#   BENCH_ROUNDS    repetitions per benchmark (default 3; each benchmark's own default is 5)
#   BENCH_ONLY      comma list of the names above to run, e.g. BENCH_ONLY=ReconcileBench,PlannerBench;
#                   docs/benchmarks.md is then left alone unless BENCH_DOCS=1
#   BENCH_OUT       where the fragments and logs go (default target/bench; its old fragments are removed first)
#   BENCH_DOCS      1 writes docs/benchmarks.md, 0 does not (default: 1 for a full run, 0 with BENCH_ONLY)
#   BENCH_MVN_ARGS  extra -D flags for the Java benchmarks, e.g. "-Dbench.sizes=10000,100000"
#   MVN             the Maven command (default "mvn -B"; "mvn -B -o" on a machine that has every dependency)
#   BENCH_MONGOD_URI  a real mongod for ReconcileBench to measure beside the stand-ins (its CPU is not
#                   counted); without it, mongo:7 in Docker where a Docker engine answers, else none
#   DURATION        each wrk run of the sidecar benchmark (default 10s: 10,000 requests per paced run)
# Any Maven or benchmark failure stops the script with a non-zero status and the end of its log.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
elif [[ $# -gt 0 ]]; then
  echo "bench.sh takes no arguments (see --help); knobs are environment variables" >&2
  exit 64
fi

ALL=(PlannerBench ReconcileBench IdAllocationBench MigrationBench OperatorMemoryBench sidecar)
ROUNDS=${BENCH_ROUNDS:-3}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_ROUNDS must be a whole number of at least 1, not '$ROUNDS'" >&2; exit 64; }
if [[ -n ${BENCH_ONLY:-} ]]; then
  IFS=',' read -r -a SELECTED <<<"$BENCH_ONLY"
  for name in "${SELECTED[@]}"; do
    [[ " ${ALL[*]} " == *" $name "* ]] || { echo "BENCH_ONLY: unknown benchmark '$name' (known: ${ALL[*]})" >&2; exit 64; }
  done
  DOCS=${BENCH_DOCS:-0}
else
  SELECTED=("${ALL[@]}")
  DOCS=${BENCH_DOCS:-1}
fi
OUT=$(realpath -m "${BENCH_OUT:-target/bench}")
LOGS="$OUT/logs"
MVN=${MVN:-mvn -B}
read -r -a EXTRA <<<"${BENCH_MVN_ARGS:-}"
export DURATION=${DURATION:-10s}
mkdir -p "$OUT" && rm -f "$OUT"/*.md && rm -rf "$LOGS" && mkdir -p "$LOGS"

selected() { [[ " ${SELECTED[*]} " == *" $1 "* ]]; }
log() { printf '[bench] %s %s\n' "$(date +%T)" "$*" >&2; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# run NAME LOGFILE COMMAND...: runs it with its output in LOGFILE (stdout alone in $STDOUT_TO when set);
# on failure, says so loudly with the end of the log, and stops.
run() {
  local name=$1 logfile=$2 rc=0
  shift 2
  local cmd="$*"
  log "$name: $(sed -E 's/-cp [^ ]+/-cp <the test classpath>/' <<<"$cmd")"
  if [[ -n ${STDOUT_TO:-} ]]; then "$@" >"$STDOUT_TO" 2>"$logfile" || rc=$?
  else "$@" >"$logfile" 2>&1 || rc=$?; fi
  if [[ $rc != 0 ]]; then
    echo >&2
    echo "bench.sh: $name FAILED (exit status $rc); the end of $logfile:" >&2
    tail -n 60 "$logfile" >&2
    exit 1
  fi
}

START=$(date +%s)
LOAD_BEFORE=$(load)
log "load average before: $LOAD_BEFORE; fragments in $OUT"

# The real servers the benchmarks use: FerretDB (ReconcileBench), kube-apiserver + etcd (OperatorMemoryBench).
run build-test-servers "$LOGS/build-test-servers.log" bash scripts/build-test-servers.sh ferretdb kube
# MVN is a command and its flags, split on purpose.
# shellcheck disable=SC2086
run package "$LOGS/package.log" $MVN package -DskipTests
# shellcheck disable=SC2086
run classpath "$LOGS/classpath.log" $MVN -q dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$OUT/test-classpath.txt"

# A Java benchmark through failsafe, on the classes built above (no second build or shade).
java_bench() {
  # shellcheck disable=SC2086
  # No failIfNoSpecifiedTests=false: a benchmark renamed or gone fails here instead of running nothing.
  run "$1" "$LOGS/$1.log" $MVN failsafe:integration-test failsafe:verify -Dit.test="$1" -Dit.forks=1 \
    -Dbench.out="$OUT" -Dbench.rounds="$ROUNDS" "${EXTRA[@]}"
}

FRAGMENTS=() # in the fixed order
WARNINGS=()
# collect NAME HEADING: the fragments NAME wrote (NAME.md, or for a script any new .md); when it wrote
# none (a benchmark from before the contract), what it printed on stdin, as it printed it.
collect() {
  local found=()
  for f in "$OUT"/*.md; do
    [[ -f $f && " ${FRAGMENTS[*]} " != *" $f "* ]] || continue
    [[ $f == "$OUT/$1.md" || $1 == sidecar ]] && found+=("$f")
  done
  if [[ ${#found[@]} == 0 ]]; then
    log "WARNING: $1 wrote no fragment; its output goes in as it printed it"
    WARNINGS+=("$1 wrote no fragment: its raw output is in docs/benchmarks.md")
    { echo "### $2"; echo; echo "$1 wrote no fragment in this run; what it printed:"; echo
      echo '```'; cat; echo '```'; } >"$OUT/$1.md"
    found=("$OUT/$1.md")
  fi
  FRAGMENTS+=("${found[@]}")
}

if selected PlannerBench; then
  run PlannerBench "$LOGS/PlannerBench.log" java -cp "target/test-classes:target/classes:$(cat "$OUT/test-classpath.txt")" \
    -Dbench.out="$OUT" -Dbench.rounds="$ROUNDS" "${EXTRA[@]}" io.mongosteward.bench.PlannerBench
  collect PlannerBench "Planner" </dev/null
fi
for name in ReconcileBench IdAllocationBench MigrationBench; do
  if selected "$name"; then
    java_bench "$name"
    collect "$name" "$name" </dev/null
  fi
done
if selected OperatorMemoryBench; then
  java_bench OperatorMemoryBench
  collect OperatorMemoryBench "Operator memory" < <(grep '^BENCH ' "$LOGS/OperatorMemoryBench.log" || true)
fi
if selected sidecar; then
  STDOUT_TO="$LOGS/sidecar.out" run sidecar "$LOGS/sidecar.log" env BENCH_OUT="$OUT" BENCH_ROUNDS="$ROUNDS" \
    scripts/bench-sidecar.sh
  collect sidecar "Sidecar" <"$LOGS/sidecar.out"
fi

LOAD_AFTER=$(load)
ELAPSED=$(( $(date +%s) - START ))
log "done in $((ELAPSED / 60)) min $((ELAPSED % 60)) s; load average after: $LOAD_AFTER"

# The generated section: machine, versions, command, then the fragments in the fixed order.
SECTION="$OUT/benchmarks-section.md"
{
  echo "## Latest run of scripts/bench.sh"
  echo
  echo "Generated by \`scripts/bench.sh\`: edit the prose outside the bench.sh markers, not inside them."
  echo
  echo "- **Command:** \`BENCH_ROUNDS=$ROUNDS${BENCH_ONLY:+ BENCH_ONLY=$BENCH_ONLY}${BENCH_MVN_ARGS:+ BENCH_MVN_ARGS=\"$BENCH_MVN_ARGS\"} scripts/bench.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $((ELAPSED / 60)) min $((ELAPSED % 60)) s"
  echo "- **Machine:** $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo) memory, $(uname -sr)"
  echo "- **Load average** (1, 5, 15 min): $LOAD_BEFORE before, $LOAD_AFTER after (above $(nproc), other processes competed for the CPUs)"
  echo "- **Versions:** $(java -version 2>&1 | head -1); $($MVN -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'); mongo-steward $(sed -n '0,/<artifactId>mongo-steward<\/artifactId>/d; s:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml scripts 2>/dev/null || echo ' with uncommitted changes')"
  echo "- **Stand-ins:** mongo-java-server $(sed -n 's:.*<mongo-java-server.version>\(.*\)</mongo-java-server.version>.*:\1:p' pom.xml) in process; FerretDB $(sed -n 's/^FERRETDB_VERSION=//p' scripts/versions.env) on SQLite; $(if [[ -n ${BENCH_MONGOD_URI:-} ]]; then echo 'ReconcileBench also against the mongod at BENCH_MONGOD_URI'; elif docker info >/dev/null 2>&1; then echo 'ReconcileBench also against mongo:7 in Docker'; else echo 'no Docker engine answers here, so no mongo:7 (BENCH_MONGOD_URI would name a mongod to measure instead)'; fi)"
  for f in "${FRAGMENTS[@]}"; do
    echo
    cat "$f"
  done
} >"$SECTION"

if [[ $DOCS == 1 ]]; then
  DOC=docs/benchmarks.md
  grep -q '^<!-- bench.sh:begin -->$' "$DOC" && grep -q '^<!-- bench.sh:end -->$' "$DOC" \
    || { echo "bench.sh: $DOC lacks the lines <!-- bench.sh:begin --> and <!-- bench.sh:end -->" >&2; exit 1; }
  awk -v section="$SECTION" '
    /^<!-- bench.sh:begin -->$/ { print; while ((getline line < section) > 0) print line; skip = 1; next }
    /^<!-- bench.sh:end -->$/ { skip = 0 }
    !skip { print }' "$DOC" >"$OUT/benchmarks.md.new"
  mv "$OUT/benchmarks.md.new" "$DOC"
  log "wrote $DOC"
else
  log "docs/benchmarks.md left alone (BENCH_DOCS=0); the section is in $SECTION"
fi
for w in "${WARNINGS[@]}"; do log "WARNING: $w"; done
