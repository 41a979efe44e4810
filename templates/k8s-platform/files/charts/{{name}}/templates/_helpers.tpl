{{/* Chart name, at most 63 characters. */}}
{{- define "app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified name. A release named like the chart is not repeated ("demo", not "demo-demo").
*/}}
{{- define "app.fullname" -}}
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

{{- define "app.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: only name and instance, because a Deployment's selector can never change. */}}
{{- define "app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Ownership and cost labels, shared by every object and the pod template. */}}
{{- define "app.ownerLabels" -}}
team: {{ .Values.ownership.team | quote }}
owner: {{ .Values.ownership.owner | quote }}
cost-center: {{ .Values.ownership.costCenter | quote }}
environment: {{ .Values.ownership.environment | quote }}
{{- end }}

{{- define "app.labels" -}}
helm.sh/chart: {{ include "app.chart" . }}
{{ include "app.selectorLabels" . }}
app.kubernetes.io/version: {{ include "app.imageTag" . | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/component: api
app.kubernetes.io/part-of: {{ .Values.ownership.partOf | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{ include "app.ownerLabels" . }}
{{- end }}

{{- define "app.serviceAccountName" -}}
{{- default (include "app.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{- define "app.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag }}
{{- end }}

{{/* The image reference: a digest wins over a tag when both are set. With image.requireDigest (the production
values) there is no tag fallback: only an image the release workflow pushed, by its digest, is deployed. */}}
{{- define "app.image" -}}
{{- if and .Values.image.requireDigest (not .Values.image.digest) }}
{{- fail "image.digest is empty and image.requireDigest is set: merge the release pull request that pins the pushed image's digest (see docs/release.md)" }}
{{- end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (include "app.imageTag" .) }}
{{- end }}
{{- end }}

{{/* The label a pod needs for the NetworkPolicy to let it call the service. */}}
{{- define "app.clientLabel" -}}
{{ include "app.name" . | trunc 56 | trimSuffix "-" }}-client
{{- end }}

{{/* The name of the Secret mounted at /var/run/secrets/app. */}}
{{- define "app.secretName" -}}
{{- default (printf "%s-secret" (include "app.fullname" .)) .Values.secret.name }}
{{- end }}

{{- define "app.restrictedContainerSecurityContext" -}}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}
