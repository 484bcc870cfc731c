// What a node was asked to do: the parsed command line (services/cli/flags.ts), shared by every
// service. Values left undefined mean "the network's default" (from the network definition in the
// consensus core), so the CLI does not duplicate per-network constants.
import type { ServiceName } from '../bus/contracts.ts';
import type { LogLevel } from './log.ts';

export interface FullNodeConfig {
  // --bitcoind-address
  host: string;
  rpcPort?: number;
  p2pPort?: number;
  // Positional BITCOIND_RPCUSERPASS; both undefined = read the coin's conf file / cookie.
  rpcUser?: string;
  rpcPassword?: string;
  // --bitcoind-rpc-user-file / --bitcoind-rpc-password-file: read into rpcUser/rpcPassword by the parser.
  rpcUserFile?: string;
  rpcPasswordFile?: string;
  // --bitcoind-config-path: the coin's conf file to read credentials and rpcport from.
  confFile?: string;
  // --bitcoind-failover ...?credentials-dir=DIR/: read into rpcUser/rpcPassword by the parser.
  credentialsDir?: string;
}

export interface NodeConfig {
  // --net bitcoin|litecoin|... (default bitcoin) and --testnet, or --net-file FILE for a custom network.
  net: string;
  testnet: boolean;
  netFile?: string;
  // -a/--address; undefined = ask the full node's wallet.
  address?: string;
  // --give-author percentage (default 0.5 as the reference's help says).
  giveAuthor: number;
  // -f/--fee worker fee percentage.
  fee: number;
  // -n/--p2pool-node ADDR[:PORT], repeatable.
  p2poolNodes: string[];
  p2poolPort?: number;
  // -w/--worker-port [ADDR:]PORT
  workerHost?: string;
  workerPort?: number;
  // --max-conns incoming P2P connections.
  maxConns: number;
  // --outgoing-conns, --external-ip, --disable-advertise: the reference's P2P options.
  outgoingConns?: number;
  externalIp?: string;
  advertise?: boolean;
  fullNode: FullNodeConfig;
  // --bitcoind-failover URL, repeatable: more full nodes beside fullNode (template builder's node set,
  // the edge's direct block submission).
  failoverNodes: FullNodeConfig[];
  // --merged URL, repeatable (services/aux/chains-config.ts); --merged-auth-file: credentials not in the URLs.
  merged: string[];
  mergedAuthFile?: string;
  // --merged-poll-ms: how often each aux daemon is asked for work (default 1000).
  mergedPollMs?: number;
  datadir: string;
  logfile?: string;
  logLevel: LogLevel;
  // --log-format; undefined = human on a terminal (embedded), JSON otherwise.
  logFormat?: 'json' | 'human';

  // Cluster: --nats URL (absent = embedded, in-process bus), --service NAME (absent = all six).
  nats?: string;
  natsPrefix: string;
  natsCredsFile?: string;
  natsTokenFile?: string;
  // JetStream replicas for the streams and KV buckets this node creates (3 on a 3-server NATS).
  natsReplicas: number;
  service?: ServiceName;
  instance: string;

  // Process endpoints: /healthz and /readyz (also /metrics), the web page, the gRPC API.
  healthHost: string;
  healthPort: number;
  webHost: string;
  webPort: number;
  grpcHost: string;
  grpcPort: number;
  adminTokenFile?: string;
  // Seconds to stay up answering "not ready" after SIGTERM before draining, so load balancers stop
  // sending work first (Kubernetes endpoint propagation).
  shutdownDelay: number;
  // --drain-window: seconds over which a draining edge spreads client.reconnect to its miners.
  drainWindow: number;
  // --drain-reconnect-host: the public host (and port, 0 = the worker port) client.reconnect names; absent = no params.
  drainReconnect?: { host: string; port: number };
  // --max-share-version: mint and vote no share version above this (absent = what the rules say).
  maxShareVersion?: number;
  // --demo-miner: built-in CPU miner for `make run` (needs edge + template builder logic).
  demoMiner: boolean;
}
