// One trace follows a call from a gRPC client through the gateway and NATS to the service, and an event
// from its publisher to its subscriber: the context rides in gRPC metadata and NATS headers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { InMemoryMetricExporter, PeriodicExportingMetricReader, AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { EdgeClientImpl, EdgeDefinition } from '../gen/p2pool/v1/edge.ts';
import { NatsServer } from '../../test/cluster/nats-server.ts';
import { setupTelemetry, type Telemetry } from '../runtime/telemetry.ts';
import { Events } from './events.ts';
import { startGrpcGateway, grpcRpc } from './grpc.ts';
import { NatsBus } from './nats.ts';
import { emit, on } from './pubsub.ts';
import { serveContract } from './rpc.ts';

let nats: NatsServer;
let telemetry: Telemetry;
const spans = new InMemorySpanExporter();
const metricsOut = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metricsOut, exportIntervalMillis: 3_600_000 });

before(async () => {
  nats = await NatsServer.start();
  telemetry = setupTelemetry({
    serviceName: 'tracing-test',
    instance: 't',
    version: '0',
    env: {},
    spanExporter: spans,
    metricReaders: [reader],
  });
});
after(async () => {
  await telemetry.shutdown();
  await nats.stop();
});

function byName(name: string): ReadableSpan {
  const s = spans.getFinishedSpans().find((x) => x.name === name);
  assert.ok(
    s,
    `no span ${name}; have ${spans
      .getFinishedSpans()
      .map((x) => x.name)
      .join(', ')}`,
  );
  return s;
}

test('a gRPC call traced through the gateway and NATS to the service', async () => {
  const bus = await NatsBus.connect({ url: nats.url, prefix: 'trace1' });
  const gw = await startGrpcGateway({ bus, definitions: [EdgeDefinition], host: '127.0.0.1', port: 0 });
  const rpc = grpcRpc(`127.0.0.1:${gw.port}`);
  let seenTrace = '';
  try {
    await serveContract(bus, EdgeDefinition, {
      async GetLocalStats() {
        seenTrace = trace.getActiveSpan()?.spanContext().traceId ?? '';
        return {};
      },
    });
    const root = trace.getTracer('test').startSpan('root');
    const traceId = root.spanContext().traceId;
    await context.with(trace.setSpan(context.active(), root), () => new EdgeClientImpl(rpc).GetLocalStats({}));
    root.end();
    assert.equal(seenTrace, traceId, "the handler runs inside the caller's trace");
    const server = spans.getFinishedSpans().find((s) => s.name === 'Edge/GetLocalStats' && s.kind === SpanKind.SERVER)!;
    const busClient = spans.getFinishedSpans().find((s) => s.name === 'Edge/GetLocalStats' && s.kind === SpanKind.CLIENT)!;
    assert.ok(server && busClient);
    assert.equal(server.spanContext().traceId, traceId);
    assert.equal(busClient.spanContext().traceId, traceId);
    assert.equal(server.parentSpanContext?.spanId, busClient.spanContext().spanId, 'server span is the child of the bus client span');
    assert.equal(server.attributes['rpc.code'], 'OK');

    await reader.forceFlush();
    const names = metricsOut.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.descriptor.name)));
    assert.ok(names.includes('rpc.server.duration') && names.includes('rpc.client.duration'), names.join(', '));
  } finally {
    rpc.close();
    await gw.close();
    await bus.drain();
  }
});

test("an event carries its publisher's trace to the subscriber", async () => {
  const bus = await NatsBus.connect({ url: nats.url, prefix: 'trace2' });
  try {
    let consumerTrace = '';
    let received!: () => void;
    const got = new Promise<void>((resolve) => {
      received = resolve;
    });
    // Subscribed once on() resolves: the event below cannot be missed.
    await on(bus, Events.auxWorkPublished, () => {
      consumerTrace = trace.getActiveSpan()?.spanContext().traceId ?? '';
      received();
    });
    let producerTrace = '';
    await trace.getTracer('test').startActiveSpan('publisher', async (span) => {
      producerTrace = span.spanContext().traceId;
      await emit(
        bus,
        Events.auxWorkPublished,
        { work: { auxWorkId: 1n, chains: [], merkleRoot: new Uint8Array(32), treeSize: 1, merkleNonce: 0 } },
        'aux-1',
      );
      span.end();
    });
    await got;
    assert.equal(consumerTrace, producerTrace);
    // The consumer span ends just after the handler returns.
    for (let i = 0; i < 50 && !spans.getFinishedSpans().some((x) => x.name === 'AuxWorkPublished process'); i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(byName('AuxWorkPublished process').parentSpanContext?.spanId, byName('AuxWorkPublished publish').spanContext().spanId);
  } finally {
    await bus.drain();
  }
});
