// The Job that deletes a node's JetStream state on a token-protected external NATS when the P2PoolNode
// is deleted (docs/operator.md): `p2pool bus cleanup` in the node's image, the token mounted from its
// Secret by the kubelet, so the operator never reads a Secret. Owned by the node: it goes with it.
import type { KubeObject, P2PoolNode } from '../api/types.ts';
import { PATHS } from './args.ts';
import {
  componentName,
  CONTAINER_SECURITY,
  imageFor,
  LABELS,
  MANAGED_BY,
  natsPrefixFor,
  ownerReference,
  POD_SECURITY,
  type RenderDefaults,
} from './node.ts';

/** Attempts before the Job counts as failed (each a pod: a NATS briefly unreachable is retried). */
export const BUS_CLEANUP_BACKOFF_LIMIT = 4;

/** The cleanup Job, or null when the operator cleans up itself (its own NATS, or one without a token). */
export function busCleanupJob(node: P2PoolNode, d: RenderDefaults): KubeObject | null {
  const nats = node.spec.nats;
  if (!nats?.url || !nats.tokenSecretRef) return null;
  const { name, namespace } = node.metadata;
  const { image } = imageFor(node, d);
  const labels = {
    [LABELS.name]: 'p2pool',
    [LABELS.instance]: name,
    [LABELS.component]: 'bus-cleanup',
    [LABELS.managedBy]: MANAGED_BY,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: componentName(name, 'bus-cleanup'), namespace, labels, ownerReferences: [ownerReference(node)] },
    spec: {
      backoffLimit: BUS_CLEANUP_BACKOFF_LIMIT,
      activeDeadlineSeconds: 600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: componentName(name, 'p2pool'),
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: POD_SECURITY,
          containers: [
            {
              name: 'bus-cleanup',
              image,
              imagePullPolicy: node.spec.imagePullPolicy ?? 'IfNotPresent',
              workingDir: '/app',
              command: ['node', 'services/cli/main.ts'],
              args: [
                'bus',
                'cleanup',
                '--nats',
                nats.url,
                '--nats-prefix',
                natsPrefixFor(namespace, name),
                '--nats-token-file',
                `${PATHS.natsSecret}/token`,
              ],
              volumeMounts: [{ name: 'nats-token', mountPath: PATHS.natsSecret, readOnly: true }],
              securityContext: CONTAINER_SECURITY,
            },
          ],
          volumes: [
            {
              name: 'nats-token',
              secret: {
                secretName: nats.tokenSecretRef.name,
                defaultMode: 0o440,
                items: [{ key: nats.tokenSecretRef.key ?? 'token', path: 'token' }],
              },
            },
          ],
        },
      },
    },
  };
}
