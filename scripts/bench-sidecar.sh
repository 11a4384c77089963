#!/usr/bin/env bash
# Load-tests the sidecar's /readyz and /health on loopback with wrk, counts the pings that reach
# MongoDB meanwhile, and measures the sidecar JVM's resident memory (RSS) idle and after load.
#
# Usage: scripts/bench-sidecar.sh            # against a counting in-memory MongoDB (mongo-java-server)
#        MONGODB_URI=mongodb://... scripts/bench-sidecar.sh   # against your server; pings counted by the sidecar
#
# Knobs (environment): DURATION (each wrk run, default 30s), INTERVAL (ping interval, default 5s),
# PORT (sidecar, default 18080), JVM_FLAGS (default: the flags docs/sidecar.md recommends).
# The results go to stdout as a Markdown table, ready for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-30s}
INTERVAL=${INTERVAL:-5s}
PORT=${PORT:-18080}
JVM_FLAGS=${JVM_FLAGS:-"-XX:+UseSerialGC -Xmx40m -Xmn20m -Xss256k -XX:MaxMetaspaceSize=48m \
-XX:ReservedCodeCacheSize=16m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:MaxDirectMemorySize=8m \
-XX:+ExitOnOutOfMemoryError"}
# Fewer glibc malloc arenas: the JVM's threads otherwise each reserve one (documented in docs/sidecar.md).
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
JAR=target/mongo-steward.jar
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
  echo "wrk is missing; installing it from Debian's packages" >&2
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
if [[ ! -f $JAR ]]; then
  echo "building $JAR" >&2
  mvn -B -q package -DskipTests
fi

wait_for() { # url, expected status, seconds
  for _ in $(seq 1 $(($3 * 10))); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$1") == "$2" ]] && return 0
    sleep 0.1
  done
  echo "timed out waiting for $2 from $1" >&2
  return 1
}

# MongoDB: a given one, or an in-memory mongo-java-server (inside our jar) that logs each ping it
# receives, so that the pings are counted where they arrive.
if [[ -n ${MONGODB_URI:-} ]]; then
  URI=$MONGODB_URI
  COUNTED_BY="the sidecar (mongosteward_ping_latency_seconds_count + failures)"
else
  cat >"$WORK/CountingMongo.java" <<'EOF'
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

/** mongo-java-server that prints one line per ping command it receives. */
public class CountingMongo {
  public static void main(String[] args) throws Exception {
    MongoServer server = new MongoServer(new MemoryBackend() {
      @Override
      public Document handleCommand(Channel channel, String database, String command, Document query) {
        if (command.equalsIgnoreCase("ping")) {
          System.out.println("ping " + System.currentTimeMillis());
          System.out.flush();
        }
        return super.handleCommand(channel, database, command, query);
      }
    });
    server.bind("127.0.0.1", Integer.parseInt(args[0]));
    System.out.println("listening");
    System.out.flush();
    Thread.currentThread().join();
  }
}
EOF
  MONGO_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  java -Xmx128m -cp "$JAR" "$WORK/CountingMongo.java" "$MONGO_PORT" \
    >"$WORK/mongo.log" 2>"$WORK/mongo.err" &
  PIDS+=($!)
  for _ in $(seq 1 100); do grep -q listening "$WORK/mongo.log" 2>/dev/null && break; sleep 0.2; done
  URI="mongodb://127.0.0.1:$MONGO_PORT/app"
  COUNTED_BY="the server (mongo-java-server logging each ping command it receives)"
fi

pings() {
  if [[ -z ${MONGODB_URI:-} ]]; then
    grep -c '^ping ' "$WORK/mongo.log" || true
  else
    curl -s "localhost:$PORT/metrics" | awk '/^mongosteward_ping_latency_seconds_count|^mongosteward_ping_failures_total/ {s+=$2} END {print int(s)}'
  fi
}

# shellcheck disable=SC2086 # JVM_FLAGS is a list of flags
MONGODB_URI=$URI java $JVM_FLAGS -jar "$JAR" sidecar --port "$PORT" --interval "$INTERVAL" \
  >"$WORK/sidecar.log" 2>&1 &
SIDECAR=$!
PIDS+=("$SIDECAR")
wait_for "localhost:$PORT/readyz" 200 30
sleep 10 # idle: let startup garbage settle and a couple of pings happen
rss_kb() { ps -o rss= -p "$SIDECAR" | tr -d ' '; }
IDLE_RSS=$(rss_kb)

# ~1,000 requests/s: 10 connections, each pausing 10 ms between requests.
echo 'function delay() return 10 end' >"$WORK/pace.lua"

row() { # label, wrk output file, pings during the run
  local rps p50 p99
  rps=$(awk '/^Requests\/sec/ {print $2}' "$2")
  p50=$(awk '$1=="50%" {print $2}' "$2")
  p99=$(awk '$1=="99%" {print $2}' "$2")
  echo "| $1 | $rps | $p50 | $p99 | $3 |"
}

# Warm up the JIT (C1 only with the recommended flags) so that the runs measure the steady state.
wrk -t2 -c10 -d10s -s "$WORK/pace.lua" "http://127.0.0.1:$PORT/readyz" >/dev/null
wrk -t2 -c10 -d5s -s "$WORK/pace.lua" "http://127.0.0.1:$PORT/health" >/dev/null

gc() { # young+old GC pauses so far: count and total seconds, from the sidecar's own metrics
  curl -s "localhost:$PORT/metrics" | awk '/^jvm_gc_pause_seconds_count/ {c+=$NF} /^jvm_gc_pause_seconds_sum/ {s+=$NF}
    END {printf "%d %.3f", c, s}'
}
GC_BEFORE=$(gc)
RESULTS=()
LOADS=()
for endpoint in /readyz /health; do
  for mode in paced max; do
    before=$(pings)
    if [[ $mode == paced ]]; then
      wrk -t2 -c10 -d"$DURATION" --latency -s "$WORK/pace.lua" "http://127.0.0.1:$PORT$endpoint" >"$WORK/wrk.txt"
      label="$endpoint, paced (~1,000 req/s, 10 connections)"
    else
      wrk -t2 -c32 -d"$DURATION" --latency "http://127.0.0.1:$PORT$endpoint" >"$WORK/wrk.txt"
      label="$endpoint, as fast as possible (32 connections)"
    fi
    after=$(pings)
    LOADS+=("$(cut -d' ' -f1 /proc/loadavg)")
    cat "$WORK/wrk.txt" >&2
    grep -q 'Non-2xx' "$WORK/wrk.txt" && { echo "non-2xx answers during $label" >&2; exit 1; }
    RESULTS+=("$(row "$label" "$WORK/wrk.txt" "$((after - before))")")
  done
done
LOADED_RSS=$(rss_kb)
read -r gc_n0 gc_s0 <<<"$GC_BEFORE"
read -r gc_n1 gc_s1 <<<"$(gc)"

echo
echo "wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'), $(nproc) CPUs shared by wrk and the sidecar, $(java -version 2>&1 | head -1)"
echo "Sidecar: --interval $INTERVAL; each run $DURATION; pings counted by $COUNTED_BY."
echo "JVM flags: $JVM_FLAGS (MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX)"
echo
echo "| run | requests/s | p50 | p99 | pings during the run |"
echo "|---|---|---|---|---|"
printf '%s\n' "${RESULTS[@]}"
echo
echo "Expected pings per run: about $DURATION / $INTERVAL, whatever the request rate."
echo "1-minute load average after each run: ${LOADS[*]} (2 CPUs; above 2, other processes competed)."
echo "GC pauses during the runs: $((gc_n1 - gc_n0)), $(awk -v a="$gc_s0" -v b="$gc_s1" 'BEGIN {printf "%.0f", (b - a) * 1000}') ms in total."
echo "Sidecar RSS: idle $((IDLE_RSS / 1024)) MB; after the runs $((LOADED_RSS / 1024)) MB."

kill -TERM "$SIDECAR"
wait "$SIDECAR" 2>/dev/null || true
grep -E 'stopped in' "$WORK/sidecar.log" >&2 || true
