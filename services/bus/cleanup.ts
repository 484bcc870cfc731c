// A node's state outside Kubernetes: its JetStream streams and KV buckets, named from its bus prefix
// (subjects.ts). Deleted when the node is (the operator's finalizer, or `p2pool bus cleanup`).
import { readFileSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { bucketName, streamName } from './subjects.ts';

/** Whether a stream belongs to the node with this bus prefix (its streams, and KV buckets' KV_ streams). */
export function ownsStream(prefix: string, stream: string): boolean {
  return stream.startsWith(streamName(prefix, '')) || stream.startsWith(`KV_${bucketName(prefix, '')}`);
}

export interface BusCleanupTarget {
  /** nats://HOST:PORT[,…] */
  url: string;
  prefix: string;
  /** A file holding the auth token (a mounted Secret). */
  tokenFile?: string;
}

/** Deletes every stream and KV bucket of the prefix; returns their names (none: already clean). */
export async function deleteBusState(t: BusCleanupTarget): Promise<string[]> {
  const token = t.tokenFile ? readFileSync(t.tokenFile, 'utf8').trim() : undefined;
  const nc = await connect({
    servers: t.url.split(','),
    name: 'p2pool-bus-cleanup',
    timeout: 5_000,
    maxReconnectAttempts: 0,
    ...(token ? { token } : {}),
  });
  try {
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (ownsStream(t.prefix, name)) names.push(name);
    for (const name of names) await jsm.streams.delete(name);
    return names;
  } finally {
    await nc.close();
  }
}
