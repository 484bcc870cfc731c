// The operator on a real single-node Kubernetes with real pods running our image (make test-k8s;
// scripts/k8s/test-k8s.sh starts the cluster, imports the image and stops it all afterwards).
// One Litecoin regtest full node on the host, reachable from pods at the node IP; miners outside the
// cluster mine through the edge's NodePort. Scenarios in order, sharing the one P2PoolNode.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import { natsPrefixFor } from '../../operator/render/node.ts';
import { ownsStream } from '../../services/bus/cleanup.ts';
import { NatsBus } from '../../services/bus/nats.ts';
import { shareQueueFor } from '../../services/bus/share-queue.ts';
import { builtinNetwork } from '../../services/core/networks/index.ts';
import { CpuMiner, StratumConnection } from '../../services/miner/index.ts';
import { regtestAddress } from '../harness/keys.ts';
import { startLitecoind, type LitecoindNode } from '../harness/litecoind.ts';
import { eventually, httpJson, Kube, localImageValues } from './cluster.ts';

const kube = new Kube();
const NODE_IP = kube.env.nodeIP;
const NS = 'pool';
const OP_NS = 'p2pool-system';
const NAME = 'ltc';
const NODE_PORT = 30447;
const IMAGE_REPO = process.env.P2POOL_IMAGE_REPO ?? 'localhost/p2pool-ts';
const IMAGE_TAG = process.env.P2POOL_IMAGE_TAG ?? '0.1.0';
const NATS_IMAGE = process.env.P2POOL_NATS_IMAGE ?? 'localhost/p2pool-nats:2.9.10';
const PAYOUT = regtestAddress('litecoin', 'p2pool-ts k8s payout');
const timings: Record<string, number> = {};

let ltc: LitecoindNode;
const miners: CpuMiner[] = [];
const minerAddresses: string[] = [];
const reconnectAsks: string[] = [];

function p2poolNode(extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'p2pool.dev/v1alpha1',
    kind: 'P2PoolNode',
    metadata: { name: NAME, namespace: NS },
    spec: {
      network: 'litecoin_regtest',
      fullNodes: [{ rpcUrl: `http://${NODE_IP}:${ltc.rpcPort}`, credentialsSecretRef: { name: 'ltc-rpc' } }],
      payoutAddress: PAYOUT,
      imagePullPolicy: 'Never',
      nats: { image: NATS_IMAGE, persistent: false },
      edge: { replicas: 1, service: { type: 'NodePort', nodePort: NODE_PORT } },
      ...extra,
    },
  };
}

const getNode = () => kube.json(['-n', NS, 'get', 'p2poolnode', NAME]);
const cond = (node: any, type: string) => node.status?.conditions?.find((c: any) => c.type === type);

async function workloads(): Promise<Map<string, any>> {
  const out = new Map<string, any>();
  for (const kind of ['deployments', 'statefulsets']) {
    const l = await kube.json(['-n', NS, 'get', kind, '-l', `app.kubernetes.io/instance=${NAME}`]);
    for (const w of l.items) out.set(`${w.kind}/${w.metadata.name}`, w);
  }
  return out;
}

/** The sharechain's arguments: the ConfigMap its Deployment's pod template mounts (one per content). */
async function sharechainArgs(): Promise<string> {
  const dep = await kube.json(['-n', NS, 'get', 'deployment', `${NAME}-sharechain`]);
  const vol = dep.spec.template.spec.volumes.find((v: any) => v.name === 'config');
  return (await kube.json(['-n', NS, 'get', 'configmap', vol.configMap.name])).data['sharechain.args'];
}

/** The node's arguments ConfigMaps, by service: each must settle on one (older contents pruned). */
async function argsConfigMaps(): Promise<Record<string, string[]>> {
  const l = await kube.json(['-n', NS, 'get', 'configmaps', '-l', `app.kubernetes.io/instance=${NAME}`]);
  const out: Record<string, string[]> = {};
  for (const cm of l.items) {
    const m = /^(.*)-args-[0-9a-f]{10}$/.exec(cm.metadata.name.slice(NAME.length + 1));
    if (m) (out[m[1]!] ??= []).push(cm.metadata.name);
  }
  return out;
}

async function webIP(): Promise<string> {
  return (await kube.json(['-n', NS, 'get', 'service', `${NAME}-web`])).spec.clusterIP;
}

// On regtest nearly every hash meets the block target, so each submitted pseudoshare is also a block:
// slow miners keep litecoind's submitblock load sane on a busy 2-core machine.
function miner(label: string, maxHashrate = 20): CpuMiner {
  const username = regtestAddress('litecoin', `p2pool-ts k8s miner ${label}`);
  const m = new CpuMiner({
    host: NODE_IP,
    port: NODE_PORT,
    username,
    algorithm: 'scrypt',
    maxHashrate,
    suggestDifficulty: 0.001,
    reconnectMs: 500,
    maxReconnectMs: 2_000,
    log: (_level, msg) => {
      if (msg.startsWith('pool asked to reconnect')) reconnectAsks.push(`${label}: ${msg}`);
    },
  });
  miners.push(m);
  minerAddresses.push(username);
  return m;
}

/** The extranonce prefix (first byte of extranonce1) an edge hands a fresh connection. */
async function probePrefix(): Promise<number> {
  const c = await StratumConnection.open(NODE_IP, NODE_PORT);
  try {
    const r = await c.request('mining.subscribe', ['k8s-probe/1.0']);
    const en1 = (r.result as unknown[])[1] as string;
    return Buffer.from(en1, 'hex')[0]!;
  } finally {
    c.close();
  }
}

before(async () => {
  ltc = await startLitecoind({
    noMweb: true,
    extraArgs: [`-rpcbind=${NODE_IP}`, `-rpcallowip=${NODE_IP}/32`, `-rpcallowip=${kube.env.podCidr}`],
  });
  await ltc.mine(101);
});

after(async () => {
  await Promise.allSettled(miners.map((m) => m.stop()));
  if (process.env.K8S_DEBUG_DUMP) {
    await kube.kubectl(['get', 'all,p2poolnodes,events', '-A']).then(
      (t) => process.stderr.write(t),
      () => undefined,
    );
  }
  await ltc?.stop();
  process.stderr.write(`k8s timings: ${JSON.stringify(timings)}\n`);
});

test('helm chart: helm lint --strict clean, templates pass a server-side dry run; helm install → the operator is Ready', async () => {
  const setArgs = localImageValues(IMAGE_REPO, IMAGE_TAG, NATS_IMAGE);
  const lint = await kube.helm(['lint', '--strict', 'charts/p2pool']);
  assert.match(lint, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  await kube.kubectl(['create', 'namespace', OP_NS]);
  const manifests = await kube.helm(['template', 'p2pool', 'charts/p2pool', '--namespace', OP_NS, '--include-crds', ...setArgs]);
  const dry = await kube.kubectl(['apply', '--dry-run=server', '-f', '-'], manifests);
  assert.match(dry, /customresourcedefinition.apiextensions.k8s.io\/p2poolnodes.p2pool.dev created \(server dry run\)/);
  assert.match(dry, /deployment.apps\/p2pool-operator created \(server dry run\)/);
  const t0 = Date.now();
  await kube.helm(['install', 'p2pool', 'charts/p2pool', '--namespace', OP_NS, '--wait', '--timeout', '180s', ...setArgs]);
  const dep = await kube.json(['-n', OP_NS, 'get', 'deployment', 'p2pool-operator']);
  assert.equal(dep.status.readyReplicas, 1);
  timings.helmInstallMs = Date.now() - t0;
});

test('invalid P2PoolNodes are refused by the API server with clear messages', async () => {
  await kube.kubectl(['create', 'namespace', NS]);
  const bad = (spec: Record<string, unknown>) => ({ ...p2poolNode(), spec: { ...p2poolNode().spec, ...spec } });
  assert.match(
    await kube.refused(bad({ payoutAddress: 'LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9' })),
    /payoutAddress LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9 is not a valid litecoin_regtest address/,
  );
  assert.match(await kube.refused(bad({ network: 'dogecoin' })), /spec.network: Unsupported value: "dogecoin"/);
  assert.match(
    await kube.refused(bad({ edge: { replicas: -1 } })),
    /spec.edge.replicas: Invalid value: -1: spec.edge.replicas in body should be greater than or equal to 0/,
  );
  assert.match(
    await kube.refused(bad({ fullNodes: [] })),
    /spec.fullNodes: Invalid value: 0: spec.fullNodes in body should have at least 1 items|should have at least 1 items/,
  );
});

test('a minimal P2PoolNode: every pod Ready, columns live; a miner outside the cluster mines through the NodePort: shares, and blocks litecoind accepts with the PPLNS coinbase', async () => {
  await kube.rpcSecret(NS, 'ltc-rpc', ltc.user, ltc.pass);
  const startHeight = await ltc.call<number>('getblockcount');
  const t0 = Date.now();
  await kube.apply(p2poolNode());
  const m = miner('a');
  await m.start();
  await eventually(
    async () => {
      const n = await getNode();
      assert.equal(cond(n, 'Ready')?.status, 'True', JSON.stringify(n.status?.conditions));
    },
    'the P2PoolNode Ready',
    240_000,
    1_000,
  );
  timings.applyToReadyMs = Date.now() - t0;
  const pods = await kube.json(['-n', NS, 'get', 'pods', '-l', `app.kubernetes.io/instance=${NAME}`]);
  assert.equal(pods.items.length, 7, 'six services and NATS');
  for (const p of pods.items)
    assert.ok(
      p.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True'),
      `${p.metadata.name} Ready`,
    );
  // No credential in any pod's args or env.
  assert.ok(!JSON.stringify(pods.items.map((p: any) => p.spec.containers)).includes(ltc.pass));

  await m.waitFor((s) => s.accepted >= 1);
  timings.applyToFirstShareMs = Date.now() - t0;
  // Load: several more miners on the same Service.
  for (const l of ['b', 'c', 'd']) await miner(l).start();
  const ip = await webIP();
  await eventually(
    async () => {
      const local = await httpJson(ip, 8080, '/local_stats');
      assert.ok(local.shares.total >= 3, `sharechain has ${local.shares.total} shares`);
    },
    'shares in the sharechain',
    180_000,
    1_000,
  );

  // A block of ours on litecoind's chain: a share (verified by the sharechain) whose coinbase is the block's.
  const block = await eventually(
    async () => {
      let hash = await ltc.call<string>('getbestblockhash');
      for (let i = 0; i < 60; i++) {
        const b = await ltc.call<any>('getblock', hash, 2);
        if (b.height <= startHeight) break;
        const share = await httpJson(ip, 8080, `/web/share/${hash}`).catch(() => null);
        if (share && share.local?.verified) return { b, share };
        hash = b.previousblockhash;
      }
      throw new Error('no pool block yet');
    },
    'a block of the pool accepted by litecoind',
    180_000,
    2_000,
  );
  assert.equal(block.share.block.gentx.hash, block.b.tx[0].txid, "the block's coinbase is the share's gentx");
  const paid = new Set<string>(
    block.b.tx[0].vout.flatMap((o: any) => (o.scriptPubKey.address ? [o.scriptPubKey.address] : (o.scriptPubKey.addresses ?? []))),
  );
  assert.ok(
    minerAddresses.some((a) => paid.has(a)),
    `the PPLNS coinbase pays our miners: ${[...paid].join(', ')}`,
  );

  // kubectl get p2poolnode: the printer columns with live figures.
  await eventually(
    async () => {
      const table = await kube.kubectl(['-n', NS, 'get', 'p2poolnode', NAME]);
      const [head, row] = table.trim().split('\n');
      assert.match(head!, /NAME\s+NETWORK\s+VERSION\s+EDGES\s+MINERS\s+HASHRATE\s+HEIGHT\s+PEERS\s+SHARE\s+AGE/);
      const cols = row!.trim().split(/\s{2,}/);
      assert.equal(cols[1], 'litecoin_regtest');
      assert.equal(cols[3], '1/1');
      assert.ok(Number(cols[4]) >= 1, `miners column ${cols[4]}`);
      assert.match(cols[5]!, /H\/s$/);
      assert.ok(Number(cols[6]) >= 3, `height column ${cols[6]}`);
      assert.equal(cols[8], '35');
      process.stderr.write(`${table}\n`);
    },
    'live printer columns',
    90_000,
    2_000,
  );
});

test('kubectl scale --replicas=3: three edges, distinct prefixes, connections spread; back to 1 drains with client.reconnect and loses no accepted share', async () => {
  await kube.kubectl(['-n', NS, 'scale', `p2poolnode/${NAME}`, '--replicas=3']);
  await eventually(
    async () => {
      const n = await getNode();
      assert.equal(n.status?.edges?.readyText, '3/3');
      assert.deepEqual(n.status.edges.prefixes, [0, 1, 2]);
    },
    'three ready edges',
    180_000,
    1_000,
  );
  const seen = new Map<number, number>();
  await eventually(
    async () => {
      for (let i = 0; i < 10; i++) {
        const p = await probePrefix();
        seen.set(p, (seen.get(p) ?? 0) + 1);
      }
      assert.deepEqual([...seen.keys()].sort(), [0, 1, 2], `prefixes seen: ${JSON.stringify([...seen])}`);
    },
    'connections spread over the three edges',
    60_000,
    200,
  );

  // Miners started now spread over the three edges (the earlier ones all sit on edge 0).
  const spread = ['e', 'f', 'g', 'h', 'i', 'j'].map((l) => miner(l, 10));
  for (const m of spread) await m.start();
  await eventually(
    async () => {
      for (const m of spread) assert.ok(m.stats().accepted >= 1);
    },
    'the new miners mining',
    120_000,
    1_000,
  );
  const ip = await webIP();
  const sharesBefore = (await httpJson(ip, 8080, '/local_stats')).shares.total as number;
  const acceptedBefore = miners.reduce((a, m) => a + m.stats().accepted, 0);
  const reconnectsBefore = miners.reduce((a, m) => a + m.stats().reconnects, 0);
  await kube.kubectl(['-n', NS, 'scale', `p2poolnode/${NAME}`, '--replicas=1']);
  await eventually(
    async () => {
      const pods = await kube.json(['-n', NS, 'get', 'pods', '-l', `app.kubernetes.io/instance=${NAME},app.kubernetes.io/component=edge`]);
      assert.deepEqual(
        pods.items.map((p: any) => p.metadata.name),
        [`${NAME}-edge-0`],
      );
    },
    'edges 1 and 2 gone',
    180_000,
    1_000,
  );
  // Miners that were on the removed edges were told to reconnect (or lost the socket) and mine on.
  await eventually(
    async () => {
      for (const m of miners) assert.ok(m.stats().connected, 'miner reconnected');
      assert.ok(miners.reduce((a, m) => a + m.stats().accepted, 0) > acceptedBefore, 'miners keep getting shares accepted');
    },
    'miners mining on edge 0',
    120_000,
    1_000,
  );
  assert.ok(reconnectAsks.length >= 1, 'the removed edges sent client.reconnect to their miners');
  assert.ok(miners.reduce((a, m) => a + m.stats().reconnects, 0) > reconnectsBefore);
  const after = (await httpJson(ip, 8080, '/local_stats')).shares.total as number;
  assert.ok(after >= sharesBefore, `no share lost: ${sharesBefore} before, ${after} after`);
  assert.deepEqual((await getNode()).status.edges.prefixes, [0]);
});

test('changing the network of an existing P2PoolNode is refused', async () => {
  const err = await kube
    .kubectl(['-n', NS, 'patch', 'p2poolnode', NAME, '--type', 'merge', '-p', JSON.stringify({ spec: { network: 'litecoin_testnet' } })])
    .then(
      () => '',
      (e: Error) => e.message,
    );
  assert.match(err, /network is immutable: create a new P2PoolNode for another network/);
  assert.equal((await getNode()).spec.network, 'litecoin_regtest');
});

test('editing the fee rolls only the sharechain and web Deployments', async () => {
  const before = await workloads();
  await kube.kubectl(['-n', NS, 'patch', 'p2poolnode', NAME, '--type', 'merge', '-p', JSON.stringify({ spec: { feePercent: 1.5 } })]);
  const changed = await eventually(
    async () => {
      const now = await workloads();
      const diff = [...now]
        .filter(([k, w]) => w.metadata.generation !== before.get(k)?.metadata.generation)
        .map(([k]) => k)
        .sort();
      assert.deepEqual(diff, [`Deployment/${NAME}-sharechain`, `Deployment/${NAME}-web`]);
      return diff;
    },
    'the fee edit rolled out',
    60_000,
    1_000,
  );
  assert.equal(changed.length, 2);
  await eventually(async () => assert.equal(cond(await getNode(), 'Ready')?.status, 'True'), 'Ready again', 240_000, 1_000);
  assert.match(await sharechainArgs(), /--fee 1\.5/);
  // The sharechain's and web's ConfigMaps of the old fee are pruned once no pod template mounts them.
  await eventually(
    async () => {
      const cms = await argsConfigMaps();
      assert.deepEqual(Object.keys(cms).sort(), ['aux', 'edge', 'peer-gateway', 'sharechain', 'template-builder', 'web']);
      for (const [s, names] of Object.entries(cms)) assert.equal(names.length, 1, `${s}: ${names.join(', ')}`);
    },
    'one arguments ConfigMap per service',
    60_000,
    1_000,
  );
});

test('the operator killed mid-reconcile converges without duplicates; with two replicas exactly one leads', async () => {
  await kube.kubectl(['-n', OP_NS, 'scale', 'deployment/p2pool-operator', '--replicas=2']);
  await kube.kubectl(['-n', OP_NS, 'rollout', 'status', 'deployment/p2pool-operator', '--timeout=120s']);
  const leaders = async () => {
    const pods = await kube.json(['-n', OP_NS, 'get', 'pods', '-l', 'app.kubernetes.io/name=p2pool-operator']);
    const out: string[] = [];
    for (const p of pods.items) {
      if (!p.status.podIP || p.metadata.deletionTimestamp) continue;
      const text = await httpJson<string>(p.status.podIP, 8081, '/metrics').catch(() => '');
      if (/^p2pool_operator_leader(\{[^}]*\})? 1$/m.test(String(text))) out.push(p.metadata.name);
    }
    return { pods: pods.items.filter((p: any) => !p.metadata.deletionTimestamp).map((p: any) => p.metadata.name), out };
  };
  const first = await eventually(
    async () => {
      const l = await leaders();
      assert.equal(l.pods.length, 2);
      assert.equal(l.out.length, 1, `leaders: ${l.out.join(', ')}`);
      return l.out[0]!;
    },
    'exactly one leader of two',
    60_000,
    1_000,
  );
  const lease = await kube.json(['-n', OP_NS, 'get', 'lease', 'p2pool-operator']);
  assert.equal(lease.spec.holderIdentity, first);

  // A spec change, and the leader killed (no grace) while it reconciles it.
  await kube.kubectl(['-n', NS, 'patch', 'p2poolnode', NAME, '--type', 'merge', '-p', JSON.stringify({ spec: { donationPercent: 1 } })]);
  await kube.kubectl(['-n', OP_NS, 'delete', 'pod', first, '--grace-period=0', '--force', '--wait=false']);
  await eventually(
    async () => {
      const l = await leaders();
      assert.equal(l.out.length, 1);
      assert.notEqual(l.out[0], first);
    },
    'the standby takes over',
    90_000,
    1_000,
  );
  await eventually(
    async () => {
      assert.match(await sharechainArgs(), /--give-author 1\n/);
      const n = await getNode();
      assert.equal(n.status.observedGeneration, n.metadata.generation);
      assert.equal(cond(n, 'Ready')?.status, 'True');
    },
    'the new leader converged',
    240_000,
    1_000,
  );
  // No duplicates: exactly the rendered set of workloads and Services.
  const w = await workloads();
  assert.deepEqual([...w.keys()].sort(), [
    `Deployment/${NAME}-aux`,
    `Deployment/${NAME}-peer-gateway`,
    `Deployment/${NAME}-sharechain`,
    `Deployment/${NAME}-template-builder`,
    `Deployment/${NAME}-web`,
    `StatefulSet/${NAME}-edge`,
    `StatefulSet/${NAME}-nats`,
  ]);
  // The sharechain rolls with a surge (a standby takes the lease before the old leader leaves), so two
  // pods may overlap for minReadySeconds; what must hold is that the roll settles on exactly one.
  await eventually(
    async () => {
      const rs = await kube.json([
        '-n',
        NS,
        'get',
        'pods',
        '-l',
        `app.kubernetes.io/instance=${NAME},app.kubernetes.io/component=sharechain`,
      ]);
      assert.equal(rs.items.filter((p: any) => !p.metadata.deletionTimestamp).length, 1, 'one sharechain');
    },
    'the sharechain roll settles on one pod',
    120_000,
    1_000,
  );
  await kube.kubectl(['-n', OP_NS, 'scale', 'deployment/p2pool-operator', '--replicas=1']);
});

test('deleting the P2PoolNode removes every owned object and its JetStream streams', async () => {
  const t0 = Date.now();
  await kube.kubectl(['-n', NS, 'delete', 'p2poolnode', NAME, '--wait=true', '--timeout=120s']);
  await eventually(
    async () => {
      const left = await kube.kubectl([
        '-n',
        NS,
        'get',
        'all,configmaps,serviceaccounts,poddisruptionbudgets,networkpolicies',
        '-l',
        `app.kubernetes.io/instance=${NAME}`,
        '-o',
        'name',
      ]);
      assert.equal(left.trim(), '', `left: ${left}`);
    },
    'owned objects gone',
    180_000,
    1_000,
  );
  const events = await kube.json(['-n', NS, 'get', 'events', '--field-selector', `involvedObject.name=${NAME},reason=StreamsDeleted`]);
  const msg = events.items.map((e: any) => e.message).join('\n');
  assert.match(msg, /deleted JetStream streams and KV buckets: .*P2POOL_[0-9A-F]+_SHARES/i, msg);
  timings.deleteMs = Date.now() - t0;
});

test("on a token-protected external NATS, deleting the P2PoolNode stops its pods, then a Job with the mounted token deletes its streams, and no one else's", async () => {
  const t0 = Date.now();
  const EXT = 'ext';
  const TOKEN = `k8s-token-${process.pid}`;
  const tokenDir = mkdtempSync(join(tmpdir(), 'ext-nats-'));
  const tokenFile = join(tokenDir, 'token');
  writeFileSync(tokenFile, TOKEN);
  await kube.kubectl(['-n', NS, 'create', 'secret', 'generic', 'ext-nats-auth', `--from-literal=token=${TOKEN}`]);
  await kube.apply({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'ext-nats', namespace: NS, labels: { app: 'ext-nats' } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
          containers: [
            {
              name: 'nats',
              image: NATS_IMAGE,
              imagePullPolicy: 'Never',
              args: ['--jetstream', '--store_dir', '/data', '--port', '4222', '--auth', TOKEN],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
          volumes: [{ name: 'data', emptyDir: {} }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'ext-nats', namespace: NS },
        spec: { selector: { app: 'ext-nats' }, ports: [{ port: 4222, targetPort: 4222 }] },
      },
    ],
  });
  let bus: NatsBus | undefined;
  try {
    const ip = (await kube.json(['-n', NS, 'get', 'service', 'ext-nats'])).spec.clusterIP;
    const url = `nats://${ip}:4222`;
    const streams = async () => {
      const nc = await natsConnect({ servers: url, token: TOKEN, timeout: 3_000, maxReconnectAttempts: 0 });
      try {
        const out: string[] = [];
        for await (const n of (await jetstreamManager(nc)).streams.names()) out.push(n);
        return out;
      } finally {
        await nc.close();
      }
    };
    await eventually(streams, 'the external NATS up', 120_000, 1_000);
    // Another node's state on the same NATS: it must survive.
    const other = natsPrefixFor(NS, 'someone-else');
    bus = await NatsBus.connect({ url, prefix: other, tokenFile });
    const q = shareQueueFor(builtinNetwork('litecoin_regtest'));
    await bus.persist(q.spec, q.topic, new Uint8Array([1]));

    const base = p2poolNode({ nats: { url, tokenSecretRef: { name: 'ext-nats-auth' } }, edge: { replicas: 1 } });
    await kube.apply({ ...base, metadata: { name: EXT, namespace: NS } });
    const mine = natsPrefixFor(NS, EXT);
    // Its services reach the NATS with the token and create their streams and buckets.
    await eventually(
      async () => assert.ok((await streams()).filter((n) => ownsStream(mine, n)).length >= 2),
      "the node's streams",
      300_000,
      2_000,
    );
    await kube.kubectl(['-n', NS, 'delete', 'p2poolnode', EXT, '--wait=false']);
    await eventually(
      async () => assert.equal((await kube.kubectl(['-n', NS, 'get', 'p2poolnodes', '-o', 'name'])).trim(), ''),
      'the P2PoolNode gone',
      300_000,
      2_000,
    );
    const events = await kube.json(['-n', NS, 'get', 'events', '--field-selector', `involvedObject.name=${EXT}`]);
    const reasons = events.items.map((e: any) => `${e.reason}: ${e.message}`).join('\n');
    assert.match(reasons, /^CleanupStarted: JetStream cleanup at nats:\/\/.* runs as Job ext-bus-cleanup$/m, reasons);
    assert.match(reasons, /^StreamsDeleted: JetStream streams and KV buckets deleted by Job ext-bus-cleanup$/m, reasons);
    // Gone, and it stays gone: none of the node's pods is left to recreate it.
    for (let i = 0; i < 2; i++) {
      const left = await streams();
      assert.deepEqual(
        left.filter((n) => ownsStream(mine, n)),
        [],
        `left: ${left.join(', ')}`,
      );
      assert.ok(
        left.some((n) => ownsStream(other, n)),
        `the other node's stream kept: ${left.join(', ')}`,
      );
      await new Promise((r) => setTimeout(r, 5_000));
    }
    timings.externalNatsDeleteMs = Date.now() - t0;
  } finally {
    await bus?.drain().catch(() => undefined);
    // Whatever happened, leave no P2PoolNode behind for the tests after this one.
    await kube.kubectl(['-n', NS, 'patch', 'p2poolnode', EXT, '--type', 'merge', '-p', '{"metadata":{"finalizers":null}}']).catch(() => '');
    await kube.kubectl(['-n', NS, 'delete', 'pod/ext-nats', 'service/ext-nats', 'secret/ext-nats-auth', '--wait=false']).catch(() => '');
    rmSync(tokenDir, { recursive: true, force: true });
  }
});
