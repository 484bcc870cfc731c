// Typed publish/subscribe over the event catalog (events.ts), with the trace context carried along.
import { SpanKind, SpanStatusCode, context } from '@opentelemetry/api';
import type { EventSpec } from './events.ts';
import { extractContext, injectContext, instruments, tracer } from './otel.ts';
import { SOURCE_HEADER } from './rpc.ts';
import type { Bus, Closer, Headers, PersistResult } from './types.ts';

export const TIME_HEADER = 'p2pool-time';

export interface EventMeta {
  subject: string;
  // Instance that published it.
  source: string;
  // Publish time, ms since the epoch.
  time: number;
  headers: Headers;
}

// Durable events (spec.stream set) resolve once stored; the others once handed to the transport.
export async function emit<T>(bus: Bus, spec: EventSpec<T>, message: T, source = ''): Promise<PersistResult | undefined> {
  return tracer().startActiveSpan(
    `${spec.name} publish`,
    {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': bus.kind, 'messaging.destination.name': spec.topic },
    },
    async (span) => {
      try {
        const headers: Headers = injectContext({ [SOURCE_HEADER]: source, [TIME_HEADER]: String(Date.now()) });
        const data = spec.type.encode(message).finish();
        instruments().published.add(1, { event: spec.name });
        if (spec.stream) {
          return await bus.persist(spec.stream, spec.topic, data, { headers, ...(spec.msgId ? { msgId: spec.msgId(message) } : {}) });
        }
        await bus.publish(spec.topic, data, headers);
        return undefined;
      } catch (e) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
        throw e;
      } finally {
        span.end();
      }
    },
  );
}

// `queue`: replicas of one service sharing the events (each handled once per queue) instead of each
// replica getting every event.
export function on<T>(
  bus: Bus,
  spec: EventSpec<T>,
  handler: (message: T, meta: EventMeta) => void | Promise<void>,
  opts: { queue?: string } = {},
): Promise<Closer> {
  return bus.subscribe(
    spec.topic,
    (msg) => {
      const parent = extractContext(msg.headers);
      return context.with(parent, () =>
        tracer().startActiveSpan(
          `${spec.name} process`,
          {
            kind: SpanKind.CONSUMER,
            attributes: { 'messaging.system': bus.kind, 'messaging.destination.name': spec.topic },
          },
          async (span) => {
            try {
              instruments().received.add(1, { event: spec.name });
              await handler(spec.type.decode(msg.data), {
                subject: msg.subject,
                source: msg.headers[SOURCE_HEADER] ?? '',
                time: Number(msg.headers[TIME_HEADER] ?? 0),
                headers: msg.headers,
              });
            } catch (e) {
              span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
            } finally {
              span.end();
            }
          },
        ),
      );
    },
    opts,
  );
}
