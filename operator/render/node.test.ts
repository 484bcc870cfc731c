import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extranoncePrefixFor } from '../../services/pool/extranonce-prefix.ts';
import { fullNodeBlockSubmitter } from '../../services/full-node/index.ts';
import { parseArgs } from '../../services/runtime/flags.ts';
import { resolveMergedChains } from '../../services/runtime/merged-chains.ts';
import { nodeNetwork } from '../../services/runtime/network.ts';
import { templateNodeConfig } from '../../services/template-builder/full-node.ts';
import type { KubeObject } from '../api/types.ts';
import { CONFIG_HASH, keptObjects, natsPrefixFor, render } from './node.ts';
import { TEST_DEFAULTS, testNode } from './testing.ts';

const D = TEST_DEFAULTS;
const minimal = testNode;

const find = (objs: KubeObject[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind}/${name} rendered`);
  return o as any;
};

/** The arguments ConfigMap a service's pod template mounts. */
const configOf = (objs: KubeObject[], service: string) => {
  const w = service === 'edge' ? find(objs, 'StatefulSet', 'ltc-edge') : find(objs, 'Deployment', `ltc-${service}`);
  const vol = w.spec.template.spec.volumes.find((v: any) => v.name === 'config');
  return find(objs, 'ConfigMap', vol.configMap.name);
};

/** What the kubelet would put in a pod's first container's filesystem: its ConfigMap items and each Secret at its mount. */
function podFiles(pod: any, cm: any, secretData: Record<string, Record<string, string>>): (path: string) => string {
  const fs: Record<string, string> = {};
  for (const m of pod.containers[0].volumeMounts) {
    const v = pod.volumes.find((x: any) => x.name === m.name);
    // As the kubelet mounts a ConfigMap: the listed items, or without a list every key.
    const items = v.configMap?.items ?? Object.keys(cm.data).map((key) => ({ key, path: key }));
    if (v.configMap) for (const it of items) fs[`${m.mountPath}/${it.path}`] = cm.data[it.key];
    if (v.secret) for (const it of v.secret.items) fs[`${m.mountPath}/${it.path}`] = secretData[v.secret.secretName]![it.key]!;
  }
  return (p) => {
    const f = fs[p];
    if (f === undefined) throw new Error(`no ${p}`);
    return f;
  };
}

test('with an operator-deployed NATS, only NATS (and the ServiceAccount) is rendered until its Service has an address', () => {
  const r = render(minimal(), D);
  assert.equal(r.waitingFor, 'the NATS Service address');
  assert.deepEqual(r.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort(), [
    'Service/ltc-nats',
    'ServiceAccount/ltc-p2pool',
    'StatefulSet/ltc-nats',
  ]);
});

test('a minimal node renders every service, owned, labelled, with credentials only as mounted files', () => {
  const r = render(minimal(), D, { natsServiceIP: '10.96.0.9' });
  assert.equal(r.waitingFor, undefined);
  assert.equal(r.natsUrl, 'nats://10.96.0.9:4222');
  for (const s of ['sharechain', 'template-builder', 'peer-gateway', 'aux', 'web']) find(r.objects, 'Deployment', `ltc-${s}`);
  const edge = find(r.objects, 'StatefulSet', 'ltc-edge');
  assert.equal(edge.spec.replicas, 1);
  for (const o of r.objects) {
    assert.equal((o.metadata.ownerReferences as any[])[0].uid, 'u-1', `${o.kind}/${o.metadata.name} owned`);
    assert.equal(o.metadata.labels?.['app.kubernetes.io/managed-by'], 'p2pool-operator');
    assert.equal(o.metadata.namespace, 'pool');
  }
  const text = JSON.stringify(r.objects);
  assert.ok(!/secretKeyRef/.test(text), 'no credential in env');
  const tb = find(r.objects, 'Deployment', 'ltc-template-builder').spec.template.spec;
  assert.deepEqual(tb.volumes.find((v: any) => v.secret)?.secret.secretName, 'ltc-rpc');
  const edgeVols = edge.spec.template.spec.volumes;
  assert.deepEqual(
    edgeVols.filter((v: any) => v.secret).map((v: any) => v.secret.secretName),
    ['ltc-rpc'],
    'the edge submits blocks to the full node itself',
  );
  for (const s of ['peer-gateway', 'aux', 'web']) {
    assert.ok(
      !find(r.objects, 'Deployment', `ltc-${s}`).spec.template.spec.volumes.some((v: any) => v.secret),
      `${s} does not see the full node credentials`,
    );
  }
  // Every service's args files parse with the real command line parser.
  for (const s of ['sharechain', 'template-builder', 'peer-gateway', 'edge', 'aux', 'web']) {
    const cm = configOf(r.objects, s);
    const files: Record<string, string> = {
      '/etc/p2pool/common.args': cm.data['common.args'],
      [`/etc/p2pool/${s}.args`]: cm.data[`${s}.args`],
      '/var/run/secrets/p2pool/full-node/username': 'user',
      '/var/run/secrets/p2pool/full-node/password': 'pw',
    };
    const dep = s === 'edge' ? edge : find(r.objects, 'Deployment', `ltc-${s}`);
    const c = dep.spec.template.spec.containers[0];
    const parsed = parseArgs(c.args, 'x', (p) => {
      const f = files[p];
      if (f === undefined) throw new Error(`no ${p}`);
      return f;
    });
    assert.equal(parsed.kind, 'run');
    if (parsed.kind !== 'run') continue;
    assert.equal(parsed.config.service, s);
    assert.equal(parsed.config.net, 'litecoin_regtest');
    assert.equal(parsed.config.nats, 'nats://10.96.0.9:4222');
    assert.equal(parsed.config.natsPrefix, natsPrefixFor('pool', 'ltc'));
    if (s === 'template-builder') {
      assert.equal(parsed.config.fullNode.host, '10.96.0.50');
      assert.equal(parsed.config.fullNode.rpcPort, 19443);
      assert.equal(parsed.config.fullNode.rpcPassword, 'pw', 'password read from the mounted file');
      assert.equal(parsed.config.fullNode.rpcUser, 'user');
    }
    assert.ok(!c.args.join(' ').includes('pw'));
    assert.equal(c.readinessProbe.httpGet.path, '/readyz');
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  }
  const svc = find(r.objects, 'Service', 'ltc-edge');
  assert.equal(svc.spec.type, 'NodePort');
  assert.equal(svc.spec.ports[0].port, 19447);
});

test("merged chains: each chain's Secret is mounted into the aux pod only, and the aux service resolves every chain's credentials from those files", () => {
  const spec = minimal({
    mergedMining: [
      { url: 'http://10.96.0.60:22555/', credentialsSecretRef: { name: 'doge-rpc' } },
      { url: 'http://10.96.0.61:8336', credentialsSecretRef: { name: 'nmc-rpc', usernameKey: 'user', passwordKey: 'pass' } },
    ],
  });
  const r = render(spec, D, { natsServiceIP: '10.96.0.9' });
  const cm = configOf(r.objects, 'aux');
  assert.ok(!/dogepw|nmcpw/.test(JSON.stringify(r.objects)));
  const aux = find(r.objects, 'Deployment', 'ltc-aux').spec.template.spec;
  const secrets = aux.volumes.filter((v: any) => v.secret).map((v: any) => v.secret);
  assert.deepEqual(
    secrets.map((s: any) => [s.secretName, s.items.map((i: any) => i.key)]),
    [
      ['doge-rpc', ['username', 'password']],
      ['nmc-rpc', ['user', 'pass']],
    ],
  );
  for (const s of ['sharechain', 'template-builder', 'peer-gateway', 'web']) {
    const vols = find(r.objects, 'Deployment', `ltc-${s}`).spec.template.spec.volumes;
    assert.ok(!vols.some((v: any) => /doge|nmc/.test(v.secret?.secretName ?? '')), `${s} does not see the merged credentials`);
  }
  const c = aux.containers[0];
  const read = podFiles(aux, cm, {
    'doge-rpc': { username: 'dogeuser', password: 'dogepw' },
    'nmc-rpc': { user: 'nmcuser', pass: 'nmcpw' },
  });
  const parsed = parseArgs(c.args, 'x', read);
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return;
  assert.ok(parsed.config.mergedAuthFile, '--merged-auth-file given');
  const chains = resolveMergedChains(parsed.config.merged, {
    name: parsed.config.mergedAuthFile!,
    text: read(parsed.config.mergedAuthFile!),
    readFile: read,
  });
  assert.deepEqual(
    chains.map((x) => [x.rpcUrl, x.user, x.pass]),
    [
      ['http://10.96.0.60:22555/', 'dogeuser', 'dogepw'],
      ['http://10.96.0.61:8336/', 'nmcuser', 'nmcpw'],
    ],
  );
  // Without merged chains there is no auth file and no extra mount.
  const plain = render(minimal(), D, { natsServiceIP: '10.96.0.9' });
  assert.equal(configOf(plain.objects, 'aux').data['aux.merged-auth'], undefined);
});

/** The Secrets of the three-full-node specs below. */
const FULL_NODE_SECRETS: Record<string, Record<string, string>> = {
  'ltc-rpc': { username: 'ua', password: 'pa' },
  'ltc-b-rpc': { u: 'ub', p: 'pb' },
  'ltc-c-rpc': { username: 'uc', password: 'pc' },
};

test("several full nodes: every one reaches the template builder's node set, each with its own Secret mounted as files", () => {
  const spec = minimal({
    fullNodes: [
      { rpcUrl: 'http://10.96.0.50:19443', credentialsSecretRef: { name: 'ltc-rpc' }, p2pAddress: '10.96.0.50:19444' },
      {
        rpcUrl: 'http://ltc-b.pool.svc/',
        credentialsSecretRef: { name: 'ltc-b-rpc', usernameKey: 'u', passwordKey: 'p' },
        p2pAddress: 'ltc-b.pool.svc:29444',
      },
      { rpcUrl: 'http://10.96.0.52:19443', credentialsSecretRef: { name: 'ltc-c-rpc' } },
    ],
  });
  const r = render(spec, D, { natsServiceIP: '10.96.0.9' });
  const cm = configOf(r.objects, 'template-builder');
  const tb = find(r.objects, 'Deployment', 'ltc-template-builder').spec.template.spec;
  assert.deepEqual(
    tb.volumes.filter((v: any) => v.secret).map((v: any) => v.secret.secretName),
    ['ltc-rpc', 'ltc-b-rpc', 'ltc-c-rpc'],
  );
  const c = tb.containers[0];
  assert.ok(!/"p[abc]"|\bp[abc]\b/.test(JSON.stringify(cm.data)), 'no password in the ConfigMap');
  const parsed = parseArgs(c.args, 'x', podFiles(tb, cm, FULL_NODE_SECRETS));
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return;
  const net = nodeNetwork(parsed.config);
  const nodes = [parsed.config.fullNode, ...parsed.config.failoverNodes].map((fn) => templateNodeConfig(fn, net));
  assert.deepEqual(
    nodes.map((n) => [n.rpcUrl, n.user, n.pass, n.p2p ? n.p2p.port : undefined]),
    [
      ['http://10.96.0.50:19443', 'ua', 'pa', 19444],
      ['http://ltc-b.pool.svc:19443', 'ub', 'pb', 29444],
      ['http://10.96.0.52:19443', 'uc', 'pc', undefined],
    ],
  );
  // Services that never call a full node see none of the Secrets.
  for (const s of ['peer-gateway', 'aux', 'web']) {
    assert.ok(
      !find(r.objects, 'Deployment', `ltc-${s}`).spec.template.spec.volumes.some((v: any) => /rpc/.test(v.secret?.secretName ?? '')),
      s,
    );
  }
});

test('the edge submits a block solution straight to every spec full node, each with its own credentials from its mounted Secret', () => {
  const spec = minimal({
    fullNodes: [
      { rpcUrl: 'http://10.96.0.50:19443', credentialsSecretRef: { name: 'ltc-rpc' } },
      { rpcUrl: 'http://ltc-b.pool.svc/', credentialsSecretRef: { name: 'ltc-b-rpc', usernameKey: 'u', passwordKey: 'p' } },
      { rpcUrl: 'http://10.96.0.52:29443', credentialsSecretRef: { name: 'ltc-c-rpc' } },
    ],
  });
  const r = render(spec, D, { natsServiceIP: '10.96.0.9' });
  const cm = configOf(r.objects, 'edge');
  const edge = find(r.objects, 'StatefulSet', 'ltc-edge').spec.template.spec;
  const c = edge.containers[0];
  assert.ok(!c.env?.some((e: any) => e.valueFrom?.secretKeyRef), 'no credential in env');
  assert.ok(!/\bp[abc]\b/.test(JSON.stringify(cm.data) + JSON.stringify(c.args)), 'no password in the args');
  const parsed = parseArgs(c.args, 'x', podFiles(edge, cm, FULL_NODE_SECRETS));
  assert.equal(parsed.kind, 'run');
  if (parsed.kind !== 'run') return;
  assert.equal(parsed.config.service, 'edge');
  const net = nodeNetwork(parsed.config);
  // The same node list services/edge/server.ts builds its direct submitters from.
  const nodes = [parsed.config.fullNode, ...parsed.config.failoverNodes];
  const submitters = nodes.map((fn) => fullNodeBlockSubmitter(fn, net));
  try {
    assert.deepEqual(
      submitters.map((x) => x.node),
      ['10.96.0.50:19443', 'ltc-b.pool.svc:19443', '10.96.0.52:29443'],
    );
  } finally {
    for (const x of submitters) x.close();
  }
  assert.deepEqual(
    nodes.map((n) => [n.rpcUser, n.rpcPassword]),
    [
      ['ua', 'pa'],
      ['ub', 'pb'],
      ['uc', 'pc'],
    ],
  );
});

test('editing the fee changes the pod templates of only the services that read it', () => {
  const a = render(minimal(), D, { natsServiceIP: '10.96.0.9' });
  const b = render(minimal({ feePercent: 2 }), D, { natsServiceIP: '10.96.0.9' });
  const hashes = (r: ReturnType<typeof render>) =>
    Object.fromEntries(
      r.objects
        .filter((o) => o.kind === 'Deployment' || (o.kind === 'StatefulSet' && o.metadata.name === 'ltc-edge'))
        .map((o: any) => [o.metadata.name, o.spec.template.metadata.annotations[CONFIG_HASH]]),
    );
  const templates = (r: ReturnType<typeof render>) =>
    Object.fromEntries(
      r.objects
        .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
        .map((o: any) => [o.metadata.name, JSON.stringify(o.spec.template)]),
    );
  for (const view of [hashes, templates]) {
    const ha = view(a);
    const hb = view(b);
    const changed = Object.keys(ha)
      .filter((k) => ha[k] !== hb[k])
      .sort();
    assert.deepEqual(changed, ['ltc-sharechain', 'ltc-web']);
  }
});

test('each service mounts an immutable ConfigMap named by its content; pruning keeps those a kept pod template mounts', () => {
  const a = render(minimal(), D, { natsServiceIP: '10.96.0.9' });
  const b = render(minimal({ feePercent: 2 }), D, { natsServiceIP: '10.96.0.9' });
  const configMaps = (r: ReturnType<typeof render>) => r.objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name);
  assert.equal(configMaps(a).length, 6);
  for (const s of ['sharechain', 'template-builder', 'peer-gateway', 'edge', 'aux', 'web']) {
    const cm = configOf(a.objects, s);
    assert.match(cm.metadata.name, new RegExp(`^ltc-${s}-args-[0-9a-f]{10}$`));
    assert.equal(cm.immutable, true);
    assert.deepEqual(Object.keys(cm.data).sort(), ['common.args', `${s}.args`].sort(), `${s} reads only its own arguments`);
    // Same content, same name (a re-render changes nothing); another content, another name.
    assert.equal(configOf(render(minimal(), D, { natsServiceIP: '10.96.0.9' }).objects, s).metadata.name, cm.metadata.name);
    assert.equal(configOf(b.objects, s).metadata.name === cm.metadata.name, !['sharechain', 'web'].includes(s), s);
  }
  // An ordered rollout applies b but keeps the edges' old pod template: their old ConfigMap stays.
  const oldEdge = find(a.objects, 'StatefulSet', 'ltc-edge');
  const applied = b.objects.map((o) => (o.kind === 'StatefulSet' && o.metadata.name === 'ltc-edge' ? { ...o, spec: oldEdge.spec } : o));
  const kept = keptObjects(applied);
  assert.ok(kept.has(`ConfigMap/${configOf(a.objects, 'edge').metadata.name}`), 'the old edge ConfigMap is kept');
  assert.ok(kept.has(`ConfigMap/${configOf(b.objects, 'sharechain').metadata.name}`));
  assert.ok(!kept.has(`ConfigMap/${configOf(a.objects, 'sharechain').metadata.name}`), 'the replaced sharechain ConfigMap goes');
  assert.ok(kept.has('StatefulSet/ltc-edge') && kept.has('Deployment/ltc-web'));
});

test('edge pods of a StatefulSet get distinct extranonce prefixes through scale-up, scale-down and scale-up again', () => {
  for (const name of ['ltc', 'pool-7', 'a-1-2']) {
    const seen: number[][] = [];
    for (const replicas of [1, 3, 1, 5, 2, 256]) {
      const r = render({ ...minimal({ edge: { replicas } }), metadata: { ...minimal().metadata, name } }, D, { natsServiceIP: '10.0.0.1' });
      const sts = find(r.objects, 'StatefulSet', `${name}-edge`);
      assert.equal(sts.spec.replicas, replicas);
      // StatefulSet pods are NAME-0..NAME-(n-1), each ordinal at most once at any time.
      const prefixes = Array.from({ length: replicas }, (_, i) => extranoncePrefixFor(`${sts.metadata.name}-${i}`));
      assert.ok(prefixes.every((p) => p.bits === 8));
      assert.equal(new Set(prefixes.map((p) => p.value)).size, replicas, `${name} x${replicas}: distinct prefixes`);
      seen.push(prefixes.map((p) => p.value));
    }
    assert.deepEqual(seen[2], [0]);
  }
});

test("an external NATS is used as given; autoscaling targets the P2PoolNode's scale subresource", () => {
  const r = render(
    minimal({ nats: { url: 'nats://nats.example:4222' }, edge: { autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 6 } } }),
    D,
  );
  assert.equal(r.waitingFor, undefined);
  assert.ok(!r.objects.some((o) => o.metadata.name === 'ltc-nats'));
  const hpa = find(r.objects, 'HorizontalPodAutoscaler', 'ltc-edge');
  assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'p2pool.dev/v1alpha1', kind: 'P2PoolNode', name: 'ltc' });
  assert.equal(hpa.spec.maxReplicas, 6);
});

test('the bus prefix differs for names that would collide once joined', () => {
  assert.notEqual(natsPrefixFor('a-b', 'c'), natsPrefixFor('a', 'b-c'));
  assert.match(natsPrefixFor('x', 'y'), /^[a-z0-9-]+$/);
});
