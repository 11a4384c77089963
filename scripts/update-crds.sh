#!/usr/bin/env bash
# Regenerates the CRDs from the Java types (fabric8's CRDGenerator, run by io.mongosteward.api.CrdGeneration
# at process-classes) and copies them to crds/ and to the Helm chart's crds/ (Helm installs CRDs only
# from the chart's own folder; ChartTest fails when the two differ).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q process-classes
rm -f crds/*.yml
cp target/classes/META-INF/fabric8/*-v1.yml crds/
rm -f helm/mongo-steward/crds/*.yml
cp crds/*.yml helm/mongo-steward/crds/
git status --short crds/ helm/mongo-steward/crds/
