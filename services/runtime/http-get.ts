// Web GETs as plain values, so the same handler serves the web port directly and the worker port
// through the edge (Web.HttpGet over the bus).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpGetRequest, HttpGetResponse } from '../gen/p2pool/v1/web.ts';

export type WebRequest = HttpGetRequest;
export type WebResponse = HttpGetResponse;
export type WebRoute = (req: WebRequest) => Promise<WebResponse> | WebResponse;

export function json(body: unknown, status = 200): WebResponse {
  const text = JSON.stringify(body, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  // The reference's JSON endpoints allow any origin (docs/protocol.md §9).
  return { status, contentType: 'application/json', body: Buffer.from(text), headers: { 'access-control-allow-origin': '*' } };
}

export function html(text: string, status = 200): WebResponse {
  return { status, contentType: 'text/html; charset=utf-8', body: Buffer.from(text), headers: {} };
}

export function requestFrom(req: IncomingMessage): WebRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
  return { path: q < 0 ? url : url.slice(0, q), query: q < 0 ? '' : url.slice(q + 1), headers };
}

export function writeResponse(res: ServerResponse, r: WebResponse): void {
  res.writeHead(r.status, { ...r.headers, 'content-type': r.contentType, 'content-length': r.body.length });
  res.end(r.body);
}

// For the edge: an HTTP handler for its worker port that forwards GETs to the web service, e.g.
// `webHandlerFor(ctx.clients.web)` passed as the edge's WebHandler.
export function webHandlerFor(web: {
  HttpGet(req: HttpGetRequest): Promise<HttpGetResponse>;
}): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      writeResponse(res, json({ error: 'method not allowed' }, 405));
      return;
    }
    web.HttpGet(requestFrom(req)).then(
      (r) => writeResponse(res, r),
      (e) => writeResponse(res, json({ error: `web service unavailable: ${(e as Error).message}` }, 503)),
    );
  };
}
