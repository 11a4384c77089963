#!/usr/bin/env bash
# Builds the real test servers that no registry ships as binaries, from their Go modules,
# and caches them by version outside the repository. Safe to run repeatedly: a cached
# binary is reused. Also fetches the prometheus-operator's CRDs (YAML, no build) from its Go module.
# Usage: scripts/build-test-servers.sh [ferretdb] [toxiproxy] [kube] [prometheus-crds] [promtool]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# Versions live in versions.env, which the tests read too; the environment may override them.
while IFS='=' read -r k v; do
  case "$k" in ''|\#*) continue ;; esac
  [ -z "${!k:-}" ] && export "$k=$v"
done < "$here/versions.env"

CACHE=${MONGO_STEWARD_CACHE:-$HOME/.cache/mongo-steward}
KUBE_API_TEST_DIR=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}
export GOFLAGS=${GOFLAGS:--buildvcs=false}
export CGO_ENABLED=0

log() { printf '[build-test-servers] %s\n' "$*" >&2; }

# wrapper DIR MODULE VERSION: a throwaway module that requires MODULE@VERSION, so that
# `go build` of its commands uses the module's own go.mod (a plain `go install` would not).
wrapper() {
  local dir=$1 module=$2 version=$3
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$dir" && go mod init mongosteward.local/wrapper >/dev/null 2>&1 \
     && go mod edit -require="$module@$version")
}

build_ferretdb() {
  local out="$CACHE/ferretdb-$FERRETDB_VERSION/ferretdb"
  [ -x "$out" ] && { log "ferretdb $FERRETDB_VERSION cached at $out"; return; }
  log "building ferretdb $FERRETDB_VERSION"
  local w; w=$(mktemp -d)
  wrapper "$w" github.com/FerretDB/FerretDB "$FERRETDB_VERSION"
  # Its cmd/ferretdb panics without a generated version.txt; the embeddable package does not
  # need one, so the wrapper is a small main around it.
  cp "$here/ferretdb-main.go" "$w/main.go"
  (cd "$w" && go mod tidy && go build -trimpath -ldflags "-s -w" -o "$w/ferretdb" .)
  mkdir -p "$(dirname "$out")" && mv "$w/ferretdb" "$out" && rm -rf "$w"
  log "ferretdb built: $out"
}

build_toxiproxy() {
  local out="$CACHE/toxiproxy-$TOXIPROXY_VERSION/toxiproxy-server"
  [ -x "$out" ] && { log "toxiproxy $TOXIPROXY_VERSION cached at $out"; return; }
  log "building toxiproxy $TOXIPROXY_VERSION"
  local w; w=$(mktemp -d)
  wrapper "$w" github.com/Shopify/toxiproxy/v2 "$TOXIPROXY_VERSION"
  (cd "$w" && go get github.com/Shopify/toxiproxy/v2/cmd/server@"$TOXIPROXY_VERSION" \
     && go build -trimpath -o "$w/toxiproxy-server" github.com/Shopify/toxiproxy/v2/cmd/server)
  mkdir -p "$(dirname "$out")" && mv "$w/toxiproxy-server" "$out" && rm -rf "$w"
  log "toxiproxy built: $out"
}

# kube-apiserver, kubectl and etcd where io.fabric8:kube-api-test looks for them:
# $KUBE_API_TEST_DIR/k8s/<digits-only version>-linux-amd64/{etcd,kube-apiserver,kubectl}
build_kube() {
  local v=${KUBE_VERSION#v}
  local dir="$KUBE_API_TEST_DIR/k8s/$v-linux-amd64"
  if [ -x "$dir/kube-apiserver" ] && [ -x "$dir/kubectl" ] && [ -x "$dir/etcd" ]; then
    log "kube-apiserver/kubectl/etcd $v cached in $dir"; return
  fi
  mkdir -p "$dir"
  local minor; minor=$(echo "$v" | cut -d. -f2)
  if [ ! -x "$dir/kube-apiserver" ] || [ ! -x "$dir/kubectl" ]; then
    log "building kube-apiserver and kubectl $KUBE_VERSION (cold: 10-20 min)"
    local w; w=$(mktemp -d)
    wrapper "$w" k8s.io/kubernetes "$KUBE_VERSION"
    (cd "$w" && go mod download k8s.io/kubernetes@"$KUBE_VERSION")
    local kmod; kmod=$(cd "$w" && go list -m -f '{{.GoMod}}' k8s.io/kubernetes 2>/dev/null || true)
    [ -f "$kmod" ] || kmod="$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/$KUBE_VERSION.mod"
    # k8s.io/kubernetes requires its staging modules at v0.0.0: pin each to v0.<minor>.<patch>.
    local staging_v="v0.${v#*.}"
    grep -E '^\s+k8s.io/[^ ]+ v0.0.0$' "$kmod" | awk '{print $1}' | sort -u | while read -r m; do
      (cd "$w" && go mod edit -replace="$m=$m@$staging_v")
    done
    local godebug; godebug=$(grep -E '^godebug' "$kmod" || true)
    [ -n "$godebug" ] && echo "$godebug" >> "$w/go.mod"
    local ld="-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/client-go/pkg/version.gitVersion=$KUBE_VERSION"
    (cd "$w" && go get k8s.io/kubernetes/cmd/kube-apiserver@"$KUBE_VERSION" k8s.io/kubernetes/cmd/kubectl@"$KUBE_VERSION" \
       && go build -trimpath -ldflags "$ld" -o "$dir/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver \
       && go build -trimpath -ldflags "$ld" -o "$dir/kubectl" k8s.io/kubernetes/cmd/kubectl)
    rm -rf "$w"
  fi
  if [ ! -x "$dir/etcd" ]; then
    log "building etcd $ETCD_VERSION"
    local w; w=$(mktemp -d)
    wrapper "$w" go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
    (cd "$w" && go get go.etcd.io/etcd/server/v3@"$ETCD_VERSION" \
       && go build -trimpath -ldflags "-s -w" -o "$dir/etcd" go.etcd.io/etcd/server/v3)
    rm -rf "$w"
  fi
  log "kube binaries in $dir"
}

# The prometheus-operator's published CRDs, so that the chart's ServiceMonitor, PodMonitor and
# PrometheusRule can be checked by a real API server. The module ships them as YAML under
# example/prometheus-operator-crd/; `go mod download` fetches and verifies it (go.sum database).
fetch_prometheus_crds() {
  local out="$CACHE/prometheus-operator-crds-$PROMETHEUS_OPERATOR_VERSION"
  if ls "$out"/monitoring.coreos.com_*.yaml >/dev/null 2>&1; then
    log "prometheus-operator CRDs $PROMETHEUS_OPERATOR_VERSION cached in $out"; return
  fi
  log "fetching prometheus-operator CRDs $PROMETHEUS_OPERATOR_VERSION"
  local w dir; w=$(mktemp -d)
  dir=$(cd "$w" && go mod download -json "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
  rm -rf "$w"
  [ -d "$dir/example/prometheus-operator-crd" ] || { log "no example/prometheus-operator-crd in '$dir'"; exit 1; }
  mkdir -p "$out.tmp" && cp "$dir"/example/prometheus-operator-crd/monitoring.coreos.com_*.yaml "$out.tmp/"
  rm -rf "$out" && mv "$out.tmp" "$out"
  log "prometheus-operator CRDs in $out"
}

# promtool (checks the chart's alert rules and unit-tests them, lints scraped metrics), from
# the Prometheus Go module: its Go versions v0.3MM.P are Prometheus releases 3.MM.P. The
# module's go.mod has no replace directives, so the wrapper only needs to require it. The tag
# remove_all_sd leaves out the cloud service discoveries (AWS, Azure, GCE, ...), which the
# checks and tests promtool runs here never use and which are most of its build time.
build_promtool() {
  local out="$CACHE/promtool-$PROMETHEUS_VERSION/promtool"
  [ -x "$out" ] && { log "promtool $PROMETHEUS_VERSION cached at $out"; return; }
  log "building promtool $PROMETHEUS_VERSION (cold: several minutes)"
  local w; w=$(mktemp -d)
  wrapper "$w" github.com/prometheus/prometheus "$PROMETHEUS_VERSION"
  local minor=${PROMETHEUS_VERSION#v0.}; minor=${minor%%.*}
  local release="3.${minor#3}.${PROMETHEUS_VERSION##*.}"
  (cd "$w" && go get github.com/prometheus/prometheus/cmd/promtool@"$PROMETHEUS_VERSION" \
     && go build -trimpath -tags remove_all_sd \
          -ldflags "-s -w -X github.com/prometheus/common/version.Version=$release" \
          -o "$w/promtool" github.com/prometheus/prometheus/cmd/promtool)
  mkdir -p "$(dirname "$out")" && mv "$w/promtool" "$out" && rm -rf "$w"
  log "promtool built: $out"
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(ferretdb toxiproxy kube prometheus-crds promtool)
for t in "${targets[@]}"; do
  case "$t" in
    ferretdb) build_ferretdb ;;
    toxiproxy) build_toxiproxy ;;
    kube) build_kube ;;
    prometheus-crds) fetch_prometheus_crds ;;
    promtool) build_promtool ;;
    *) log "unknown target $t (ferretdb, toxiproxy, kube, prometheus-crds, promtool)"; exit 2 ;;
  esac
done
