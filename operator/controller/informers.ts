// List+watch caches (client-node's informer) that restart with exponential backoff on error: the
// library's informer stops for good on any error other than 410 Gone.
import { makeInformer, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from './kube.ts';

export interface Watched<T extends KubernetesObject> {
  list(namespace?: string): readonly T[];
  get(name: string, namespace?: string): T | undefined;
  stop(): Promise<void>;
  /** Resolves after the first successful list. */
  synced: Promise<void>;
}

export function watch<T extends KubernetesObject>(
  kc: KubeConfig,
  client: KubeClient,
  path: string,
  onChange: (obj: T, verb: string) => void,
  opts: { labelSelector?: string; log?: (msg: string, err?: unknown) => void; maxBackoffMs?: number } = {},
): Watched<T> {
  const query = opts.labelSelector ? `?labelSelector=${encodeURIComponent(opts.labelSelector)}` : '';
  const informer = makeInformer<T>(kc, path, () => client.get(`${path}${query}`), opts.labelSelector);
  let backoff = 500;
  let stopped = false;
  let markSynced!: () => void;
  const synced = new Promise<void>((r) => {
    markSynced = r;
  });
  for (const verb of ['add', 'update', 'delete'] as const) informer.on(verb, (o) => onChange(o, verb));
  const started = () => {
    backoff = 500;
    markSynced();
  };
  informer.on('error', (err) => {
    if (stopped) return;
    opts.log?.(`watch ${path} failed; restarting in ${backoff} ms`, err);
    const wait = backoff;
    backoff = Math.min(backoff * 2, opts.maxBackoffMs ?? 30_000);
    setTimeout(() => {
      if (!stopped) informer.start().then(started, (e) => opts.log?.(`watch ${path} restart failed`, e));
    }, wait).unref();
  });
  informer.start().then(started, (e) => opts.log?.(`watch ${path} start failed`, e));
  return {
    list: (ns) => informer.list(ns),
    get: (name, ns) => informer.get(name, ns),
    synced,
    stop: async () => {
      stopped = true;
      await informer.stop();
    },
  };
}
