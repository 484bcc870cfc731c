// Each service's command-line arguments, as files in the node's ConfigMap (`@FILE`, services/cli/flags.ts).
// A service gets only the flags it reads, so a spec edit changes only the files (and so the pod
// template hashes) of the services it affects. Credentials are never here: they are files mounted
// from Secrets, named by the *-file flags.
import type { P2PoolNodeSpec } from '../api/types.ts';
import { networkDefaults } from './network.ts';

export const SERVICES = ['sharechain', 'template-builder', 'peer-gateway', 'edge', 'aux', 'web'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const PATHS = {
  config: '/etc/p2pool',
  data: '/var/lib/p2pool',
  /** The first full node's Secret; the others' at `${fullNodeSecret}-${index}`. */
  fullNodeSecret: '/var/run/secrets/p2pool/full-node',
  natsSecret: '/var/run/secrets/p2pool/nats',
  /** One directory per merged chain with a Secret: `${mergedSecret}/${index}/{username,password}`. */
  mergedSecret: '/var/run/secrets/p2pool/merged',
  network: '/etc/p2pool-network',
} as const;

export const PORTS = { health: 8081, web: 8080, grpc: 50051, nats: 4222, natsMonitor: 8222 } as const;

export interface ArgsInput {
  spec: P2PoolNodeSpec;
  natsUrl: string;
  natsPrefix: string;
}

const pct = (n: number) => String(n);

export function splitRpcUrl(url: string): { host: string; port?: number } {
  const m = /^http:\/\/([^/:]+)(?::(\d+))?\/?$/.exec(url);
  if (!m) throw new Error(`fullNodes[].rpcUrl: expected http://HOST:PORT, got "${url}"`);
  return { host: m[1]!, ...(m[2] ? { port: Number(m[2]) } : {}) };
}

/** Where the Secret of spec.fullNodes[index] is mounted. */
export const fullNodeSecretDir = (index: number) => (index === 0 ? PATHS.fullNodeSecret : `${PATHS.fullNodeSecret}-${index}`);

function fullNodeArgs(spec: P2PoolNodeSpec): string[] {
  const fn = spec.fullNodes[0];
  if (!fn) throw new Error('spec.fullNodes: at least one full node is required');
  const { host, port } = splitRpcUrl(fn.rpcUrl);
  const a = ['--bitcoind-address', host];
  if (port !== undefined) a.push('--bitcoind-rpc-port', String(port));
  if (fn.p2pAddress) a.push('--bitcoind-p2p-port', fn.p2pAddress.slice(fn.p2pAddress.lastIndexOf(':') + 1));
  a.push(
    '--bitcoind-rpc-user-file',
    `${PATHS.fullNodeSecret}/username`,
    '--bitcoind-rpc-password-file',
    `${PATHS.fullNodeSecret}/password`,
  );
  // The others, for failover: the template builder takes work from the best ready node and sends
  // blocks to all; each one's credentials come from its own mounted Secret.
  spec.fullNodes.slice(1).forEach((other, j) => {
    const o = splitRpcUrl(other.rpcUrl);
    const query = [`credentials-dir=${fullNodeSecretDir(j + 1)}/`];
    if (other.p2pAddress) query.unshift(`p2p-port=${other.p2pAddress.slice(other.p2pAddress.lastIndexOf(':') + 1)}`);
    a.push('--bitcoind-failover', `http://${o.host}${o.port === undefined ? '' : `:${o.port}`}/?${query.join('&')}`);
  });
  return a;
}

/** Flags every service reads: the network, the bus, logging and the health endpoint. */
export function commonArgs(input: ArgsInput): string[] {
  const { spec } = input;
  const a = spec.network === 'custom' ? ['--net-file', `${PATHS.network}/network.json`] : ['--net', spec.network];
  a.push('--nats', input.natsUrl, '--nats-prefix', input.natsPrefix);
  if (spec.nats?.tokenSecretRef) a.push('--nats-token-file', `${PATHS.natsSecret}/token`);
  a.push('--log-level', spec.logLevel ?? 'info', '--health-port', String(PORTS.health), '--datadir', PATHS.data);
  return a;
}

export function serviceArgs(service: ServiceName, input: ArgsInput): string[] {
  const { spec } = input;
  const net = networkDefaults(spec.network);
  const payout = spec.payoutAddress ? ['-a', spec.payoutAddress] : [];
  const fees = ['--give-author', pct(spec.donationPercent ?? 0.5), '--fee', pct(spec.feePercent ?? 0)];
  const workerPort = ['-w', String(net.workerPort)];
  switch (service) {
    case 'sharechain':
      // Without a payout address the sharechain asks the full node's wallet for one.
      return [...payout, ...fees, ...(spec.payoutAddress ? [] : fullNodeArgs(spec))];
    case 'template-builder':
      return fullNodeArgs(spec);
    case 'peer-gateway': {
      const a = ['--p2pool-port', String(net.p2pPort), '--max-conns', String(spec.p2p?.maxConnections ?? 40)];
      for (const peer of spec.p2p?.peers ?? []) a.push('-n', peer);
      return a;
    }
    case 'edge':
      // The edge also sends a block solution straight to every full node (docs/bus.md, "Blocks").
      return [...workerPort, '--shutdown-delay', '3', ...fullNodeArgs(spec)];
    case 'aux': {
      const a: string[] = [];
      for (const m of spec.mergedMining ?? []) a.push('--merged', m.url);
      if (mergedAuthFile(spec) !== undefined) a.push('--merged-auth-file', `${PATHS.config}/${MERGED_AUTH_KEY}`);
      return a;
    }
    case 'web':
      return [...payout, ...fees, ...workerPort, '--web-port', String(PORTS.web), '--grpc-port', String(PORTS.grpc)];
  }
}

/** The ConfigMap key of the aux service's --merged-auth-file. */
export const MERGED_AUTH_KEY = 'aux.merged-auth';

/**
 * The aux service's --merged-auth-file: for each merged chain with a Secret, `URL DIR/` naming the
 * directory its Secret is mounted at (services/runtime/merged-chains.ts), so the credentials stay in
 * files. Undefined when no chain has a Secret.
 */
export function mergedAuthFile(spec: P2PoolNodeSpec): string | undefined {
  const lines = (spec.mergedMining ?? []).flatMap((m, i) => (m.credentialsSecretRef ? [`${m.url} ${PATHS.mergedSecret}/${i}/`] : []));
  return lines.length ? lines.join('\n') + '\n' : undefined;
}

/** An @FILE body: one flag (and its value) per line. */
export function argsFile(args: string[]): string {
  const lines: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith('-')) {
      lines.push(`${a} ${next}`);
      i++;
    } else lines.push(a);
  }
  return lines.join('\n') + '\n';
}
