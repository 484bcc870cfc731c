// `p2pool bus cleanup` as the operator's cleanup Job runs it (docs/operator.md): against a real
// token-protected nats-server, it deletes one node's streams and KV buckets (those the services
// create) and leaves another node's; a wrong token and bad flags fail clearly.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { NatsBus } from '../../services/bus/nats.ts';
import { ownsStream } from '../../services/bus/cleanup.ts';
import { shareQueueFor } from '../../services/bus/share-queue.ts';
import { bucketName, streamName } from '../../services/bus/subjects.ts';
import { builtinNetwork } from '../../services/core/networks/index.ts';
import { natsPrefixFor } from '../../operator/render/node.ts';
import { NatsServer } from '../cluster/nats-server.ts';

const cli = resolve(import.meta.dirname, '../../services/cli/main.ts');
const TOKEN = 's3cret-token';
const dir = mkdtempSync(join(tmpdir(), 'bus-cleanup-'));
const tokenFile = join(dir, 'token');
writeFileSync(tokenFile, `${TOKEN}\n`);
let nats: NatsServer;

before(async () => {
  nats = await NatsServer.start({ token: TOKEN });
});
after(async () => {
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
});

function run(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [cli, 'bus', 'cleanup', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d));
    p.stderr.on('data', (d: Buffer) => (stderr += d));
    p.on('exit', (status) => done({ status, stdout, stderr }));
  });
}

/** What a node's services leave in JetStream: the share queue stream and a KV bucket. */
async function nodeState(prefix: string): Promise<NatsBus> {
  const bus = await NatsBus.connect({ url: nats.url, prefix, tokenFile });
  const q = shareQueueFor(builtinNetwork('litecoin_regtest'));
  await bus.persist(q.spec, q.topic, new Uint8Array([1]));
  await (await bus.kv({ name: 'vardiff' })).put('miner', new Uint8Array([2]));
  return bus;
}

async function streams(): Promise<string[]> {
  const nc = await connect({ servers: nats.url, token: TOKEN });
  try {
    const jsm = await jetstreamManager(nc);
    const out: string[] = [];
    for await (const n of jsm.streams.names()) out.push(n);
    return out.sort();
  } finally {
    await nc.close();
  }
}

test('a node owns exactly the streams and KV buckets of its bus prefix', () => {
  const mine = natsPrefixFor('pool', 'ltc');
  const other = natsPrefixFor('pool', 'ltc2');
  assert.ok(ownsStream(mine, streamName(mine, 'SHARES_LITECOIN_REGTEST')));
  assert.ok(ownsStream(mine, `KV_${bucketName(mine, 'vardiff')}`));
  assert.ok(!ownsStream(mine, streamName(other, 'SHARES_LITECOIN_REGTEST')));
  assert.ok(!ownsStream(mine, `KV_${bucketName(other, 'vardiff')}`));
  assert.ok(!ownsStream(mine, 'P2POOL_SHARES_LITECOIN'));
});

test("with the token from a file it deletes one node's streams and KV buckets, and only those", async () => {
  const mine = natsPrefixFor('pool', 'ltc');
  const other = natsPrefixFor('pool', 'ltc2');
  const a = await nodeState(mine);
  const b = await nodeState(other);
  try {
    const before = await streams();
    const minePart = before.filter((n) => ownsStream(mine, n));
    assert.equal(minePart.length, 2, before.join(', '));
    const r = await run('--nats', nats.url, '--nats-prefix', mine, '--nats-token-file', tokenFile);
    assert.equal(r.status, 0, r.stderr);
    for (const n of minePart) assert.match(r.stdout, new RegExp(`^deleted ${n}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^2 streams and KV buckets of ${mine} deleted at ${nats.url}$`, 'm'));
    assert.deepEqual(
      await streams(),
      before.filter((n) => !ownsStream(mine, n)),
      'the other node keeps its state',
    );
    // Again: nothing left, still success (a Job retried after a crash).
    const again = await run('--nats', nats.url, '--nats-prefix', mine, '--nats-token-file', tokenFile);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /^0 streams and KV buckets/m);
  } finally {
    await a.drain();
    await b.drain();
  }
});

test('a wrong token or none is an authorization error (exit 1); bad flags exit 2 with the usage', async () => {
  const wrong = join(dir, 'wrong');
  writeFileSync(wrong, 'nope\n');
  for (const args of [['--nats-token-file', wrong], []]) {
    const r = await run('--nats', nats.url, '--nats-prefix', natsPrefixFor('pool', 'ltc'), ...args);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^p2pool bus cleanup: nats:\/\/127\.0\.0\.1:\d+: .*(AUTHORIZATION_VIOLATION|Authorization Violation)/im);
  }
  for (const args of [['--nats', nats.url], ['--nats-prefix', 'p'], ['--nats', 'http://x', '--nats-prefix', 'p'], ['--bogus']]) {
    const r = await run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /usage: p2pool bus cleanup --nats URL --nats-prefix PREFIX/);
  }
  const missing = await run('--nats', nats.url, '--nats-prefix', 'p', '--nats-token-file', join(dir, 'absent'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /ENOENT/);
});
