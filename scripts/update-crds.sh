#!/usr/bin/env bash
# Regenerates the CRDs from the Java types (fabric8's CRDGenerator, run by io.mongosteward.api.CrdGeneration
# at process-classes) and copies them to crds/.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q process-classes
rm -f crds/*.yml
cp target/classes/META-INF/fabric8/*-v1.yml crds/
git status --short crds/
