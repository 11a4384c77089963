#!/usr/bin/env bash
# Runs every test: builds the real test servers when they are missing (cached by version
# outside the repository), then unit tests (*Test) and integration tests (*IT) on real servers.
# Extra arguments go to Maven, e.g. scripts/test.sh -Dit.test=CliIT
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-test-servers.sh
mvn -B verify "$@"
