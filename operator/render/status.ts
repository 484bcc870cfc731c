// The P2PoolNode's status as a pure function of what the reconciler observed: conditions in the
// metav1.Condition shape (lastTransitionTime kept while a status does not flip) and the pool figures
// read from the web service's reference JSON (/local_stats, /global_stats).
import { JT_VERSIONS } from '../../services/core/share/versions.ts';
import type { Condition, P2PoolNode, P2PoolNodeStatus, PoolFigures } from '../api/types.ts';
import type { RolloutPlan } from './rollout.ts';

// The best share's reference JSON names its class (type_name); the built-in networks are JT-lineage.
const VERSION_BY_CLASS = new Map(JT_VERSIONS.map((v) => [v.className, v.version]));

export interface WorkloadObservation {
  name: string;
  kind: 'Deployment' | 'StatefulSet';
  desired: number;
  ready: number;
  updated: number;
  /** The controller has seen the latest spec (metadata.generation == status.observedGeneration). */
  current: boolean;
}

export interface StatusInput {
  node: P2PoolNode;
  version: string;
  now: string;
  /** Set when the reconcile failed (apply refused, API error). */
  error?: string;
  waitingFor?: string;
  workloads: WorkloadObservation[];
  edges: { desired: number; ready: number; selector: string; prefixes: number[] };
  pool?: PoolFigures;
  /** Why the pool figures could not be read, if they could not. */
  poolError?: string;
  /** The ordered rollout's step (render/rollout.ts): Progressing reports it. */
  rollout?: RolloutPlan;
}

export function formatHashrate(hps: number): string {
  const units = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s', 'PH/s', 'EH/s'];
  let v = hps;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(v >= 100 || i === 0 ? 0 : 2)} ${units[i]}`;
}

const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/** Pool figures from the web service's /local_stats and /global_stats and the best share's JSON. */
export function poolFigures(
  local: Record<string, unknown> | null,
  global: Record<string, unknown> | null,
  bestShare?: Record<string, unknown> | null,
): PoolFigures {
  const f: PoolFigures = {};
  const rates = local?.miner_hash_rates;
  if (rates && typeof rates === 'object') f.miners = Object.keys(rates).length;
  const hps = num(global?.pool_hash_rate);
  if (hps !== undefined) {
    f.hashrateHps = hps;
    f.hashrate = formatHashrate(hps);
  }
  const shares = local?.shares as Record<string, unknown> | undefined;
  const total = num(shares?.total);
  if (total !== undefined) f.sharechainHeight = total;
  const peers = local?.peers as Record<string, unknown> | undefined;
  if (peers) f.peers = (num(peers.incoming) ?? 0) + (num(peers.outgoing) ?? 0);
  const typeName = bestShare?.type_name;
  const sv = num(bestShare?.share_version) ?? (typeof typeName === 'string' ? VERSION_BY_CLASS.get(typeName) : undefined);
  if (sv !== undefined) f.shareVersion = sv;
  return f;
}

function cond(prev: Condition[] | undefined, c: Omit<Condition, 'lastTransitionTime'>, now: string): Condition {
  const old = prev?.find((p) => p.type === c.type);
  return { ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : now };
}

export function computeStatus(s: StatusInput): P2PoolNodeStatus {
  const gen = s.node.metadata.generation;
  const prev = s.node.status?.conditions;
  const notReady = s.workloads.filter((w) => w.ready < w.desired);
  const rolling = s.workloads.filter((w) => !w.current || w.updated < w.desired);
  const c = (type: Condition['type'], ok: boolean, reason: string, message: string) =>
    cond(prev, { type, status: ok ? 'True' : 'False', reason, message, ...(gen !== undefined ? { observedGeneration: gen } : {}) }, s.now);

  const conditions: Condition[] = [];
  if (s.error) {
    conditions.push(c('Synced', false, 'ApplyFailed', s.error));
  } else if (s.waitingFor) {
    conditions.push(c('Synced', false, 'Waiting', `waiting for ${s.waitingFor}`));
  } else {
    conditions.push(c('Synced', true, 'Applied', 'every object of the node matches the spec'));
  }
  const ro = s.rollout;
  const progressing = ro?.rollout !== undefined && !s.waitingFor ? ro.progressing : !!s.waitingFor || rolling.length > 0;
  if (ro?.rollout !== undefined && !s.waitingFor && (ro.progressing || ro.reason === 'RolloutStepFailed')) {
    conditions.push(c('Progressing', ro.progressing, ro.reason, ro.message));
  } else {
    conditions.push(
      c(
        'Progressing',
        progressing,
        progressing ? 'RollingOut' : 'RolloutComplete',
        progressing ? `updating: ${(rolling.map((w) => w.name).join(', ') || s.waitingFor) ?? ''}` : 'all workloads run the current spec',
      ),
    );
  }
  const degraded = !!s.error || (notReady.length > 0 && !progressing);
  conditions.push(
    c(
      'Degraded',
      degraded,
      s.error ? 'ReconcileError' : degraded ? 'PodsNotReady' : 'AsExpected',
      s.error ? s.error : degraded ? `not ready: ${notReady.map((w) => `${w.name} ${w.ready}/${w.desired}`).join(', ')}` : 'no fault seen',
    ),
  );
  const ready = !s.error && !s.waitingFor && notReady.length === 0 && s.workloads.length > 0;
  conditions.push(
    c(
      'Ready',
      ready,
      ready ? 'AllReady' : 'NotReady',
      ready
        ? `all ${s.workloads.length} workloads ready; edges ${s.edges.ready}/${s.edges.desired}`
        : notReady.length
          ? `waiting for ${notReady.map((w) => `${w.name} ${w.ready}/${w.desired}`).join(', ')}`
          : (s.error ?? `waiting for ${s.waitingFor ?? 'workloads'}`),
    ),
  );

  const pool: PoolFigures = { ...(s.pool ?? {}) };
  if (s.poolError) pool.syncProgress = `stats unavailable: ${s.poolError}`.slice(0, 200);
  else if (s.pool) pool.syncProgress = ready ? 'synced' : 'syncing';
  return {
    ...(gen !== undefined ? { observedGeneration: gen } : {}),
    version: s.version,
    conditions,
    ...(ro?.rollout ? { rollout: ro.rollout } : {}),
    edges: {
      replicas: s.edges.desired,
      ready: s.edges.ready,
      readyText: `${s.edges.ready}/${s.edges.desired}`,
      selector: s.edges.selector,
      prefixes: [...s.edges.prefixes].sort((a, b) => a - b),
    },
    pool,
  };
}

/** Equal apart from key order: skip the status write (and the event it would cause) when nothing changed. */
export function sameStatus(a: P2PoolNodeStatus | undefined, b: P2PoolNodeStatus): boolean {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v)
          .filter(([, x]) => x !== undefined)
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([k, x]) => [k, canon(x)]),
      );
    return v;
  };
  return JSON.stringify(canon(a ?? {})) === JSON.stringify(canon(b));
}
