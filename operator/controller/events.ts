// Kubernetes Events about a P2PoolNode (`kubectl describe p2poolnode` shows them). Repeats of the same
// reason and message within a minute are counted on one Event instead of creating new ones.
import { randomBytes } from 'node:crypto';
import type { P2PoolNode } from '../api/types.ts';
import type { Recorder } from './reconciler.ts';
import { resourcePath, type KubeClient } from './kube.ts';

export class EventRecorder implements Recorder {
  readonly #recent = new Map<string, { name: string; count: number; at: number }>();
  readonly client: KubeClient;
  readonly component: string;
  readonly instance: string;
  readonly log: (msg: string, f?: Record<string, unknown>) => void;
  constructor(client: KubeClient, component: string, instance: string, log: (msg: string, f?: Record<string, unknown>) => void) {
    this.client = client;
    this.component = component;
    this.instance = instance;
    this.log = log;
  }

  event(node: P2PoolNode, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const ns = node.metadata.namespace;
    const key = `${ns}/${node.metadata.name}/${type}/${reason}/${message}`;
    const now = new Date();
    const ts = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const prev = this.#recent.get(key);
    const send = async () => {
      if (prev && now.getTime() - prev.at < 60_000) {
        prev.count++;
        prev.at = now.getTime();
        await this.client.mergePatch(resourcePath('v1', 'Event', ns, prev.name), { count: prev.count, lastTimestamp: ts });
        return;
      }
      const name = `${node.metadata.name}.${randomBytes(8).toString('hex')}`;
      this.#recent.set(key, { name, count: 1, at: now.getTime() });
      if (this.#recent.size > 1000) this.#recent.delete(this.#recent.keys().next().value!);
      await this.client.call('POST', resourcePath('v1', 'Event', ns), {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ns },
        involvedObject: {
          apiVersion: node.apiVersion,
          kind: node.kind,
          name: node.metadata.name,
          namespace: ns,
          uid: node.metadata.uid,
          resourceVersion: node.metadata.resourceVersion,
        },
        type,
        reason,
        message,
        count: 1,
        firstTimestamp: ts,
        lastTimestamp: ts,
        source: { component: this.component },
        reportingComponent: this.component,
        reportingInstance: this.instance,
      });
    };
    send().catch((e) => this.log('event not recorded', { reason, error: (e as Error).message }));
  }
}
