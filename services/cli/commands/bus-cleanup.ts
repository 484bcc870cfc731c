// `p2pool bus cleanup --nats URL --nats-prefix PREFIX [--nats-token-file FILE]`
// Deletes a node's JetStream streams and KV buckets (what the node keeps outside Kubernetes) and
// prints each name deleted. The operator runs it as a Job when a P2PoolNode on a token-protected NATS
// is deleted: the kubelet mounts the token, the operator never reads it (docs/operator.md).
import { parseArgs } from 'node:util';
import { deleteBusState } from '../../bus/cleanup.ts';

const USAGE = 'usage: p2pool bus cleanup --nats URL --nats-prefix PREFIX [--nats-token-file FILE]';

export async function busCleanup(args: string[]): Promise<number> {
  let opts: { nats?: string; 'nats-prefix'?: string; 'nats-token-file'?: string };
  try {
    opts = parseArgs({
      args,
      options: { nats: { type: 'string' }, 'nats-prefix': { type: 'string' }, 'nats-token-file': { type: 'string' } },
      allowPositionals: false,
    }).values;
  } catch (e) {
    process.stderr.write(`p2pool bus cleanup: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const url = opts.nats;
  const prefix = opts['nats-prefix'];
  if (!url || !prefix || !/^nats:\/\//.test(url) || !/^[A-Za-z0-9_-]+$/.test(prefix)) {
    process.stderr.write(
      `p2pool bus cleanup: --nats nats://HOST:PORT and --nats-prefix (letters, digits, - and _) are required\n${USAGE}\n`,
    );
    return 2;
  }
  try {
    const deleted = await deleteBusState({ url, prefix, ...(opts['nats-token-file'] ? { tokenFile: opts['nats-token-file'] } : {}) });
    for (const name of deleted) process.stdout.write(`deleted ${name}\n`);
    process.stdout.write(`${deleted.length} streams and KV buckets of ${prefix} deleted at ${url}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`p2pool bus cleanup: ${url}: ${(e as Error).message}\n`);
    return 1;
  }
}
