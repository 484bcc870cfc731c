import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/types.ts';
import { LABELS, render } from './node.ts';
import { TEST_DEFAULTS, testNode } from './testing.ts';
import { observeWorkload, planRollout, ROLLOUT_STEPS, type ObservedWorkload, type RolloutState } from './rollout.ts';

const D = TEST_DEFAULTS;
const node = (version: string) => testNode({ version, edge: { replicas: 3 } });
const rendered = (version: string) => render(node(version), D, { natsServiceIP: '10.96.0.9' });
const workloads = (objs: KubeObject[]) =>
  objs.filter((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && o.metadata.labels?.[LABELS.component] !== 'nats');

/** The cluster as it runs `objs`: every workload rolled and ready, unless `override` says otherwise. */
function running(objs: KubeObject[], override: Record<string, Partial<ObservedWorkload>> = {}): Map<string, ObservedWorkload> {
  const m = new Map<string, ObservedWorkload>();
  for (const o of workloads(objs)) {
    const spec = o.spec as { replicas?: number; template: { metadata: { labels: Record<string, string> } } };
    const w = observeWorkload({
      kind: o.kind,
      metadata: { name: o.metadata.name, generation: 1 },
      spec,
      status: {
        replicas: spec.replicas ?? 1,
        readyReplicas: spec.replicas ?? 1,
        updatedReplicas: spec.replicas ?? 1,
        observedGeneration: 1,
      },
    });
    m.set(o.metadata.name, { ...w, ...override[o.metadata.name] });
  }
  return m;
}

const templateVersion = (o: KubeObject) => (o.spec as any).template.metadata.labels[LABELS.version];
const versions = (objs: KubeObject[]) => Object.fromEntries(workloads(objs).map((o) => [o.metadata.name, templateVersion(o)]));

test('a first install creates everything at once', () => {
  const r = rendered('0.1.0');
  const p = planRollout({ objects: r.objects, target: '0.1.0', observed: new Map(), now: '2026-12-06T02:00:00Z' });
  assert.equal(p.objects, r.objects);
  assert.equal(p.rollout, undefined);
  assert.equal(p.progressing, false);
});

test('a version change rolls the sharechain first, then template builder + peer gateway + aux, the edges and web last', () => {
  const a = rendered('0.1.0');
  const b = rendered('0.2.0');
  const t0 = '2026-12-06T02:00:00Z';
  // Step 1: only the sharechain gets the new pod template; the others keep what they run.
  let p = planRollout({ objects: b.objects, target: '0.2.0', observed: running(a.objects), now: t0 });
  assert.deepEqual(versions(p.objects), {
    'ltc-sharechain': '0.2.0',
    'ltc-template-builder': '0.1.0',
    'ltc-peer-gateway': '0.1.0',
    'ltc-aux': '0.1.0',
    'ltc-web': '0.1.0',
    'ltc-edge': '0.1.0',
  });
  assert.equal(p.progressing, true);
  assert.equal(p.reason, 'RollingOut');
  assert.match(p.message, /^step 1\/3 \(sharechain\): 0\.1\.0 → 0\.2\.0; waiting for ltc-sharechain still runs 0\.1\.0/);
  assert.deepEqual(p.rollout, { target: '0.2.0', from: '0.1.0', step: 0, stepStartedAt: t0 });
  // Everything that is not a pod template (config, services, PDBs) is applied as rendered.
  const other = (objs: KubeObject[]) => objs.filter((o) => !workloads(objs).includes(o));
  assert.deepEqual(other(p.objects), other(b.objects));

  // The new sharechain pod is up but not ready (the old one still serves): the step waits, nothing else moves.
  const applied1 = p.objects;
  let obs = running(applied1, { 'ltc-sharechain': { ready: 1, updated: 1, total: 2 } });
  p = planRollout({ objects: b.objects, target: '0.2.0', observed: obs, previous: p.rollout, now: '2026-12-06T02:00:30Z' });
  assert.equal(p.rollout!.step, 0);
  assert.equal(p.rollout!.stepStartedAt, t0);
  assert.match(p.message, /ltc-sharechain: 1\/1 pods updated, 1\/1 ready, 1 old still up/);
  assert.equal(versions(p.objects)['ltc-template-builder'], '0.1.0');

  // Sharechain rolled and ready: step 2.
  obs = running(applied1);
  p = planRollout({ objects: b.objects, target: '0.2.0', observed: obs, previous: p.rollout, now: '2026-12-06T02:01:00Z' });
  assert.equal(p.rollout!.step, 1);
  assert.equal(p.rollout!.stepStartedAt, '2026-12-06T02:01:00Z');
  assert.deepEqual(versions(p.objects), {
    'ltc-sharechain': '0.2.0',
    'ltc-template-builder': '0.2.0',
    'ltc-peer-gateway': '0.2.0',
    'ltc-aux': '0.2.0',
    'ltc-web': '0.1.0',
    'ltc-edge': '0.1.0',
  });
  assert.match(p.message, /^step 2\/3 \(template-builder, peer-gateway, aux\)/);

  // Step 3, then done.
  p = planRollout({ objects: b.objects, target: '0.2.0', observed: running(p.objects), previous: p.rollout, now: '2026-12-06T02:02:00Z' });
  assert.equal(p.rollout!.step, 2);
  assert.deepEqual(new Set(Object.values(versions(p.objects))), new Set(['0.2.0']));
  assert.match(p.message, /^step 3\/3 \(edge, web\)/);
  p = planRollout({ objects: b.objects, target: '0.2.0', observed: running(p.objects), previous: p.rollout, now: '2026-12-06T02:03:00Z' });
  assert.equal(p.rollout!.step, ROLLOUT_STEPS.length);
  assert.equal(p.progressing, false);
  assert.equal(p.reason, 'RolloutComplete');
  assert.equal(p.objects, p.objects);
  assert.deepEqual(versions(p.objects), versions(b.objects));
});

test('a step whose new pods never become ready stops the rollout there, old version kept for later steps, reason in the status', () => {
  const a = rendered('0.1.0');
  const b = rendered('0.2.0-broken');
  const t0 = '2026-12-06T02:00:00Z';
  const first = planRollout({ objects: b.objects, target: '0.2.0-broken', observed: running(a.objects), now: t0 });
  // The sharechain passes; the template builder's new pod crashes (old one serving: surge, maxUnavailable 0).
  const step2 = planRollout({
    objects: b.objects,
    target: '0.2.0-broken',
    observed: running(first.objects),
    previous: first.rollout,
    now: '2026-12-06T02:01:00Z',
  });
  const stuck = running(step2.objects, { 'ltc-template-builder': { ready: 1, updated: 1, total: 2 } });
  const waiting = planRollout({
    objects: b.objects,
    target: '0.2.0-broken',
    observed: stuck,
    previous: step2.rollout,
    now: '2026-12-06T02:05:00Z',
    stepDeadlineSeconds: 600,
  });
  assert.equal(waiting.progressing, true);
  const failed = planRollout({
    objects: b.objects,
    target: '0.2.0-broken',
    observed: stuck,
    previous: waiting.rollout,
    now: '2026-12-06T02:11:01Z',
    stepDeadlineSeconds: 600,
  });
  assert.equal(failed.progressing, false);
  assert.equal(failed.reason, 'RolloutStepFailed');
  assert.match(
    failed.message,
    /^step 2\/3 \(template-builder, peer-gateway, aux\) to 0\.2\.0-broken failed: new pods not ready after 601 s \(ltc-template-builder: 1\/1 pods updated, 1\/1 ready, 1 old still up\); the rollout stopped, later steps keep 0\.1\.0/,
  );
  assert.equal((failed.rollout as RolloutState).failed, failed.message);
  assert.equal(versions(failed.objects)['ltc-edge'], '0.1.0', 'the edges were not touched');
  assert.equal(versions(failed.objects)['ltc-web'], '0.1.0');
  // A Deployment's own progress deadline stops it at once.
  const exceeded = running(step2.objects, { 'ltc-peer-gateway': { deadlineExceeded: true, ready: 1, updated: 1, total: 2 } });
  const p = planRollout({
    objects: b.objects,
    target: '0.2.0-broken',
    observed: exceeded,
    previous: step2.rollout,
    now: '2026-12-06T02:01:30Z',
  });
  assert.equal(p.reason, 'RolloutStepFailed');
  assert.match(p.message, /ltc-peer-gateway exceeded the progress deadline/);
  // Setting spec.version back is a new rollout to the old version: the rolled workloads go back, in order.
  const back = planRollout({ objects: a.objects, target: '0.1.0', observed: stuck, previous: failed.rollout, now: '2026-12-06T02:12:00Z' });
  assert.equal(back.rollout!.target, '0.1.0');
  assert.equal(back.rollout!.step, 0);
  assert.equal(back.progressing, true);
});

test('observeWorkload reads version, readiness and the Deployment progress deadline', () => {
  const w = observeWorkload({
    kind: 'Deployment',
    metadata: { name: 'x', generation: 3 },
    spec: { replicas: 2, template: { metadata: { labels: { [LABELS.version]: '1.2.3' } } } },
    status: {
      replicas: 3,
      readyReplicas: 2,
      updatedReplicas: 1,
      observedGeneration: 3,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    },
  });
  assert.deepEqual(
    { ...w, template: undefined },
    {
      name: 'x',
      kind: 'Deployment',
      version: '1.2.3',
      template: undefined,
      desired: 2,
      ready: 2,
      updated: 1,
      total: 3,
      current: true,
      deadlineExceeded: true,
    },
  );
});

test('rendered for rolling without a gap: surge with maxUnavailable 0 (the sharechain too, its standby takes over), minReadySeconds, progress deadline, the edges drained by preStop', () => {
  const r = rendered('0.2.0');
  for (const o of workloads(r.objects)) {
    const spec = o.spec as any;
    assert.equal(spec.minReadySeconds, 10, o.metadata.name);
    if (o.kind === 'Deployment') {
      assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, o.metadata.name);
      assert.equal(spec.progressDeadlineSeconds, 300);
    }
  }
  const edge = r.objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'ltc-edge') as any;
  assert.deepEqual(edge.spec.updateStrategy, { type: 'RollingUpdate' });
  const c = edge.spec.template.spec.containers[0];
  assert.deepEqual(c.lifecycle.preStop.exec.command.slice(0, 2), ['node', '--input-type=module']);
  assert.match(c.lifecycle.preStop.exec.command[3], /fetch\('http:\/\/127\.0\.0\.1:8081\/drain'\)/);
  assert.ok(edge.spec.template.spec.terminationGracePeriodSeconds >= 30, 'room for the drain window and the linger');
  assert.ok(r.objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'ltc-edge'));
});

test("a version change leaves the operator's NATS alone (its pod template does not carry our version)", () => {
  const nats = (v: string) => rendered(v).objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'ltc-nats') as any;
  assert.deepEqual(nats('0.2.0').spec.template, nats('0.1.0').spec.template);
});
