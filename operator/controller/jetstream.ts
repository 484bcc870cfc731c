// The external state of a node: its JetStream streams and KV buckets (named from its bus prefix,
// services/bus/subjects.ts). Deleted when the P2PoolNode is, behind the operator's finalizer.
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { bucketName, streamName } from '../../services/bus/subjects.ts';

/** Whether a stream belongs to the node with this bus prefix (its streams, and KV buckets' KV_ streams). */
export function ownsStream(prefix: string, stream: string): boolean {
  return stream.startsWith(streamName(prefix, '')) || stream.startsWith(`KV_${bucketName(prefix, '')}`);
}

export async function deleteNodeStreams(url: string, prefix: string, token?: string): Promise<string[]> {
  return withJsm(url, token, async (jsm) => {
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (ownsStream(prefix, name)) names.push(name);
    for (const name of names) await jsm.streams.delete(name);
    return names;
  });
}

async function withJsm<T>(
  url: string,
  token: string | undefined,
  fn: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>,
): Promise<T> {
  const nc = await connect({
    servers: url.split(','),
    name: 'p2pool-operator',
    timeout: 5_000,
    maxReconnectAttempts: 0,
    ...(token ? { token } : {}),
  });
  try {
    return await fn(await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}
