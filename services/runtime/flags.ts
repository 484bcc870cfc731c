// The `p2pool` command line: the reference's options (run_p2pool.py, see the option reference in the
// P2Pool wiki) where they apply, plus the cluster options. @FILE reads more arguments from FILE,
// whitespace-separated as the reference does. Pure: argv in, NodeConfig or an error out.
import { readFileSync } from 'node:fs';
import { parseMergedUrl } from './merged-chains.ts';
import { isServiceName, SERVICE_NAMES } from '../bus/contracts.ts';
import { DEFAULT_PREFIX } from '../bus/subjects.ts';
import type { FullNodeConfig, NodeConfig } from './config.ts';
import { isLogLevel } from './log.ts';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Kind = 'flag' | 'string' | 'int' | 'port' | 'percent' | 'list';

interface Option {
  names: string[];
  kind: Kind;
  metavar?: string;
  help: string;
  apply: (c: NodeConfig, v: string) => void;
  group: 'general' | 'p2pool' | 'worker' | 'bitcoind' | 'cluster';
}

const setFlag = (f: (c: NodeConfig) => void) => (c: NodeConfig) => f(c);

const OPTIONS: Option[] = [
  {
    names: ['--net'],
    kind: 'string',
    metavar: 'NAME',
    group: 'general',
    help: 'use the named network, e.g. bitcoin, litecoin (default: bitcoin)',
    apply: (c, v) => {
      c.net = v;
    },
  },
  {
    names: ['--testnet'],
    kind: 'flag',
    group: 'general',
    help: "use the network's testnet",
    apply: setFlag((c) => {
      c.testnet = true;
    }),
  },
  {
    names: ['--net-file'],
    kind: 'string',
    metavar: 'FILE',
    group: 'general',
    help: 'use a custom network defined in FILE (the consensus core network format)',
    apply: (c, v) => {
      c.netFile = v;
    },
  },
  {
    names: ['-a', '--address'],
    kind: 'string',
    metavar: 'ADDRESS',
    group: 'general',
    help: 'generate payouts to this address (default: <address requested from the full node>)',
    apply: (c, v) => {
      c.address = v;
    },
  },
  {
    names: ['--datadir'],
    kind: 'string',
    metavar: 'DIR',
    group: 'general',
    help: 'store data in this directory (default: .data)',
    apply: (c, v) => {
      c.datadir = v;
    },
  },
  {
    names: ['--logfile'],
    kind: 'string',
    metavar: 'FILE',
    group: 'general',
    help: 'also append the JSON log lines to FILE',
    apply: (c, v) => {
      c.logfile = v;
    },
  },
  {
    names: ['--log-format'],
    kind: 'string',
    metavar: 'FORMAT',
    group: 'general',
    help: 'json: every log line as JSON on stdout; human: a status line every 10 s and warnings/errors on stdout, the JSON lines in the log file (default: human on a terminal without --nats, else json)',
    apply: (c, v) => {
      if (v !== 'json' && v !== 'human') throw new UsageError(`--log-format: expected json or human, got "${v}"`);
      c.logFormat = v;
    },
  },
  {
    names: ['--log-level'],
    kind: 'string',
    metavar: 'LEVEL',
    group: 'general',
    help: 'debug, info, warn or error (default: info)',
    apply: (c, v) => {
      if (!isLogLevel(v)) throw new UsageError(`--log-level: expected debug, info, warn or error, got "${v}"`);
      c.logLevel = v;
    },
  },
  {
    names: ['--debug'],
    kind: 'flag',
    group: 'general',
    help: 'same as --log-level debug',
    apply: setFlag((c) => {
      c.logLevel = 'debug';
    }),
  },
  {
    names: ['--merged'],
    kind: 'list',
    metavar: 'URL',
    group: 'general',
    help: 'merge-mine the aux chain whose daemon is at URL (repeatable): getauxblock, or createauxblock/submitauxblock with ?address=ADDR, e.g. http://user:pass@127.0.0.1:22555/',
    apply: (c, v) => {
      try {
        parseMergedUrl(v);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      c.merged.push(v);
    },
  },
  {
    names: ['--merged-auth-file'],
    kind: 'string',
    metavar: 'FILE',
    group: 'general',
    help: 'credentials of --merged URLs given without them: lines "URL USER:PASS"',
    apply: (c, v) => {
      c.mergedAuthFile = v;
    },
  },
  {
    names: ['--merged-poll-ms'],
    kind: 'int',
    metavar: 'MS',
    group: 'general',
    help: 'ask each aux daemon for new work this often (default: 1000)',
    apply: (c, v) => {
      const n = Number(v);
      if (n < 10) throw new UsageError(`--merged-poll-ms: expected at least 10, got ${v}`);
      c.mergedPollMs = n;
    },
  },
  {
    names: ['--give-author'],
    kind: 'percent',
    metavar: 'PERCENT',
    group: 'general',
    help: 'donate this percentage of work towards the development of p2pool (default: 0.5)',
    apply: (c, v) => {
      c.giveAuthor = Number(v);
    },
  },
  {
    names: ['--demo-miner'],
    kind: 'flag',
    group: 'general',
    help: 'run a built-in CPU miner against the worker port (regtest demos)',
    apply: setFlag((c) => {
      c.demoMiner = true;
    }),
  },
  {
    names: ['--base-port'],
    kind: 'port',
    metavar: 'PORT',
    group: 'general',
    help: "move all of this node's ports at once: worker PORT, P2Pool PORT+1, web PORT+2, health PORT+3, gRPC PORT+4 (a port flag given explicitly wins)",
    apply: (c, v) => {
      basePort.set(c, Number(v));
    },
  },

  {
    names: ['--p2pool-port'],
    kind: 'port',
    metavar: 'PORT',
    group: 'p2pool',
    help: "listen on PORT for P2Pool peers (default: the network's, bitcoin 9333, litecoin 9338)",
    apply: (c, v) => {
      c.p2poolPort = Number(v);
    },
  },
  {
    names: ['-n', '--p2pool-node'],
    kind: 'list',
    metavar: 'ADDR[:PORT]',
    group: 'p2pool',
    help: 'connect to this P2Pool node (repeatable), in addition to the built-in addresses',
    apply: (c, v) => {
      c.p2poolNodes.push(v);
    },
  },
  {
    names: ['--outgoing-conns'],
    kind: 'int',
    metavar: 'CONNS',
    group: 'p2pool',
    help: 'outgoing P2P connections to keep (default: 6, at most 10)',
    apply: (c, v) => {
      const n = Number(v);
      if (n > 10) throw new UsageError(`--outgoing-conns: at most 10, got ${v}`);
      c.outgoingConns = n;
    },
  },
  {
    names: ['--external-ip'],
    kind: 'string',
    metavar: 'ADDR[:PORT]',
    group: 'p2pool',
    help: 'advertise this address to peers (default: what peers see)',
    apply: (c, v) => {
      c.externalIp = v;
    },
  },
  {
    names: ['--disable-advertise'],
    kind: 'flag',
    group: 'p2pool',
    help: "don't advertise our address to peers",
    apply: setFlag((c) => {
      c.advertise = false;
    }),
  },
  {
    names: ['--max-conns'],
    kind: 'int',
    metavar: 'CONNS',
    group: 'p2pool',
    help: 'maximum incoming P2P connections (default: 40)',
    apply: (c, v) => {
      c.maxConns = Number(v);
    },
  },

  {
    names: ['-w', '--worker-port'],
    kind: 'string',
    metavar: '[ADDR:]PORT',
    group: 'worker',
    help: "listen on PORT (on ADDR) for miners (default: all interfaces, the network's port: bitcoin 9332, litecoin 9327)",
    apply: (c, v) => {
      const m = /^(?:(.*):)?(\d+)$/.exec(v);
      if (!m) throw new UsageError(`-w/--worker-port: expected PORT or ADDR:PORT, got "${v}"`);
      const port = Number(m[2]);
      if (port > 65535) throw new UsageError(`-w/--worker-port: port out of range: ${port}`);
      c.workerPort = port;
      if (m[1] !== undefined) c.workerHost = m[1].replace(/^\[(.*)\]$/, '$1');
    },
  },
  {
    names: ['--max-share-version'],
    kind: 'int',
    metavar: 'VERSION',
    group: 'p2pool',
    help: 'mint and vote for no share version above VERSION, e.g. 35 on Litecoin to hold back the V36 hardfork (default: follow the rules)',
    apply: (c, v) => {
      if (Number(v) < 17) throw new UsageError(`--max-share-version: expected a share version of 17 or more, got ${v}`);
      c.maxShareVersion = Number(v);
    },
  },
  {
    names: ['--drain-window'],
    kind: 'int',
    metavar: 'SECONDS',
    group: 'worker',
    help: 'on SIGTERM or GET /drain on the health port (loopback, a preStop hook), send miners client.reconnect spread over this window, answering their submits meanwhile (default: 10)',
    apply: (c, v) => {
      if (Number(v) < 1 || Number(v) > 600) throw new UsageError(`--drain-window: expected 1 to 600 seconds, got ${v}`);
      c.drainWindow = Number(v);
    },
  },
  {
    names: ['--drain-reconnect-host'],
    kind: 'string',
    metavar: 'HOST[:PORT]',
    group: 'worker',
    help: "the pool's public host miners are sent back to on a drain (default: none, client.reconnect without params = the same address); cgminer-family firmware refuses any other host and names without a dot",
    apply: (c, v) => {
      const m = /^([^:\s]+)(?::(\d+))?$/.exec(v);
      if (!m || !m[1]!.includes('.'))
        throw new UsageError(
          `--drain-reconnect-host: expected the public HOST[:PORT] miners use, with a dot in the host (cgminer refuses e.g. "localhost"), got "${v}"`,
        );
      const port = m[2] === undefined ? 0 : Number(m[2]);
      if (port > 65535) throw new UsageError(`--drain-reconnect-host: port out of range: ${port}`);
      c.drainReconnect = { host: m[1]!, port };
    },
  },
  {
    names: ['-f', '--fee'],
    kind: 'percent',
    metavar: 'PERCENT',
    group: 'worker',
    help: 'charge miners mining to their own address this percentage fee (default: 0)',
    apply: (c, v) => {
      c.fee = Number(v);
    },
  },

  {
    names: ['--bitcoind-config-path'],
    kind: 'string',
    metavar: 'FILE',
    group: 'bitcoind',
    help: "read the full node's RPC credentials and rpcport from this conf file (default: the coin's, e.g. ~/.litecoin/litecoin.conf)",
    apply: (c, v) => {
      c.fullNode.confFile = v;
    },
  },
  {
    names: ['--bitcoind-address'],
    kind: 'string',
    metavar: 'ADDRESS',
    group: 'bitcoind',
    help: 'connect to the full node at this address (default: 127.0.0.1)',
    apply: (c, v) => {
      c.fullNode.host = v;
    },
  },
  {
    names: ['--bitcoind-rpc-port'],
    kind: 'port',
    metavar: 'PORT',
    group: 'bitcoind',
    help: "the full node's JSON-RPC port (default: the coin's, read from its conf file if no password is given)",
    apply: (c, v) => {
      c.fullNode.rpcPort = Number(v);
    },
  },
  {
    names: ['--bitcoind-p2p-port'],
    kind: 'port',
    metavar: 'PORT',
    group: 'bitcoind',
    help: "the full node's P2P port (default: the coin's)",
    apply: (c, v) => {
      c.fullNode.p2pPort = Number(v);
    },
  },

  {
    names: ['--bitcoind-failover'],
    kind: 'list',
    metavar: 'URL',
    group: 'bitcoind',
    help: 'another full node, for failover (repeatable): http://[USER:PASS@]HOST[:RPCPORT]/[?p2p-port=PORT][&credentials-dir=DIR/] (DIR holds files username and password, e.g. a mounted Secret); work comes from the best ready node, blocks go to all',
    apply: (c, v) => {
      c.failoverNodes.push(parseFailoverNode(v));
    },
  },
  {
    names: ['--bitcoind-rpc-user-file'],
    kind: 'string',
    metavar: 'FILE',
    group: 'bitcoind',
    help: "read the full node's RPC user from FILE (e.g. a mounted Secret), instead of a positional argument",
    apply: (c, v) => {
      c.fullNode.rpcUserFile = v;
    },
  },
  {
    names: ['--bitcoind-rpc-password-file'],
    kind: 'string',
    metavar: 'FILE',
    group: 'bitcoind',
    help: "read the full node's RPC password from FILE (e.g. a mounted Secret), instead of a positional argument",
    apply: (c, v) => {
      c.fullNode.rpcPasswordFile = v;
    },
  },

  {
    names: ['--nats'],
    kind: 'string',
    metavar: 'URL',
    group: 'cluster',
    help: 'cluster mode: talk to the other services over NATS at URL (nats://host:4222, comma-separated for several)',
    apply: (c, v) => {
      c.nats = v;
    },
  },
  {
    names: ['--service'],
    kind: 'string',
    metavar: 'NAME',
    group: 'cluster',
    help: `run only this service: ${SERVICE_NAMES.join(', ')} (needs --nats)`,
    apply: (c, v) => {
      if (!isServiceName(v)) throw new UsageError(`--service: unknown service "${v}"; expected one of ${SERVICE_NAMES.join(', ')}`);
      c.service = v;
    },
  },
  {
    names: ['--nats-prefix'],
    kind: 'string',
    metavar: 'PREFIX',
    group: 'cluster',
    help: `subject prefix, so several nodes can share one NATS (default: ${DEFAULT_PREFIX})`,
    apply: (c, v) => {
      if (!/^[a-zA-Z0-9_-]+$/.test(v)) throw new UsageError(`--nats-prefix: use letters, digits, - and _ only, got "${v}"`);
      c.natsPrefix = v;
    },
  },
  {
    names: ['--nats-creds'],
    kind: 'string',
    metavar: 'FILE',
    group: 'cluster',
    help: 'NATS credentials file (JWT and nkey seed)',
    apply: (c, v) => {
      c.natsCredsFile = v;
    },
  },
  {
    names: ['--nats-token-file'],
    kind: 'string',
    metavar: 'FILE',
    group: 'cluster',
    help: 'file holding a NATS auth token',
    apply: (c, v) => {
      c.natsTokenFile = v;
    },
  },
  {
    names: ['--nats-replicas'],
    kind: 'int',
    metavar: 'N',
    group: 'cluster',
    help: 'JetStream replicas of the streams and KV buckets (default: 1; 3 on a 3-server NATS cluster)',
    apply: (c, v) => {
      const n = Number(v);
      if (n < 1 || n > 5) throw new UsageError(`--nats-replicas: expected 1 to 5, got ${v}`);
      c.natsReplicas = n;
    },
  },
  {
    names: ['--instance'],
    kind: 'string',
    metavar: 'ID',
    group: 'cluster',
    help: 'instance id for logs and the registry (default: $POD_NAME or HOST-PID)',
    apply: (c, v) => {
      c.instance = v;
    },
  },
  {
    names: ['--health-port'],
    kind: 'port',
    metavar: 'PORT',
    group: 'cluster',
    help: '/healthz, /readyz and /metrics on this port (default: 8081; 0 = any free port)',
    apply: (c, v) => {
      c.healthPort = Number(v);
    },
  },
  {
    names: ['--health-host'],
    kind: 'string',
    metavar: 'ADDR',
    group: 'cluster',
    help: 'bind the health endpoint to ADDR (default: 127.0.0.1 embedded, 0.0.0.0 with --nats)',
    apply: (c, v) => {
      c.healthHost = v;
    },
  },
  {
    names: ['--web-port'],
    kind: 'port',
    metavar: 'PORT',
    group: 'cluster',
    help: 'web page port (default: 8080)',
    apply: (c, v) => {
      c.webPort = Number(v);
    },
  },
  {
    names: ['--web-host'],
    kind: 'string',
    metavar: 'ADDR',
    group: 'cluster',
    help: 'bind the web page to ADDR (default: as --health-host)',
    apply: (c, v) => {
      c.webHost = v;
    },
  },
  {
    names: ['--grpc-port'],
    kind: 'port',
    metavar: 'PORT',
    group: 'cluster',
    help: 'admin/query gRPC API port, served by the web service (default: 50051)',
    apply: (c, v) => {
      c.grpcPort = Number(v);
    },
  },
  {
    names: ['--grpc-host'],
    kind: 'string',
    metavar: 'ADDR',
    group: 'cluster',
    help: 'bind the gRPC API to ADDR (default: as --health-host)',
    apply: (c, v) => {
      c.grpcHost = v;
    },
  },
  {
    names: ['--admin-token-file'],
    kind: 'string',
    metavar: 'FILE',
    group: 'cluster',
    help: 'token that gRPC calls changing the node must present (Authorization: Bearer); without it they are refused',
    apply: (c, v) => {
      c.adminTokenFile = v;
    },
  },
  {
    names: ['--shutdown-delay'],
    kind: 'int',
    metavar: 'SECONDS',
    group: 'cluster',
    help: 'on SIGTERM, report not-ready this long before draining (default: 0)',
    apply: (c, v) => {
      c.shutdownDelay = Number(v);
    },
  },
];

// The reference's options that mean nothing here: accepted so its command lines and config files run,
// each with a warning saying why it is ignored.
const COMPAT: Array<{ names: string[]; takesValue: boolean; metavar?: string; why: string }> = [
  { names: ['--iocp'], takesValue: false, why: "Twisted's Windows reactor; Node needs none" },
  { names: ['--irc-announce'], takesValue: false, why: 'IRC announcements are not implemented' },
  { names: ['--no-bugreport'], takesValue: false, why: 'no bug reports are ever sent' },
  { names: ['--disable-upnp'], takesValue: false, why: 'UPnP port mapping is never attempted' },
  {
    names: ['--bitcoind-rpc-ssl'],
    takesValue: false,
    why: 'RPC over TLS is not supported: use http (btcd: --notls on loopback) or a TLS proxy',
  },
  { names: ['-i', '--numaddresses'], takesValue: true, metavar: 'N', why: 'one payout address is used (-a, or one from the wallet)' },
  { names: ['-t', '--timeaddresses'], takesValue: true, metavar: 'SECONDS', why: 'one payout address is used, never rotated' },
  { names: ['--web-static'], takesValue: true, metavar: 'DIR', why: 'the web page is built in' },
  { names: ['--allow-obsolete-bitcoind'], takesValue: false, why: 'full-node versions are checked by what they answer' },
];
const compatByName = new Map<string, (typeof COMPAT)[number]>();
for (const o of COMPAT) for (const n of o.names) compatByName.set(n, o);

// --base-port's value, applied after all flags (explicit port flags win whatever their order).
const basePort = new WeakMap<NodeConfig, number>();

const byName = new Map<string, Option>();
for (const o of OPTIONS) for (const n of o.names) byName.set(n, o);

export function defaultConfig(instance: string): NodeConfig {
  return {
    net: 'bitcoin',
    testnet: false,
    giveAuthor: 0.5,
    fee: 0,
    p2poolNodes: [],
    maxConns: 40,
    fullNode: { host: '127.0.0.1' },
    failoverNodes: [],
    merged: [],
    datadir: '.data',
    logLevel: 'info',
    natsPrefix: DEFAULT_PREFIX,
    natsReplicas: 1,
    instance,
    healthHost: '',
    healthPort: 8081,
    webHost: '',
    webPort: 8080,
    grpcHost: '',
    grpcPort: 50051,
    shutdownDelay: 0,
    demoMiner: false,
    drainWindow: 10,
  };
}

/**
 * Arguments from the environment, read before the command line's (which win): P2POOL_ARGS, split on
 * whitespace. An image or a deployment sets its defaults there (docs/rollout.md).
 */
export function argsFromEnvironment(env: Record<string, string | undefined>): string[] {
  return (env.P2POOL_ARGS ?? '').split(/\s+/).filter(Boolean);
}

export type ParseResult = { kind: 'run'; config: NodeConfig; warnings: string[] } | { kind: 'help' } | { kind: 'version' };

// Expands @FILE arguments (recursively, as argparse does), splitting file contents on whitespace.
export function expandArgFiles(argv: string[], read: (path: string) => string = (p) => readFileSync(p, 'utf8'), depth = 0): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    if (!arg.startsWith('@') || arg.length === 1) {
      out.push(arg);
      continue;
    }
    if (depth > 8) throw new UsageError(`${arg}: @file nesting too deep`);
    let text: string;
    try {
      text = read(arg.slice(1));
    } catch (e) {
      throw new UsageError(`cannot read config file ${arg.slice(1)}: ${(e as Error).message}`);
    }
    const words = text
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('#'))
      .join('\n')
      .split(/\s+/)
      .filter(Boolean);
    out.push(...expandArgFiles(words, read, depth + 1));
  }
  return out;
}

export function parseArgs(argv: string[], instance: string, read?: (path: string) => string): ParseResult {
  const args = expandArgFiles(argv, read);
  const c = defaultConfig(instance);
  const positional: string[] = [];
  const warnings: string[] = [];
  const given = new Set<Option>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (arg === '--version') return { kind: 'version' };
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    let name = arg;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      name = arg.slice(0, eq);
      value = arg.slice(eq + 1);
    } else if (!arg.startsWith('--') && arg.length > 2) {
      // -aADDRESS, as argparse accepts for short options
      name = arg.slice(0, 2);
      value = arg.slice(2);
    }
    const compat = compatByName.get(name);
    if (compat) {
      if (compat.takesValue && value === undefined && args[++i] === undefined)
        throw new UsageError(`${name} expects ${compat.metavar ?? 'a value'}`);
      if (!compat.takesValue && value !== undefined) throw new UsageError(`${name} takes no value`);
      warnings.push(`${name} is ignored: ${compat.why}`);
      continue;
    }
    const opt = byName.get(name);
    if (!opt) throw new UsageError(`unrecognized argument: ${arg}`);
    given.add(opt);
    if (opt.kind === 'flag') {
      if (value !== undefined) throw new UsageError(`${name} takes no value`);
      opt.apply(c, '');
      continue;
    }
    if (value === undefined) {
      value = args[++i];
      if (value === undefined) throw new UsageError(`${name} expects ${opt.metavar ?? 'a value'}`);
    }
    check(opt, name, value);
    opt.apply(c, value);
  }
  if (positional.length > 2)
    throw new UsageError(`too many positional arguments: ${positional.join(' ')} (expected the full node's RPC user and password)`);
  // As the reference: one value is the password (user empty), two are user then password.
  if (positional.length === 1) {
    c.fullNode.rpcUser = '';
    c.fullNode.rpcPassword = positional[0];
  } else if (positional.length === 2) {
    c.fullNode.rpcUser = positional[0];
    c.fullNode.rpcPassword = positional[1];
  }
  // Credentials from files (a Secret mounted in a pod), so they appear in no argv or environment.
  const { rpcUserFile, rpcPasswordFile } = c.fullNode;
  if (rpcUserFile !== undefined || rpcPasswordFile !== undefined) {
    if (positional.length)
      throw new UsageError("give the full node's RPC credentials either as arguments or with --bitcoind-rpc-*-file, not both");
    const readSecret = (flag: string, path: string) => {
      try {
        return (read ?? ((f: string) => readFileSync(f, 'utf8')))(path).replace(/\r?\n$/, '');
      } catch (e) {
        throw new UsageError(`${flag}: cannot read ${path}: ${(e as Error).message}`);
      }
    };
    c.fullNode.rpcUser = rpcUserFile === undefined ? '' : readSecret('--bitcoind-rpc-user-file', rpcUserFile);
    if (rpcPasswordFile === undefined) throw new UsageError('--bitcoind-rpc-user-file needs --bitcoind-rpc-password-file');
    c.fullNode.rpcPassword = readSecret('--bitcoind-rpc-password-file', rpcPasswordFile);
    delete c.fullNode.rpcUserFile;
    delete c.fullNode.rpcPasswordFile;
  }
  for (const fn of c.failoverNodes) {
    if (fn.credentialsDir === undefined) continue;
    const readFile = read ?? ((f: string) => readFileSync(f, 'utf8'));
    const readSecret = (name: string) => {
      try {
        return readFile(`${fn.credentialsDir}${name}`).replace(/\r?\n$/, '');
      } catch (e) {
        throw new UsageError(`--bitcoind-failover ${fn.host}: cannot read ${fn.credentialsDir}${name}: ${(e as Error).message}`);
      }
    };
    fn.rpcUser = readSecret('username');
    fn.rpcPassword = readSecret('password');
    delete fn.credentialsDir;
  }
  if (c.service && !c.nats)
    throw new UsageError(
      `--service ${c.service} runs one service of a cluster and needs --nats URL (without --service, p2pool runs all services in one process)`,
    );
  if (c.netFile && (c.net !== 'bitcoin' || c.testnet)) {
    throw new UsageError('--net-file defines the network; do not combine it with --net or --testnet');
  }
  const base = basePort.get(c);
  if (base !== undefined) {
    if (base + BASE_PORT_OFFSETS.length - 1 > 65535)
      throw new UsageError(`--base-port: ${base} leaves no room for its ${BASE_PORT_OFFSETS.length} ports`);
    for (const [i, flag] of BASE_PORT_OFFSETS.entries()) {
      if (!given.has(byName.get(flag)!)) PORT_SETTERS[flag]!(c, base + i);
    }
  }
  // Embedded: a laptop, loopback only. Cluster: a pod, reachable by the kubelet and Services.
  const host = c.nats ? '0.0.0.0' : '127.0.0.1';
  c.healthHost ||= host;
  c.webHost ||= c.healthHost;
  c.grpcHost ||= c.healthHost;
  return { kind: 'run', config: c, warnings };
}

// --base-port N: these flags' ports are N, N+1, ... in this order.
const BASE_PORT_OFFSETS = ['--worker-port', '--p2pool-port', '--web-port', '--health-port', '--grpc-port'] as const;
const PORT_SETTERS: Record<string, (c: NodeConfig, port: number) => void> = {
  '--worker-port': (c, p) => {
    c.workerPort = p;
  },
  '--p2pool-port': (c, p) => {
    c.p2poolPort = p;
  },
  '--web-port': (c, p) => {
    c.webPort = p;
  },
  '--health-port': (c, p) => {
    c.healthPort = p;
  },
  '--grpc-port': (c, p) => {
    c.grpcPort = p;
  },
};

/** The flag that sets the port a listener failed to bind (EADDRINUSE names the port only). */
export function flagForPort(c: NodeConfig, port: number, defaults: { worker: number; p2pool: number }): string | null {
  if (port === (c.workerPort ?? defaults.worker)) return '-w/--worker-port';
  if (port === (c.p2poolPort ?? defaults.p2pool)) return '--p2pool-port';
  if (port === c.webPort) return '--web-port';
  if (port === c.healthPort) return '--health-port';
  if (port === c.grpcPort) return '--grpc-port';
  return null;
}

/** One --bitcoind-failover URL; credentials from a directory are read after all flags are parsed. */
export function parseFailoverNode(raw: string): FullNodeConfig {
  const bad = (why: string) =>
    new UsageError(
      `--bitcoind-failover: ${why} in "${raw.replace(/\/\/[^@/]*@/, '//***@')}" (expected http://[USER:PASS@]HOST[:RPCPORT]/[?p2p-port=PORT][&credentials-dir=DIR/])`,
    );
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol !== 'http:') throw bad('only http:// is supported');
  const extra = [...u.searchParams.keys()].filter((k) => k !== 'p2p-port' && k !== 'credentials-dir');
  if (extra.length) throw bad(`unknown parameter ${extra.join(', ')}`);
  const fn: FullNodeConfig = { host: u.hostname.replace(/^\[|\]$/g, ''), ...(u.port ? { rpcPort: Number(u.port) } : {}) };
  const p2p = u.searchParams.get('p2p-port');
  if (p2p !== null) {
    if (!/^\d+$/.test(p2p) || Number(p2p) < 1 || Number(p2p) > 65535) throw bad(`p2p-port "${p2p}" is not a port`);
    fn.p2pPort = Number(p2p);
  }
  const dir = u.searchParams.get('credentials-dir');
  if (u.username && dir !== null) throw bad('give credentials in the URL or with credentials-dir, not both');
  if (u.username) {
    fn.rpcUser = decodeURIComponent(u.username);
    fn.rpcPassword = decodeURIComponent(u.password);
  }
  if (dir !== null) {
    if (!dir.startsWith('/') || !dir.endsWith('/')) throw bad('credentials-dir must be an absolute directory ending in /');
    fn.credentialsDir = dir;
  }
  return fn;
}

function check(opt: Option, name: string, value: string): void {
  switch (opt.kind) {
    case 'int':
      if (!/^\d+$/.test(value)) throw new UsageError(`${name}: expected a whole number, got "${value}"`);
      break;
    case 'port':
      if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`${name}: expected a port number (0-65535), got "${value}"`);
      break;
    case 'percent': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100)
        throw new UsageError(`${name}: expected a percentage between 0 and 100, got "${value}"`);
      break;
    }
    default:
      break;
  }
}

const GROUP_TITLES: Record<Option['group'], string> = {
  general: 'options',
  p2pool: 'p2pool interface',
  worker: 'worker interface',
  bitcoind: 'full node (bitcoind/litecoind) interface',
  cluster: 'cluster (NATS, health, web, gRPC)',
};

export function helpText(version: string): string {
  const lines = [
    `usage: p2pool [options] [BITCOIND_RPCUSER] [BITCOIND_RPCPASSWORD]`,
    `       p2pool --service NAME --nats URL [options]   (one service of a cluster)`,
    `       p2pool sharechain verify --net-file FILE --chain FILE`,
    `       p2pool bus cleanup --nats URL --nats-prefix PREFIX [--nats-token-file FILE]   (delete a node's JetStream state)`,
    '',
    `p2pool-ts ${version}: P2Pool in TypeScript. Without --nats, every service runs in this process.`,
    'Arguments may be read from a file with @FILE (whitespace-separated, as the reference).',
  ];
  for (const group of Object.keys(GROUP_TITLES) as Option['group'][]) {
    lines.push('', `${GROUP_TITLES[group]}:`);
    for (const o of OPTIONS.filter((x) => x.group === group)) {
      const flag = o.names.join(', ') + (o.kind === 'flag' ? '' : ` ${o.metavar ?? 'VALUE'}`);
      lines.push(`  ${flag.padEnd(34)} ${o.help}`);
    }
  }
  lines.push('', "the reference's options accepted for compatibility (ignored, with a warning):");
  for (const o of COMPAT) {
    const flag = o.names.join(', ') + (o.takesValue ? ` ${o.metavar ?? 'VALUE'}` : '');
    lines.push(`  ${flag.padEnd(34)} ${o.why}`);
  }
  lines.push(
    '',
    'positional:',
    `  ${'BITCOIND_RPCUSERPASS'.padEnd(34)} full node RPC user, then password (one value = password only; none = read the coin's conf file)`,
  );
  return lines.join('\n') + '\n';
}
