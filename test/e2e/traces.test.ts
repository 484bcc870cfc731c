// OpenTelemetry traces of a share's path and of a block's submission, on the embedded node in this
// process (real litecoind regtest, a stratum miner): the spans are caught by an in-memory exporter in
// place of OTLP, which stays off unless OTEL_EXPORTER_OTLP_* names an endpoint.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { busRpc } from '../../services/bus/rpc.ts';
import { parseArgs } from '../../services/runtime/flags.ts';
import { startNode, type StartedNode } from '../../services/runtime/node.ts';
import { servicesFor } from '../../services/cli/services.ts';
import { clientsFor } from '../../services/runtime/clients.ts';
import { createLogger } from '../../services/runtime/log.ts';
import { setupTelemetry, type Telemetry } from '../../services/runtime/telemetry.ts';
import { ANY_PORTS, startChain, type Chain } from '../cluster/chain.ts';
import { eventually } from '../cluster/procs.ts';
import { assertAllHealthy } from '../cluster/scenario.ts';
import { mineStratum } from './mining.ts';

const spans = new InMemorySpanExporter();
let telemetry: Telemetry;
let chain: Chain;
let node: StartedNode;
let dir: string;

before(async () => {
  telemetry = setupTelemetry({ serviceName: 'p2pool-test', instance: 'traces', version: 'test', env: {}, spanExporter: spans });
  chain = await startChain('p2pool-ts traces');
  dir = mkdtempSync(join(tmpdir(), 'p2pool-traces-'));
  const parsed = parseArgs([...ANY_PORTS, '--instance', 'traces', '--datadir', dir, ...chain.args], 'traces');
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return;
  node = await startNode(parsed.config, createLogger({ write: () => undefined }), servicesFor(parsed.config.service));
});

after(async () => {
  await node?.host.shutdown('test done');
  await chain?.stop();
  await telemetry?.shutdown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The chain of parents from a span up to its trace's root.
function ancestry(span: ReadableSpan, all: ReadableSpan[]): string[] {
  const byId = new Map(all.map((s) => [s.spanContext().spanId, s]));
  const names: string[] = [];
  for (let s: ReadableSpan | undefined = span; s; s = s.parentSpanContext ? byId.get(s.parentSpanContext.spanId) : undefined)
    names.push(s.name);
  return names;
}

test("a share's trace: submit → SubmitShare → accept → verify → relay; a block's: submit → SubmitBlock → full nodes", async () => {
  const clients = clientsFor(busRpc(node.bus));
  const worker = Number(/:(\d+)$/.exec(node.host.endpoints().worker!)![1]);
  await eventually(() => assertAllHealthy(clients, () => 'traces'), 'every service ready', 60_000);
  await mineStratum({ workerPort: worker, clients, ltc: chain.ltc }, 'traces');
  await eventually(
    async () => {
      const all = spans.getFinishedSpans();
      const accept = all.find((s) => s.name === 'share accept');
      assert.ok(accept, 'a share accept span');
      assert.deepEqual(ancestry(accept, all), ['share accept', 'Sharechain/SubmitShare', 'Sharechain/SubmitShare', 'share submit']);
      const verify = all.find((s) => s.name === 'share verify' && s.spanContext().traceId === accept.spanContext().traceId);
      assert.ok(verify, 'verify in the same trace');
      const relay = all.find((s) => s.name === 'share relay' && s.spanContext().traceId === accept.spanContext().traceId);
      assert.ok(relay, 'relay of the new best share in the same trace');
      assert.deepEqual(ancestry(relay, all).slice(0, 2), ['share relay', 'share verify']);
      const toNodes = all.find((s) => s.name === 'block submit to full nodes');
      assert.ok(toNodes, 'a block submission span');
      assert.equal(ancestry(toNodes, all).at(-1), 'block submit');
      assert.ok(ancestry(toNodes, all).includes('TemplateBuilder/SubmitBlock'));
      assert.equal(toNodes.attributes['p2pool.block.outcome'], 'accepted');
    },
    'the spans',
    10_000,
  );
});
