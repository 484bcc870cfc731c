// The queue of shares the edges acknowledged to miners (cluster): a JetStream work-queue stream per
// network that the edges append to (message id = share hash, so a retried append is stored once) and
// the sharechain consumes one at a time, in order, removing each only once applied. Edges keep
// accepting while the sharechain restarts; it catches up when back (docs/bus.md, "Acknowledged shares").
import type { Network } from '../core/index.ts';
import type { StreamSpec } from './types.ts';

export const SHARE_QUEUE_CONSUMER = 'sharechain';

export function shareQueueFor(net: Network): { spec: StreamSpec; topic: string; msgId(hashHex: string): string } {
  const key = net.NAME.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  const topic = `edge.${key}.share`;
  return {
    spec: { name: `QUEUED_SHARES_${key.toUpperCase()}`, topics: [topic], workQueue: true, duplicateWindowMs: 10 * 60_000 },
    topic,
    msgId: (hashHex) => `q-${hashHex}`,
  };
}
