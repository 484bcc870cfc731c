// The worker-port handoff: a GET the edge receives is answered by the web service over the bus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busRpc } from '../bus/rpc.ts';
import { parseArgs } from '../runtime/flags.ts';
import { startNode } from '../runtime/node.ts';
import { clientsFor } from '../runtime/clients.ts';
import { createLogger } from '../runtime/log.ts';
import { webHandlerFor } from '../runtime/http-get.ts';
import { createWebServer } from './server.ts';

test('webHandlerFor forwards worker-port GETs to Web.HttpGet', async () => {
  // Only the web service: its routes are what the handoff reaches.
  const dir = mkdtempSync(join(tmpdir(), 'p2pool-web-test-'));
  const parsed = parseArgs(
    [
      '--health-port',
      '0',
      '--web-port',
      '0',
      '--grpc-port',
      '0',
      '--p2pool-port',
      '0',
      '-w',
      '127.0.0.1:0',
      '--datadir',
      dir,
      '--instance',
      'w',
      '--net',
      'litecoin_regtest',
      '-a',
      'rltc1qw508d6qejxtdg4y5r3zarvary0c5xw7k693xs3',
      '--bitcoind-rpc-port',
      '1',
    ],
    'w',
  );
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return;
  const { host, bus } = await startNode(parsed.config, createLogger({ write: () => undefined }), [['web', createWebServer]]);
  const worker = createServer(webHandlerFor(clientsFor(busRpc(bus)).web));
  await new Promise<void>((r) => worker.listen(0, '127.0.0.1', () => r()));
  try {
    const port = (worker.address() as AddressInfo).port;
    const info = await fetch(`http://127.0.0.1:${port}/api/v1/node?x=1`);
    assert.equal(info.status, 200);
    assert.equal(info.headers.get('access-control-allow-origin'), '*');
    assert.equal(((await info.json()) as { mode: string }).mode, 'embedded');
    assert.equal((await fetch(`http://127.0.0.1:${port}/no/such/page`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' })).status, 405);
  } finally {
    worker.close();
    await host.shutdown('test');
    rmSync(dir, { recursive: true, force: true });
  }
});
