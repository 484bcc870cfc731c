// One reconcile of one P2PoolNode: finalizer, server-side apply of the rendered objects, pruning of
// owned objects no longer rendered, live figures, status. Idempotent: a reconcile cut short (the
// operator killed) is simply done again by the next leader, and applies converge to the same objects.
import { request } from 'node:http';
import { API_VERSION, FIELD_MANAGER, FINALIZER, KIND, type KubeObject, type P2PoolNode, type PoolFigures } from '../api/types.ts';
import { extranoncePrefixFor } from '../../services/pool/extranonce-prefix.ts';
import { componentName, keptObjects, LABELS, MANAGED_BY, natsPrefixFor, render, type RenderDefaults } from '../render/node.ts';
import { PORTS } from '../render/args.ts';
import { computeStatus, poolFigures, sameStatus, type WorkloadObservation } from '../render/status.ts';
import { observeWorkload, planRollout, type ObservedWorkload, type RolloutPlan } from '../render/rollout.ts';
import { resourcePath, type KubeClient } from './kube.ts';
import { deleteBusState } from '../../services/bus/cleanup.ts';
import { busCleanupJob } from '../render/bus-cleanup.ts';

export interface Recorder {
  event(node: P2PoolNode, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface ReconcileResult {
  /** Re-queue after this long (live figures, waiting for a prerequisite). */
  requeueAfterMs?: number;
}

// Kinds the operator may have to delete when the spec stops rendering them (e.g. autoscaling off).
const PRUNABLE: { apiVersion: string; kind: string }[] = [
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'v1', kind: 'Service' },
  // A service's arguments of a version no pod template mounts any more (render/node.ts configMapName).
  { apiVersion: 'v1', kind: 'ConfigMap' },
];

export interface ReconcilerOptions {
  client: KubeClient;
  defaults: RenderDefaults;
  recorder: Recorder;
  log: (msg: string, fields?: Record<string, unknown>) => void;
  /** Reads the pool's live figures; replaceable in tests. */
  fetchJson?: (host: string, port: number, path: string) => Promise<unknown>;
  now?: () => Date;
}

export class Reconciler {
  readonly #o: ReconcilerOptions;
  constructor(o: ReconcilerOptions) {
    this.#o = o;
  }

  async reconcile(namespace: string, name: string): Promise<ReconcileResult> {
    const { client } = this.#o;
    const nodePath = resourcePath(API_VERSION, KIND, namespace, name);
    const node = await client.getOrNull<P2PoolNode>(nodePath);
    if (!node) return {};

    if (node.metadata.deletionTimestamp) {
      // Not done yet: a cleanup Job still runs (or failed and waits for the user, docs/operator.md).
      const wait = await this.#finalize(node, nodePath);
      return wait === null ? {} : { requeueAfterMs: wait };
    }
    if (!node.metadata.finalizers?.includes(FINALIZER)) {
      // test on the resourceVersion: a concurrent writer makes this fail and the key is retried.
      await client.jsonPatch(nodePath, [
        { op: 'test', path: '/metadata/resourceVersion', value: node.metadata.resourceVersion },
        node.metadata.finalizers
          ? { op: 'add', path: '/metadata/finalizers/-', value: FINALIZER }
          : { op: 'add', path: '/metadata/finalizers', value: [FINALIZER] },
      ]);
    }

    let error: string | undefined;
    let rendered = render(node, this.#o.defaults);
    let plan: RolloutPlan | undefined;
    try {
      if (rendered.waitingFor) {
        // The operator's NATS first: its Service address goes into every service's arguments.
        await this.#applyAll(node, rendered.objects);
        const svc = await client.getOrNull(resourcePath('v1', 'Service', namespace, componentName(name, 'nats')));
        const ip = svc?.spec?.clusterIP;
        if (ip && ip !== 'None') rendered = render(node, this.#o.defaults, { natsServiceIP: ip });
      }
      if (!rendered.waitingFor) {
        // A version change rolls step by step (render/rollout.ts): what runs now decides what changes.
        const now = (this.#o.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
        plan = planRollout({
          objects: rendered.objects,
          target: rendered.version,
          observed: await this.#workloads(node),
          previous: node.status?.rollout,
          now,
        });
        if (plan.reason === 'RolloutStepFailed' && node.status?.rollout?.failed !== plan.rollout?.failed)
          this.#o.recorder.event(node, 'Warning', 'RolloutStepFailed', plan.message.slice(0, 1000));
        await this.#applyAll(node, plan.objects);
        await this.#prune(node, keptObjects(plan.objects));
      } else {
        await this.#applyAll(node, rendered.objects);
      }
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      this.#o.recorder.event(node, 'Warning', 'ApplyFailed', error.slice(0, 1000));
    }

    const observed = await this.#observe(node, rendered.edgeSelector);
    const status = computeStatus({
      node,
      version: rendered.version,
      now: (this.#o.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...(error ? { error } : {}),
      ...(rendered.waitingFor ? { waitingFor: rendered.waitingFor } : {}),
      workloads: observed.workloads,
      edges: { ...observed.edges, selector: rendered.edgeSelector },
      ...(observed.pool ? { pool: observed.pool } : {}),
      ...(observed.poolError ? { poolError: observed.poolError } : {}),
      ...(plan ? { rollout: plan } : {}),
    });
    if (!sameStatus(node.status, status)) {
      const before = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
      const after = status.conditions?.find((c) => c.type === 'Ready')?.status;
      await client.mergePatch(`${nodePath}/status`, { status });
      if (before !== after && after === 'True')
        this.#o.recorder.event(node, 'Normal', 'Ready', status.conditions!.find((c) => c.type === 'Ready')!.message);
    }
    if (error) throw new Error(error);
    return {
      requeueAfterMs: rendered.waitingFor || status.conditions?.some((c) => c.type === 'Ready' && c.status !== 'True') ? 3_000 : 15_000,
    };
  }

  async #applyAll(node: P2PoolNode, objects: KubeObject[]): Promise<void> {
    const { client } = this.#o;
    for (const obj of objects) {
      const path = resourcePath(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name);
      const before = await client.getOrNull(path);
      const after = await client.apply(obj, FIELD_MANAGER);
      if (!before) this.#o.recorder.event(node, 'Normal', 'Created', `created ${obj.kind} ${obj.metadata.name}`);
      else if (
        before.metadata?.resourceVersion !== after?.metadata?.resourceVersion &&
        before.metadata?.generation !== after?.metadata?.generation
      ) {
        this.#o.recorder.event(node, 'Normal', 'Updated', `updated ${obj.kind} ${obj.metadata.name}`);
      }
    }
  }

  async #workloads(node: P2PoolNode): Promise<Map<string, ObservedWorkload>> {
    const { client } = this.#o;
    const ns = node.metadata.namespace;
    const sel = encodeURIComponent(`${LABELS.instance}=${node.metadata.name},${LABELS.managedBy}=${MANAGED_BY}`);
    const out = new Map<string, ObservedWorkload>();
    for (const kind of ['Deployment', 'StatefulSet'] as const) {
      const list = await client.get(`${resourcePath('apps/v1', kind, ns)}?labelSelector=${sel}`);
      for (const w of list.items ?? []) out.set(w.metadata.name, observeWorkload({ ...w, kind }));
    }
    return out;
  }

  async #prune(node: P2PoolNode, want: ReadonlySet<string>): Promise<void> {
    const { client } = this.#o;
    const sel = encodeURIComponent(`${LABELS.instance}=${node.metadata.name},${LABELS.managedBy}=${MANAGED_BY}`);
    for (const { apiVersion, kind } of PRUNABLE) {
      const list = await client.get(`${resourcePath(apiVersion, kind, node.metadata.namespace)}?labelSelector=${sel}`);
      for (const item of list.items ?? []) {
        const owned = (item.metadata.ownerReferences ?? []).some(
          (r: { uid: string; controller?: boolean }) => r.uid === node.metadata.uid && r.controller,
        );
        if (!owned || want.has(`${kind}/${item.metadata.name}`)) continue;
        await client.delete(resourcePath(apiVersion, kind, node.metadata.namespace, item.metadata.name));
        this.#o.recorder.event(node, 'Normal', 'Deleted', `deleted ${kind} ${item.metadata.name} (no longer in the spec or mounted)`);
      }
    }
  }

  async #observe(node: P2PoolNode, edgeSelector: string) {
    const { client } = this.#o;
    const ns = node.metadata.namespace;
    const sel = encodeURIComponent(`${LABELS.instance}=${node.metadata.name},${LABELS.managedBy}=${MANAGED_BY}`);
    const workloads: WorkloadObservation[] = [];
    const [deps, stss] = await Promise.all([
      client.get(`${resourcePath('apps/v1', 'Deployment', ns)}?labelSelector=${sel}`),
      client.get(`${resourcePath('apps/v1', 'StatefulSet', ns)}?labelSelector=${sel}`),
    ]);
    for (const [kind, list] of [
      ['Deployment', deps],
      ['StatefulSet', stss],
    ] as const) {
      for (const w of list.items ?? []) {
        const st = w.status ?? {};
        workloads.push({
          name: w.metadata.name,
          kind,
          desired: w.spec.replicas ?? 1,
          ready: st.readyReplicas ?? 0,
          updated: st.updatedReplicas ?? 0,
          current: (st.observedGeneration ?? 0) >= (w.metadata.generation ?? 0),
        });
      }
    }
    const pods = await client.get(`${resourcePath('v1', 'Pod', ns)}?labelSelector=${encodeURIComponent(edgeSelector)}`);
    const readyEdges = (pods.items ?? []).filter(
      (p: any) => !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True'),
    );
    const edgeSts = workloads.find((w) => w.name === componentName(node.metadata.name, 'edge'));
    const edges = {
      desired: node.spec.edge?.replicas ?? 1,
      ready: Math.min(readyEdges.length, edgeSts?.ready ?? readyEdges.length),
      prefixes: readyEdges.map((p: any) => extranoncePrefixFor(p.metadata.name).value),
    };
    let pool: PoolFigures | undefined;
    let poolError: string | undefined;
    const web = await client.getOrNull(resourcePath('v1', 'Service', ns, componentName(node.metadata.name, 'web')));
    const ip = web?.spec?.clusterIP;
    if (ip && workloads.some((w) => w.name.endsWith('-web') && w.ready > 0)) {
      const fetchJson = this.#o.fetchJson ?? getJson;
      const port = node.spec.web?.service?.port ?? PORTS.web;
      try {
        const [local, global, best] = await Promise.all([
          fetchJson(ip, port, '/local_stats'),
          fetchJson(ip, port, '/global_stats'),
          fetchJson(ip, port, '/web/best_share_hash'),
        ]);
        const bestShare =
          typeof best === 'string' && /^[0-9a-f]{64}$/.test(best)
            ? await fetchJson(ip, port, `/web/share/${best}`).catch(() => null)
            : null;
        pool = poolFigures(
          local as Record<string, unknown> | null,
          global as Record<string, unknown> | null,
          bestShare as Record<string, unknown> | null,
        );
      } catch (e) {
        poolError = e instanceof Error ? e.message : String(e);
      }
    }
    return { workloads, edges, ...(pool ? { pool } : {}), ...(poolError ? { poolError } : {}) };
  }

  /** Cleans up the node's JetStream state and removes the finalizer: null, or when to look again (ms). */
  async #finalize(node: P2PoolNode, nodePath: string): Promise<number | null> {
    const { client } = this.#o;
    const i = node.metadata.finalizers?.indexOf(FINALIZER) ?? -1;
    if (i < 0) return null;
    let url = node.spec.nats?.url;
    if (!url) {
      const svc = await client.getOrNull(resourcePath('v1', 'Service', node.metadata.namespace, componentName(node.metadata.name, 'nats')));
      if (svc?.spec?.clusterIP) url = `nats://${svc.spec.clusterIP}:${PORTS.nats}`;
    }
    // An external NATS outlives the node: its services stop first, or they would recreate what is deleted.
    if (node.spec.nats?.url) {
      const wait = await this.#stopWorkloads(node);
      if (wait !== null) return wait;
    }
    const job = busCleanupJob(node, this.#o.defaults);
    if (job) {
      // A token-protected NATS: the token is the Job's to read (mounted), never the operator's.
      const wait = await this.#cleanupByJob(node, job);
      if (wait !== null) return wait;
    } else if (url) {
      try {
        const deleted = await deleteBusState({ url, prefix: natsPrefixFor(node.metadata.namespace, node.metadata.name) });
        this.#o.recorder.event(
          node,
          'Normal',
          'StreamsDeleted',
          `deleted JetStream streams and KV buckets: ${deleted.join(', ') || 'none'}`,
        );
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        // The operator's own NATS goes with the node anyway; an external one must be cleaned up.
        if (node.spec.nats?.url) {
          this.#o.recorder.event(node, 'Warning', 'CleanupFailed', `JetStream cleanup at ${url} failed: ${msg}`);
          throw e;
        }
        this.#o.log('operator NATS unreachable during cleanup; its storage goes with the node', { error: msg });
      }
    }
    await client.jsonPatch(nodePath, [
      { op: 'test', path: `/metadata/finalizers/${i}`, value: FINALIZER },
      { op: 'remove', path: `/metadata/finalizers/${i}` },
    ]);
    return null;
  }

  /** Deletes the node's Deployments and StatefulSets: null once none of their pods is left, else when to look again. */
  async #stopWorkloads(node: P2PoolNode): Promise<number | null> {
    const { client } = this.#o;
    const ns = node.metadata.namespace;
    for (const w of (await this.#workloads(node)).values()) await client.delete(resourcePath('apps/v1', w.kind, ns, w.name));
    const podSel = encodeURIComponent(`${LABELS.instance}=${node.metadata.name},${LABELS.component}!=bus-cleanup`);
    const pods = await client.get(`${resourcePath('v1', 'Pod', ns)}?labelSelector=${podSel}`);
    return (pods.items ?? []).length === 0 ? null : 2_000;
  }

  /** Starts the bus cleanup Job once: null when it completed, else when to look again (a failed Job waits for the user). */
  async #cleanupByJob(node: P2PoolNode, job: KubeObject): Promise<number | null> {
    const { client, recorder } = this.#o;
    const path = resourcePath(job.apiVersion, job.kind, node.metadata.namespace, job.metadata.name);
    const found = await client.getOrNull(path);
    if (!found) {
      await client.apply(job, FIELD_MANAGER);
      recorder.event(node, 'Normal', 'CleanupStarted', `JetStream cleanup at ${node.spec.nats?.url} runs as Job ${job.metadata.name}`);
      return 3_000;
    }
    const conditions: { type: string; status: string; reason?: string; message?: string }[] = found.status?.conditions ?? [];
    if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) {
      recorder.event(node, 'Normal', 'StreamsDeleted', `JetStream streams and KV buckets deleted by Job ${job.metadata.name}`);
      return null;
    }
    const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
    if (failed) {
      recorder.event(
        node,
        'Warning',
        'CleanupFailed',
        `Job ${job.metadata.name} failed (${failed.reason ?? ''}: ${failed.message ?? ''}); its log says why (kubectl logs job/${job.metadata.name}). ` +
          `Delete the Job to try again, or remove the finalizer ${FINALIZER} to delete the node without cleanup.`,
      );
      return 60_000;
    }
    return 3_000;
  }
}

function getJson(host: string, port: number, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET', timeout: 3_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if ((res.statusCode ?? 0) !== 200) return reject(new Error(`GET ${path}: ${res.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}
