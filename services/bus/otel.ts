// Tracing and metrics of every call and event, through the OpenTelemetry API only: the process sets up
// the SDK (services/runtime/telemetry.ts); without it these are no-ops. The trace context rides in the
// message headers (W3C traceparent), so one trace follows a share from the edge through the sharechain.
import { context, metrics, propagation, trace, ROOT_CONTEXT, type Context, type Counter, type Histogram } from '@opentelemetry/api';
import type { Headers } from './types.ts';

export const tracer = () => trace.getTracer('p2pool.bus');

interface Instruments {
  clientDuration: Histogram;
  serverDuration: Histogram;
  retries: Counter;
  published: Counter;
  received: Counter;
}

let cached: { provider: unknown; instruments: Instruments } | undefined;

// Instruments are bound to the meter provider current when first used; recreate them if the process
// installed its provider later (metrics API has no proxy provider).
export function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (cached?.provider === provider) return cached.instruments;
  const meter = metrics.getMeter('p2pool.bus');
  const instruments: Instruments = {
    clientDuration: meter.createHistogram('rpc.client.duration', {
      unit: 'ms',
      description: 'bus call duration, caller side, all attempts',
    }),
    serverDuration: meter.createHistogram('rpc.server.duration', { unit: 'ms', description: 'bus call duration, server side' }),
    retries: meter.createCounter('rpc.client.retries', { description: 'bus call attempts that were retried' }),
    published: meter.createCounter('p2pool.events.published', { description: 'events published' }),
    received: meter.createCounter('p2pool.events.received', { description: 'events handled' }),
  };
  cached = { provider, instruments };
  return instruments;
}

export function injectContext(headers: Headers, ctx: Context = context.active()): Headers {
  propagation.inject(ctx, headers);
  return headers;
}

export function extractContext(headers: Headers): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}
