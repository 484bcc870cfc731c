// The P2PoolNode resource (group p2pool.dev, v1alpha1) as the operator reads it. The schema the API
// server enforces is operator/api/crd.ts (written into charts/p2pool/crds/ by `make crd`); these types
// mirror it. Defaults that depend on the network live in operator/api/networks.ts.

export const GROUP = 'p2pool.dev';
export const VERSION = 'v1alpha1';
export const KIND = 'P2PoolNode';
export const PLURAL = 'p2poolnodes';
export const API_VERSION = `${GROUP}/${VERSION}`;
/** Field manager of every server-side apply the operator makes. */
export const FIELD_MANAGER = 'p2pool-operator';
/** The only finalizer: the node's JetStream streams and KV buckets live outside Kubernetes. */
export const FINALIZER = 'p2pool.dev/jetstream-cleanup';

export type NetworkName =
  | 'bitcoin'
  | 'bitcoin_testnet'
  | 'bitcoin_regtest'
  | 'litecoin'
  | 'litecoin_testnet'
  | 'litecoin_regtest'
  | 'litecoin_regtest_v36'
  | 'litecoin_regtest_v35'
  | 'custom';

export interface SecretKeyRef {
  name: string;
  usernameKey?: string;
  passwordKey?: string;
}
export interface ConfigMapKeyRef {
  name: string;
  key?: string;
}

export interface FullNodeSpec {
  /** http://HOST:PORT of the full node's JSON-RPC. */
  rpcUrl: string;
  /** Secret with the RPC user and password (keys `username`, `password` unless named). */
  credentialsSecretRef: SecretKeyRef;
  /** HOST:PORT of the full node's P2P port (block relay); optional. */
  p2pAddress?: string;
}

export interface ResourcesSpec {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

export interface ServicePortSpec {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  port?: number;
  nodePort?: number;
  annotations?: Record<string, string>;
}

export interface WorkloadSpec {
  replicas?: number;
  resources?: ResourcesSpec;
}

export interface EdgeSpec extends WorkloadSpec {
  service?: ServicePortSpec;
  autoscaling?: { enabled?: boolean; minReplicas?: number; maxReplicas?: number; targetCPUUtilizationPercentage?: number };
}

export interface GatewaySpec extends WorkloadSpec {
  service?: ServicePortSpec;
}

export interface WebSpec extends WorkloadSpec {
  service?: ServicePortSpec;
  ingress?: { enabled?: boolean; host?: string; className?: string; annotations?: Record<string, string> };
}

export interface NatsSpec {
  /** An existing NATS with JetStream; empty = the operator deploys one. */
  url?: string;
  tokenSecretRef?: { name: string; key?: string };
  /** Image of the NATS the operator deploys. */
  image?: string;
  persistent?: boolean;
  storage?: string;
  resources?: ResourcesSpec;
}

export interface MergedChainSpec {
  url: string;
  credentialsSecretRef?: SecretKeyRef;
}

export interface P2PoolNodeSpec {
  network: NetworkName;
  /** network: custom — the network file (the consensus core's network format) in a ConfigMap. */
  customNetwork?: { configMapRef: ConfigMapKeyRef };
  fullNodes: FullNodeSpec[];
  payoutAddress?: string;
  donationPercent?: number;
  feePercent?: number;
  p2p?: { port?: number; peers?: string[]; maxConnections?: number };
  mergedMining?: MergedChainSpec[];
  nats?: NatsSpec;
  image?: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  version?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  sharechain?: WorkloadSpec;
  templateBuilder?: WorkloadSpec;
  peerGateway?: GatewaySpec;
  edge?: EdgeSpec;
  aux?: WorkloadSpec & { enabled?: boolean };
  web?: WebSpec;
}

/** metav1.Condition */
export interface Condition {
  type: 'Ready' | 'Progressing' | 'Degraded' | 'Synced';
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface PoolFigures {
  miners?: number;
  hashrate?: string;
  hashrateHps?: number;
  sharechainHeight?: number;
  peers?: number;
  shareVersion?: number;
  syncProgress?: string;
}

export interface P2PoolNodeStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  version?: string;
  edges?: { replicas?: number; ready?: number; readyText?: string; selector?: string; prefixes?: number[] };
  pool?: PoolFigures;
  /** The ordered rollout to `version` (operator/render/rollout.ts). */
  rollout?: { target: string; from: string; step: number; stepStartedAt: string; failed?: string };
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface P2PoolNode {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: ObjectMeta;
  spec: P2PoolNodeSpec;
  status?: P2PoolNodeStatus;
}

/** A Kubernetes object as the renderer emits it: enough for server-side apply. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: unknown[];
  };
  [field: string]: unknown;
}
