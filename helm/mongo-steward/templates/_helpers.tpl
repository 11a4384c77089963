{{/* The chart's name, or nameOverride. */}}
{{- define "mongo-steward.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The full name: fullnameOverride, else <release>-<name>, or the release name alone when it already
contains the name. Dots (Helm allows them in release names) become dashes, and it is cut at 63
characters, so that it is a DNS label as Services and the other objects need.
*/}}
{{- define "mongo-steward.fullname" -}}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- $full := "" }}
{{- if .Values.fullnameOverride }}
{{- $full = .Values.fullnameOverride }}
{{- else if contains $name .Release.Name }}
{{- $full = .Release.Name }}
{{- else }}
{{- $full = printf "%s-%s" .Release.Name $name }}
{{- end }}
{{- $full | replace "." "-" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
<full name>-<suffix>, the full name cut so that the whole stays within 63 characters; called with (list . "metrics").
*/}}
{{- define "mongo-steward.suffixed" -}}
{{- $top := index . 0 }}
{{- $suffix := index . 1 }}
{{- printf "%s-%s" (include "mongo-steward.fullname" $top | trunc (int (sub 62 (len $suffix))) | trimSuffix "-") $suffix }}
{{- end }}

{{/* The metrics Service's name, which is also the `job` label of what its ServiceMonitor scrapes. */}}
{{- define "mongo-steward.metricsServiceName" -}}
{{- $n := include "mongo-steward.suffixed" (list . "metrics") }}
{{- if not (regexMatch "^[a-z]" $n) }}
{{- fail (printf "the metrics Service would be named %s, and a Service name must start with a letter: set fullnameOverride to a name that does (the release name %s starts with a digit)" $n .Release.Name) }}
{{- end }}
{{- $n }}
{{- end }}

{{- define "mongo-steward.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object, without the component (each template adds its own). */}}
{{- define "mongo-steward.commonLabels" -}}
helm.sh/chart: {{ include "mongo-steward.chart" . }}
app.kubernetes.io/name: {{ include "mongo-steward.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels of the operator's objects. */}}
{{- define "mongo-steward.labels" -}}
{{ include "mongo-steward.commonLabels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{/* Selects the operator's pods; never changes across upgrades (a Deployment's selector is immutable). */}}
{{- define "mongo-steward.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mongo-steward.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "mongo-steward.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "mongo-steward.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name: name the existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "mongo-steward.leaseNamespace" -}}
{{- default .Release.Namespace .Values.leaderElection.leaseNamespace }}
{{- end }}

{{/*
What the operator needs, and no more: its own resources, one `get` per referenced Secret (it never
lists or watches Secrets, so it cannot read the others in bulk), and core/v1 Events. The same rules
as deploy/02-clusterrole.yaml (ChartTest compares them), which says why each verb is needed
(RbacLeastPrivilegeIT proves it); rendered in a ClusterRole, or in a Role per watched namespace.
*/}}
{{- define "mongo-steward.rules" -}}
- apiGroups: [mongosteward.io]
  resources: [mongoschemas]
  verbs: [get, list, watch, patch]
- apiGroups: [mongosteward.io]
  resources: [mongoschemas/status]
  verbs: [patch]
# MongoMigrations: watched, and status written; no finalizer, so a deletion never waits for the operator.
- apiGroups: [mongosteward.io]
  resources: [mongomigrations]
  verbs: [list, watch]
- apiGroups: [mongosteward.io]
  resources: [mongomigrations/status]
  verbs: [patch]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
- apiGroups: [""]
  resources: [events]
  verbs: [get, create, patch]
{{- end }}

{{/* Refuses value combinations that would deploy a broken operator, naming the values. */}}
{{- define "mongo-steward.validate" -}}
{{- $replicas := int .Values.replicas }}
{{- if and (gt $replicas 1) (not .Values.leaderElection.enabled) }}
{{- fail (printf "replicas: %d replicas need leaderElection.enabled=true, or they would all reconcile at once; set replicas: 1 to run without leader election" $replicas) }}
{{- end }}
{{- $pdb := .Values.podDisruptionBudget }}
{{- if $pdb.enabled }}
{{- $min := $pdb.minAvailable }}
{{- $max := $pdb.maxUnavailable }}
{{- if and (not (kindIs "invalid" $max)) (not (kindIs "invalid" $min)) }}
{{- fail "podDisruptionBudget: set minAvailable or maxUnavailable, not both (set the other to null)" }}
{{- end }}
{{- /* A budget that allows no disruption at all makes every node drain wait forever. */}}
{{- $blocks := false }}
{{- if not (kindIs "invalid" $max) }}
{{- $blocks = eq (toString $max | trimSuffix "%" | int) 0 }}
{{- else if and (kindIs "string" $min) (hasSuffix "%" $min) }}
{{- $blocks = and (gt $replicas 0) (gt (mul (trimSuffix "%" $min | int) $replicas) (mul 100 (sub $replicas 1))) }}
{{- else if not (kindIs "invalid" $min) }}
{{- $blocks = and (gt $replicas 0) (ge (int $min) $replicas) }}
{{- end }}
{{- if $blocks }}
{{- fail (printf "podDisruptionBudget: minAvailable %v / maxUnavailable %v with replicas: %d allows no disruption, so every node drain would wait forever: raise replicas, or set minAvailable: null and maxUnavailable: 1" $min $max $replicas) }}
{{- end }}
{{- end }}
{{- /* Variables the chart sets itself: a second entry of the same name is refused by server-side apply, and would get around the checks above. */}}
{{- $reserved := dict "MONGOSTEWARD_LEADER_ELECTION" "leaderElection.enabled" "MONGOSTEWARD_NAMESPACES" "watchNamespaces" "MONGOSTEWARD_PORT" "containerPort" "JAVA_TOOL_OPTIONS" "jvmOptions" "POD_NAMESPACE" "leaderElection.leaseNamespace (the Lease's namespace)" "POD_NAME" "nothing: it is the pod's name, the leader-election identity" }}
{{- range .Values.extraEnv }}
{{- if hasKey $reserved .name }}
{{- fail (printf "extraEnv: %s is set by the chart; use %s instead" .name (get $reserved .name)) }}
{{- end }}
{{- end }}
{{- $pm := .Values.metrics.podMonitor }}
{{- if and $pm.enabled (empty (dig "matchLabels" dict $pm.podSelector)) (empty (dig "matchExpressions" list $pm.podSelector)) }}
{{- fail "metrics.podMonitor.podSelector: required when metrics.podMonitor.enabled, e.g. {matchLabels: {app.kubernetes.io/name: bot-app}}: an empty selector would scrape every pod with that port name" }}
{{- end }}
{{- if and .Values.metrics.prometheusRule.enabled (not .Values.metrics.serviceMonitor.enabled) }}
{{- fail "metrics.prometheusRule.enabled needs metrics.serviceMonitor.enabled=true: the operator alerts select the series its ServiceMonitor scrapes (job = the metrics Service, namespace = the release's), and without a scrape MongoStewardOperatorDown would fire forever" }}
{{- end }}
{{- end }}
