#!/usr/bin/env bash
# SidecarBench: the sidecar's /readyz and /health under load (wrk, on loopback), the pings that reach
# MongoDB meanwhile, its start time and its resident memory (RSS) idle and after load; against a
# baseline measured in the same run, interleaved: a small HTTP server that sends one driver ping per
# request (what probes cost without the sidecar).
#
# Usage: scripts/bench-sidecar.sh
#
# Knobs (environment):
#   BENCH_ROUNDS  rounds, each with a fresh sidecar and a fresh baseline (default 5); figures are the
#                 median, min and max over the rounds
#   BENCH_OUT     where the Markdown fragment goes, as SidecarBench.md (default target/bench); it is
#                 printed on stdout too, and wrk's raw output goes to stderr
#   DURATION      each wrk run (default 10s)
#   IDLE          wait after /readyz turns 200 before the idle RSS is read (default 10s)
#   INTERVAL      the sidecar's ping interval (default 5s)
#   RUNTIME       image: the sidecar runs as in the image, on the jlinked runtime of
#                 scripts/image/jre.sh with the AppCDS archive of scripts/image/CdsTraining.java
#                 (both built here, in target/bench-runtime); jdk: on this JDK, without an archive.
#                 Default: image when this JDK has jlink and jmods, else jdk
#   JVM_FLAGS     default: the example's (deploy/examples/sidecar-deployment.yaml, docs/sidecar.md)
#   PORT          the sidecar's port (default 18080); the baseline's is PORT+1
# MALLOC_ARENA_MAX is the example's too (2) unless set.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${BENCH_ROUNDS:-5}
OUT=${BENCH_OUT:-target/bench}
DURATION=${DURATION:-10s}
IDLE=${IDLE:-10}
INTERVAL=${INTERVAL:-5s}
PORT=${PORT:-18080}
BASE_PORT=$((PORT + 1))
EXAMPLE=deploy/examples/sidecar-deployment.yaml
# The flags users run: the folded JAVA_TOOL_OPTIONS value of the example, one line.
example_flags() {
  awk '/name: JAVA_TOOL_OPTIONS/ {f=1; next} f && /value: >-/ {next} f && /^ *-X/ {printf "%s ", $0; next} f {exit}' \
    "$EXAMPLE" | tr -s ' ' | sed 's/^ //; s/ $//'
}
JVM_FLAGS=${JVM_FLAGS:-$(example_flags)}
[[ -n $JVM_FLAGS ]] || { echo "no JAVA_TOOL_OPTIONS found in $EXAMPLE" >&2; exit 1; }
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
JAR=$PWD/target/mongo-steward.jar
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

JAVA_HOME_=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
if [[ -z ${RUNTIME:-} ]]; then
  RUNTIME=jdk
  [[ -x $JAVA_HOME_/bin/jlink && -d $JAVA_HOME_/jmods ]] && RUNTIME=image
fi
SIDECAR_JAVA=(java)
if [[ $RUNTIME == image ]]; then
  # As the Dockerfile builds it: the jlinked runtime, then the archive of a training run with it.
  RT=target/bench-runtime
  JAVA_HOME=$JAVA_HOME_ scripts/image/jre.sh "$RT/jre" >&2
  mkdir -p "$RT/training"
  "$JAVA_HOME_/bin/javac" -d "$RT/training" -cp "$JAR" scripts/image/CdsTraining.java
  "$RT/jre/bin/java" -cp "$RT/training:$JAR" CdsTraining "$PWD/$RT/jre/bin/java" "$JAR" "$PWD/$RT/app.jsa" >&2
  # The JVM options of the image's java line (scripts/image/entrypoint.sh), with this archive.
  read -r -a ENTRY <<<"$(grep '^exec java ' scripts/image/entrypoint.sh | grep -o -- '-XX:[^ ]*' |
    grep -v SharedArchiveFile | tr '\n' ' ')"
  SIDECAR_JAVA=("$PWD/$RT/jre/bin/java" -Xshare:on "-XX:SharedArchiveFile=$PWD/$RT/app.jsa" "${ENTRY[@]}")
fi

wait_for() { # url, expected status, seconds
  for _ in $(seq 1 $(($3 * 20))); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$1") == "$2" ]] && return 0
    sleep 0.05
  done
  echo "timed out waiting for $2 from $1" >&2
  return 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# MongoDB: an in-memory mongo-java-server (inside our jar) that prints a line per ping it receives,
# so that pings are counted where they arrive, for the sidecar and the baseline alike.
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
          System.out.println("ping");
        }
        return super.handleCommand(channel, database, command, query);
      }
    });
    server.bind("127.0.0.1", Integer.parseInt(args[0]));
    System.out.println("listening");
    Thread.currentThread().join();
  }
}
EOF
# The baseline: /readyz answers from one driver ping per request (the JDK's HTTP server, 4 workers).
cat >"$WORK/PingPerRequest.java" <<'EOF'
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import org.bson.Document;

public class PingPerRequest {
  public static void main(String[] args) throws Exception {
    MongoDatabase admin = MongoClients.create(args[0]).getDatabase("admin");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])), 128);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/readyz", exchange -> {
      int code;
      try {
        admin.runCommand(new Document("ping", 1));
        code = 200;
      } catch (RuntimeException e) {
        code = 503;
      }
      byte[] body = (code == 200 ? "ready\n" : "not ready\n").getBytes();
      exchange.sendResponseHeaders(code, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    System.err.println("listening");
  }
}
EOF
MONGO_PORT=$(free_port)
java -Xmx256m -cp "$JAR" "$WORK/CountingMongo.java" "$MONGO_PORT" >"$WORK/mongo.log" 2>"$WORK/mongo.err" &
PIDS+=($!)
for _ in $(seq 1 200); do grep -q listening "$WORK/mongo.log" 2>/dev/null && break; sleep 0.1; done
URI="mongodb://127.0.0.1:$MONGO_PORT/app"
pings() { grep -c '^ping' "$WORK/mongo.log" || true; }

echo 'function delay() return 10 end' >"$WORK/pace.lua"
# wrk's "99%" line in ms (it prints us, ms or s).
p99_ms() { awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else {sub(/s/,"",v); v*=1000}; printf "%.3f", v}' "$1"; }
rps() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$1"; }
paced() { # url, output file: ~1,000 requests/s (10 connections, each pausing 10 ms between requests)
  wrk -t2 -c10 -d"$DURATION" --latency -s "$WORK/pace.lua" "$1" >"$2"
  cat "$2" >&2
  ! grep -q 'Non-2xx' "$2" || { echo "non-2xx answers from $1" >&2; exit 1; }
}
rss_mb() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
# The anonymous part: what the process alone pays. The rest maps files (libjvm.so, the CDS archives),
# whose pages the sidecars of one node share when they run the same image.
anon_mb() { awk '/^RssAnon/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

declare -A V # figure,round -> value
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r of $ROUNDS" >&2
  # The sidecar, fresh: start to ready, idle RSS, then the load runs.
  t0=$(date +%s%N)
  # shellcheck disable=SC2086 # JVM_FLAGS is a list of flags
  MONGODB_URI=$URI "${SIDECAR_JAVA[@]}" $JVM_FLAGS -jar "$JAR" sidecar --port "$PORT" --interval "$INTERVAL" \
    >"$WORK/sidecar.log" 2>&1 &
  SIDECAR=$!
  PIDS+=("$SIDECAR")
  wait_for "localhost:$PORT/readyz" 200 60
  V[ready,$r]=$((($(date +%s%N) - t0) / 1000000))
  sleep "$IDLE" # idle: startup garbage settles, a couple of pings happen
  V[idle,$r]=$(rss_mb "$SIDECAR")
  V[aidle,$r]=$(anon_mb "$SIDECAR")
  # Warm-up, so that the runs measure the steady state (C1 only with the recommended flags).
  wrk -t2 -c10 -d5s -s "$WORK/pace.lua" "http://127.0.0.1:$PORT/readyz" >/dev/null
  before=$(pings)
  paced "http://127.0.0.1:$PORT/readyz" "$WORK/readyz.txt"
  V[pings,$r]=$(($(pings) - before))
  V[p99,$r]=$(p99_ms "$WORK/readyz.txt")
  V[rps,$r]=$(rps "$WORK/readyz.txt")
  paced "http://127.0.0.1:$PORT/health" "$WORK/health.txt"
  V[hp99,$r]=$(p99_ms "$WORK/health.txt")
  wrk -t2 -c32 -d"$DURATION" --latency "http://127.0.0.1:$PORT/readyz" >"$WORK/max.txt"
  cat "$WORK/max.txt" >&2
  V[max,$r]=$(rps "$WORK/max.txt")
  V[after,$r]=$(rss_mb "$SIDECAR")
  V[aafter,$r]=$(anon_mb "$SIDECAR")
  kill -TERM "$SIDECAR"
  wait "$SIDECAR" 2>/dev/null || true

  # The baseline, in the same round: one driver ping per request, paced the same way.
  java -Xmx128m -cp "$JAR" "$WORK/PingPerRequest.java" "$URI" "$BASE_PORT" >"$WORK/base.log" 2>&1 &
  BASE=$!
  PIDS+=("$BASE")
  wait_for "localhost:$BASE_PORT/readyz" 200 60
  wrk -t2 -c10 -d5s -s "$WORK/pace.lua" "http://127.0.0.1:$BASE_PORT/readyz" >/dev/null
  before=$(pings)
  paced "http://127.0.0.1:$BASE_PORT/readyz" "$WORK/base.txt"
  V[bpings,$r]=$(($(pings) - before))
  V[bp99,$r]=$(p99_ms "$WORK/base.txt")
  V[brps,$r]=$(rps "$WORK/base.txt")
  kill -TERM "$BASE"
  wait "$BASE" 2>/dev/null || true
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

stats() { # figure, printf format -> "median min max"
  for r in $(seq 1 "$ROUNDS"); do echo "${V[$1,$r]}"; done | sort -g |
    awk -v f="$2" '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2
      printf f " " f " " f, m, a[1], a[NR]}'
}
row() { # label, figure, baseline figure or "", unit, printf format
  local m lo hi bm
  read -r m lo hi <<<"$(stats "$2" "$5")"
  if [[ -n $3 ]]; then
    read -r bm _ _ <<<"$(stats "$3" "$5")"
    echo "| $1 | $m$4 | $lo$4 | $hi$4 | $bm$4 | $(awk -v a="$m" -v b="$bm" 'BEGIN {printf (b > 0 ? "%.3f" : "-"), a / b}') |"
  else
    echo "| $1 | $m$4 | $lo$4 | $hi$4 | - | - |"
  fi
}

mkdir -p "$OUT"
{
  echo "### SidecarBench"
  echo
  echo "The sidecar's /readyz at ~1,000 requests/s and the pings that reach MongoDB meanwhile, against one"
  echo "driver ping per request (the baseline, same rounds); its start time and RSS. Goals: p99 < 1 ms,"
  echo "1 ping per interval, RSS ≤ 64 MB idle and after load."
  echo
  echo "| figure | median | min | max | baseline median | ratio |"
  echo "|---|---|---|---|---|---|"
  row "/readyz p99, paced ~1,000 req/s (10 connections)" p99 bp99 " ms" %.3f
  row "pings that reached MongoDB per $DURATION run" pings bpings "" %.0f
  row "/readyz requests/s, paced" rps brps "" %.0f
  row "/health p99, paced" hp99 "" " ms" %.3f
  row "/readyz requests/s, as fast as possible (32 connections)" max "" "" %.0f
  row "start to /readyz 200" ready "" " ms" %.0f
  row "RSS idle ($IDLE s after ready)" idle "" " MB" %.1f
  row "RSS after the runs" after "" " MB" %.1f
  row "of which anonymous, idle" aidle "" " MB" %.1f
  row "of which anonymous, after the runs" aafter "" " MB" %.1f
  echo
  echo "$ROUNDS rounds; runtime: $RUNTIME$([[ $RUNTIME == image ]] && echo " (jlinked, with the AppCDS archive and the options of scripts/image/entrypoint.sh: \`${SIDECAR_JAVA[*]:1}\`)");"
  echo "JVM flags: \`$JVM_FLAGS\`, MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX. With --interval $INTERVAL about"
  echo "$DURATION / $INTERVAL pings per run are expected at any rate; the baseline pings once per request."
  echo "The anonymous RSS is what each sidecar pays alone; the rest maps files (libjvm.so, the archives)"
  echo "that the sidecars of one node share. wrk, the sidecar, the baseline and the MongoDB stand-in share"
  echo "$(nproc) CPUs; load average $LOAD_BEFORE before, $LOAD_AFTER after (above $(nproc), the latencies say"
  echo "more about the machine than about the sidecar)."
} | tee "$OUT/SidecarBench.md"
