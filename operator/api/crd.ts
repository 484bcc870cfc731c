// The P2PoolNode CustomResourceDefinition: structural schema, CEL rules, printer columns, status and
// scale subresources. `make crd` writes it to charts/p2pool/crds/ (a test fails when that file drifts).
import { GROUP, KIND, PLURAL, VERSION } from './types.ts';

// Payout address formats per network (base58 version bytes and bech32 prefixes of services/core/networks).
const B58 = '[1-9A-HJ-NP-Za-km-z]';
const BECH = '[02-9ac-hj-np-z]';
export const ADDRESS_PATTERNS: Record<string, string> = {
  bitcoin: `^(bc1${BECH}{8,87}|[13]${B58}{25,34})$`,
  bitcoin_testnet: `^(tb1${BECH}{8,87}|[mn2]${B58}{25,34})$`,
  bitcoin_regtest: `^(bcrt1${BECH}{8,87}|[mn2]${B58}{25,34})$`,
  litecoin: `^(ltc1${BECH}{8,87}|[LM3]${B58}{25,34})$`,
  litecoin_testnet: `^(tltc1${BECH}{8,87}|[mnQ2]${B58}{25,34})$`,
  litecoin_regtest: `^(rltc1${BECH}{8,87}|[mnQ2]${B58}{25,34})$`,
  // Regtest with V36 rules: chains starting at v36, and at v35 for the switch (docs/consensus-core.md).
  litecoin_regtest_v36: `^(rltc1${BECH}{8,87}|[mnQ2]${B58}{25,34})$`,
  litecoin_regtest_v35: `^(rltc1${BECH}{8,87}|[mnQ2]${B58}{25,34})$`,
};
export const NETWORK_NAMES = [...Object.keys(ADDRESS_PATTERNS), 'custom'];

const str = (extra: Record<string, unknown> = {}) => ({ type: 'string', maxLength: 253, ...extra });
const int = (minimum?: number, maximum?: number) => ({
  type: 'integer',
  format: 'int32',
  ...(minimum !== undefined ? { minimum } : {}),
  ...(maximum !== undefined ? { maximum } : {}),
});
const strMap = { type: 'object', additionalProperties: { type: 'string', maxLength: 4096 }, maxProperties: 64 };
const resources = {
  type: 'object',
  description: "Compute resources of each pod (as a container's resources).",
  properties: {
    requests: { type: 'object', additionalProperties: { type: 'string', maxLength: 32, pattern: '^[0-9.]+[a-zA-Z]*$' }, maxProperties: 8 },
    limits: { type: 'object', additionalProperties: { type: 'string', maxLength: 32, pattern: '^[0-9.]+[a-zA-Z]*$' }, maxProperties: 8 },
  },
};
const secretRef = {
  type: 'object',
  required: ['name'],
  properties: { name: str(), usernameKey: str({ default: 'username' }), passwordKey: str({ default: 'password' }) },
};
const servicePort = (defaultType: string, what: string) => ({
  type: 'object',
  description: `The Service of ${what}.`,
  properties: {
    type: { type: 'string', enum: ['ClusterIP', 'NodePort', 'LoadBalancer'], default: defaultType },
    port: { ...int(1, 65535), description: "Service port (default: the network's port)." },
    nodePort: { ...int(1, 65535), description: 'Fixed node port for NodePort/LoadBalancer.' },
    annotations: strMap,
  },
  'x-kubernetes-validations': [
    {
      rule: "!has(self.nodePort) || self.type != 'ClusterIP'",
      message: 'nodePort needs type NodePort or LoadBalancer',
      reason: 'FieldValueInvalid',
    },
  ],
});
const workload = (what: string, maxReplicas = 1, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  description: what,
  properties: { replicas: { ...int(0, maxReplicas), default: 1 }, resources, ...extra },
});

function addressRule(): string {
  // A chain of ternaries over constant patterns (CEL compiles constant regexes once).
  let expr = 'true';
  for (const [net, re] of Object.entries(ADDRESS_PATTERNS).reverse()) {
    expr = `self.network == '${net}' ? self.payoutAddress.matches('${re}') : (${expr})`;
  }
  return `!has(self.payoutAddress) || (${expr})`;
}

export function p2poolNodeCrd(): Record<string, unknown> {
  const spec = {
    type: 'object',
    required: ['network', 'fullNodes'],
    properties: {
      network: {
        type: 'string',
        enum: NETWORK_NAMES,
        description: 'The P2Pool network; custom = a network file in a ConfigMap (spec.customNetwork). Immutable.',
        'x-kubernetes-validations': [
          {
            rule: 'self == oldSelf',
            message: 'network is immutable: create a new P2PoolNode for another network',
            reason: 'FieldValueForbidden',
          },
        ],
      },
      customNetwork: {
        type: 'object',
        required: ['configMapRef'],
        properties: {
          configMapRef: { type: 'object', required: ['name'], properties: { name: str(), key: str({ default: 'network.json' }) } },
        },
      },
      fullNodes: {
        type: 'array',
        minItems: 1,
        maxItems: 4,
        description: 'Full nodes (bitcoind/litecoind); the first is used, the others are failover candidates.',
        items: {
          type: 'object',
          required: ['rpcUrl', 'credentialsSecretRef'],
          properties: {
            rpcUrl: str({
              maxLength: 200,
              pattern: '^http://[^/:@\\s]+(:[0-9]{1,5})?/?$',
              description: 'http://HOST:PORT of the JSON-RPC (no credentials in the URL).',
            }),
            credentialsSecretRef: { ...secretRef, description: 'Secret holding the RPC user and password, mounted as files.' },
            p2pAddress: str({ maxLength: 200, pattern: '^[^:/\\s]+:[0-9]{1,5}$', description: "HOST:PORT of the full node's P2P port." }),
          },
        },
      },
      payoutAddress: str({
        maxLength: 100,
        description: "Where the node fee and donations of unaddressed work go; empty = the full node's wallet.",
      }),
      donationPercent: { type: 'number', minimum: 0, maximum: 100, default: 0.5 },
      feePercent: { type: 'number', minimum: 0, maximum: 100, default: 0 },
      p2p: {
        type: 'object',
        properties: {
          port: { ...int(1, 65535), description: "P2P port (default: the network's)." },
          peers: { type: 'array', maxItems: 64, 'x-kubernetes-list-type': 'set', items: str({ maxLength: 200, pattern: '^[^\\s/]+$' }) },
          maxConnections: { ...int(0, 10000), default: 40 },
        },
      },
      mergedMining: {
        type: 'array',
        maxItems: 8,
        items: {
          type: 'object',
          required: ['url'],
          properties: { url: str({ maxLength: 200, pattern: '^http://[^/@\\s]+/?$' }), credentialsSecretRef: secretRef },
        },
      },
      nats: {
        type: 'object',
        description: 'The bus: an existing NATS with JetStream (url), or one the operator deploys (no url).',
        properties: {
          url: str({ maxLength: 500, pattern: '^nats://[^\\s]+$' }),
          tokenSecretRef: { type: 'object', required: ['name'], properties: { name: str(), key: str({ default: 'token' }) } },
          image: str({ maxLength: 500 }),
          persistent: { type: 'boolean', default: true, description: 'false = JetStream on an emptyDir (tests, throwaway nodes).' },
          storage: str({ maxLength: 20, default: '1Gi', pattern: '^[0-9]+(Ki|Mi|Gi|Ti)$' }),
          resources,
        },
      },
      image: str({ maxLength: 500, description: "Image of every service (default: the operator's own image, at spec.version)." }),
      imagePullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'], default: 'IfNotPresent' },
      version: str({ maxLength: 128, pattern: '^[A-Za-z0-9._+-]+$' }),
      logLevel: { type: 'string', enum: ['debug', 'info', 'warn', 'error'], default: 'info' },
      sharechain: workload('The sharechain (a singleton: its JetStream store has one writer).'),
      templateBuilder: workload('The template builder.'),
      peerGateway: workload('The P2P peer gateway.', 1, { service: servicePort('ClusterIP', 'the P2P port') }),
      edge: workload(
        'The stratum edges; `kubectl scale p2poolnode/NAME --replicas=N` sets replicas. Each edge pod owns a distinct extranonce prefix (its StatefulSet ordinal, 8 bits).',
        256,
        {
          service: servicePort('NodePort', 'the stratum port'),
          autoscaling: {
            type: 'object',
            properties: {
              enabled: { type: 'boolean', default: false },
              minReplicas: { ...int(1, 256), default: 1 },
              maxReplicas: { ...int(1, 256), default: 4 },
              targetCPUUtilizationPercentage: { ...int(1, 100), default: 70 },
            },
            'x-kubernetes-validations': [
              {
                rule: 'self.minReplicas <= self.maxReplicas',
                message: 'autoscaling.minReplicas must not exceed maxReplicas',
                reason: 'FieldValueInvalid',
              },
            ],
          },
        },
      ),
      aux: workload('Merged mining (runs when spec.mergedMining lists a chain).'),
      web: workload('The web page, reference JSON and gRPC API.', 16, {
        service: servicePort('ClusterIP', 'the web page'),
        ingress: {
          type: 'object',
          properties: { enabled: { type: 'boolean', default: false }, host: str(), className: str(), annotations: strMap },
          'x-kubernetes-validations': [
            {
              rule: '!self.enabled || has(self.host)',
              message: 'web.ingress.host is required when the ingress is enabled',
              reason: 'FieldValueRequired',
            },
          ],
        },
      }),
    },
    'x-kubernetes-validations': [
      {
        rule: "self.network != 'custom' || has(self.customNetwork)",
        message: 'network custom needs spec.customNetwork.configMapRef',
        reason: 'FieldValueRequired',
      },
      {
        rule: "self.network == 'custom' || !has(self.customNetwork)",
        message: 'spec.customNetwork is only for network custom',
        reason: 'FieldValueInvalid',
      },
      {
        rule: addressRule(),
        messageExpression: "'payoutAddress ' + self.payoutAddress + ' is not a valid ' + self.network + ' address'",
        reason: 'FieldValueInvalid',
        fieldPath: '.payoutAddress',
      },
      {
        rule: 'self.feePercent + self.donationPercent <= 100',
        message: 'feePercent + donationPercent must not exceed 100',
        reason: 'FieldValueInvalid',
      },
    ],
  };

  const condition = {
    type: 'object',
    required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
    properties: {
      type: str({ maxLength: 316 }),
      status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
      observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
      lastTransitionTime: { type: 'string', format: 'date-time' },
      reason: str({ maxLength: 1024 }),
      message: str({ maxLength: 32768 }),
    },
  };
  const status = {
    type: 'object',
    properties: {
      observedGeneration: { type: 'integer', format: 'int64' },
      version: str(),
      conditions: { type: 'array', maxItems: 8, items: condition, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] },
      edges: {
        type: 'object',
        properties: {
          replicas: int(0),
          ready: int(0),
          readyText: str(),
          selector: str({ maxLength: 1024 }),
          prefixes: { type: 'array', maxItems: 256, items: int(0, 255) },
        },
      },
      pool: {
        type: 'object',
        properties: {
          miners: int(0),
          hashrate: str(),
          hashrateHps: { type: 'number' },
          sharechainHeight: int(0),
          peers: int(0),
          shareVersion: int(0),
          syncProgress: str(),
        },
      },
      rollout: {
        type: 'object',
        required: ['target', 'from', 'step', 'stepStartedAt'],
        properties: {
          target: str(),
          from: str(),
          step: int(0, 3),
          stepStartedAt: { type: 'string', format: 'date-time' },
          failed: str({ maxLength: 32768 }),
        },
      },
    },
  };

  const col = (name: string, type: string, jsonPath: string, extra: Record<string, unknown> = {}) => ({ name, type, jsonPath, ...extra });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${PLURAL}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: {
        plural: PLURAL,
        singular: 'p2poolnode',
        kind: KIND,
        listKind: `${KIND}List`,
        shortNames: ['p2p', 'pn'],
        categories: ['p2pool'],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec, status },
            },
          },
          subresources: {
            status: {},
            scale: {
              specReplicasPath: '.spec.edge.replicas',
              statusReplicasPath: '.status.edges.replicas',
              labelSelectorPath: '.status.edges.selector',
            },
          },
          additionalPrinterColumns: [
            col('Network', 'string', '.spec.network'),
            col('Version', 'string', '.status.version'),
            col('Edges', 'string', '.status.edges.readyText', { description: 'ready/desired edge pods' }),
            col('Miners', 'integer', '.status.pool.miners'),
            col('Hashrate', 'string', '.status.pool.hashrate'),
            col('Height', 'integer', '.status.pool.sharechainHeight', { description: 'shares in the sharechain' }),
            col('Peers', 'integer', '.status.pool.peers'),
            col('Share', 'integer', '.status.pool.shareVersion', { description: 'share version of the best share' }),
            col('Ready', 'string', '.status.conditions[?(@.type=="Ready")].status', { priority: 1 }),
            col('Age', 'date', '.metadata.creationTimestamp'),
          ],
        },
      ],
    },
  };
}
