// Issue 12.1 (and what issue 17's roll relies on): in the cluster a share acknowledged to a miner is
// stored durably and reaches the sharechain exactly once, in order, even with the sharechain process
// killed; while NATS cannot take shares the miner is told so instead of "accepted". Real btcd (regtest),
// real nats-server, the six service processes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES, type ServiceName } from '../../services/bus/contracts.ts';
import { startBtcd, type BtcdNode } from '../harness/btcd.ts';
import { regtestAddress } from '../harness/keys.ts';
import { StratumTestClient } from '../edge/stratum-client.ts';
import { ANY_PORTS } from './chain.ts';
import { NatsServer } from './nats-server.ts';
import { eventually, P2poolProcess, clusterServiceArgs } from './procs.ts';

const PREFIX = `sq${process.pid}`;
let btcd: BtcdNode;
let nats: NatsServer;
let dir: string;
const procs = new Map<ServiceName, P2poolProcess>();
const all: P2poolProcess[] = [];

function args(name: string): string[] {
  return [
    ...clusterServiceArgs(nats.url, PREFIX, `${name}-0`),
    '--datadir',
    join(dir, name),
    '--net',
    'bitcoin_regtest',
    '-a',
    regtestAddress('bitcoin', 'share queue pool'),
    '--bitcoind-address',
    '127.0.0.1',
    '--bitcoind-rpc-port',
    String(btcd.rpcPort),
    '--bitcoind-p2p-port',
    String(btcd.p2pPort),
    ...ANY_PORTS,
    btcd.user,
    btcd.pass,
  ];
}

function spawnService(name: ServiceName): P2poolProcess {
  const p = new P2poolProcess(name, `services/${name}/main.ts`, args(name));
  procs.set(name, p);
  all.push(p);
  return p;
}

before(async () => {
  btcd = await startBtcd();
  nats = await NatsServer.start();
  dir = mkdtempSync(join(tmpdir(), 'p2pool-share-queue-'));
  for (const name of SERVICE_NAMES) spawnService(name);
});

after(async () => {
  await Promise.allSettled(all.map((p) => p.terminate('SIGTERM', 20_000).catch(() => p.kill())));
  for (const p of all) p.kill();
  await nats?.stop();
  await btcd?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const MINER = regtestAddress('bitcoin', 'share queue miner');
// "/DIFF" asks for the easiest share target the chain allows (as the reference's usernames do), so
// every pseudoshare at "+DIFF" (~4k hashes) is a share, and a block on regtest.
const USER = `${MINER}/${2 ** -32}+${2 ** -20}`;

/** Submits one solution of the current job (a fresh one when a new block made it stale); its share hash and the answer. */
async function submitShare(
  c: StratumTestClient,
  i: number,
): Promise<{ hash: string; result: unknown; error: { code: number; message: string } | null }> {
  for (;;) {
    const job = c.job!;
    const en2 = (0x100 + i).toString(16).padStart(c.extranonce2Size * 2, '0');
    const params = c.solve({ extranonce2: en2, worker: USER, job });
    const nonce = parseInt(params[4] as string, 16);
    const hash = StratumTestClient.hashValue(c.header(job, en2, job.ntime, nonce))
      .toString(16)
      .padStart(64, '0');
    const r = await c.submit(params);
    if (r.error?.code === 21) {
      await new Promise((res) => setTimeout(res, 200));
      continue;
    }
    return { hash, result: r.result, error: r.error };
  }
}

const handled = (p: P2poolProcess) =>
  p.logs.filter((r) => r.msg === 'share accepted' || r.msg === 'share not accepted').map((r) => String(r.share));

test('shares accepted while the sharechain is killed are queued, then applied once each, in order', async (t) => {
  const edge = procs.get('edge')!;
  const worker = await edge.waitForLog((r) => r.msg === 'worker port listening', 'worker port', 60_000);
  const first = procs.get('sharechain')!;
  await first.waitForLog((r) => r.msg === 'payout address', 'sharechain running', 60_000);
  const c = await StratumTestClient.connect(Number(worker.port));
  t.after(() => c.close());
  await c.subscribe();
  assert.equal((await c.authorize(USER)).result, true);
  await eventually(async () => assert.ok(c.job), 'work', 60_000);
  const warm = await submitShare(c, 0);
  assert.equal(warm.result, true, JSON.stringify(warm.error));
  await eventually(async () => assert.ok(handled(first).includes(warm.hash)), 'the first share in the sharechain', 30_000);

  first.kill(); // SIGKILL: no goodbye
  await first.exited;
  const queued: string[] = [];
  for (let i = 1; i <= 4; i++) {
    const r = await submitShare(c, i);
    assert.equal(r.result, true, `share ${i} with the sharechain down: ${JSON.stringify(r.error)}`);
    queued.push(r.hash);
  }

  const second = spawnService('sharechain');
  await eventually(
    async () => {
      const seen = handled(second);
      for (const h of queued) assert.ok(seen.includes(h), `${h} applied`);
    },
    'the queued shares applied by the new sharechain',
    60_000,
  );
  const seen = handled(second).filter((h) => queued.includes(h));
  assert.deepEqual(seen, queued, 'each queued share applied exactly once, in the order the miner sent them');
  assert.ok(
    second.logs.some((r) => r.msg === 'share accepted' && r.share === queued[0]),
    'and accepted into the chain',
  );
});

test('with NATS down a share is refused with the reason, not acknowledged', async (t) => {
  const edge = procs.get('edge')!;
  const worker = await edge.waitForLog((r) => r.msg === 'worker port listening', 'worker port');
  const c = await StratumTestClient.connect(Number(worker.port));
  t.after(() => c.close());
  await c.subscribe();
  assert.equal((await c.authorize(USER)).result, true);
  await eventually(async () => assert.ok(c.job), 'work', 60_000);
  await nats.kill();
  try {
    const r = await submitShare(c, 50);
    assert.notEqual(r.result, true);
    assert.equal(r.error?.code, 20);
    assert.match(r.error!.message, /not stored/);
    assert.ok(Array.isArray(r.error && (c.replies.at(-1) as { wireError?: unknown }).wireError), 'stratum v1 error array');
  } finally {
    await nats.restart();
  }
});
