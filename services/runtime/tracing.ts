// Spans for the steps of a share's path (submit → verify → accept → relay) and a block's submission,
// over the OpenTelemetry API: without an exporter (OTLP is off unless OTEL_EXPORTER_OTLP_* names an
// endpoint, see telemetry.ts) they only carry the trace id across the bus. docs/observability.md.
import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

// Runs fn inside a span named `name` (a child of the active span, e.g. a bus call's); the span ends
// when fn's result settles and records a thrown error.
export function inSpan<T>(scope: string, name: string, attributes: Attributes, fn: (span: Span) => T): T {
  return trace.getTracer(scope).startActiveSpan(name, { attributes }, (span) => {
    const fail = (e: unknown) => {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error)?.message });
      span.end();
    };
    try {
      const r = fn(span);
      if (r instanceof Promise)
        return r.then(
          (v) => {
            span.end();
            return v;
          },
          (e) => {
            fail(e);
            throw e;
          },
        ) as T;
      span.end();
      return r;
    } catch (e) {
      fail(e);
      throw e;
    }
  });
}
