// Starts Litecoin Core (Debian `litecoind`) on regtest for tests: loopback only, random free ports,
// a temporary data dir, stopped and removed by stop(). By default a second node is started and
// connected to it, because litecoind refuses getblocktemplate without a peer even on regtest.
import { existsSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { RpcClient } from '../../services/full-node/rpc/client.ts';
import { Daemon, registerTempDir, removeTempDir } from './daemon.ts';
import { freePorts, withPortRetry } from './ports.ts';
import { waitFor, waitForRpc } from './wait.ts';

// litecoind 0.21 can wait a long time in shutdown for a long-poll getblocktemplate whose client has
// gone (its shutdown log stops after "net thread exit"); after this long it is killed instead.
const STOP_GRACE_MS = 5_000;

export interface LitecoindOptions {
  /** Start a second node connected to this one (default true; needed for getblocktemplate). */
  peer?: boolean;
  /** Create wallet "w" and an address to mine to (default true). */
  wallet?: boolean;
  /** 'cookie' leaves out rpcuser/rpcpassword so the node writes <datadir>/regtest/.cookie. */
  auth?: 'password' | 'cookie';
  /** Keep MWEB from ever activating (BIP9 window in the past). */
  noMweb?: boolean;
  /** Data dirs (this node's and its peer's) in /dev/shm: a pool on regtest makes every share a block and writes them faster than a disk syncs. */
  ramDisk?: boolean;
  extraArgs?: string[];
}

export interface LitecoindNode {
  rpcUrl: string;
  rpcPort: number;
  p2pPort: number;
  user: string;
  pass: string;
  datadir: string;
  cookieFile: string;
  /** RPC client for test set-up (not the code under test). */
  rpc: RpcClient;
  call<T = any>(method: string, ...params: unknown[]): Promise<T>;
  /** A wallet address (bech32 rltc1...) when the wallet is enabled. */
  address: string;
  /** generatetoaddress to the wallet address (or the given one); returns block hashes. */
  mine(n: number, address?: string): Promise<string[]>;
  peer?: LitecoindNode;
  /** Stop the process, keep the data dir (for restart()). */
  halt(): Promise<void>;
  kill(): Promise<void>;
  /** Start again on the same ports and data dir. */
  restart(): Promise<void>;
  /** Stop everything and remove the data dirs. */
  stop(): Promise<void>;
  running(): boolean;
}

export function litecoindPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v litecoind'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('litecoind not found: run `make setup` (scripts/setup.d/30-litecoind.sh installs Debian litecoind)');
  }
}

export async function startLitecoind(opts: LitecoindOptions = {}): Promise<LitecoindNode> {
  return withPortRetry(() => startLitecoindOnce(opts));
}

async function startLitecoindOnce(opts: LitecoindOptions): Promise<LitecoindNode> {
  const bin = litecoindPath();
  const datadir = mkdtempSync(join(opts.ramDisk && existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'p2pool-ltc-'));
  registerTempDir(datadir);
  const [rpcPort, p2pPort] = (await freePorts(2)) as [number, number];
  const cookie = opts.auth === 'cookie';
  const user = cookie ? '' : 'u';
  const pass = cookie ? '' : 'p' + Math.random().toString(36).slice(2);
  // A conf file, not flags, so tests of the conf-file credential lookup can point at it.
  const conf =
    ['regtest=1', '[regtest]', `rpcport=${rpcPort}`, `port=${p2pPort}`, ...(cookie ? [] : [`rpcuser=${user}`, `rpcpassword=${pass}`])].join(
      '\n',
    ) + '\n';
  writeFileSync(join(datadir, 'litecoin.conf'), conf);
  const args = [
    `-datadir=${datadir}`,
    '-regtest',
    '-server=1',
    '-listen=1',
    '-bind=127.0.0.1',
    '-rpcbind=127.0.0.1',
    '-rpcallowip=127.0.0.1',
    '-dnsseed=0',
    '-discover=0',
    '-listenonion=0',
    '-upnp=0',
    '-printtoconsole=1',
    '-fallbackfee=0.0001',
    '-rpcworkqueue=256',
    '-rpcthreads=8',
    '-txindex=1',
    ...(opts.wallet === false ? ['-disablewallet=1'] : []),
    ...(opts.noMweb ? ['-vbparams=mweb:4102444800:4102444801'] : []),
    ...(opts.extraArgs ?? []),
  ];
  const rpcUrl = `http://127.0.0.1:${rpcPort}`;
  const cookieFile = join(datadir, 'regtest', '.cookie');
  let daemon: Daemon;
  let rpc: RpcClient;

  const boot = async () => {
    daemon = new Daemon(`litecoind(${p2pPort})`, bin, args);
    // With cookie auth the file appears once the RPC server is up; read it then.
    if (cookie) {
      await waitFor(
        'litecoind cookie',
        () => {
          try {
            readFileSync(cookieFile);
            return true;
          } catch {
            return !daemon.running;
          }
        },
        60_000,
      );
      if (!daemon.running) throw new Error(`litecoind exited during start-up:\n${daemon.output()}`);
      const [u, p] = readFileSync(cookieFile, 'utf8').trim().split(':');
      rpc = new RpcClient({ url: rpcUrl, user: u!, pass: p!, nodeName: 'litecoind', timeoutMs: 120_000 });
      node.user = u!;
      node.pass = p!;
    } else {
      rpc = new RpcClient({ url: rpcUrl, user, pass, nodeName: 'litecoind', timeoutMs: 120_000 });
    }
    node.rpc = rpc;
    await waitForRpc(daemon, rpc);
  };

  const node: LitecoindNode = {
    rpcUrl,
    rpcPort,
    p2pPort,
    user,
    pass,
    datadir,
    cookieFile,
    rpc: undefined as unknown as RpcClient,
    address: '',
    call: (method, ...params) => rpc.call(method, params),
    mine: (n, address) => rpc.call<string[]>('generatetoaddress', [n, address ?? node.address]),
    halt: async () => {
      rpc?.close();
      await daemon.stop(STOP_GRACE_MS, 'Shutdown: done');
    },
    kill: async () => {
      rpc?.close();
      await daemon.kill();
    },
    restart: async () => {
      rpc?.close();
      await daemon.stop(STOP_GRACE_MS, 'Shutdown: done');
      await boot();
      if (opts.wallet !== false) await rpc.call('loadwallet', ['w']).catch(() => undefined);
      if (node.peer?.running()) await rpc.call('addnode', [`127.0.0.1:${node.peer.p2pPort}`, 'onetry']).catch(() => undefined);
    },
    stop: async () => {
      // This node first: with its peer already gone, a pending long poll can stall its shutdown.
      rpc?.close();
      await daemon.stop(STOP_GRACE_MS, 'Shutdown: done');
      if (node.peer) await node.peer.stop();
      removeTempDir(datadir);
    },
    running: () => daemon.running,
  };

  await boot();
  if (opts.wallet !== false) {
    await rpc!.call('createwallet', ['w']);
    node.address = await rpc!.call<string>('getnewaddress', ['', 'bech32']);
  }
  if (opts.peer !== false) {
    try {
      node.peer = await startLitecoind({
        peer: false,
        wallet: false,
        noMweb: opts.noMweb,
        ramDisk: opts.ramDisk,
        extraArgs: [`-connect=127.0.0.1:${p2pPort}`],
      });
      await waitFor('litecoind peer connection', async () => (await rpc!.call<number>('getconnectioncount')) > 0, 30_000, 100);
    } catch (e) {
      await node.stop();
      throw e;
    }
  }
  return node;
}
