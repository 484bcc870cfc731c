// /metrics in the Prometheus text format, pulled from the OpenTelemetry meter provider on each scrape:
// what the Kubernetes HPA (via prometheus-adapter) and dashboards read, without a collector in between.
import { MetricReader, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

export class PrometheusReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}

  async render(): Promise<string> {
    const { resourceMetrics } = await this.collect();
    return renderPrometheus(resourceMetrics);
  }
}

function metricName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/^([0-9])/, '_$1');
}

function labels(attrs: Record<string, unknown>, extra: Record<string, string> = {}): string {
  const all = { ...attrs, ...extra };
  const parts = Object.entries(all).map(([k, v]) => `${metricName(k)}="${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

export function renderPrometheus(rm: ResourceMetrics): string {
  const out: string[] = [];
  for (const sm of rm.scopeMetrics) {
    for (const m of sm.metrics) {
      const d = m.descriptor;
      let name = metricName(d.name);
      if (m.dataPointType === DataPointType.SUM) {
        const counter = m.isMonotonic;
        if (counter && !name.endsWith('_total')) name += '_total';
        out.push(`# HELP ${name} ${d.description || d.name}`, `# TYPE ${name} ${counter ? 'counter' : 'gauge'}`);
        for (const p of m.dataPoints) out.push(`${name}${labels(p.attributes)} ${p.value}`);
      } else if (m.dataPointType === DataPointType.GAUGE) {
        out.push(`# HELP ${name} ${d.description || d.name}`, `# TYPE ${name} gauge`);
        for (const p of m.dataPoints) out.push(`${name}${labels(p.attributes)} ${p.value}`);
      } else if (m.dataPointType === DataPointType.HISTOGRAM) {
        out.push(`# HELP ${name} ${d.description || d.name}`, `# TYPE ${name} histogram`);
        for (const p of m.dataPoints) {
          const { buckets, sum, count } = p.value;
          let cumulative = 0;
          buckets.boundaries.forEach((b, i) => {
            cumulative += buckets.counts[i] ?? 0;
            out.push(`${name}_bucket${labels(p.attributes, { le: String(b) })} ${cumulative}`);
          });
          out.push(`${name}_bucket${labels(p.attributes, { le: '+Inf' })} ${count}`);
          out.push(`${name}_sum${labels(p.attributes)} ${sum ?? 0}`, `${name}_count${labels(p.attributes)} ${count}`);
        }
      }
    }
  }
  return out.join('\n') + '\n';
}
