import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { P2PoolNode } from '../api/types.ts';
import { PATHS } from './args.ts';
import { busCleanupJob } from './bus-cleanup.ts';
import { natsPrefixFor } from './node.ts';
import { TEST_DEFAULTS, testNode } from './testing.ts';

const D = TEST_DEFAULTS;
const node = (nats?: P2PoolNode['spec']['nats']) => testNode({ version: '0.2.0', ...(nats ? { nats } : {}) });

test('no cleanup Job when the operator can clean up itself: its own NATS, or an external one without a token', () => {
  assert.equal(busCleanupJob(node(), D), null);
  assert.equal(busCleanupJob(node({ url: 'nats://nats.shared:4222' }), D), null);
});

test("a token-protected NATS: a Job of the node's image runs `p2pool bus cleanup` with the token mounted from its Secret", () => {
  const job = busCleanupJob(node({ url: 'nats://nats.shared:4222', tokenSecretRef: { name: 'nats-auth', key: 'tok' } }), D) as any;
  assert.ok(job);
  assert.equal(job.kind, 'Job');
  assert.equal(job.metadata.name, 'ltc-bus-cleanup');
  assert.equal(job.metadata.namespace, 'pool');
  assert.deepEqual(
    job.metadata.ownerReferences.map((o: any) => [o.kind, o.name, o.uid, o.controller]),
    [['P2PoolNode', 'ltc', 'u-1', true]],
  );
  const pod = job.spec.template.spec;
  assert.equal(pod.restartPolicy, 'Never');
  assert.equal(pod.automountServiceAccountToken, false);
  const c = pod.containers[0];
  assert.equal(c.image, 'localhost/p2pool-ts:0.2.0');
  assert.deepEqual(
    [...c.command, ...c.args],
    [
      'node',
      'services/cli/main.ts',
      'bus',
      'cleanup',
      '--nats',
      'nats://nats.shared:4222',
      '--nats-prefix',
      natsPrefixFor('pool', 'ltc'),
      '--nats-token-file',
      `${PATHS.natsSecret}/token`,
    ],
  );
  // The only Secret it sees is the token, readable by the pod's user through its group.
  assert.deepEqual(
    pod.volumes.map((v: any) => [v.secret.secretName, v.secret.items]),
    [['nats-auth', [{ key: 'tok', path: 'token' }]]],
  );
  assert.deepEqual(c.volumeMounts, [{ name: 'nats-token', mountPath: PATHS.natsSecret, readOnly: true }]);
  assert.equal(pod.securityContext.fsGroup, pod.securityContext.runAsUser);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
});
