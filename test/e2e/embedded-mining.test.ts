// The same mining scenario on the embedded default: one `p2pool` process (services/cli/main.ts) with
// all six services on the in-process bus, on a real litecoind regtest; the test reaches the services
// through the gRPC API. Also: SIGTERM with a miner connected stops cleanly and the shares are on disk
// for the next start.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { grpcRpc } from '../../services/bus/grpc.ts';
import { clientsFor } from '../../services/runtime/clients.ts';
import { ANY_PORTS, startChain, type Chain } from '../cluster/chain.ts';
import { eventually, getJson, P2poolProcess } from '../cluster/procs.ts';
import { mineGetwork, mineStratum, type Pool } from './mining.ts';

let chain: Chain;
let dir: string;
let proc: P2poolProcess;
let api: ReturnType<typeof grpcRpc>;
let pool: Pool;

function start(instance: string): P2poolProcess {
  return new P2poolProcess(instance, 'services/cli/main.ts', [
    '--instance',
    instance,
    ...ANY_PORTS,
    '--datadir',
    join(dir, 'data'),
    ...chain.args,
  ]);
}

async function attach(p: P2poolProcess): Promise<void> {
  const ports = await p.ports();
  await eventually(async () => assert.equal((await getJson(ports.health, '/readyz')).status, 200), 'ready', 60_000);
  const worker = await p.waitForLog((r) => r.msg === 'worker port listening', 'worker port');
  api?.close();
  api = grpcRpc(`127.0.0.1:${ports.grpc}`);
  pool = { workerPort: Number(worker.port), clients: clientsFor(api), ltc: chain.ltc };
}

before(async () => {
  chain = await startChain();
  dir = mkdtempSync(join(tmpdir(), 'p2pool-e2e-embedded-'));
  proc = start('solo');
  await attach(proc);
});

after(async () => {
  api?.close();
  await proc?.terminate('SIGTERM', 20_000).catch(() => proc.kill());
  proc?.kill();
  await chain?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('stratum on the embedded node: pseudoshares, shares, a block litecoind accepts', async () => {
  await mineStratum(pool, 'embedded-stratum');
});

test('getwork on the embedded node: the same', async () => {
  await mineGetwork(pool, 'embedded-getwork');
});

test('SIGTERM stops the node cleanly; a restart loads the shares from --datadir and carries on', async () => {
  const before = await pool.clients.sharechain.GetStats({});
  assert.ok(before.height >= 2);
  const { code } = await proc.terminate('SIGTERM', 30_000);
  assert.equal(code, 0, proc.stderr);
  assert.ok(readdirSync(join(dir, 'data', 'litecoin_regtest')).some((f) => f.startsWith('shares.')));

  proc = start('solo-again');
  await attach(proc);
  const after = await pool.clients.sharechain.GetStats({});
  assert.equal(Buffer.from(after.bestShareHash).toString('hex'), Buffer.from(before.bestShareHash).toString('hex'));
  assert.equal(after.height, before.height);
  await mineStratum(pool, 'embedded-after-restart');
});

test('without -a the payout address comes from the full node wallet and is cached in the data dir', async () => {
  const args = chain.args.filter((a, i) => a !== '-a' && chain.args[i - 1] !== '-a');
  const data = join(dir, 'wallet-node');
  const p = new P2poolProcess('wallet', 'services/cli/main.ts', ['--instance', 'wallet', ...ANY_PORTS, '--datadir', data, ...args]);
  try {
    const ports = await p.ports();
    await eventually(async () => assert.equal((await getJson(ports.health, '/readyz')).status, 200), 'ready', 60_000);
    const address = readFileSync(join(data, 'litecoin_regtest', 'cached_payout_address'), 'utf8').trim();
    assert.match(address, /^rltc1/);
    assert.equal((await getJson(ports.web!, '/payout_addr')).body, address);
    const info = await chain.ltc.call<{ ismine: boolean }>('getaddressinfo', address);
    assert.equal(info.ismine, true);
  } finally {
    await p.terminate('SIGTERM', 20_000).catch(() => p.kill());
  }
});
