// Starts btcd (built by scripts/setup.d/40-btcd.sh) on regtest for tests: loopback only, random free
// ports, no TLS (allowed on loopback), a temporary data dir, stopped and removed by stop().
// btcd has no wallet; it mines to --miningaddr with `generate`. Its getblocktemplate wants a tip
// younger than 24 h, so the starter mines one block unless told not to.
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { RpcClient } from '../../services/full-node/rpc/client.ts';
import { Daemon, registerTempDir, removeTempDir } from './daemon.ts';
import { freePorts, withPortRetry } from './ports.ts';
import { waitForRpc } from './wait.ts';
import { regtestAddress } from './keys.ts';

export const BTCD_VERSION = process.env.BTCD_VERSION ?? 'v0.26.2';

export interface BtcdOptions {
  /** Address `generate` pays to (default: a fixed regtest P2WPKH address). */
  miningAddress?: string;
  /** Mine one block at start so getblocktemplate serves (default true). */
  warm?: boolean;
  extraArgs?: string[];
}

export interface BtcdNode {
  rpcUrl: string;
  rpcPort: number;
  p2pPort: number;
  user: string;
  pass: string;
  datadir: string;
  miningAddress: string;
  rpc: RpcClient;
  call<T = any>(method: string, ...params: unknown[]): Promise<T>;
  /** `generate n` to the mining address; returns block hashes. */
  mine(n: number): Promise<string[]>;
  halt(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
  running(): boolean;
}

export function btcdPath(): string {
  const cached = join(process.env.P2POOL_CACHE ?? join(homedir(), '.cache', 'p2pool-ts'), `btcd-${BTCD_VERSION}`, 'bin', 'btcd');
  if (existsSync(cached)) return cached;
  try {
    return execFileSync('sh', ['-c', 'command -v btcd'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`btcd not found at ${cached}: run \`make setup\` (scripts/setup.d/40-btcd.sh builds it)`);
  }
}

export async function startBtcd(opts: BtcdOptions = {}): Promise<BtcdNode> {
  return withPortRetry(() => startBtcdOnce(opts));
}

async function startBtcdOnce(opts: BtcdOptions): Promise<BtcdNode> {
  const bin = btcdPath();
  const datadir = mkdtempSync(join(tmpdir(), 'p2pool-btcd-'));
  registerTempDir(datadir);
  const [rpcPort, p2pPort] = (await freePorts(2)) as [number, number];
  const user = 'u';
  const pass = 'p' + Math.random().toString(36).slice(2);
  const miningAddress = opts.miningAddress ?? regtestAddress('bitcoin');
  // An explicit (empty) config file: otherwise btcd writes a sample one into ~/.btcd.
  const configFile = join(datadir, 'btcd.conf');
  writeFileSync(configFile, `; test node\n[Application Options]\nrpcuser=${user}\nrpcpass=${pass}\n`);
  const args = [
    `--configfile=${configFile}`,
    `--datadir=${join(datadir, 'data')}`,
    `--logdir=${join(datadir, 'logs')}`,
    '--regtest',
    `--listen=127.0.0.1:${p2pPort}`,
    `--rpclisten=127.0.0.1:${rpcPort}`,
    '--notls',
    `--miningaddr=${miningAddress}`,
    '--txindex',
    '--debuglevel=info',
    ...(opts.extraArgs ?? []),
  ];
  const rpcUrl = `http://127.0.0.1:${rpcPort}`;
  let daemon: Daemon;
  let rpc: RpcClient;
  const boot = async () => {
    daemon = new Daemon(`btcd(${p2pPort})`, bin, args);
    rpc = new RpcClient({ url: rpcUrl, user, pass, nodeName: 'btcd', timeoutMs: 120_000 });
    node.rpc = rpc;
    await waitForRpc(daemon, rpc);
  };
  const node: BtcdNode = {
    rpcUrl,
    rpcPort,
    p2pPort,
    user,
    pass,
    datadir,
    miningAddress,
    rpc: undefined as unknown as RpcClient,
    call: (method, ...params) => rpc.call(method, params),
    mine: (n) => rpc.call<string[]>('generate', [n]),
    halt: async () => {
      rpc?.close();
      await daemon.stop();
    },
    kill: async () => {
      rpc?.close();
      await daemon.kill();
    },
    restart: async () => {
      rpc?.close();
      await daemon.stop();
      await boot();
    },
    stop: async () => {
      rpc?.close();
      await daemon.stop();
      removeTempDir(datadir);
    },
    running: () => daemon.running,
  };
  await boot();
  if (opts.warm !== false) await node.mine(1);
  return node;
}
