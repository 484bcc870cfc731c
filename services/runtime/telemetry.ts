// OpenTelemetry SDK for one process: context propagation (AsyncLocalStorage + W3C traceparent), a
// tracer provider and a meter provider. Export goes over OTLP/HTTP when the standard
// OTEL_EXPORTER_OTLP_* variables name an endpoint; otherwise spans and metrics are still created (trace
// ids in logs, context across the bus) but not shipped anywhere.
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';

export interface TelemetryOptions {
  serviceName: string;
  instance: string;
  version: string;
  env?: NodeJS.ProcessEnv;
  // Extra span exporter, e.g. an InMemorySpanExporter in tests (exported synchronously).
  spanExporter?: SpanExporter;
  metricReaders?: MetricReader[];
}

export interface Telemetry {
  shutdown(): Promise<void>;
}

export function setupTelemetry(opts: TelemetryOptions): Telemetry {
  const env = opts.env ?? process.env;
  const resource = resourceFromAttributes({
    'service.name': opts.serviceName,
    'service.instance.id': opts.instance,
    'service.version': opts.version,
    'service.namespace': 'p2pool',
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());

  const spanProcessors: SpanProcessor[] = [];
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    spanProcessors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }));
  }
  if (opts.spanExporter) spanProcessors.push(new SimpleSpanProcessor({ exporter: opts.spanExporter }));
  const tracerProvider = new TracerProvider({ resource, spanProcessors });
  trace.setGlobalTracerProvider(tracerProvider);

  const readers: MetricReader[] = [...(opts.metricReaders ?? [])];
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
        exportIntervalMillis: Number(env.OTEL_METRIC_EXPORT_INTERVAL ?? 15_000),
      }),
    );
  }
  const meterProvider = new MeterProvider({ resource, readers });
  metrics.setGlobalMeterProvider(meterProvider);

  return {
    async shutdown() {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
  };
}
