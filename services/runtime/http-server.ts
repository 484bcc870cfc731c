// The per-process HTTP endpoint for the orchestrator: /healthz (liveness: the event loop turns and the
// process is not shutting down for good) and /readyz (readiness: every hosted service is ready and the
// bus is connected). Extra routes (e.g. /metrics) plug in through `routes`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HealthEndpoints {
  live: () => { ok: boolean; detail: unknown };
  ready: () => { ok: boolean; detail: unknown };
  routes?: Record<string, Route>;
}

export interface HttpEndpoint {
  port: number;
  close(): Promise<void>;
}

export async function listenHttp(
  host: string,
  port: number,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<HttpEndpoint> {
  const server = createServer(handler);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function startHealthServer(host: string, port: number, ep: HealthEndpoints): Promise<HttpEndpoint> {
  return listenHttp(host, port, (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/healthz' || path === '/readyz') {
      const r = path === '/healthz' ? ep.live() : ep.ready();
      sendJson(res, r.ok ? 200 : 503, { ok: r.ok, ...asObject(r.detail) });
      return;
    }
    const route = ep.routes?.[path];
    if (route) {
      Promise.resolve(route(req, res)).catch((e) => sendJson(res, 500, { error: (e as Error).message }));
      return;
    }
    sendJson(res, 404, { error: 'not found' });
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text);
}

function asObject(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : { detail: v };
}
