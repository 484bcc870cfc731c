// Runs the generated ts-proto clients and servers over a Bus: the Rpc a `FooClientImpl` needs, and the
// server side that decodes, dispatches to an implementation of the generated interface and encodes.
// Deadlines, retries with backoff, errors and tracing are handled here once for every contract.
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanKind, SpanStatusCode, context } from '@opentelemetry/api';
import { isQuery, methodNames, type ServiceDefinition } from './contracts.ts';
import { RpcCode, RpcError, rpcCodeName, toRpcError, unimplemented } from './errors.ts';
import { extractContext, injectContext, instruments, tracer } from './otel.ts';
import { shortServiceName } from './subjects.ts';
import type { Bus, Closer, Headers } from './types.ts';

// The interface ts-proto's generated clients call.
export interface Rpc {
  request(service: string, method: string, data: Uint8Array): Promise<Uint8Array>;
}

export const STATUS_HEADER = 'p2pool-status';
export const MESSAGE_HEADER = 'p2pool-message';
export const SOURCE_HEADER = 'p2pool-source';

export interface CallOptions {
  // Per attempt.
  timeoutMs?: number;
  // Overall, across retries. A NATS outage shorter than this is invisible to the caller.
  deadlineMs?: number;
  // Instance id of the caller, for the server's logs.
  source?: string;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_DEADLINE_MS = 30_000;

export function busRpc(bus: Bus, opts: CallOptions = {}): Rpc {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
  return {
    request(service, method, data) {
      const name = `${shortServiceName(service)}/${method}`;
      return tracer().startActiveSpan(
        name,
        {
          kind: SpanKind.CLIENT,
          attributes: { 'rpc.system': 'p2pool-bus', 'rpc.service': service, 'rpc.method': method, 'messaging.system': bus.kind },
        },
        async (span) => {
          const started = Date.now();
          const deadline = started + deadlineMs;
          const retryTimeouts = isQuery(service, method);
          const headers: Headers = injectContext({});
          if (opts.source) headers[SOURCE_HEADER] = opts.source;
          let delay = 50;
          let attempt = 0;
          try {
            for (;;) {
              attempt++;
              try {
                const reply = await bus.request(service, method, data, {
                  timeoutMs: Math.max(1, Math.min(timeoutMs, deadline - Date.now())),
                  headers,
                });
                const status = Number(reply.headers[STATUS_HEADER] ?? RpcCode.OK);
                if (status !== RpcCode.OK) throw new RpcError(status as RpcCode, reply.headers[MESSAGE_HEADER] ?? rpcCodeName(status));
                span.setAttribute('rpc.attempts', attempt);
                instruments().clientDuration.record(Date.now() - started, {
                  'rpc.service': service,
                  'rpc.method': method,
                  'rpc.code': 'OK',
                });
                return reply.data;
              } catch (e) {
                const err = toRpcError(e);
                // UNAVAILABLE: nobody took the request (no responders, NATS down, replica draining).
                // DEADLINE_EXCEEDED: it may have run, so only queries are retried.
                const retryable = err.code === RpcCode.UNAVAILABLE || (err.code === RpcCode.DEADLINE_EXCEEDED && retryTimeouts);
                const wait = delay + Math.floor(Math.random() * delay);
                if (!retryable || Date.now() + wait >= deadline) throw err;
                instruments().retries.add(1, { 'rpc.service': service, 'rpc.method': method, 'rpc.code': rpcCodeName(err.code) });
                await sleep(wait);
                delay = Math.min(delay * 2, 1_000);
              }
            }
          } catch (e) {
            const err = toRpcError(e);
            span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
            span.setAttribute('rpc.code', rpcCodeName(err.code));
            instruments().clientDuration.record(Date.now() - started, {
              'rpc.service': service,
              'rpc.method': method,
              'rpc.code': rpcCodeName(err.code),
            });
            throw new RpcError(err.code, `${name}: ${err.message}`, { cause: err });
          } finally {
            span.end();
          }
        },
      );
    },
  };
}

export interface ServeOptions {
  // Called for every failed call, e.g. to log it.
  onError?: (method: string, err: RpcError) => void;
}

// Serves `impl` (an object implementing the generated service interface, e.g. `Sharechain`) on the bus.
// Methods the implementation lacks answer UNIMPLEMENTED, so a shell can go live before its logic.
export async function serveContract(bus: Bus, def: ServiceDefinition, impl: object, opts: ServeOptions = {}): Promise<Closer> {
  const methods = new Map(Object.values(def.methods).map((m) => [m.name, m]));
  const target = impl as Record<string, unknown>;
  return bus.serve(def.fullName, methodNames(def), (method, data, headers) => {
    const parent = extractContext(headers);
    return context.with(parent, () =>
      tracer().startActiveSpan(
        `${def.name}/${method}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'rpc.system': 'p2pool-bus', 'rpc.service': def.fullName, 'rpc.method': method, 'messaging.system': bus.kind },
        },
        async (span) => {
          const started = Date.now();
          let code: RpcCode = RpcCode.OK;
          try {
            const m = methods.get(method);
            const fn = target[method];
            if (!m || typeof fn !== 'function') throw unimplemented(def.name, method);
            let request: unknown;
            try {
              request = m.requestType.decode(data);
            } catch (e) {
              throw new RpcError(RpcCode.INVALID_ARGUMENT, `cannot decode ${method} request: ${(e as Error).message}`);
            }
            const response = await (fn as (r: unknown) => Promise<unknown>).call(impl, request);
            return { data: m.responseType.encode(m.responseType.fromPartial(response ?? {})).finish() };
          } catch (e) {
            const err = toRpcError(e);
            code = err.code;
            span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
            opts.onError?.(method, err);
            return { data: new Uint8Array(0), headers: { [STATUS_HEADER]: String(err.code), [MESSAGE_HEADER]: err.message } };
          } finally {
            span.setAttribute('rpc.code', rpcCodeName(code));
            span.end();
            instruments().serverDuration.record(Date.now() - started, {
              'rpc.service': def.fullName,
              'rpc.method': method,
              'rpc.code': rpcCodeName(code),
            });
          }
        },
      ),
    );
  });
}
