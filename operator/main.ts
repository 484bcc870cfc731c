// The P2Pool operator: watches P2PoolNodes and what they own, and (as the elected leader) reconciles
// each one through a de-duplicating work queue. /healthz, /readyz and /metrics on --health-port.
// Flags: --namespace NS (watch one namespace; default all), --lease-namespace NS (default: own),
// --health-port PORT (8081), --workers N (2). Env: POD_NAME, POD_NAMESPACE, P2POOL_IMAGE (the
// services' image repository), P2POOL_VERSION, P2POOL_NATS_IMAGE. Design: docs/operator.md.
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { metrics } from '@opentelemetry/api';
import { createLogger } from '../services/runtime/log.ts';
import { PrometheusReader } from '../services/runtime/prometheus.ts';
import { setupTelemetry } from '../services/runtime/telemetry.ts';
import { startHealthServer } from '../services/runtime/http-server.ts';
import { API_VERSION, KIND, type P2PoolNode } from './api/types.ts';
import { LABELS, MANAGED_BY, type RenderDefaults } from './render/node.ts';
import { EventRecorder } from './controller/events.ts';
import { watch } from './controller/informers.ts';
import { KubeClient, KubeError, resourcePath } from './controller/kube.ts';
import { LeaderElector, type Lease, type LeaseStore } from './controller/leader.ts';
import { WorkQueue } from './controller/queue.ts';
import { Reconciler } from './controller/reconciler.ts';

const VERSION = process.env.P2POOL_VERSION ?? '0.1.0';

export interface OperatorFlags {
  namespace?: string;
  leaseNamespace?: string;
  healthPort: number;
  workers: number;
}

export function parseOperatorArgs(argv: string[]): OperatorFlags {
  const f: OperatorFlags = { healthPort: 8081, workers: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    const need = () => {
      if (v === undefined) throw new Error(`${a} expects a value`);
      i++;
      return v;
    };
    if (a === '--namespace') f.namespace = need();
    else if (a === '--lease-namespace') f.leaseNamespace = need();
    else if (a === '--health-port') f.healthPort = Number(need());
    else if (a === '--workers') f.workers = Number(need());
    else throw new Error(`unrecognized argument: ${a}`);
  }
  if (!Number.isInteger(f.healthPort) || f.healthPort < 0 || f.healthPort > 65535) throw new Error('--health-port: expected a port number');
  if (!Number.isInteger(f.workers) || f.workers < 1 || f.workers > 16) throw new Error('--workers: expected 1 to 16');
  return f;
}

function leaseStore(client: KubeClient, namespace: string, name: string): LeaseStore {
  const path = resourcePath('coordination.k8s.io/v1', 'Lease', namespace, name);
  const conflict = (e: unknown) => e instanceof KubeError && e.code === 409;
  return {
    get: () => client.getOrNull<Lease>(path),
    create: (l) =>
      client
        .call('POST', resourcePath('coordination.k8s.io/v1', 'Lease', namespace), {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          ...l,
        })
        .then(
          () => true,
          (e) => {
            if (conflict(e)) return false;
            throw e;
          },
        ),
    replace: (l) =>
      client.call('PUT', path, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...l }).then(
        () => true,
        (e) => {
          if (conflict(e)) return false;
          throw e;
        },
      ),
  };
}

async function main(): Promise<number> {
  let flags: OperatorFlags;
  try {
    flags = parseOperatorArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`p2pool-operator: ${(e as Error).message}\n`);
    return 2;
  }
  const identity = process.env.POD_NAME ?? `${hostname()}-${process.pid}`;
  const log = createLogger({ fields: { service: 'operator', instance: identity } });
  const kc = new KubeConfig();
  if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else kc.loadFromDefault();
  const client = new KubeClient(kc);
  const defaults: RenderDefaults = {
    imageRepository: process.env.P2POOL_IMAGE ?? 'ghcr.io/p2pool-ts/p2pool-ts',
    version: VERSION,
    natsImage: process.env.P2POOL_NATS_IMAGE ?? 'nats:2.10-alpine',
  };

  const prometheus = new PrometheusReader();
  setupTelemetry({ serviceName: 'p2pool-operator', instance: identity, version: VERSION, metricReaders: [prometheus] });
  const meter = metrics.getMeter('p2pool-operator');
  const reconciles = meter.createCounter('p2pool_operator_reconciles', { description: 'reconciles by result' });
  const duration = meter.createHistogram('p2pool_operator_reconcile_seconds', { description: 'reconcile duration', unit: 's' });
  const queue = new WorkQueue({ baseDelayMs: 200, maxDelayMs: 60_000 });
  let leading = false;
  meter
    .createObservableGauge('p2pool_operator_leader', { description: '1 while this replica leads' })
    .addCallback((r) => r.observe(leading ? 1 : 0));
  meter.createObservableGauge('p2pool_operator_queue_depth', { description: 'keys waiting' }).addCallback((r) => r.observe(queue.length));

  const ns = flags.namespace;
  const nodesPath = ns ? resourcePath(API_VERSION, KIND, ns) : `/apis/${API_VERSION}/p2poolnodes`;
  const logErr = (msg: string, err?: unknown) => log.warn(msg, { error: err instanceof Error ? err.message : String(err) });
  const enqueue = (o: { metadata?: { namespace?: string; name?: string } }) => {
    if (leading && o.metadata?.name) queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
  };
  const nodes = watch<P2PoolNode & { metadata: any }>(kc, client, nodesPath, (o) => enqueue(o), { log: logErr });
  // Owned objects: a change (or deletion) of any of them re-queues the node that controls it.
  const owned = ['apps/v1/deployments', 'apps/v1/statefulsets', 'v1/services', 'v1/configmaps'].map((p) => {
    const [group, plural] = [p.slice(0, p.lastIndexOf('/')), p.slice(p.lastIndexOf('/') + 1)];
    const base = group === 'v1' ? '/api/v1' : `/apis/${group}`;
    const path = ns ? `${base}/namespaces/${ns}/${plural}` : `${base}/${plural}`;
    return watch<any>(
      kc,
      client,
      path,
      (o) => {
        const ref = (o.metadata?.ownerReferences ?? []).find((r: any) => r.controller && r.kind === KIND);
        if (ref) enqueue({ metadata: { namespace: o.metadata.namespace, name: ref.name } });
      },
      { labelSelector: `${LABELS.managedBy}=${MANAGED_BY}`, log: logErr },
    );
  });

  const recorder = new EventRecorder(client, 'p2pool-operator', identity, (m, f) => log.warn(m, f));
  const reconciler = new Reconciler({ client, defaults, recorder, log: (m, f) => log.info(m, f) });
  const worker = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === null) return;
      const [namespace, name] = key.split('/') as [string, string];
      const t0 = performance.now();
      try {
        const r = await reconciler.reconcile(namespace, name);
        queue.forget(key);
        reconciles.add(1, { result: 'ok' });
        if (r.requeueAfterMs) queue.addAfter(key, r.requeueAfterMs);
      } catch (e) {
        reconciles.add(1, { result: 'error' });
        const delay = queue.retry(key);
        log.warn('reconcile failed', { key, error: (e as Error).message, retryInMs: delay });
      } finally {
        duration.record((performance.now() - t0) / 1000);
        queue.done(key);
      }
    }
  };

  const leaseNs = flags.leaseNamespace ?? process.env.POD_NAMESPACE ?? 'default';
  const elector = new LeaderElector({
    store: leaseStore(client, leaseNs, 'p2pool-operator'),
    namespace: leaseNs,
    name: 'p2pool-operator',
    identity,
  });
  const health = await startHealthServer('0.0.0.0', flags.healthPort, {
    live: () => ({ ok: true, detail: { identity, leading } }),
    // Ready once the caches are filled: a standby replica is ready too (it takes over at once).
    ready: () => ({ ok: cachesSynced, detail: { identity, leading } }),
    routes: {
      '/metrics': async (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(await prometheus.render());
      },
    },
  });
  let cachesSynced = false;
  Promise.all([nodes.synced, ...owned.map((w) => w.synced)]).then(() => {
    cachesSynced = true;
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { code });
    queue.close();
    await elector.release().catch(() => undefined);
    await Promise.all([nodes.stop(), ...owned.map((w) => w.stop())]).catch(() => undefined);
    await health.close();
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));

  log.info('campaigning for leadership', { lease: `${leaseNs}/p2pool-operator`, watch: ns ?? 'all namespaces' });
  await elector.run(
    () => {
      leading = true;
      log.info('leading');
      for (let i = 0; i < flags.workers; i++) void worker();
      void nodes.synced.then(() => {
        for (const n of nodes.list()) enqueue(n);
      });
    },
    () => {
      leading = false;
      log.error('lost leadership; exiting so a fresh process campaigns again');
      void stop(1);
    },
    (m, e) => logErr(m, e),
  );
  return 0;
}

if (import.meta.main) {
  main().then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (e) => {
      process.stderr.write(`p2pool-operator: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
