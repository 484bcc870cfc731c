// The pool end to end in its cluster shape: a real nats-server, a real litecoind on regtest, and each
// of the six services as its own OS process (services/<name>/main.ts). A miner on the edge's worker
// port gets pseudoshares accepted, its shares reach the sharechain over NATS, and a block it finds is
// submitted through the template builder and accepted by litecoind, with the PPLNS coinbase the
// sharechain verified. Over stratum, then over getwork.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '../../services/bus/contracts.ts';
import { NatsBus } from '../../services/bus/nats.ts';
import { busRpc } from '../../services/bus/rpc.ts';
import { clientsFor } from '../../services/runtime/clients.ts';
import { ANY_PORTS, startChain, type Chain } from '../cluster/chain.ts';
import { NatsServer } from '../cluster/nats-server.ts';
import { eventually, getJson, P2poolProcess, clusterServiceArgs } from '../cluster/procs.ts';
import { mineGetwork, mineStratum, type Pool } from './mining.ts';

const PREFIX = `e2e${process.pid}`;
let chain: Chain;
let nats: NatsServer;
let bus: NatsBus;
let dir: string;
let pool: Pool;
let webPort: number;
const procs = new Map<ServiceName, P2poolProcess>();

before(async () => {
  chain = await startChain();
  nats = await NatsServer.start();
  dir = mkdtempSync(join(tmpdir(), 'p2pool-e2e-cluster-'));
  for (const name of SERVICE_NAMES) {
    procs.set(
      name,
      new P2poolProcess(name, `services/${name}/main.ts`, [
        ...clusterServiceArgs(nats.url, PREFIX, `${name}-0`),
        ...ANY_PORTS,
        '--datadir',
        join(dir, name),
        ...chain.args,
      ]),
    );
  }
  const health = new Map<ServiceName, number>();
  for (const [name, p] of procs) health.set(name, (await p.ports()).health);
  for (const [name, port] of health) {
    await eventually(async () => assert.equal((await getJson(port, '/readyz')).status, 200), `${name} ready`, 60_000);
  }
  const worker = await procs.get('edge')!.waitForLog((r) => r.msg === 'worker port listening', 'worker port');
  const web = await procs.get('web')!.ports();
  bus = await NatsBus.connect({ url: nats.url, prefix: PREFIX });
  webPort = web.web!;
  pool = { workerPort: Number(worker.port), clients: clientsFor(busRpc(bus)), ltc: chain.ltc };
});

after(async () => {
  await bus?.drain().catch(() => undefined);
  await Promise.allSettled([...procs.values()].map((p) => p.terminate('SIGTERM', 20_000).catch(() => p.kill())));
  for (const p of procs.values()) p.kill();
  await nats?.stop();
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('stratum through the edge process: pseudoshares, shares in the sharechain, a block litecoind accepts', async () => {
  const { accepted } = await mineStratum(pool, 'cluster-stratum');
  assert.ok(accepted >= 1);
  // The share went edge → Sharechain.SubmitShare over NATS, the block edge → TemplateBuilder.SubmitBlock.
  assert.ok(procs.get('sharechain')!.logs.some((r) => r.msg === 'share accepted'));
  // The edge also sends the block straight to its full node, so the template builder may be second: duplicate.
  assert.ok(procs.get('template-builder')!.logs.some((r) => /^block [0-9a-f]{64}: (accepted|duplicate)/.test(r.msg)));
});

test('getwork through the edge process: the same', async () => {
  const { accepted } = await mineGetwork(pool, 'cluster-getwork');
  assert.ok(accepted >= 1);
});

test('the web process serves the reference endpoints from the sharechain process', async () => {
  await eventually(
    async () => assert.match((await getJson(webPort, '/web/best_share_hash')).body, /^[0-9a-f]{64}$/),
    'best share on the web',
    20_000,
  );
  const payouts = await getJson(webPort, '/current_payouts');
  assert.equal(payouts.status, 200);
  assert.ok(Object.keys(payouts.body).length >= 1);
  const blocks = await getJson(webPort, '/recent_blocks');
  assert.ok(Array.isArray(blocks.body) && blocks.body.length >= 1, JSON.stringify(blocks.body));
  assert.equal((await getJson(webPort, '/payout_addr')).body, chain.address);
  // The worker port hands the same GETs to the web process (Web.HttpGet over NATS).
  assert.deepEqual((await getJson(pool.workerPort, '/web/best_share_hash')).body, (await getJson(webPort, '/web/best_share_hash')).body);
});

test('the sharechain process restarts from its JetStream stream and the pool mines on', async () => {
  const before = await pool.clients.sharechain.GetStats({});
  const old = procs.get('sharechain')!;
  assert.equal((await old.terminate('SIGTERM', 30_000)).code, 0, old.stderr);
  const args = old.proc.spawnargs.slice(2);
  const again = new P2poolProcess('sharechain', 'services/sharechain/main.ts', args);
  procs.set('sharechain', again);
  const { health } = await again.ports();
  await eventually(async () => assert.equal((await getJson(health, '/readyz')).status, 200), 'sharechain ready again', 60_000);
  assert.ok(
    again.logs.some((r) => /^loaded \d+ shares .* from jetstream/.test(r.msg)),
    'loaded from JetStream',
  );
  const after = await pool.clients.sharechain.GetStats({});
  assert.equal(after.height, before.height);
  assert.equal(Buffer.from(after.bestShareHash).toString('hex'), Buffer.from(before.bestShareHash).toString('hex'));
  await mineStratum(pool, 'cluster-after-restart');
});

test('a rolling update of the sharechain: a standby replica waits, takes over when the leader leaves, the pool mines on', async () => {
  const before = await pool.clients.sharechain.GetStats({});
  const old = procs.get('sharechain')!;
  // The surge pod: same service, another instance; it waits as a ready standby.
  const args = old.proc.spawnargs.slice(2).map((a) => (a === 'sharechain-0' ? 'sharechain-1' : a));
  const standby = new P2poolProcess('sharechain-standby', 'services/sharechain/main.ts', args);
  const { health } = await standby.ports();
  await standby.waitForLog((r) => r.msg === 'standby sharechain replica', 'standby');
  await eventually(async () => assert.equal((await getJson(health, '/readyz')).status, 200), 'standby ready', 30_000);
  // Calls still reach the leader (a standby answers UNAVAILABLE, which the client retries).
  for (let i = 0; i < 5; i++) assert.equal((await pool.clients.sharechain.GetStats({})).height, before.height);
  // The old replica leaves (SIGTERM, as the Deployment controller does once the new pod is available).
  assert.equal((await old.terminate('SIGTERM', 30_000)).code, 0, old.stderr);
  procs.set('sharechain', standby);
  await standby.waitForLog((r) => r.msg === 'leading sharechain replica', 'takes over', 30_000);
  await eventually(async () => assert.equal((await getJson(health, '/readyz')).status, 200), 'new leader ready', 60_000);
  const after = await pool.clients.sharechain.GetStats({});
  assert.equal(after.height, before.height);
  assert.equal(Buffer.from(after.bestShareHash).toString('hex'), Buffer.from(before.bestShareHash).toString('hex'));
  await mineStratum(pool, 'cluster-after-takeover');
});

test('a rolling update of the template builder: the surge replica serves beside the old one, the old one leaves, the edge keeps its work and the pool mines on', async () => {
  const old = procs.get('template-builder')!;
  const args = old.proc.spawnargs.slice(2).map((a) => (a === 'template-builder-0' ? 'template-builder-1' : a));
  const next = new P2poolProcess('template-builder-surge', 'services/template-builder/main.ts', args);
  const { health } = await next.ports();
  await eventually(async () => assert.equal((await getJson(health, '/readyz')).status, 200), 'surge template builder ready', 60_000);
  assert.equal((await old.terminate('SIGTERM', 30_000)).code, 0, old.stderr);
  procs.set('template-builder', next);
  // The edge never lost its work: it stayed ready throughout, and mining goes on through the new replica.
  const edgeHealth = (await procs.get('edge')!.ports()).health;
  assert.equal((await getJson(edgeHealth, '/readyz')).status, 200);
  await mineStratum(pool, 'cluster-after-template-builder-roll');
  assert.ok(
    next.logs.some((r) => /^block [0-9a-f]{64}: /.test(r.msg)),
    'the new replica submitted the block',
  );
});
