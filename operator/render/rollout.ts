// The ordered rollout of a new version (docs/rollout.md): a pure function from the rendered desired
// state and the observed workloads to what to apply now and what the status says. The services that
// hold consensus state go first — the sharechain, then the template builder and the peer gateway (and
// aux) — the edges (and the web) last; a step starts only when every workload of the previous one runs
// the new version with all its pods ready. Workloads of steps not reached yet are applied with the pod
// template they run now, so nothing of theirs changes. A step whose new pods do not become ready within
// the step deadline (or a Deployment reporting ProgressDeadlineExceeded) stops the rollout there: the
// later steps keep the old version, and the status says which workload and why. With maxUnavailable 0
// and a surge, the old pods of the failed step keep serving.
import type { KubeObject } from '../api/types.ts';
import { LABELS } from './node.ts';
import type { ServiceName } from './args.ts';

export const ROLLOUT_STEPS: readonly (readonly ServiceName[])[] = [
  ['sharechain'],
  ['template-builder', 'peer-gateway', 'aux'],
  ['edge', 'web'],
];

/** Default time a step's new pods get to become ready before the rollout stops. */
export const STEP_DEADLINE_SECONDS = 600;

export interface ObservedWorkload {
  name: string;
  kind: 'Deployment' | 'StatefulSet';
  /** The `app.kubernetes.io/version` label of the pod template it runs now. */
  version: string | undefined;
  /** Its pod template as observed (spec.template), kept for a step not reached yet. */
  template: unknown;
  desired: number;
  ready: number;
  updated: number;
  /** Pods of any version (status.replicas): above `desired` while a surge pod is up. */
  total: number;
  /** status.observedGeneration caught up with metadata.generation. */
  current: boolean;
  /** A Deployment whose Progressing condition says ProgressDeadlineExceeded. */
  deadlineExceeded?: boolean;
}

/** Kept in the P2PoolNode's status between reconciles. */
export interface RolloutState {
  /** The version being rolled to. */
  target: string;
  /** The version(s) it replaces, for the messages. */
  from: string;
  /** Index into ROLLOUT_STEPS of the step in progress; ROLLOUT_STEPS.length when done. */
  step: number;
  stepStartedAt: string;
  /** Why the rollout stopped, when it did. */
  failed?: string;
}

export interface RolloutInput {
  /** Rendered objects of the new version (render()). */
  objects: KubeObject[];
  target: string;
  /** Observed workloads by name (absent = not created yet). */
  observed: ReadonlyMap<string, ObservedWorkload>;
  previous?: RolloutState;
  now: string;
  stepDeadlineSeconds?: number;
}

export interface RolloutPlan {
  /** What to apply: the rendered objects, with the pod templates of steps not reached kept as they run. */
  objects: KubeObject[];
  /** Undefined on a first install (nothing running yet: everything is created at once). */
  rollout?: RolloutState;
  progressing: boolean;
  reason: 'RollingOut' | 'RolloutComplete' | 'RolloutStepFailed';
  message: string;
}

const serviceOf = (o: KubeObject): ServiceName | undefined => o.metadata.labels?.[LABELS.component] as ServiceName | undefined;
const isWorkload = (o: KubeObject) =>
  (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.labels?.[LABELS.component] !== 'nats';

export function stepOf(service: ServiceName): number {
  const i = ROLLOUT_STEPS.findIndex((s) => s.includes(service));
  return i < 0 ? ROLLOUT_STEPS.length - 1 : i;
}

function rolled(w: ObservedWorkload, target: string): boolean {
  return w.version === target && w.current && w.updated >= w.desired && w.ready >= w.desired && w.total <= w.desired;
}

function notReadyWhy(w: ObservedWorkload, target: string): string {
  if (w.version !== target) return `${w.name} still runs ${w.version ?? 'an unknown version'}`;
  if (!w.current) return `${w.name}: its controller has not seen the new spec`;
  return `${w.name}: ${w.updated}/${w.desired} pods updated, ${w.ready}/${w.desired} ready${w.total > w.desired ? `, ${w.total - w.desired} old still up` : ''}`;
}

export function planRollout(input: RolloutInput): RolloutPlan {
  const { objects, target, observed, now } = input;
  const workloads = objects.filter(isWorkload);
  const running = workloads.map((o) => observed.get(o.metadata.name)).filter((w): w is ObservedWorkload => w !== undefined);
  if (running.length === 0) {
    return { objects, progressing: false, reason: 'RolloutComplete', message: `installing ${target}` };
  }
  const fromVersions = [...new Set(running.map((w) => w.version).filter((v): v is string => v !== undefined && v !== target))];
  const prev = input.previous?.target === target ? input.previous : undefined;
  const from = prev?.from ?? (fromVersions.join(', ') || target);

  // The first step with a workload not yet on the target version and ready.
  let step = ROLLOUT_STEPS.length;
  const pending: string[] = [];
  for (let i = 0; i < ROLLOUT_STEPS.length && step === ROLLOUT_STEPS.length; i++) {
    for (const o of workloads) {
      if (stepOf(serviceOf(o)!) !== i) continue;
      const w = observed.get(o.metadata.name);
      // A workload not created yet is created by its step like any other change.
      if (w === undefined) {
        pending.push(`${o.metadata.name} not created yet`);
        step = i;
        continue;
      }
      if (!rolled(w, target)) {
        pending.push(notReadyWhy(w, target));
        step = i;
      }
    }
  }

  const out = objects.map((o) => {
    if (!isWorkload(o) || stepOf(serviceOf(o)!) <= step) return o;
    const w = observed.get(o.metadata.name);
    if (w === undefined || w.template === undefined) return o;
    // Not this workload's turn: everything else may change, its pods may not.
    return { ...o, spec: { ...(o.spec as Record<string, unknown>), template: w.template } };
  });

  if (step === ROLLOUT_STEPS.length) {
    const rollout: RolloutState = { target, from, step, stepStartedAt: prev?.step === step ? prev.stepStartedAt : now };
    return { objects: out, rollout, progressing: false, reason: 'RolloutComplete', message: `all workloads run ${target}` };
  }

  const stepStartedAt = prev?.step === step ? prev.stepStartedAt : now;
  const names = ROLLOUT_STEPS[step]!.join(', ');
  const label = `step ${step + 1}/${ROLLOUT_STEPS.length} (${names})`;
  const deadline = input.stepDeadlineSeconds ?? STEP_DEADLINE_SECONDS;
  const elapsed = (Date.parse(now) - Date.parse(stepStartedAt)) / 1000;
  const exceeded = running.filter(
    (w) => stepOf(serviceOf(workloads.find((o) => o.metadata.name === w.name)!)!) === step && w.deadlineExceeded,
  );
  if (exceeded.length > 0 || elapsed > deadline) {
    const why =
      exceeded.length > 0
        ? `${exceeded.map((w) => w.name).join(', ')} exceeded the progress deadline`
        : `new pods not ready after ${Math.round(elapsed)} s`;
    const failed = `${label} to ${target} failed: ${why} (${pending.join('; ')}); the rollout stopped, later steps keep ${from}; fix the image or set spec.version back`;
    return {
      objects: out,
      rollout: { target, from, step, stepStartedAt, failed },
      progressing: false,
      reason: 'RolloutStepFailed',
      message: failed,
    };
  }
  return {
    objects: out,
    rollout: { target, from, step, stepStartedAt },
    progressing: true,
    reason: 'RollingOut',
    message: `${label}: ${from} → ${target}; waiting for ${pending.join('; ')}`,
  };
}

/** What planRollout needs to know of a Deployment or StatefulSet read from the API. */
export function observeWorkload(w: {
  kind: string;
  metadata: { name: string; generation?: number };
  spec?: { replicas?: number; template?: { metadata?: { labels?: Record<string, string> } } };
  status?: Record<string, unknown>;
}): ObservedWorkload {
  const st = (w.status ?? {}) as {
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    observedGeneration?: number;
    conditions?: { type: string; reason?: string; status?: string }[];
  };
  return {
    name: w.metadata.name,
    kind: w.kind === 'StatefulSet' ? 'StatefulSet' : 'Deployment',
    version: w.spec?.template?.metadata?.labels?.[LABELS.version],
    template: w.spec?.template,
    desired: w.spec?.replicas ?? 1,
    ready: st.readyReplicas ?? 0,
    updated: st.updatedReplicas ?? 0,
    total: st.replicas ?? 0,
    current: (st.observedGeneration ?? 0) >= (w.metadata.generation ?? 0),
    deadlineExceeded: (st.conditions ?? []).some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded'),
  };
}
