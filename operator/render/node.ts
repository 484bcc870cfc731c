// The desired state of one P2PoolNode: a pure function of its spec (and of the NATS Service address
// once that exists), unit-tested without a cluster. The reconciler applies the result by server-side
// apply and deletes what it owned but no longer renders. Layout and reasons: docs/operator.md.
import { createHash } from 'node:crypto';
import { API_VERSION, KIND, type KubeObject, type P2PoolNode, type WorkloadSpec } from '../api/types.ts';
import {
  argsFile,
  commonArgs,
  fullNodeSecretDir,
  MERGED_AUTH_KEY,
  mergedAuthFile,
  PATHS,
  PORTS,
  SERVICES,
  serviceArgs,
  type ArgsInput,
  type ServiceName,
} from './args.ts';
import { networkDefaults } from './network.ts';

export const LABELS = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
  version: 'app.kubernetes.io/version',
} as const;
export const MANAGED_BY = 'p2pool-operator';
export const CONFIG_HASH = 'p2pool.dev/config-hash';
export const UID = 10001;
/** Every pod the operator renders runs as UID, non-root, seccomp RuntimeDefault; Secrets readable through fsGroup. */
export const POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: UID,
  runAsGroup: UID,
  fsGroup: UID,
  seccompProfile: { type: 'RuntimeDefault' },
};
/** …and every container without privileges or a writable root filesystem. */
export const CONTAINER_SECURITY = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };
/** A new pod counts as available only after being ready this long (rollouts wait for it). */
export const MIN_READY_SECONDS = 10;
export const PROGRESS_DEADLINE_SECONDS = 300;
/** The edge's preStop: GET /drain on its own health port, from inside the pod. */
export const PRESTOP_DRAIN = [
  'node',
  '--input-type=module',
  '-e',
  `const r = await fetch('http://127.0.0.1:${PORTS.health}/drain'); process.exit(r.ok ? 0 : 1);`,
];

export interface RenderDefaults {
  /** Image repository of the services when the spec names none (the operator's own image). */
  imageRepository: string;
  /** The operator's version: the services' tag when the spec gives no version. */
  version: string;
  natsImage: string;
}

export interface Observed {
  /** ClusterIP of the NATS Service the operator deployed; until it exists only NATS is rendered. */
  natsServiceIP?: string;
}

export interface Rendered {
  objects: KubeObject[];
  /** Set while a prerequisite is missing: what the rest of the node waits for. */
  waitingFor?: string;
  image: string;
  version: string;
  natsUrl?: string;
  natsPrefix: string;
  edgeSelector: string;
}

export const componentName = (node: string, component: string) => `${node}-${component}`;

/** What every object the operator renders for a node carries: the node as its controller. */
export function ownerReference(node: P2PoolNode) {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    name: node.metadata.name,
    uid: node.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** A service's arguments ConfigMap: NODE-SERVICE-args-HASH, the hash of its data. */
export function configMapName(node: string, service: ServiceName, data: Record<string, string>): string {
  const keys = Object.keys(data).sort();
  return componentName(node, `${service}-args-${hash(...keys.flatMap((k) => [k, data[k]!])).slice(0, 10)}`);
}

/**
 * What the reconciler keeps when it prunes: every object applied, and every ConfigMap a pod template
 * applied still mounts (a workload of a rollout step not reached yet runs its old arguments).
 */
export function keptObjects(applied: readonly KubeObject[]): Set<string> {
  const kept = new Set(applied.map((o) => `${o.kind}/${o.metadata.name}`));
  for (const o of applied) {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') continue;
    const volumes = (o as { spec?: { template?: { spec?: { volumes?: { configMap?: { name?: string } }[] } } } }).spec?.template?.spec
      ?.volumes;
    for (const v of volumes ?? []) if (v.configMap?.name) kept.add(`ConfigMap/${v.configMap.name}`);
  }
  return kept;
}

/** The bus prefix of a node: unique per namespace/name, so nodes can share one NATS (docs/bus.md). */
export function natsPrefixFor(namespace: string, name: string): string {
  return `p2pool-${createHash('sha256').update(`${namespace}/${name}`).digest('hex').slice(0, 10)}`;
}

export function imageFor(node: P2PoolNode, d: RenderDefaults): { image: string; version: string } {
  const version = node.spec.version ?? d.version;
  if (node.spec.image) return { image: node.spec.image, version: node.spec.image.split(':').pop() ?? version };
  return { image: `${d.imageRepository}:${version}`, version };
}

function hash(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

export function render(node: P2PoolNode, d: RenderDefaults, observed: Observed = {}): Rendered {
  const { name, namespace } = node.metadata;
  const spec = node.spec;
  const { image, version } = imageFor(node, d);
  const natsPrefix = natsPrefixFor(namespace, name);
  const base = (component: string): Record<string, string> => ({
    [LABELS.name]: 'p2pool',
    [LABELS.instance]: name,
    [LABELS.component]: component,
    [LABELS.managedBy]: MANAGED_BY,
  });
  const selector = (component: string) => ({ [LABELS.instance]: name, [LABELS.component]: component });
  const owner = ownerReference(node);
  const meta = (objName: string, component: string, extra: { annotations?: Record<string, string> } = {}) => ({
    name: objName,
    namespace,
    labels: { ...base(component), [LABELS.version]: version },
    ownerReferences: [owner],
    ...extra,
  });
  const edgeSelector = `${LABELS.instance}=${name},${LABELS.component}=edge`;
  const objects: KubeObject[] = [];
  const serviceAccount = componentName(name, 'p2pool');

  // The pods call no Kubernetes API: their ServiceAccount has no bindings and no mounted token.
  objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(serviceAccount, 'node'), automountServiceAccountToken: false });

  let natsUrl = spec.nats?.url;
  if (!natsUrl) {
    objects.push(...renderNats(node, d, meta, selector));
    if (!observed.natsServiceIP) {
      return { objects, waitingFor: 'the NATS Service address', image, version, natsPrefix, edgeSelector };
    }
    natsUrl = `nats://${observed.natsServiceIP}:${PORTS.nats}`;
  }

  const input: ArgsInput = { spec, natsUrl, natsPrefix };
  const common = argsFile(commonArgs(input));
  const mergedAuth = mergedAuthFile(spec);
  // One immutable ConfigMap per service, named by its content: a pod reads the arguments of its own
  // version, even one of a rollout step not reached yet that restarts (docs/operator.md).
  const configs = new Map<ServiceName, { name: string; data: Record<string, string> }>();
  for (const s of SERVICES) {
    const data: Record<string, string> = { 'common.args': common, [`${s}.args`]: argsFile(serviceArgs(s, input)) };
    if (s === 'aux' && mergedAuth !== undefined) data[MERGED_AUTH_KEY] = mergedAuth;
    const cm = { name: configMapName(name, s, data), data };
    configs.set(s, cm);
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(cm.name, s), immutable: true, data });
  }

  const net = networkDefaults(spec.network);
  const workload = (s: ServiceName): WorkloadSpec => {
    switch (s) {
      case 'template-builder':
        return spec.templateBuilder ?? {};
      case 'peer-gateway':
        return spec.peerGateway ?? {};
      default:
        return spec[s] ?? {};
    }
  };
  const usesFullNode = (s: ServiceName) => s === 'template-builder' || s === 'edge' || (s === 'sharechain' && !spec.payoutAddress);
  const containerPorts: Record<ServiceName, { name: string; containerPort: number }[]> = {
    sharechain: [],
    'template-builder': [],
    aux: [],
    'peer-gateway': [{ name: 'p2p', containerPort: net.p2pPort }],
    edge: [{ name: 'stratum', containerPort: net.workerPort }],
    web: [
      { name: 'http', containerPort: PORTS.web },
      { name: 'grpc', containerPort: PORTS.grpc },
    ],
  };

  const podTemplate = (s: ServiceName) => {
    const w = workload(s);
    const config = configs.get(s)!;
    const volumes: unknown[] = [
      { name: 'config', configMap: { name: config.name } },
      { name: 'data', emptyDir: {} },
    ];
    const mounts: unknown[] = [
      { name: 'config', mountPath: PATHS.config, readOnly: true },
      { name: 'data', mountPath: PATHS.data },
    ];
    if (usesFullNode(s)) {
      spec.fullNodes.forEach((fn, i) => {
        const ref = fn.credentialsSecretRef;
        const vol = i === 0 ? 'full-node' : `full-node-${i}`;
        volumes.push({
          name: vol,
          secret: {
            secretName: ref.name,
            defaultMode: 0o440,
            items: [
              { key: ref.usernameKey ?? 'username', path: 'username' },
              { key: ref.passwordKey ?? 'password', path: 'password' },
            ],
          },
        });
        mounts.push({ name: vol, mountPath: fullNodeSecretDir(i), readOnly: true });
      });
    }
    if (s === 'aux') {
      (spec.mergedMining ?? []).forEach((m, i) => {
        const ref = m.credentialsSecretRef;
        if (!ref) return;
        volumes.push({
          name: `merged-${i}`,
          secret: {
            secretName: ref.name,
            defaultMode: 0o440,
            items: [
              { key: ref.usernameKey ?? 'username', path: 'username' },
              { key: ref.passwordKey ?? 'password', path: 'password' },
            ],
          },
        });
        mounts.push({ name: `merged-${i}`, mountPath: `${PATHS.mergedSecret}/${i}`, readOnly: true });
      });
    }
    if (spec.nats?.tokenSecretRef) {
      volumes.push({
        name: 'nats-token',
        secret: {
          secretName: spec.nats.tokenSecretRef.name,
          defaultMode: 0o440,
          items: [{ key: spec.nats.tokenSecretRef.key ?? 'token', path: 'token' }],
        },
      });
      mounts.push({ name: 'nats-token', mountPath: PATHS.natsSecret, readOnly: true });
    }
    if (spec.network === 'custom' && spec.customNetwork) {
      const ref = spec.customNetwork.configMapRef;
      volumes.push({ name: 'network', configMap: { name: ref.name, items: [{ key: ref.key ?? 'network.json', path: 'network.json' }] } });
      mounts.push({ name: 'network', mountPath: PATHS.network, readOnly: true });
    }
    const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
      httpGet: { path, port: 'health' },
      periodSeconds,
      failureThreshold,
      timeoutSeconds: 3,
    });
    return {
      metadata: {
        labels: { ...base(s), [LABELS.version]: version },
        // The hash of what this service reads: a spec edit rolls only the services it changes.
        annotations: {
          [CONFIG_HASH]: hash(image, ...Object.values(config.data), JSON.stringify(volumes), JSON.stringify(w.resources ?? {})),
        },
      },
      spec: {
        serviceAccountName: serviceAccount,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        terminationGracePeriodSeconds: s === 'edge' ? 60 : 30,
        securityContext: POD_SECURITY,
        containers: [
          {
            name: s,
            image,
            imagePullPolicy: spec.imagePullPolicy ?? 'IfNotPresent',
            workingDir: '/app',
            command: ['node', 'services/cli/main.ts'],
            args: ['--service', s, `@${PATHS.config}/common.args`, `@${PATHS.config}/${s}.args`],
            // POD_NAME is the instance id; an edge's StatefulSet ordinal in it is its extranonce prefix.
            env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            ports: [{ name: 'health', containerPort: PORTS.health }, ...containerPorts[s]],
            // /readyz means synced and able to serve (an edge: it has work to hand out).
            readinessProbe: probe('/readyz', 5, 2),
            livenessProbe: { ...probe('/healthz', 10, 6), initialDelaySeconds: 10 },
            // An edge moves its miners to the others before it stops (docs/rollout.md): /drain (loopback
            // only) returns when the drain window is over, then SIGTERM finds nothing left to do.
            ...(s === 'edge' ? { lifecycle: { preStop: { exec: { command: PRESTOP_DRAIN } } } } : {}),
            resources: w.resources ?? {},
            volumeMounts: mounts,
            securityContext: CONTAINER_SECURITY,
          },
        ],
        volumes,
      },
    };
  };

  for (const s of SERVICES) {
    const w = workload(s);
    const template = podTemplate(s);
    if (s === 'edge') {
      // Edges are a StatefulSet: an ordinal exists at most once at any time (no surge), so the
      // prefix taken from it is unique during rolls, scale-downs and scale-ups alike.
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: meta(componentName(name, s), s),
        spec: {
          serviceName: componentName(name, 'edge-pods'),
          replicas: w.replicas ?? 1,
          podManagementPolicy: 'Parallel',
          // One edge at a time, each ready for a while before the next drains (its miners land somewhere).
          updateStrategy: { type: 'RollingUpdate' },
          minReadySeconds: MIN_READY_SECONDS,
          selector: { matchLabels: selector(s) },
          template,
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
        },
      });
      continue;
    }
    // Surge, never fewer than asked: the new pod is up before the old one goes. The sharechain's replicas
    // elect one writer of its JetStream store (a lease in NATS KV); the surge pod waits as a ready
    // standby and takes over when the old one leaves (docs/rollout.md).
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(componentName(name, s), s),
      spec: {
        replicas: w.replicas ?? 1,
        strategy,
        revisionHistoryLimit: 3,
        minReadySeconds: MIN_READY_SECONDS,
        // Past this a new pod that never gets ready marks the Deployment ProgressDeadlineExceeded: the
        // operator's rollout stops there (render/rollout.ts).
        progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS,
        selector: { matchLabels: selector(s) },
        template,
      },
    });
  }

  const svc = (
    svcName: string,
    component: string,
    type: string,
    ports: unknown[],
    extra: Record<string, unknown> = {},
    annotations?: Record<string, string>,
  ) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(svcName, component, annotations ? { annotations } : {}),
    spec: { type, selector: selector(component), ports, ...extra },
  });
  const edgeSvc = spec.edge?.service ?? {};
  objects.push(
    svc(
      componentName(name, 'edge'),
      'edge',
      edgeSvc.type ?? 'NodePort',
      [
        {
          name: 'stratum',
          port: edgeSvc.port ?? net.workerPort,
          targetPort: 'stratum',
          protocol: 'TCP',
          ...(edgeSvc.nodePort ? { nodePort: edgeSvc.nodePort } : {}),
        },
      ],
      {},
      edgeSvc.annotations,
    ),
  );
  objects.push(
    svc(componentName(name, 'edge-pods'), 'edge', 'ClusterIP', [{ name: 'stratum', port: net.workerPort, targetPort: 'stratum' }], {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
    }),
  );
  const gwSvc = spec.peerGateway?.service ?? {};
  objects.push(
    svc(
      componentName(name, 'peer-gateway'),
      'peer-gateway',
      gwSvc.type ?? 'ClusterIP',
      [
        {
          name: 'p2p',
          port: gwSvc.port ?? net.p2pPort,
          targetPort: 'p2p',
          protocol: 'TCP',
          ...(gwSvc.nodePort ? { nodePort: gwSvc.nodePort } : {}),
        },
      ],
      {},
      gwSvc.annotations,
    ),
  );
  const webSvc = spec.web?.service ?? {};
  objects.push(
    svc(
      componentName(name, 'web'),
      'web',
      webSvc.type ?? 'ClusterIP',
      [
        {
          name: 'http',
          port: webSvc.port ?? PORTS.web,
          targetPort: 'http',
          protocol: 'TCP',
          ...(webSvc.nodePort ? { nodePort: webSvc.nodePort } : {}),
        },
        { name: 'grpc', port: PORTS.grpc, targetPort: 'grpc', protocol: 'TCP' },
      ],
      {},
      webSvc.annotations,
    ),
  );

  const ing = spec.web?.ingress;
  if (ing?.enabled && ing.host) {
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta(componentName(name, 'web'), 'web', ing.annotations ? { annotations: ing.annotations } : {}),
      spec: {
        ...(ing.className ? { ingressClassName: ing.className } : {}),
        rules: [
          {
            host: ing.host,
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name: componentName(name, 'web'), port: { name: 'http' } } } },
              ],
            },
          },
        ],
      },
    });
  }

  for (const c of ['edge', 'web'] as const) {
    objects.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(componentName(name, c), c),
      spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: selector(c) } },
    });
  }

  const as = spec.edge?.autoscaling;
  if (as?.enabled) {
    // The HPA scales the P2PoolNode (its scale subresource is the edge count), so the operator
    // stays the only writer of the StatefulSet's replicas.
    objects.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(componentName(name, 'edge'), 'edge'),
      spec: {
        scaleTargetRef: { apiVersion: API_VERSION, kind: KIND, name },
        minReplicas: as.minReplicas ?? 1,
        maxReplicas: as.maxReplicas ?? 4,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: as.targetCPUUtilizationPercentage ?? 70 } },
          },
        ],
      },
    });
  }

  objects.push(...renderNetworkPolicies(node, meta, net, webSvc.port));
  return { objects, image, version, natsUrl, natsPrefix, edgeSelector };
}

type MetaFn = (objName: string, component: string, extra?: { annotations?: Record<string, string> }) => KubeObject['metadata'];

function renderNats(node: P2PoolNode, d: RenderDefaults, meta: MetaFn, selector: (c: string) => Record<string, string>): KubeObject[] {
  const { name } = node.metadata;
  const n = node.spec.nats ?? {};
  const persistent = n.persistent ?? true;
  const stsName = componentName(name, 'nats');
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(stsName, 'nats'),
      spec: { type: 'ClusterIP', selector: selector('nats'), ports: [{ name: 'client', port: PORTS.nats, targetPort: 'client' }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta(stsName, 'nats'),
      spec: {
        serviceName: stsName,
        replicas: 1,
        selector: { matchLabels: selector('nats') },
        template: {
          // Without our version label: NATS runs its own image, and a restart of a non-persistent NATS on
          // every spec.version change would throw away the streams and KV a roll relies on (docs/rollout.md).
          metadata: {
            labels: Object.fromEntries(Object.entries(meta(stsName, 'nats').labels ?? {}).filter(([k]) => k !== LABELS.version)),
          },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: POD_SECURITY,
            containers: [
              {
                name: 'nats',
                image: n.image ?? d.natsImage,
                imagePullPolicy: node.spec.imagePullPolicy ?? 'IfNotPresent',
                args: ['--jetstream', '--store_dir', '/data', '--port', String(PORTS.nats), '--http_port', String(PORTS.natsMonitor)],
                ports: [
                  { name: 'client', containerPort: PORTS.nats },
                  { name: 'monitor', containerPort: PORTS.natsMonitor },
                ],
                readinessProbe: { httpGet: { path: '/healthz?js-enabled-only=true', port: 'monitor' }, periodSeconds: 5 },
                livenessProbe: {
                  httpGet: { path: '/healthz?js-enabled-only=true', port: 'monitor' },
                  periodSeconds: 10,
                  failureThreshold: 6,
                  initialDelaySeconds: 10,
                },
                resources: n.resources ?? {},
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
                securityContext: CONTAINER_SECURITY,
              },
            ],
            ...(persistent ? {} : { volumes: [{ name: 'data', emptyDir: {} }] }),
          },
        },
        ...(persistent
          ? {
              volumeClaimTemplates: [
                {
                  metadata: { name: 'data' },
                  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: n.storage ?? '1Gi' } } },
                },
              ],
            }
          : {}),
      },
    },
  ];
}

// Ingress is closed except: any pod of this node to any other (the bus, health), and from anywhere to
// stratum, P2P, the web page and the health port (kubelet probes; the operator reads /readyz and the
// web's JSON). NATS also admits the operator, which removes the node's streams when it is deleted.
function renderNetworkPolicies(
  node: P2PoolNode,
  meta: MetaFn,
  net: { workerPort: number; p2pPort: number },
  _webPort?: number,
): KubeObject[] {
  const { name } = node.metadata;
  const inst = { [LABELS.instance]: name };
  const open = (component: string, ports: number[]) => ({
    podSelector: { matchLabels: { ...inst, [LABELS.component]: component } },
    ports: ports.map((port) => ({ protocol: 'TCP', port })),
  });
  const rules = [
    open('edge', [net.workerPort, PORTS.health]),
    open('peer-gateway', [net.p2pPort, PORTS.health]),
    open('web', [PORTS.web, PORTS.grpc, PORTS.health]),
  ];
  const policies: KubeObject[] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(componentName(name, 'internal'), 'node'),
      spec: { podSelector: { matchLabels: inst }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: inst } }] }] },
    },
  ];
  for (const r of rules) {
    const component = r.podSelector.matchLabels[LABELS.component]!;
    policies.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(componentName(name, `${component}-public`), component),
      spec: { podSelector: r.podSelector, policyTypes: ['Ingress'], ingress: [{ ports: r.ports }] },
    });
  }
  for (const c of ['sharechain', 'template-builder', 'aux'] as const) {
    policies.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(componentName(name, `${c}-health`), c),
      spec: {
        podSelector: { matchLabels: { ...inst, [LABELS.component]: c } },
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ protocol: 'TCP', port: PORTS.health }] }],
      },
    });
  }
  if (!node.spec.nats?.url) {
    policies.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(componentName(name, 'nats-operator'), 'nats'),
      spec: {
        podSelector: { matchLabels: { ...inst, [LABELS.component]: 'nats' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: {}, podSelector: { matchLabels: { [LABELS.name]: 'p2pool-operator' } } }],
            ports: [{ protocol: 'TCP', port: PORTS.nats }],
          },
          { ports: [{ protocol: 'TCP', port: PORTS.natsMonitor }] },
        ],
      },
    });
  }
  return policies;
}
