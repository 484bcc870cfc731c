// In Kubernetes a service may start before NATS. It must be alive (so it is not restarted), not ready,
// and become ready by itself once NATS is up; SIGTERM while still waiting must exit cleanly.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServer } from './nats-server.ts';
import { eventually, getJson, P2poolProcess } from './procs.ts';

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
    '--nats', url, '--instance', `${name}-late`, '--health-host', '127.0.0.1', '--health-port', '0',
    '--web-port', '0', '--grpc-port', '0', '--datadir', join(dir, name),
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
