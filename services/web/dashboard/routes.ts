// The dashboard: static pages (static/) that draw from /api/v1 and /web/graph_data, with uPlot served
// from this node's own node_modules (no CDN: many nodes have no internet). Read once at start.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WebRequest, WebResponse, WebRoute } from '../../runtime/http-get.ts';
import { json } from '../../runtime/http-get.ts';

const here = dirname(fileURLToPath(import.meta.url));
const uplotDir = join(dirname(createRequire(import.meta.url).resolve('uplot')), '..', 'dist');

interface Asset {
  type: string;
  body: Buffer;
}

function load(): Record<string, Asset> {
  const file = (p: string, type: string): Asset => ({ type, body: readFileSync(p) });
  return {
    index: file(join(here, 'static', 'index.html'), 'text/html; charset=utf-8'),
    miner: file(join(here, 'static', 'miner.html'), 'text/html; charset=utf-8'),
    'app.js': file(join(here, 'static', 'app.js'), 'text/javascript; charset=utf-8'),
    'style.css': file(join(here, 'static', 'style.css'), 'text/css; charset=utf-8'),
    'uplot.js': file(join(uplotDir, 'uPlot.iife.min.js'), 'text/javascript; charset=utf-8'),
    'uplot.css': file(join(uplotDir, 'uPlot.min.css'), 'text/css; charset=utf-8'),
  };
}

export function dashboardRoutes(): Record<string, WebRoute> {
  const assets = load();
  const send = (a: Asset | undefined): WebResponse =>
    a ? { status: 200, contentType: a.type, body: a.body, headers: { 'cache-control': 'no-cache' } } : json({ error: 'not found' }, 404);
  return {
    '/assets/': (req: WebRequest) => send(assets[req.path.slice('/assets/'.length)]),
    '/static/': (req: WebRequest) => send(req.path === '/static/' || req.path === '/static/index.html' ? assets.index : undefined),
    '/miner/': (req: WebRequest) =>
      /^\/miner\/[0-9A-Za-z]{20,100}$/.test(req.path) ? send(assets.miner) : json({ error: 'not a payout address' }, 400),
    // Last: '/' is a prefix of every path, so everything no other route took ends here.
    '/': (req: WebRequest) => send(req.path === '/' ? assets.index : undefined),
  };
}
