import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcBus } from '../bus/inproc.ts';
import { WebDefinition } from '../gen/p2pool/v1/web.ts';
import { defaultConfig } from './flags.ts';
import { Host } from './host.ts';
import { createLogger } from './log.ts';

test('GET /drain (a preStop hook): not ready, each service drains once and the answer waits for it; SIGTERM later does not drain again', async () => {
  const config = { ...defaultConfig('drain-test'), healthHost: '127.0.0.1', healthPort: 0 };
  let drains = 0;
  let release!: () => void;
  const drained = new Promise<void>((r) => {
    release = r;
  });
  const host = new Host({
    config,
    bus: new InProcBus({ prefix: 'drain' }),
    log: createLogger({ write: () => undefined }),
    version: 't',
    mode: 'embedded',
    services: [
      [
        'web',
        () => ({
          definition: WebDefinition,
          impl: {},
          drain: async () => {
            drains++;
            await drained;
          },
        }),
      ],
    ],
  });
  await host.start();
  const url = (p: string) => `http://127.0.0.1:${host.healthPort}${p}`;
  assert.equal((await fetch(url('/readyz'))).status, 200);
  let answered = false;
  const call = fetch(url('/drain')).then((r) => {
    answered = true;
    return r;
  });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(drains, 1);
  assert.equal(answered, false, 'the hook returns only when the drain is over');
  assert.equal((await fetch(url('/readyz'))).status, 503, 'not ready while draining');
  release();
  const r = await call;
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { drained: true, instance: 'drain-test' });
  await host.shutdown('SIGTERM');
  assert.equal(drains, 1, 'the drain is not repeated at shutdown');
});
