#!/bin/sh
# The image's ENTRYPOINT: the jar on the jlinked runtime, mapping the AppCDS archive made for the
# command it runs. `operator` maps operator.jsa (its classes: the Kubernetes client, JOSDK, the
# reconcile path); every other command maps mongo-steward.jsa (the sidecar's). One archive for both
# would make each sidecar map pages of the operator's classes; two keep each process to its own.
# The command must come first, as deploy/ and the chart pass it: otherwise (`@argfile`, an option
# before it) the operator maps the sidecar's archive and starts slower, nothing else.
# ArchiveRelocationMode=0 maps an archive at the address it was made for: relocated (the default of
# recent JDK 17 updates, 1) every page is rewritten, and 12 MB of them becomes memory each process
# pays alone instead of file pages the processes of a node share (docs/benchmarks.md).
# JlinkRuntimeIT, OperatorMemoryBench and scripts/bench-sidecar.sh run the `exec` line below.
archive=/opt/mongo-steward/mongo-steward.jsa
[ "${1:-}" = operator ] && archive=/opt/mongo-steward/operator.jsa
exec java -XX:SharedArchiveFile="$archive" -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 -jar /opt/mongo-steward/mongo-steward.jar "$@"
