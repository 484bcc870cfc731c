{{- define "p2pool.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- printf "%s-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s-operator" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "p2pool.labels" -}}
app.kubernetes.io/name: p2pool-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "p2pool.selector" -}}
app.kubernetes.io/name: p2pool-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "p2pool.tag" -}}
{{- default .Chart.AppVersion .Values.image.tag -}}
{{- end -}}
