{{/* The chart's name, or nameOverride. */}}
{{- define "mongo-steward.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The full name: fullnameOverride, else <release>-<name>, or the release name alone when it already
contains the name. Cut at 63 characters, the limit of a label value and of many names.
*/}}
{{- define "mongo-steward.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
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
{{- if and (gt (int .Values.replicas) 1) (not .Values.leaderElection.enabled) }}
{{- fail (printf "replicas: %d replicas need leaderElection.enabled=true, or they would all reconcile at once; set replicas: 1 to run without leader election" (int .Values.replicas)) }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (not (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable)) (not (kindIs "invalid" .Values.podDisruptionBudget.minAvailable)) }}
{{- fail "podDisruptionBudget: set minAvailable or maxUnavailable, not both (set the other to null)" }}
{{- end }}
{{- if and .Values.metrics.podMonitor.enabled (empty .Values.metrics.podMonitor.podSelector) }}
{{- fail "metrics.podMonitor.podSelector: required when metrics.podMonitor.enabled, e.g. {matchLabels: {app.kubernetes.io/name: bot-app}}: an empty selector would scrape every pod with that port name" }}
{{- end }}
{{- end }}
