#!/usr/bin/env bash
# Builds a Java runtime with only the JDK modules of jdk-modules.txt into DIR, with its own base CDS
# archive (needed for the AppCDS archive on top of it). Not compressed: --compress=2 saves 27 MB on
# disk but costs each process about 7 MB of RSS, as classes outside the CDS archives are inflated
# into memory (docs/benchmarks.md). The Dockerfile runs it; JlinkRuntimeIT runs
# the jar's sidecar and operator on what it builds, so that the module list is proven.
# Usage: scripts/image/jre.sh DIR     (needs a JDK's jlink and jmods: JAVA_HOME, or jlink on the PATH)
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
jlink=${JAVA_HOME:+$JAVA_HOME/bin/}jlink
modules=$(sed 's/#.*//' "$here/jdk-modules.txt" | tr -s ' \n' '\n' | grep . | paste -sd, -)
rm -rf "$out"
"$jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --generate-cds-archive --output "$out"
echo "$out: $modules"
