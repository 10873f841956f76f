{{/* Names, labels and the checks that refuse contradictory values. */}}

{{- define "redis-ha-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Resource name prefix: the release name, plus the chart name unless the release name contains it. */}}
{{- define "redis-ha-operator.fullname" -}}
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

{{- define "redis-ha-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object of the release. */}}
{{- define "redis-ha-operator.releaseLabels" -}}
helm.sh/chart: {{ include "redis-ha-operator.chart" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: redis-ha
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels of the operator's own objects. */}}
{{- define "redis-ha-operator.labels" -}}
{{ include "redis-ha-operator.releaseLabels" . }}
app.kubernetes.io/name: {{ include "redis-ha-operator.name" . }}
app.kubernetes.io/component: operator
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}

{{/* Labels that select the operator pods. */}}
{{- define "redis-ha-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "redis-ha-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "redis-ha-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "redis-ha-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name must name an existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* repository:tag, or repository@digest; the tag defaults to the chart's appVersion. */}}
{{- define "redis-ha-operator.imageRef" -}}
{{- $image := index . 0 }}
{{- $root := index . 1 }}
{{- if $image.digest }}
{{- printf "%s@%s" $image.repository $image.digest }}
{{- else }}
{{- printf "%s:%s" $image.repository (default $root.Chart.AppVersion $image.tag) }}
{{- end }}
{{- end }}

{{/* "true" or "false": leaderElection.enabled, or, when null, whether more than one replica runs. */}}
{{- define "redis-ha-operator.leaderElect" -}}
{{- if kindIs "bool" .Values.leaderElection.enabled }}
{{- .Values.leaderElection.enabled }}
{{- else }}
{{- gt (int .Values.replicaCount) 1 }}
{{- end }}
{{- end }}

{{/* The Lease stays with everything else a namespaced operator touches (as the operator's own default). */}}
{{- define "redis-ha-operator.leaseNamespace" -}}
{{- default (include "redis-ha-operator.redisHANamespace" .) .Values.leaderElection.namespace }}
{{- end }}

{{/* Where the operator manages RedisHAs: watchNamespace, else (it watches all) the release namespace. */}}
{{- define "redis-ha-operator.redisHANamespace" -}}
{{- default .Release.Namespace .Values.watchNamespace }}
{{- end }}

{{- define "redis-ha-operator.redisHAName" -}}
{{- default .Release.Name .Values.redisHA.name }}
{{- end }}

{{/* Values that contradict each other fail the render with what to change. */}}
{{- define "redis-ha-operator.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (eq (include "redis-ha-operator.leaderElect" .) "false") }}
{{- fail "replicaCount > 1 with leaderElection.enabled=false: every replica would act on failovers and rollouts at once. Enable leader election (or leave leaderElection.enabled unset), or run one replica." }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (le (int .Values.replicaCount) (int .Values.podDisruptionBudget.minAvailable)) }}
{{- fail (printf "podDisruptionBudget.minAvailable=%d with replicaCount=%d would block every node drain. Raise replicaCount or disable the PodDisruptionBudget." (int .Values.podDisruptionBudget.minAvailable) (int .Values.replicaCount)) }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.service.enabled) }}
{{- fail "metrics.serviceMonitor.enabled needs metrics.service.enabled: the ServiceMonitor scrapes through the metrics Service." }}
{{- end }}
{{- if and .Values.redisHA.enabled (gt (len (include "redis-ha-operator.redisHAName" .)) 43) }}
{{- fail (printf "the RedisHA name %q is longer than 43 characters (its pods' labels would exceed 63): set redisHA.name." (include "redis-ha-operator.redisHAName" .)) }}
{{- end }}
{{- if and (not .Values.rbac.create) .Values.rbac.extraRules }}
{{- fail "rbac.extraRules has no effect with rbac.create=false." }}
{{- end }}
{{- end }}
