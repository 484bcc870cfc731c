// Node down, restarting, wrong credentials (and cookie rotation), still syncing, wrong chain, and
// several nodes: each gives a clear state and the builder recovers on its own, with no restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLitecoind } from '../harness/litecoind.ts';
import { startBtcd } from '../harness/btcd.ts';
import { regtestScript } from '../harness/keys.ts';
import { mineBlock } from '../harness/blocks.ts';
import { TemplateBuilder } from '../../services/template-builder/builder.ts';
import { waitFor } from '../harness/wait.ts';
import { builderFor, nodeConfig, waitForStatus, FAST } from './helpers.ts';

test('node down at start, then up; then restarting under the builder: clear states, recovery, new work', async () => {
  const ltc = await startLitecoind({ noMweb: true });
  await ltc.mine(101);
  await ltc.halt();
  const tb = builderFor('litecoin', [nodeConfig(ltc)], { noWorkGraceMs: 0 });
  const noWork: string[] = [];
  tb.on('no-work', (r) => noWork.push(r));
  tb.start();
  const node = tb.nodes[0]!;
  try {
    await waitForStatus(node, 'unreachable', 10_000);
    assert.equal(node.state.message, `cannot reach litecoind at 127.0.0.1:${ltc.rpcPort}: connection refused`);
    assert.equal(tb.currentWork, undefined);
    await ltc.restart();
    const first = await tb.nextWork({ timeoutMs: 30_000 });
    assert.equal(first.work.height, 102);
    await waitFor('P2P link', () => node.p2pConnected, 15_000);

    // Restart under a running builder: no work while it is away, work again after, P2P link back.
    await ltc.halt();
    await waitForStatus(node, 'unreachable', 10_000);
    assert.equal(tb.currentWork, undefined);
    assert.equal(noWork.length, 1);
    assert.match(noWork[0]!, /no full node is ready/);
    await ltc.restart();
    const again = await tb.nextWork({ timeoutMs: 30_000 });
    assert.equal(again.work.previousBlockHex, first.work.previousBlockHex);
    await waitFor('P2P link again', () => node.p2pConnected, 15_000);
    // And the new-block signal still works after the reconnect.
    const next = tb.nextWork({ current: false, timeoutMs: 10_000 });
    const [hash] = await ltc.mine(1);
    assert.equal((await next).work.previousBlockHex, hash);
  } finally {
    tb.stop();
    await ltc.stop();
  }
});

test('a short outage is bridged: the last work stays for the grace period, then "no-work"', async () => {
  const btcd = await startBtcd();
  const tb = builderFor('bitcoin', [nodeConfig(btcd)], { noWorkGraceMs: 1500 });
  const noWork: string[] = [];
  tb.on('no-work', (r) => noWork.push(r));
  tb.start();
  try {
    await tb.nextWork({ timeoutMs: 15_000 });
    const work = tb.currentWork!;
    await btcd.halt();
    await waitForStatus(tb.nodes[0]!, 'unreachable', 10_000);
    assert.equal(tb.currentWork, work, 'work kept during the grace period');
    assert.equal(noWork.length, 0);
    await waitFor('no-work', () => noWork.length === 1, 10_000);
    assert.equal(tb.currentWork, undefined);
    // Back: work again. (btcd forgets its newest regtest block over a restart, so the tip may differ.)
    await btcd.restart();
    assert.ok((await tb.nextWork({ timeoutMs: 15_000 })).work.height >= 1);
  } finally {
    tb.stop();
    await btcd.stop();
  }
});

test('wrong credentials: "auth rejected" state, recovers when the conf file is fixed', async () => {
  const ltc = await startLitecoind({ noMweb: true });
  const dir = mkdtempSync(join(tmpdir(), 'p2pool-conf-'));
  const conf = join(dir, 'litecoin.conf');
  writeFileSync(conf, `rpcuser=${ltc.user}\nrpcpassword=wrong\n`);
  const tb = builderFor('litecoin', [{ rpcUrl: ltc.rpcUrl, confFile: conf, p2p: { host: '127.0.0.1', port: ltc.p2pPort } }]);
  tb.start();
  try {
    await waitForStatus(tb.nodes[0]!, 'auth-rejected', 10_000);
    assert.match(tb.nodes[0]!.state.message, /^RPC auth rejected by litecoind at 127\.0\.0\.1:\d+ \(HTTP 401\)/);
    writeFileSync(conf, `[regtest]\nrpcuser=${ltc.user}\nrpcpassword=${ltc.pass}\n`);
    await ltc.mine(101);
    const { work } = await tb.nextWork({ timeoutMs: 15_000 });
    assert.equal(work.height, 102);
  } finally {
    tb.stop();
    await ltc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only the data dir given: RPC port from its conf file, cookie auth; a restart rotates the cookie and the builder follows', async () => {
  const ltc = await startLitecoind({ auth: 'cookie', noMweb: true });
  await ltc.mine(101);
  const tb = builderFor('litecoin', [{ dataDir: ltc.datadir, p2p: { host: '127.0.0.1', port: ltc.p2pPort } }]);
  assert.equal(tb.nodes[0]!.id, `127.0.0.1:${ltc.rpcPort}`);
  tb.start();
  try {
    const { work } = await tb.nextWork({ timeoutMs: 15_000 });
    assert.equal(work.height, 102);
    const oldPass = ltc.pass;
    await ltc.restart();
    assert.notEqual(ltc.pass, oldPass, 'a new cookie');
    await waitFor('ready again', () => tb.nodes[0]!.state.status === 'ready' && tb.currentWork !== undefined, 30_000);
    const [hash] = await ltc.mine(1);
    await waitFor('work on the new block', () => tb.currentWork?.previousBlockHex === hash, 10_000);
  } finally {
    tb.stop();
    await ltc.stop();
  }
});

test('node still syncing: "syncing" with progress, then ready once it is caught up', async () => {
  // A fresh chain is in initial block download until a recent block arrives.
  const ltc = await startLitecoind({ noMweb: true });
  const tb = builderFor('litecoin', [nodeConfig(ltc)]);
  tb.start();
  try {
    await waitForStatus(tb.nodes[0]!, 'syncing', 10_000);
    const s = tb.nodes[0]!.state;
    assert.match(s.message, /litecoind is still syncing: block 0 of 0 headers \(\d+\.\d% verified\); waiting/);
    assert.equal(typeof s.progress, 'number');
    await ltc.mine(1);
    const { work } = await tb.nextWork({ timeoutMs: 15_000 });
    assert.equal(work.height, 2);
  } finally {
    tb.stop();
    await ltc.stop();
  }
});

test('litecoind without peers: "no-peers" state, ready once a peer connects; our P2P link counts as one', async () => {
  const ltc = await startLitecoind({ peer: false, noMweb: true });
  await ltc.mine(101);
  const tb = builderFor('litecoin', [nodeConfig(ltc, { p2p: false })]);
  tb.start();
  let peer: Awaited<ReturnType<typeof startLitecoind>> | undefined;
  let withLink: ReturnType<typeof builderFor> | undefined;
  try {
    await waitForStatus(tb.nodes[0]!, 'no-peers', 10_000);
    assert.match(tb.nodes[0]!.state.message, /^litecoind has no peers and will not give templates/);
    // The builder's own P2P link is a peer as far as litecoind is concerned.
    withLink = builderFor('litecoin', [nodeConfig(ltc)]);
    withLink.start();
    assert.equal((await withLink.nextWork({ timeoutMs: 30_000 })).work.height, 102);
    withLink.stop();
    withLink = undefined;
    peer = await startLitecoind({ peer: false, wallet: false, noMweb: true, extraArgs: [`-connect=127.0.0.1:${ltc.p2pPort}`] });
    const { work } = await tb.nextWork({ timeoutMs: 30_000 });
    assert.equal(work.height, 102);
  } finally {
    withLink?.stop();
    tb.stop();
    await peer?.stop();
    await ltc.stop();
  }
});

test('wrong chain and bad payout address are refused with clear messages', async () => {
  const btcd = await startBtcd();
  const tb = new TemplateBuilder({ coin: 'bitcoin', network: 'main', nodes: [{ ...FAST, ...nodeConfig(btcd), p2p: false }] });
  tb.start();
  try {
    await waitForStatus(tb.nodes[0]!, 'wrong-chain', 10_000);
    assert.match(tb.nodes[0]!.state.message, /^btcd at 127\.0\.0\.1:\d+ is on chain "regtest", but this pool runs bitcoin main$/);
  } finally {
    tb.stop();
    await btcd.stop();
  }
  assert.throws(
    () =>
      new TemplateBuilder({
        coin: 'bitcoin',
        network: 'regtest',
        payoutAddress: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
        nodes: [{ rpcUrl: 'http://127.0.0.1:1' }],
      }),
    /invalid address "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"/,
  );
  assert.throws(() => new TemplateBuilder({ coin: 'litecoin', network: 'regtest', nodes: [] }), /at least one full node/);
  assert.throws(
    () => new TemplateBuilder({ coin: 'litecoin', network: 'regtest', nodes: [{ rpcUrl: '127.0.0.1:9332' }] }),
    /invalid RPC URL "127\.0\.0\.1:9332"/,
  );
  assert.throws(
    () => new TemplateBuilder({ coin: 'litecoin', network: 'regtest', nodes: [{ rpcUrl: 'http://a:1', p2p: { host: 'a', port: 70000 } }] }),
    /invalid P2P port 70000/,
  );
  assert.throws(
    () => new TemplateBuilder({ coin: 'litecoin', network: 'regtest', nodes: [{ rpcUrl: 'http://a:1' }, { rpcUrl: 'http://a:1' }] }),
    /configured twice/,
  );
});

test('several nodes: work from the one with the most work; blocks to all; losing one changes nothing', async () => {
  // Two unconnected btcd nodes; a is ahead.
  const a = await startBtcd();
  const b = await startBtcd();
  await a.mine(5);
  const tb = builderFor('bitcoin', [nodeConfig(b, { id: 'b' }), nodeConfig(a, { id: 'a' })]);
  tb.start();
  try {
    await waitFor('both ready', () => tb.nodes.every((n) => n.ready), 15_000);
    await waitFor('work from a', () => tb.selectedNode === 'a', 5_000);
    assert.equal(tb.currentWork!.previousBlockHex, await a.call<string>('getbestblockhash'));
    // b overtakes a: work follows it.
    const overtake = tb.nextWork({ current: false, timeoutMs: 10_000 });
    await b.mine(7);
    await waitFor('work from b', () => tb.selectedNode === 'b' && tb.currentWork!.height === 9, 10_000);
    void overtake.catch(() => undefined);
    // A block on b's work goes to both: b accepts, a rejects it (unknown parent) or keeps it as an orphan.
    const solved = mineBlock(tb.currentWork!, 'sha256d', { payoutScript: regtestScript() });
    const r = await tb.submitBlock(solved.block);
    assert.equal(r.status, 'accepted');
    assert.equal(r.nodes.length, 2);
    assert.equal(r.nodes.find((n) => n.node === 'b')!.status, 'accepted');
    // b goes away: work comes from a at once; a block on it is accepted although b is down.
    await b.kill();
    await waitFor('failover to a', () => tb.selectedNode === 'a', 15_000);
    await waitForStatus(tb.nodes[0]!, 'unreachable', 10_000);
    const solved2 = mineBlock(tb.currentWork!, 'sha256d', { payoutScript: regtestScript() });
    const r2 = await tb.submitBlock(solved2.block);
    assert.equal(r2.status, 'accepted');
    const down = r2.nodes.find((n) => n.node === 'b')!;
    assert.equal(down.status, 'failed');
    assert.match(down.reason!, /cannot reach btcd at 127\.0\.0\.1:\d+: connection refused/);
    assert.equal(down.attempts, 1, 'a node known to be down gets one try, so it does not hold up the result');
    assert.equal(await a.call<string>('getbestblockhash'), solved2.hash);
    const st = tb.status();
    assert.equal(st.find((s) => s.id === 'b')!.state.status, 'unreachable');
    assert.equal(st.find((s) => s.id === 'a')!.selected, true);
  } finally {
    tb.stop();
    await a.stop();
    await b.stop();
  }
});

test('several litecoind nodes: work follows the most chain work as the nodes report it', async () => {
  // Two unconnected nodes; the builder's P2P links are their only peers (enough for templates).
  const a = await startLitecoind({ peer: false, noMweb: true });
  const b = await startLitecoind({ peer: false, noMweb: true });
  await a.mine(103);
  await b.mine(101);
  const tb = builderFor('litecoin', [nodeConfig(b, { id: 'b' }), nodeConfig(a, { id: 'a' })]);
  tb.start();
  try {
    await waitFor('both ready with chain work', () => tb.nodes.every((n) => n.ready && n.chainWork !== undefined), 30_000);
    await waitFor('work from a', () => tb.selectedNode === 'a', 10_000);
    const [wa, wb] = [tb.nodes[1]!.chainWork!, tb.nodes[0]!.chainWork!];
    assert.ok(wa > wb);
    assert.equal(tb.currentWork!.previousBlockHex, await a.call<string>('getbestblockhash'));
    await b.mine(5);
    await waitFor('work from b', () => tb.selectedNode === 'b' && tb.currentWork?.height === 107, 15_000);
    assert.equal(tb.status().find((s) => s.id === 'b')!.selected, true);
  } finally {
    tb.stop();
    await a.stop();
    await b.stop();
  }
});
