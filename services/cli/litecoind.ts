// A Litecoin Core node on regtest for `make run` when no full node is configured: loopback only, free
// ports, its chain under a data dir the caller picks, a wallet to pay the pool to, and enough blocks
// mined that getblocktemplate works (a regtest tip older than a day counts as initial block download,
// so one block is mined at every start). MWEB is kept off: past regtest height 431 it would need a
// peg-in first, and a demo quickly mines that far. Stopped with stop(); killed if this process exits.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { RpcClient, RpcError, RPC_IN_WARMUP } from '../full-node/index.ts';

export interface RegtestNode {
  rpcPort: number;
  p2pPort: number;
  user: string;
  pass: string;
  datadir: string;
  // A bech32 address of the node's wallet (the pool's payout address in the demo).
  address: string;
  call<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

export interface RegtestOptions {
  datadir: string;
  // Height to mine to before the pool starts (default 101: the first coinbase is spendable).
  minHeight?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

const STOP_GRACE_MS = 10_000;

export function litecoindBinary(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v litecoind'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startRegtestLitecoind(opts: RegtestOptions): Promise<RegtestNode> {
  const bin = litecoindBinary();
  if (!bin)
    throw new Error('litecoind not found: run `make setup` (scripts/setup.d/30-litecoind.sh installs it), or point p2pool at a full node');
  const log = opts.log ?? (() => undefined);
  mkdirSync(opts.datadir, { recursive: true });
  // A litecoind left running on this data dir (the pool was SIGKILLed, or its terminal closed before
  // SIGHUP was handled) holds the lock: ours is stopped first, anything else is an error that says
  // what to do. Either way before litecoin.conf is rewritten, so the old node stays reachable.
  await stopLeftover(opts.datadir, log);
  const rpcPort = await freePort();
  let p2pPort = await freePort();
  while (p2pPort === rpcPort) p2pPort = await freePort();
  const user = 'p2pool';
  const pass = randomBytes(16).toString('hex');
  // Rewritten every start: the ports and the password are new each time, the chain is kept.
  writeFileSync(
    join(opts.datadir, 'litecoin.conf'),
    ['regtest=1', '[regtest]', `rpcport=${rpcPort}`, `port=${p2pPort}`, `rpcuser=${user}`, `rpcpassword=${pass}`, ''].join('\n'),
  );
  const args = [
    `-datadir=${opts.datadir}`,
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
    '-printtoconsole=0',
    '-fallbackfee=0.0001',
    '-whitelist=noban@127.0.0.1',
    '-vbparams=mweb:4102444800:4102444801',
    `-pid=${PID_FILE}`,
  ];
  // Its own process group: Ctrl-C in the terminal reaches the pool, which stops this node after itself.
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const killOnExit = () => {
    try {
      child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.on('exit', killOnExit);
  const rpc = new RpcClient({ url: `http://127.0.0.1:${rpcPort}`, user, pass, nodeName: 'litecoind', timeoutMs: 120_000 });
  const call = <T>(method: string, ...params: unknown[]) => rpc.call<T>(method, params);
  const stop = async () => {
    process.off('exit', killOnExit);
    rpc.close();
    await stopChild(child, exited);
  };
  try {
    await waitForRpc(child, rpc, () => stderr);
    const wallets = await call<string[]>('listwallets');
    if (!wallets.includes('p2pool')) {
      await call('loadwallet', 'p2pool').catch(() => call('createwallet', 'p2pool'));
    }
    // The same payout address run after run, so the chain's payouts keep adding up to one address.
    const labelled = await call<Record<string, unknown>>('getaddressesbylabel', 'p2pool').catch(() => ({}));
    const address = Object.keys(labelled).find((a) => a.startsWith('rltc1')) ?? (await call<string>('getnewaddress', 'p2pool', 'bech32'));
    const height = await call<number>('getblockcount');
    const want = Math.max(opts.minHeight ?? 101, height + 1);
    await call('generatetoaddress', want - height, address);
    log('litecoind regtest started', { rpc_port: rpcPort, p2p_port: p2pPort, datadir: opts.datadir, height: want });
    return { rpcPort, p2pPort, user, pass, datadir: opts.datadir, address, call, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

// Relative to the chain's directory (regtest/); Litecoin Core's default name is bitcoind.pid.
const PID_FILE = 'litecoind.pid';

/** The PID in the data dir's regtest pid file when that process is alive, else null. */
export function leftoverPid(datadir: string): number | null {
  let pid = NaN;
  for (const name of [PID_FILE, 'bitcoind.pid']) {
    try {
      pid = Number(readFileSync(join(datadir, 'regtest', name), 'utf8').trim());
      break;
    } catch {
      // try the next name
    }
  }
  if (!Number.isSafeInteger(pid) || pid <= 1) return null;
  return isAlive(pid) ? pid : null;
}

async function stopLeftover(datadir: string, log: (msg: string, fields?: Record<string, unknown>) => void): Promise<void> {
  const pid = leftoverPid(datadir);
  if (pid === null) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    /* not Linux, or gone */
  }
  if (!/litecoind/.test(cmdline) || !cmdline.includes(`-datadir=${datadir}`)) {
    throw new Error(`process ${pid} (${cmdline.trim() || 'unknown'}) holds ${datadir}'s pid file; stop it or use another --datadir`);
  }
  log('stopping the regtest litecoind left running on this data dir', { pid, datadir });
  process.stderr.write(`litecoind (PID ${pid}) from an earlier run is still running on ${datadir}: stopping it ...\n`);
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 60_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      throw new Error(
        `litecoind (PID ${pid}) from an earlier run did not stop within 60 s after SIGTERM; stop it with \`kill ${pid}\` (or \`kill -9 ${pid}\`), then start again`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

// A process that exited but was not reaped yet (a zombie: its parent, the killed pool, is gone) is not alive.
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function waitForRpc(child: ChildProcess, rpc: RpcClient, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const out = output().trim();
      if (/Cannot obtain a lock/i.test(out)) {
        throw new Error(
          `litecoind could not lock its data dir: another litecoind uses it (${out.split('\n').pop()}); stop that one (\`pgrep -a litecoind\` shows it) or use another --datadir`,
        );
      }
      throw new Error(`litecoind exited during start-up: ${out}`);
    }
    try {
      await rpc.call('getblockchaininfo', [], { timeoutMs: 2000 });
      return;
    } catch (e) {
      if (e instanceof RpcError && e.code !== RPC_IN_WARMUP) throw e;
      if (Date.now() > deadline) throw new Error(`litecoind did not answer RPC within ${timeoutMs} ms: ${(e as Error).message}`);
    }
    await sleep(100);
  }
}

// SIGTERM, then SIGKILL after a grace period: litecoind can wait for a long poll whose client left.
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(t);
}
