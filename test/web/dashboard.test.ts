// The web service on a running regtest pool (a real litecoind, the embedded node, its CPU miner):
// /api/v1's OpenAPI document validates and every response matches it; bad paths and parameters get
// 404/400 with a message; nothing carries the full node's credentials; the reference endpoints keep
// their shapes; and headless Chromium shows the dashboard and a miner's page with data and no console
// errors. Screenshots go to test-artifacts/web/ (gitignored).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { Browser } from 'playwright-core';
import { ANY_PORTS, startChain, type Chain } from '../cluster/chain.ts';
import { eventually, getJson as getJsonOnce, P2poolProcess, REPO } from '../cluster/procs.ts';
import { launch, openPage } from './browser.ts';

// Page functions run in the browser, where these exist.
declare const document: any;
declare const HTMLCanvasElement: any;
type Validator = ((data: unknown) => boolean) & { errors?: unknown };
const Ajv2020 = (
  Ajv2020Module as unknown as {
    default: new (o: object) => { addSchema(s: object): void; compile(s: unknown): Validator; errorsText(e: unknown): string };
  }
).default;
// A loaded machine can delay the client's keep-alive timer past the server's: a reused socket the
// server just closed fails the request ("other side closed"); it is sent once more on a fresh one.
const getJson = (port: number, path: string) => getJsonOnce(port, path).catch(() => getJsonOnce(port, path));
const fetchText = (url: string) =>
  fetch(url)
    .catch(() => fetch(url))
    .then((r) => r.text());
const ARTIFACTS = join(REPO, 'test-artifacts', 'web');
let chain: Chain;
let dir: string;
let proc: P2poolProcess;
let web: number;
let health: number;
let browser: Browser | undefined;

before(async () => {
  chain = await startChain('p2pool-ts web dashboard');
  dir = mkdtempSync(join(tmpdir(), 'p2pool-web-'));
  proc = new P2poolProcess('web', 'services/cli/main.ts', [
    '--instance',
    'web',
    ...ANY_PORTS,
    '--datadir',
    dir,
    '--demo-miner',
    ...chain.args,
  ]);
  // --demo-miner keeps the JSON log in the data dir and says where the page is on stderr.
  web = await eventually(
    async () => {
      const m = /p2pool is running: http:\/\/127\.0\.0\.1:(\d+)\//.exec(proc.stderr);
      assert.ok(m, proc.stderr);
      return Number(m[1]);
    },
    'the web address',
    90_000,
  );
  health = await eventually(
    async () => {
      const line = readFileSync(join(dir, 'p2pool.log'), 'utf8')
        .split('\n')
        .find((l) => l.includes('"health endpoint listening"'));
      assert.ok(line);
      return Number(JSON.parse(line).port);
    },
    'the health port in the log',
    10_000,
  );
  // Shares in the chain and a few graph samples (one every 5 s) behind them.
  await eventually(
    async () => {
      const s = (await getJson(web, '/api/v1/status')).body;
      assert.equal(s.sync.state, 'synced');
      // /local_stats (and so the per-miner rates) starts at a sharechain height of 10, as the reference's.
      assert.ok(s.sync.height >= 12, `height ${s.sync.height}`);
    },
    'shares from the demo miner',
    120_000,
  );
  await eventually(
    async () => {
      const pts = (await getJson(web, '/web/graph_data/local_hash_rate/last_hour')).body as Array<[number, number]>;
      assert.ok(pts.filter((p) => p[1] > 0).length >= 2);
    },
    'local hash rate in the graph history',
    60_000,
  );
});

after(async () => {
  await browser?.close();
  await proc?.terminate('SIGTERM', 30_000).catch(() => proc.kill());
  proc?.kill();
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('/api/v1/openapi.json is a valid OpenAPI document and every endpoint answers as it says', async () => {
  const doc = (await getJson(web, '/api/v1/openapi.json')).body;
  await SwaggerParser.validate(structuredClone(doc));
  const ajv = new Ajv2020({ strict: false });
  ajv.addSchema({ $id: 'api', components: doc.components });
  const check = async (path: string, schema: unknown) => {
    const r = await getJson(web, path);
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    const v = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"api#/components/')));
    assert.ok(v(r.body), `${path}: ${ajv.errorsText(v.errors)}\n${JSON.stringify(r.body).slice(0, 2000)}`);
    return r.body;
  };
  const schemaOf = (p: string) => doc.paths[p].get.responses['200'].content['application/json'].schema;
  const miners = await check('/api/v1/miners', schemaOf('/api/v1/miners'));
  assert.equal(miners[0].address, chain.address);
  assert.ok(miners[0].hashRate > 0);
  for (const p of [
    '/api/v1/node',
    '/api/v1/services',
    '/api/v1/status',
    '/api/v1/pool',
    '/api/v1/payouts',
    '/api/v1/blocks',
    '/api/v1/peers',
  ]) {
    await check(p, schemaOf(p));
  }
  const miner = await check(`/api/v1/miners/${chain.address}?limit=5`, schemaOf('/api/v1/miners/{address}'));
  assert.ok(miner.window.minerShares >= 3);
  assert.equal(miner.shares.length, Math.min(5, miner.window.minerShares));
  assert.equal(miner.workers[0].name, 'demo');
  assert.ok(miner.expectedPayout > 0);
  const blocks = await check('/api/v1/blocks?limit=3', schemaOf('/api/v1/blocks'));
  assert.ok(blocks.length >= 1 && blocks.length <= 3);
  assert.ok(
    blocks.every((b: { state: string; confirmations: number }) => b.state === 'confirmed' && b.confirmations >= 1),
    JSON.stringify(blocks),
  );
  await check(`/api/v1/miners/${chain.address}/graph/last_hour`, schemaOf('/api/v1/miners/{address}/graph/{view}'));
  await check('/api/v1/graph/pool_rates/last_day', schemaOf('/api/v1/graph/{stream}/{view}'));
});

test('bad parameters are 400 and unknown paths 404, each with a message; nothing shows the RPC credentials', async () => {
  for (const [path, status] of [
    ['/api/v1/miners/not-an-address!', 400],
    ['/api/v1/blocks?limit=abc', 400],
    ['/api/v1/blocks?limit=0', 400],
    ['/api/v1/graph/pool_rates/last_century', 400],
    ['/api/v1/graph/no_such_stream/last_day', 404],
    ['/api/v1/nothing', 404],
    ['/api/v1/miners/%E0%A4%A', 400],
    ['/no/such/page', 404],
    ['/miner/x', 400],
    ['/web/graph_data/nope/last_day', 404],
  ] as const) {
    const r = await getJson(web, path);
    assert.equal(r.status, status, path);
    assert.equal(typeof r.body.error, 'string', path);
  }
  const paths = [
    '/api/v1/node',
    '/api/v1/status',
    '/api/v1/services',
    '/api/v1/pool',
    '/local_stats',
    '/global_stats',
    '/web/log',
    '/',
    '/api/v1/openapi.json',
  ];
  for (const p of paths) {
    const text = await fetchText(`http://127.0.0.1:${web}${p}`);
    assert.ok(!text.includes(chain.ltc.pass), `${p} shows the RPC password`);
  }
});

test('the reference endpoints keep their shapes', async () => {
  const get = async (p: string) => (await getJson(web, p)).body;
  assert.equal(typeof (await get('/rate')), 'number');
  assert.ok(Object.values(await get('/users')).every((v) => typeof v === 'number'));
  assert.ok(Object.values(await get('/user_stales')).every((v) => typeof v === 'number'));
  assert.deepEqual(await get('/payout_addrs'), [chain.address]);
  assert.deepEqual(await get('/pings'), {});
  assert.deepEqual(await get('/peer_versions'), {});
  assert.deepEqual(Object.keys(await get('/web/currency_info')).sort(), [
    'address_explorer_url_prefix',
    'block_explorer_url_prefix',
    'symbol',
    'tx_explorer_url_prefix',
  ]);
  const latency = (await get('/web/graph_data/getwork_latency/last_hour')) as Array<[number, number | null]>;
  assert.ok(
    latency.some((p) => p[1] !== null && p[1] > 0 && p[1] < 30),
    'getwork_latency in seconds',
  );
  for (const [stream, view, bins] of [
    ['local_hash_rate', 'last_hour', 150],
    ['pool_rates', 'last_day', 300],
    ['miner_hash_rates', 'last_week', 300],
    ['traffic_rate', 'last_hour', 150],
  ] as const) {
    const pts = await get(`/web/graph_data/${stream}/${view}`);
    assert.equal(pts.length, bins);
    for (const p of pts) assert.equal(p.length, 4);
  }
  await eventually(
    async () => {
      const votes = (await get('/web/graph_data/desired_version_rates/last_hour')).find(
        (p: [number, Record<string, number> | null]) => p[1] && Object.keys(p[1]).length,
      );
      assert.ok(
        votes &&
          Object.keys(votes[1]).every((v) => /^\d+$/.test(v)) &&
          Object.values(votes[1] as Record<string, number>).some((r) => r > 0),
      );
    },
    'share version votes in desired_version_rates',
    20_000,
  );
  await eventually(
    async () => {
      const miners = (await get('/web/graph_data/miner_hash_rates/last_hour')).find(
        (p: [number, Record<string, number>]) => Object.keys(p[1]).length,
      );
      assert.ok(miners?.[1][`${chain.address}.demo`] > 0);
    },
    "the demo miner's rate in miner_hash_rates",
    20_000,
  );
});

test('headless Chromium: the dashboard and a miner page render their data with no console errors', async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launch();
  const { page, errors } = await openPage(browser, `http://127.0.0.1:${web}/`);
  // Charts drawn (uPlot canvases with data), tables filled.
  await page.waitForFunction(() => document.querySelectorAll('.chart canvas').length >= 3, undefined, { timeout: 30_000 });
  await page.waitForFunction(
    () =>
      document.querySelectorAll('#payouts tbody a').length >= 1 &&
      document.querySelectorAll('#blocks tbody td.state-confirmed').length >= 1,
    undefined,
    { timeout: 30_000 },
  );
  const card = await page.textContent('#local-rate');
  assert.match(card ?? '', /H\/s/);
  assert.notEqual(card, '–');
  // The local chart has points above zero: read its series back from uPlot's data via the legend hover.
  const drawn = await page.evaluate(() => {
    const c = document.querySelector('#chart-local canvas');
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let lit = 0;
    // Pixels of the local series' blue (#4d9de0).
    for (let i = 0; i < px.length; i += 4)
      if (Math.abs(px[i]! - 77) < 20 && Math.abs(px[i + 1]! - 157) < 20 && Math.abs(px[i + 2]! - 224) < 20) lit++;
    return lit;
  });
  assert.ok(drawn > 20, `the local hash rate line is drawn (${drawn} pixels)`);
  // Sorting the payouts table by address flips the header's marker.
  await page.click('#payouts th[data-key="address"]');
  assert.equal(await page.getAttribute('#payouts th[data-key="address"]', 'class'), 'asc');
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  assert.deepEqual(errors, []);

  const m = await openPage(browser, `http://127.0.0.1:${web}/miner/${chain.address}`);
  await m.page.waitForFunction(
    () => document.querySelectorAll('#m-share-list tbody a').length >= 3 && document.querySelectorAll('#chart-miner canvas').length >= 1,
    undefined,
    { timeout: 30_000 },
  );
  assert.match((await m.page.textContent('#workers tbody')) ?? '', /demo/);
  assert.ok(Number(await m.page.textContent('#m-shares')) >= 3);
  await m.page.screenshot({ path: join(ARTIFACTS, 'miner.png'), fullPage: true });
  assert.deepEqual(m.errors, []);
});

// The families issue 14 lists, from the one process of the embedded default (each service registers
// its own, so a cluster pod of one service lists that service's part).
const FAMILIES = [
  'p2pool_build_info',
  'p2pool_bus_up',
  'p2pool_service_serving',
  'rpc_client_duration',
  'rpc_server_duration',
  'p2pool_edge_connections',
  'p2pool_edge_submits_total',
  'p2pool_edge_pseudoshares_total',
  'p2pool_edge_shares_total',
  'p2pool_edge_blocks_total',
  'p2pool_edge_hashrate',
  'p2pool_edge_fanout_duration',
  'p2pool_sharechain_height',
  'p2pool_sharechain_sync',
  'p2pool_sharechain_sync_progress',
  'p2pool_node_shares',
  'p2pool_node_hashrate',
  'p2pool_pool_hashrate',
  'p2pool_pool_stale_proportion',
  'p2pool_sharechain_share_propagation',
  'p2pool_sharechain_shares_added_total',
  'p2pool_peers',
  'p2pool_fullnode_rpc_duration',
  'p2pool_fullnode_rpc_errors_total',
  'p2pool_fullnode_up',
  'p2pool_template_height',
  'p2pool_blocks_submitted_total',
  'p2pool_p2p_bytes_total',
];

test('/metrics: the families operators alert on, from the OpenTelemetry Prometheus exporter, with bounded labels', async () => {
  const res = await fetch(`http://127.0.0.1:${health}/metrics`).catch(() => fetch(`http://127.0.0.1:${health}/metrics`));
  assert.equal(res.status, 200);
  const text = await res.text();
  const types = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  for (const f of FAMILIES) assert.ok(types.has(f), `${f} missing from /metrics`);
  assert.equal(types.get('p2pool_edge_fanout_duration'), 'histogram');
  assert.equal(types.get('p2pool_edge_pseudoshares_total'), 'counter');
  assert.match(text, /^p2pool_build_info\{version="[^"]+",share_version="35",network="litecoin_regtest"\} 1$/m);
  assert.match(text, /^p2pool_sharechain_sync\{state="synced"\} 1$/m);
  const accepted = Number(/^p2pool_edge_pseudoshares_total\{result="accepted"\} (\d+)/m.exec(text)?.[1]);
  assert.ok(accepted > 0);
  // Every series the Grafana board (charts/p2pool/dashboards/p2pool.json) queries is one we export.
  const board = JSON.parse(readFileSync(join(REPO, 'charts', 'p2pool', 'dashboards', 'p2pool.json'), 'utf8'));
  const exprs: string[] = board.panels.flatMap((p: { targets?: Array<{ expr: string }> }) => (p.targets ?? []).map((t) => t.expr));
  assert.ok(exprs.length >= 20);
  for (const e of exprs) {
    // A series selector: a name followed by its label matchers (label names never are).
    for (const [, name] of e.matchAll(/\b((?:p2pool|rpc)_[a-z_]+)\{/g)) {
      const family = name!.replace(/_bucket$/, '');
      assert.ok(types.has(family), `the Grafana board queries ${name}, which /metrics does not list`);
    }
  }
  // No per-share, per-job or per-address label values.
  for (const m of text.matchAll(/="([^"]*)"/g)) {
    assert.ok(!/^[0-9a-f]{64}$/.test(m[1]!) && !m[1]!.includes(chain.address), `unbounded label value ${m[1]}`);
  }
});
