// Rolling upgrades across the v35 → v36 hardfork on the real single-node cluster (issue 17,
// docs/rollout.md). A P2PoolNode on litecoin_regtest_v35 (V36 rules, chains start at v35) with 3 edges
// behind the edge Service; outside the cluster, 200 simulated scrypt miners (test/load) and our CPU
// miner mine through its NodePort, and two more p2pool nodes on this host — the rest of the network,
// already V36-capable, each at its own address — peer with it. spec.version rolls A → B → B':
//   A  the release before V36: this build with P2POOL_ARGS=--max-share-version 35 in its image config,
//      so its sharechain mints v35 and votes 35, as that release did;
//   B  this build as it is (V36-capable: votes 36, switches by the ratchet's rule);
//   B' B with a trivial change (an image label).
// Measured per miner and asserted: no acknowledged share lost (every share an edge stored before
// answering "accepted" reaches the sharechain), no submit rejected because of a roll (stale for a new
// block counted apart: on regtest every share is a block), no miner more than 2 s without work; A's
// shares vote 35 and B's 36; the chain switches to v36 when the rule says (each node is given shares
// to fill the window: docs/rollout.md), every node minted v36, B' rolled after the switch mints v36, and
// every node ends on the same best share. Figures: .build/bench/k8s-roll.txt
// (printed by `make bench`). Runs after scenarios.k8s.ts, reusing its operator; installs one if alone.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { NatsBus } from '../../services/bus/nats.ts';
import { shareQueueFor } from '../../services/bus/share-queue.ts';
import { busRpc } from '../../services/bus/rpc.ts';
import { on } from '../../services/bus/pubsub.ts';
import { Events } from '../../services/bus/events.ts';
import { builtinNetwork, parseShare } from '../../services/core/index.ts';
import { ShareSource } from '../../services/gen/p2pool/v1/common.ts';
import { SubmitShareRequest } from '../../services/gen/p2pool/v1/sharechain.ts';
import { CpuMiner } from '../../services/miner/index.ts';
import { clientsFor, type Clients } from '../../services/runtime/clients.ts';
import { natsPrefixFor } from '../../operator/render/node.ts';
import { regtestAddress } from '../harness/keys.ts';
import { startLitecoind, type LitecoindNode } from '../harness/litecoind.ts';
import { startEmbedded, type Node, type Nodes } from '../e2e/nodes.ts';
import { extendChain } from '../e2e/mining.ts';
import { LoadGenerator, summarize, type RollFigures } from '../load/load-generator.ts';
import type { MinerRecord } from '../load/sim-miner.ts';
import { chainFor } from '../cluster/chain.ts';
import { eventually, Kube, localImageValues } from './cluster.ts';

const kube = new Kube();
const NODE_IP = kube.env.nodeIP;
const NS = 'roll';
const OP_NS = 'p2pool-system';
const NAME = 'ltcroll';
const NODE_PORT = 30448;
const NET = 'litecoin_regtest_v35';
const net = builtinNetwork(NET);
const REPO = process.env.P2POOL_IMAGE_REPO ?? 'localhost/p2pool-ts';
const TAG = process.env.P2POOL_IMAGE_TAG ?? '0.1.0';
const NATS_IMAGE = process.env.P2POOL_NATS_IMAGE ?? 'localhost/p2pool-nats:2.9.10';
// The releases: [version, image config env, image label].
const RELEASES: Array<[string, string, string]> = [
  ['roll-a', 'P2POOL_ARGS=--max-share-version 35', ''],
  ['roll-b', '', ''],
  ['roll-b2', '', 'org.p2pool-ts.roll=b-prime'],
];
// The rest of the network: two nodes on this host, each at an address of its own (distinct origins
// for the ratchet), added to the cluster's node interface for the test and removed after it.
const PEER_IPS = ['10.213.0.2', '10.213.0.3'];

let ltc: LitecoindNode;
let dir: string;
let iface = '';
const addedIps: string[] = [];
const peers: Nodes = { procs: [], closers: [] };
const network: Node[] = [];
const hostMiners: CpuMiner[] = [];
let load: LoadGenerator | null = null;
let cpu: CpuMiner | null = null;
let bus: NatsBus | null = null;
let cluster: Clients;
const figures: Record<string, Record<string, number | string>> = {};

// What the bus shows: shares the edges stored before answering (the share queue), and shares the
// sharechain accepted (its ShareAccepted events, with the packed share).
const queued = new Map<string, number>();
interface Seen {
  hash: string;
  type: number;
  desired: number;
  prev: string | null;
  /** Found by the cluster's own miners (through its edges), not received from a peer. */
  local: boolean;
}
const accepted = new Map<string, Seen>();

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 16 << 20, timeout: 900_000, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
}

const hex = (h: bigint | null) => (h === null ? null : h.toString(16).padStart(64, '0'));

function node(version: string, p2pPeers: string[]) {
  return {
    apiVersion: 'p2pool.dev/v1alpha1',
    kind: 'P2PoolNode',
    metadata: { name: NAME, namespace: NS },
    spec: {
      network: NET,
      version,
      imagePullPolicy: 'Never',
      fullNodes: [{ rpcUrl: `http://${NODE_IP}:${ltc.rpcPort}`, credentialsSecretRef: { name: 'ltc-rpc' } }],
      payoutAddress: regtestAddress('litecoin', 'p2pool-ts k8s roll payout'),
      nats: { image: NATS_IMAGE, persistent: false },
      p2p: { peers: p2pPeers },
      edge: { replicas: 3, service: { type: 'NodePort', nodePort: NODE_PORT } },
    },
  };
}

const getNode = () => kube.json(['-n', NS, 'get', 'p2poolnode', NAME]);
const cond = (n: any, type: string) => n.status?.conditions?.find((c: any) => c.type === type);

async function podVersions(): Promise<Record<string, string[]>> {
  const pods = await kube.json(['-n', NS, 'get', 'pods', '-l', `app.kubernetes.io/instance=${NAME}`]);
  const out: Record<string, string[]> = {};
  for (const p of pods.items) {
    if (p.metadata.deletionTimestamp) continue;
    const c = p.metadata.labels['app.kubernetes.io/component'];
    if (c === 'nats') continue;
    (out[c] ??= []).push(p.metadata.labels['app.kubernetes.io/version']);
  }
  return out;
}

/** The miners' records since `before` (the same miners, counters subtracted; gaps after it). */
function since(before: MinerRecord[]): RollFigures {
  const now = load!.records();
  return summarize(
    now.map((r, i) => {
      const b = before[i]!;
      const rejected: Record<string, number> = {};
      for (const [k, n] of Object.entries(r.rejected)) if (n - (b.rejected[k] ?? 0) > 0) rejected[k] = n - (b.rejected[k] ?? 0);
      return {
        ...r,
        submits: r.submits - b.submits,
        accepted: r.accepted - b.accepted,
        staleNewBlock: r.staleNewBlock - b.staleNewBlock,
        unanswered: r.unanswered - b.unanswered,
        reconnects: r.reconnects - b.reconnects,
        rejected,
        gapsMs: r.gapsMs.slice(b.gapsMs.length),
        acceptedShares: [],
        acceptedHeaders: [],
        difficultyBefore: r.difficultyBefore.slice(b.difficultyBefore.length),
        difficultyAfter: r.difficultyAfter.slice(b.difficultyAfter.length),
      };
    }),
  );
}

const snapshot = (): MinerRecord[] =>
  load!.records().map((r) => ({
    ...r,
    rejected: { ...r.rejected },
    gapsMs: [...r.gapsMs],
    difficultyBefore: [...r.difficultyBefore],
    difficultyAfter: [...r.difficultyAfter],
  }));

/** Rolls spec.version; checks the operator's steps and what the miners saw; records the figures. */
async function roll(version: string): Promise<void> {
  const before = snapshot();
  const cpuBefore = cpu!.stats();
  const t0 = Date.now();
  await kube.kubectl(['-n', NS, 'patch', 'p2poolnode', NAME, '--type', 'merge', '-p', JSON.stringify({ spec: { version } })]);
  const steps: number[] = [];
  await eventually(
    async () => {
      const n = await getNode();
      const r = n.status?.rollout;
      if (r?.target === version && steps.at(-1) !== r.step) steps.push(r.step);
      assert.equal(r?.failed, undefined, r?.failed);
      const v = await podVersions();
      for (const [c, vs] of Object.entries(v)) assert.deepEqual([...new Set(vs)], [version], `${c}: ${vs.join(',')}`);
      assert.equal(cond(n, 'Ready')?.status, 'True');
      assert.equal(n.status?.edges?.readyText, '3/3');
    },
    `rolled to ${version}`,
    900_000,
    1_000,
  );
  const rollSeconds = (Date.now() - t0) / 1000;
  // Let the miners settle on the new edges, then judge.
  await new Promise((r) => setTimeout(r, 10_000));
  const f = since(before);
  const c = cpu!.stats();
  const out = {
    roll_s: rollSeconds,
    gap_max_ms: Math.round(f.gapMaxMs),
    gap_p99_ms: Math.round(f.gapP99Ms),
    submits: f.submits,
    accepted: f.accepted,
    rejected_by_roll: f.rejected,
    stale_new_block: f.staleNewBlock,
    unanswered: f.unanswered,
    moves: f.reconnects,
    difficulty_changed_by_move: f.difficultyChanged,
    cpu_miner_rejected: c.rejected - cpuBefore.rejected,
    steps: steps.join('→'),
    reject_reasons: JSON.stringify(f.rejectReasons),
  };
  figures[version] = out;
  process.stderr.write(`roll to ${version}: ${JSON.stringify(out)}\n`);
  assert.deepEqual(
    steps.filter((s, i) => i === 0 || s >= steps[i - 1]!),
    steps,
    `the operator's steps in order: ${steps.join(' → ')}`,
  );
  assert.ok(f.reconnects >= 100, `the edges sent their miners elsewhere (${f.reconnects} moves)`);
  assert.equal(f.rejected, 0, `no submit rejected because of the roll: ${JSON.stringify(f.rejectReasons)}`);
  assert.equal(out.cpu_miner_rejected, 0, `CPU miner: ${JSON.stringify(c.rejectReasons)}`);
  assert.ok(f.gapMaxMs <= 2_000, `no miner more than 2 s without work (max ${Math.round(f.gapMaxMs)} ms)`);
}

async function startHostNode(name: string, peersOf: string[]): Promise<Node> {
  // startEmbedded stops only the node; litecoind is the test's.
  const chain = { ...chainFor(ltc, `p2pool-ts k8s roll ${name}`, NET), stop: async () => undefined };
  return startEmbedded(peers, chain, dir, name, peersOf);
}

before(async () => {
  // The three releases, imported under their versions (the operator runs REPO:spec.version).
  for (const [version, env, label] of RELEASES) {
    const out = `.build/p2pool-ts-${version}.oci.tar`;
    await run('bash', ['scripts/k8s/image.sh'], { TAG: version, OUT: join(process.cwd(), out), IMAGE_ENV: env, IMAGE_LABEL: label });
    await run('bash', ['scripts/k8s/cluster.sh', 'import', out, `${REPO}:${version}`]);
  }
  const installed = await kube.helm(['status', 'p2pool', '--namespace', OP_NS]).then(
    () => true,
    () => false,
  );
  if (!installed) {
    await kube.kubectl(['create', 'namespace', OP_NS]).catch(() => undefined);
    await kube.helm([
      'install',
      'p2pool',
      'charts/p2pool',
      '--namespace',
      OP_NS,
      '--wait',
      '--timeout',
      '180s',
      ...localImageValues(REPO, TAG, NATS_IMAGE),
    ]);
  }
  ltc = await startLitecoind({
    noMweb: true,
    // On regtest every share is a block: the pool submits several a second, faster than a disk syncs
    // them, and the template builders' long polls (GBT) hold RPC threads: more threads, a deeper queue.
    ramDisk: true,
    // No wallet: submitblock waits for the validation notifications, a wallet's among them.
    wallet: false,
    extraArgs: [
      `-rpcbind=${NODE_IP}`,
      `-rpcallowip=${NODE_IP}/32`,
      `-rpcallowip=${kube.env.podCidr}`,
      '-rpcworkqueue=1024',
      '-rpcthreads=64',
    ],
  });
  await ltc.mine(101, regtestAddress('litecoin', 'p2pool-ts k8s roll coinbase'));
  dir = mkdtempSync(join(tmpdir(), 'p2pool-k8s-roll-'));
  const addrs = await run('ip', ['-o', '-4', 'addr', 'show']);
  iface =
    addrs
      .split('\n')
      .find((l) => l.includes(` ${NODE_IP}/`))
      ?.split(/\s+/)[1] ?? '';
  assert.ok(iface, `the interface holding ${NODE_IP}`);
  for (const ip of PEER_IPS) {
    await run('ip', ['addr', 'add', `${ip}/32`, 'dev', iface]);
    addedIps.push(ip);
  }
  await kube.kubectl(['create', 'namespace', NS]);
  await kube.rpcSecret(NS, 'ltc-rpc', ltc.user, ltc.pass);
});

after(async () => {
  load?.stop();
  await Promise.allSettled([cpu, ...hostMiners].map((m) => m?.stop()));
  await bus?.drain().catch(() => undefined);
  if (process.env.K8S_DEBUG_DUMP)
    await kube.kubectl(['get', 'all,p2poolnodes,events', '-n', NS]).then(
      (t) => process.stderr.write(t),
      () => undefined,
    );
  await kube.kubectl(['-n', NS, 'delete', 'p2poolnode', NAME, '--wait=true', '--timeout=120s']).catch(() => undefined);
  await kube.kubectl(['delete', 'namespace', NS, '--wait=false']).catch(() => undefined);
  for (const c of peers.closers) await c();
  await Promise.allSettled(peers.procs.map((p) => p.terminate('SIGTERM', 20_000).catch(() => p.kill())));
  for (const ip of addedIps) await run('ip', ['addr', 'del', `${ip}/32`, 'dev', iface]).catch(() => undefined);
  await ltc?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`k8s roll figures: ${JSON.stringify(figures)}\n`);
});

test("rolling spec.version A → B → B' across the v35 → v36 switch under 200 miners: nothing lost, no roll reject, no gap over 2 s", async () => {
  // The rest of the network first (the P2PoolNode names them as peers): two V36-capable nodes, each mining a little.
  const b = await startHostNode('roll-peer-b', []);
  const c = await startHostNode('roll-peer-c', [`${PEER_IPS[0]}:${b.p2pPort}`]);
  network.push(b, c);
  for (const n of network) {
    const m = new CpuMiner({
      host: '127.0.0.1',
      port: n.workerPort,
      username: regtestAddress('litecoin', `roll ${n.proc.name} miner`),
      algorithm: 'scrypt',
      maxHashrate: 0.5,
      reconnectMs: 250,
    });
    hostMiners.push(m);
    await m.start();
  }

  await kube.apply(node(RELEASES[0]![0], [`${PEER_IPS[0]}:${b.p2pPort}`, `${PEER_IPS[1]}:${c.p2pPort}`]));
  await eventually(async () => assert.equal(cond(await getNode(), 'Ready')?.status, 'True'), 'the P2PoolNode Ready', 300_000, 1_000);
  await eventually(async () => assert.equal((await getNode()).status?.edges?.readyText, '3/3'), 'three edges', 180_000, 1_000);

  // The bus, from outside: the NATS Service's ClusterIP (the host reaches Services through kube-proxy).
  const natsIp = (await kube.json(['-n', NS, 'get', 'service', `${NAME}-nats`])).spec.clusterIP;
  bus = await NatsBus.connect({ url: `nats://${natsIp}:4222`, prefix: natsPrefixFor(NS, NAME), name: 'upgrade-roll-test' });
  cluster = clientsFor(busRpc(bus, { source: 'upgrade-roll-test' }));
  await bus.subscribe(shareQueueFor(net).topic, (m) => {
    const req = SubmitShareRequest.decode(m.data);
    const s = parseShare(net, Number(req.share!.type), Buffer.from(req.share!.contents));
    queued.set(hex(s.hash)!, Date.now());
  });
  await on(bus, Events.shareAccepted, (m) => {
    const s = parseShare(net, Number(m.share!.type), Buffer.from(m.share!.contents));
    accepted.set(hex(s.hash)!, {
      hash: hex(s.hash)!,
      type: s.type,
      desired: s.desiredVersion,
      prev: hex(s.previousHash),
      local: m.source === ShareSource.LOCAL,
    });
  });

  load = new LoadGenerator({
    host: NODE_IP,
    port: NODE_PORT,
    miners: 200,
    hashrate: 0.01,
    algorithm: 'scrypt',
    shareTarget: 0n,
    recordAccepted: true,
    workQueueMs: 500,
    // On regtest half of all hashes meet the block target, and an edge never asks a miner for less
    // than a block, so every such hash is submitted — and is a block litecoind must take. litecoind on
    // this 2-CPU machine, beside the cluster, falls behind at a few blocks a second and never catches up
    // (its callers time out and ask again), so the farm's hash rate is what sets the block rate here:
    // 200 miners at 0.01 H/s, one submit each ~200 s, ~1 block a second in all.
    usernameOf: (i) => regtestAddress('litecoin', `p2pool-ts k8s roll sim ${i}`),
  });
  await load.start();
  cpu = new CpuMiner({
    host: NODE_IP,
    port: NODE_PORT,
    username: regtestAddress('litecoin', 'p2pool-ts k8s roll cpu miner'),
    algorithm: 'scrypt',
    maxHashrate: 1,
    reconnectMs: 200,
  });
  await cpu.start();
  await eventually(async () => assert.ok(load!.allWorking && cpu!.stats().accepted > 0), 'every miner working', 180_000, 1_000);
  // Release A: the cluster's shares vote 35; nothing is v36 yet.
  const ours = () => [...accepted.values()].filter((s) => s.local);
  await eventually(
    async () =>
      assert.ok(ours().length >= 3, `the cluster mints shares: ${ours().length} of ${accepted.size} accepted, ${queued.size} queued`),
    'the cluster minting',
    300_000,
    1_000,
  );
  assert.ok(
    ours().every((s) => s.type === 35 && s.desired === 35),
    'release A mints v35 and votes 35',
  );

  await roll(RELEASES[1]![0]);
  // Release B votes 36 (v35 shares, desired_version 36) until the rule lets the chain switch.
  const seenBeforeB = new Set(accepted.keys());
  const votingB = () => ours().filter((s) => !seenBeforeB.has(s.hash) && s.desired === 36);
  await eventually(
    async () => assert.ok(votingB().length >= 2, `release B's shares vote 36 (${votingB().length})`),
    'release B voting 36',
    300_000,
    1_000,
  );
  // The switch needs 95 of the last CHAIN_LENGTH shares voting 36, and this regtest makes a share a
  // minute on its own (every share is a block, so the punish-aggressively rule asks for shares 30×
  // harder). So, as the process-level switch test does, each node in turn (the cluster through its
  // NodePort) is given one more share until the chain switches.
  const clusterPool = { workerPort: NODE_PORT, workerHost: NODE_IP, clients: cluster, ltc };
  const t0 = Date.now();
  for (let round = 0; round < 80 && ![...accepted.values()].some((s) => s.type === 36); round++)
    for (const [pool, label] of [
      [network[0]!, 'b'],
      [network[1]!, 'c'],
      [clusterPool, 'cluster'],
    ] as const)
      await extendChain(pool, `p2pool-ts k8s roll extend ${label}`);
  await eventually(
    async () =>
      assert.ok(
        [...accepted.values()].some((s) => s.type === 36),
        'a v36 share',
      ),
    'the v36 switch',
    60_000,
    1_000,
  );
  figures.switch = { shares_driven_s: (Date.now() - t0) / 1000 };
  // B' after the switch: its sharechain resumes the ratchet (KV) and keeps minting v36.
  await roll(RELEASES[2]![0]);
  const seenBeforeB2 = new Set(accepted.keys());
  await extendChain(clusterPool, 'p2pool-ts k8s roll extend cluster');
  await eventually(
    async () =>
      assert.ok(
        ours().some((s) => !seenBeforeB2.has(s.hash) && s.type === 36),
        "release B' mints v36",
      ),
    "release B' minting v36",
    60_000,
    1_000,
  );

  // Stop mining, let the queue drain, and judge the whole run.
  load.stop();
  await Promise.allSettled([cpu.stop(), ...hostMiners.map((m) => m.stop())]);
  await new Promise((r) => setTimeout(r, 10_000));
  const acked = new Set<string>();
  for (const r of load.records()) for (const h of r.acceptedHeaders) if (queued.has(h)) acked.add(h);
  const lost = [...acked].filter((h) => !accepted.has(h));
  assert.ok(acked.size >= 3, `shares acknowledged to the simulated miners: ${acked.size}`);
  assert.deepEqual(lost, [], `acknowledged shares the sharechain never accepted: ${lost.length} of ${acked.size}`);

  // Every node on one chain.
  // Hashes travel little-endian in the contracts.
  const best = async (cl: Clients) =>
    Buffer.from((await cl.sharechain.GetStats({})).bestShareHash)
      .reverse()
      .toString('hex') || null;
  await eventually(
    async () => {
      const mine = await best(cluster);
      for (const n of network) assert.equal(await best(n.clients), mine, `${n.proc.name} on the cluster's best share`);
    },
    'every node on the same best share',
    120_000,
    1_000,
  );

  // The switch, read back along the best chain: no v36 share on a v35 parent unless the CHAIN_LENGTH
  // shares below it hold >= 95 % YES votes; the first v36 share follows the first such window within a
  // few shares (work already handed out, the origins rule); every node minted v36 after it.
  const chain: Seen[] = [];
  for (let h: string | null = await best(cluster); h !== null && accepted.has(h); h = accepted.get(h)!.prev)
    chain.unshift(accepted.get(h)!);
  // The walk starts at the first share the test saw: a window reaching below it is judged with the
  // shares it cannot see counted NO (yesMin) or YES (yesMax).
  const yesMin = (i: number) => chain.slice(Math.max(0, i - net.CHAIN_LENGTH), i).filter((s) => s.desired >= 36).length;
  const yesMax = (i: number) => yesMin(i) + Math.max(0, net.CHAIN_LENGTH - i);
  const allowed = (n: number) => n * 100 >= 95 * net.CHAIN_LENGTH;
  for (let i = 1; i < chain.length; i++)
    if (chain[i]!.type === 36 && chain[i - 1]!.type === 35)
      assert.ok(allowed(yesMax(i)), `v36 on v35 at ${i} with at most ${yesMax(i)}/${net.CHAIN_LENGTH} YES votes below it`);
  const firstV36 = chain.findIndex((s) => s.type === 36);
  let firstWindow = -1;
  for (let i = 0; i < chain.length && firstWindow < 0; i++) if (allowed(yesMin(i))) firstWindow = i;
  assert.ok(
    firstV36 > 0 && firstWindow >= 0,
    `the chain switched: first certainly full YES window at ${firstWindow}, first v36 at ${firstV36}`,
  );
  assert.ok(firstV36 - firstWindow <= 10, `v36 within 10 shares of the rule allowing it (${firstV36 - firstWindow})`);
  const afterSwitch = chain.slice(firstV36);
  assert.ok(
    afterSwitch.some((s) => s.type === 36 && s.local),
    'the cluster mints v36',
  );
  for (const n of network)
    assert.ok(
      n.proc.logs.some((r) => /^minting share version 36 \(ratchet activated\)/.test(r.msg)),
      `${n.proc.name} switched`,
    );
  figures.chain = {
    shares_read_back: chain.length,
    first_full_window_index: firstWindow,
    first_v36_index: firstV36,
    switch_lag_shares: firstV36 - firstWindow,
    v35_after_switch_shares: afterSwitch.filter((s) => s.type === 35).length,
    shares_acknowledged: acked.size,
    shares_lost: lost.length,
  };

  mkdirSync('.build/bench', { recursive: true });
  const lines = [`# make test-k8s, test/k8s/upgrade-roll.k8s.ts, ${new Date().toISOString()}`];
  const unit = (k: string) =>
    k.endsWith('_ms') ? 'ms' : k.endsWith('_s') ? 's' : /share|votes|index/.test(k) ? 'shares' : /move/.test(k) ? 'reconnects' : 'submits';
  for (const [step, f] of Object.entries(figures))
    for (const [k, v] of Object.entries(f))
      if (typeof v === 'number') lines.push(`k8s_roll_${step.replace(/-/g, '_')}_${k}: ${v} ${unit(k)}`);
  writeFileSync('.build/bench/k8s-roll.txt', `${lines.join('\n')}\n`);
});
