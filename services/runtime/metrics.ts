// Metric helpers over the OpenTelemetry API (the SDK and /metrics: telemetry.ts, prometheus.ts). Names
// follow OpenTelemetry's dotted style; the Prometheus exporter writes them with underscores (and
// `_total` on counters). Labels stay bounded: never a share, job, address or peer as a label.
import { metrics, type Attributes, type Meter, type ObservableResult } from '@opentelemetry/api';

// Instruments bound to the meter provider current when first used, made again if the process installs
// its provider later (the metrics API has no proxy provider), e.g. a module-level histogram.
export function lazyInstruments<T>(scope: string, make: (m: Meter) => T): () => T {
  let cached: { provider: unknown; value: T } | undefined;
  return () => {
    const provider = metrics.getMeterProvider();
    if (cached?.provider !== provider) cached = { provider, value: make(metrics.getMeter(scope)) };
    return cached.value;
  };
}

export interface GaugeSpec {
  name: string;
  description: string;
  unit?: string;
  // Values read at scrape time; each [value, labels].
  read: () => Iterable<readonly [number, Attributes?]> | number | null;
  kind?: 'gauge' | 'counter';
}

// Observable gauges/counters read from a service's existing state at each scrape (nothing on a hot
// path). Returns a function that stops them (service stop).
export function observe(scope: string, specs: GaugeSpec[]): () => void {
  const meter = metrics.getMeter(scope);
  const instruments = specs.map((s) => {
    const opts = { description: s.description, ...(s.unit ? { unit: s.unit } : {}) };
    const inst = s.kind === 'counter' ? meter.createObservableCounter(s.name, opts) : meter.createObservableGauge(s.name, opts);
    const cb = (r: ObservableResult) => {
      let v: ReturnType<typeof s.read>;
      try {
        v = s.read();
      } catch {
        return;
      }
      if (v === null) return;
      if (typeof v === 'number') r.observe(v);
      else for (const [x, attrs] of v) r.observe(x, attrs);
    };
    inst.addCallback(cb);
    return () => inst.removeCallback(cb);
  });
  return () => {
    for (const off of instruments) off();
  };
}
