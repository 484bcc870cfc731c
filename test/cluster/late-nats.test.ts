// In Kubernetes a service may start before NATS. It must be alive (so it is not restarted), not ready,
// and become ready by itself once NATS is up; SIGTERM while still waiting must exit cleanly.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServer } from './nats-server.ts';
import { eventually, getJson, P2poolProcess } from './procs.ts';
import { regtestAddress } from '../harness/keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'p2pool-late-'));
let nats: NatsServer | undefined;
const procs: P2poolProcess[] = [];
after(async () => {
  for (const p of procs) p.kill();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function service(name: string, url: string): P2poolProcess {
  const p = new P2poolProcess(name, `services/${name}/main.ts`, [
    '--nats',
    url,
    '--instance',
    `${name}-late`,
    '--health-host',
    '127.0.0.1',
    '--health-port',
    '0',
    '--web-port',
    '0',
    '--grpc-port',
    '0',
    '--datadir',
    join(dir, name),
  ]);
  procs.push(p);
  return p;
}

test('a service started before NATS waits alive but not ready, then becomes ready', async () => {
  nats = await NatsServer.prepare();
  // aux: ready with nothing but the bus (the others also wait for a full node or a sharechain).
  const p = service('aux', nats.url);
  const h = await p.waitForLog((r) => r.msg === 'health endpoint listening', 'health endpoint');
  const port = Number(h.port);
  assert.equal((await getJson(port, '/healthz')).status, 200);
  const waiting = await getJson(port, '/readyz');
  assert.equal(waiting.status, 503);
  assert.equal(waiting.body.bus, 'connecting');

  await nats.restart();
  await eventually(async () => assert.equal((await getJson(port, '/readyz')).status, 200), 'ready once NATS is up');
  assert.equal((await p.terminate()).code, 0);
});

test('SIGTERM while waiting for NATS exits cleanly', async () => {
  const p = service('edge', 'nats://127.0.0.1:1');
  await p.waitForLog((r) => r.msg === 'health endpoint listening', 'health endpoint');
  const { code } = await p.terminate();
  assert.equal(code, 0, p.stderr);
  assert.ok(p.logs.some((r) => r.msg === 'stopped'));
});

// Issue 12.11: start-up says what it waits for, every few seconds, instead of 40 s of silence; NATS
// without JetStream gets the hint to start it with -js.
test('waiting for NATS is logged every few seconds; NATS without JetStream says -js', async (t) => {
  const p = service('aux', 'nats://127.0.0.1:1');
  const w = await p.waitForLog((r) => r.msg === 'waiting for NATS', 'waiting for NATS', 40_000);
  assert.match(String(w.hint), /nats-server -js/);
  await p.terminate();

  // A real nats-server without JetStream, and the sharechain, which keeps its shares in JetStream.
  const { spawn } = await import('node:child_process');
  const { freePort } = await import('./nats-server.ts');
  const port = await freePort();
  const plain = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  t.after(() => plain.kill('SIGKILL'));
  const sc = new P2poolProcess('sharechain', 'services/sharechain/main.ts', [
    '--nats',
    `nats://127.0.0.1:${port}`,
    '--instance',
    'sharechain-nojs',
    '--health-host',
    '127.0.0.1',
    '--health-port',
    '0',
    '--datadir',
    join(dir, 'nojs'),
    '--net',
    'litecoin_regtest',
    '-a',
    regtestAddress('litecoin', 'no jetstream'),
  ]);
  procs.push(sc);
  await eventually(
    async () =>
      assert.ok(
        sc.logs.some((r) => /start nats-server with -js/.test(JSON.stringify(r))),
        'the -js hint',
      ),
    'the -js hint',
    90_000,
  ).catch((e) => {
    throw new Error(`${e.message}; logs: ${JSON.stringify(sc.logs.slice(-8))} ${sc.stderr}`);
  });
});
