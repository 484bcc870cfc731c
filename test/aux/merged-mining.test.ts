// The aux service's logic against stand-in aux daemons (test/harness/aux-daemon-standin.ts): two
// chains at once, both dialects, an AuxPoW each stand-in accepts by its own verification, and the
// bad inputs (daemon down, garbage, rejecting, slow) with recovery without a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  builtinNetwork,
  bitsToTarget,
  decodeAuxPowHeader,
  encodeHeader,
  encodeMergedMiningData,
  encodeTx,
  hash256,
  merkleRoot,
  powHash,
  pushData,
  pushInteger,
  u256FromLE,
  u256ToLE,
  u256ToHex,
  DOGE_CHAIN_ID,
  pubkeyHashToAddress,
  mergedBlockWork,
  type Tx,
} from '../../services/core/index.ts';
import type { AuxWork } from '../../services/gen/p2pool/v1/aux.ts';
import { MergedMining } from '../../services/aux/merged-mining.ts';
import { resolveMergedChains, MergedConfigError, parseMergedUrl } from '../../services/runtime/merged-chains.ts';
import { parseAuxBlock, AuxReplyError } from '../../services/aux/aux-daemon.ts';
import { startAuxStandin, verifyAuxPow, type AuxStandin } from '../harness/aux-daemon-standin.ts';

const net = builtinNetwork('litecoin_regtest');
const EASY = (1n << 252n) - 1n; // a parent hash meets it one time in 16
const quiet = { info() {}, warn() {} };

interface Harness {
  mm: MergedMining;
  works: (AuxWork | null)[];
  warnings: string[];
  next(pred: (w: AuxWork | null) => boolean, ms?: number): Promise<AuxWork | null>;
}

function harness(urls: string[], o: { pollMs?: number; staleAfterMs?: number; daemonTimeoutMs?: number } = {}): Harness {
  const works: (AuxWork | null)[] = [];
  const warnings: string[] = [];
  const waiters: { pred: (w: AuxWork | null) => boolean; resolve: (w: AuxWork | null) => void }[] = [];
  const mm = new MergedMining({
    chains: resolveMergedChains(urls),
    net,
    pollMs: o.pollMs ?? 50,
    staleAfterMs: o.staleAfterMs,
    maxBackoffMs: 200,
    daemonTimeoutMs: o.daemonTimeoutMs ?? 2000,
    log: {
      info() {},
      warn(msg, f) {
        warnings.push(`${msg} ${JSON.stringify(f)}`);
      },
    },
    publish: (w) => {
      works.push(w);
      for (const x of [...waiters])
        if (x.pred(w)) {
          waiters.splice(waiters.indexOf(x), 1);
          x.resolve(w);
        }
    },
  });
  return {
    mm,
    works,
    warnings,
    next: (pred, ms = 10_000) =>
      new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error(`no matching aux work within ${ms} ms; warnings: ${warnings.join(' | ')}`)), ms);
        waiters.push({
          pred,
          resolve: (w) => {
            clearTimeout(t);
            res(w);
          },
        });
      }),
  };
}

/** A parent (Litecoin regtest, scrypt) solution committing to `work`, mined until it meets every chain's target. */
function solve(work: AuxWork): { header: Buffer; coinbase: Buffer; branch: Buffer[] } {
  const mm = encodeMergedMiningData({
    root: BigInt('0x' + Buffer.from(work.merkleRoot).toString('hex')),
    treeSize: work.treeSize,
    merkleNonce: work.merkleNonce,
  });
  const tx: Tx = {
    version: 1,
    lockTime: 0,
    inputs: [
      {
        prevHash: 0n,
        prevIndex: 0xffffffff,
        script: Buffer.concat([pushInteger(200), pushData(mm), pushData(Buffer.from('/test/'))]),
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    outputs: [{ value: 5_000_000_000n, script: Buffer.from('51', 'hex') }],
  };
  const coinbase = encodeTx(tx, false);
  const other = hash256(Buffer.from('another tx'));
  const root = merkleRoot([hash256(coinbase), other]);
  const hardest = work.chains.reduce((m, c) => {
    const t = u256FromLE(c.target);
    return t < m ? t : m;
  }, 1n << 256n);
  for (let nonce = 0; ; nonce++) {
    const header = encodeHeader({
      version: 0x20000000,
      previousBlock: 7n,
      merkleRoot: root,
      timestamp: 1_700_000_000,
      bits: 0x207fffff,
      nonce,
    });
    if (powHash(net, header) <= hardest) return { header, coinbase, branch: [u256ToLE(other)] };
  }
}

async function standins(n: number): Promise<AuxStandin[]> {
  return Promise.all([0x62, 0x01, 0x2a].slice(0, n).map((chainId) => startAuxStandin({ chainId, target: EASY, parentPow: 'scrypt' })));
}

test('stand-in verifier (independent of ours) accepts the real AuxPoW vectors that carry the magic', () => {
  const dir = resolve(import.meta.dirname, '../vectors/auxpow');
  const meta = JSON.parse(readFileSync(join(dir, 'vectors.json'), 'utf8')) as Record<string, { parentPow: 'scrypt' | 'sha256d' }>;
  for (const [name, m] of Object.entries(meta)) {
    if (name === 'nmc-19414') continue; // pre-magic; the stand-in insists on the magic
    const bytes = Buffer.from(readFileSync(join(dir, `${name}.hex`), 'utf8').trim(), 'hex');
    const h = decodeAuxPowHeader(bytes);
    const chainId = h.header.version >>> 16;
    assert.equal(verifyAuxPow(bytes.subarray(80), h.headerBytes, chainId, bitsToTarget(h.header.bits), m.parentPow), null, name);
    const bad = Buffer.from(bytes.subarray(80));
    bad[bad.length - 1]! ^= 1; // parent nonce
    assert.notEqual(verifyAuxPow(bad, h.headerBytes, chainId, bitsToTarget(h.header.bits), m.parentPow), null, name);
  }
});

test('two aux chains at once (getauxblock and createauxblock/submitauxblock): one tree, and a solution each stand-in accepts', async () => {
  const [doge, nmc] = await standins(2);
  const h = harness([doge!.mergedUrl, `${nmc!.mergedUrl}?address=${'N'.repeat(34)}`]);
  try {
    h.mm.start();
    const work = (await h.next((w) => w !== null && w.chains.length === 2))!;
    assert.deepEqual(work.chains.map((c) => c.chainId).sort(), [0x01, 0x62]);
    assert.ok(work.treeSize >= 2);
    assert.deepEqual(new Set(work.chains.map((c) => c.slot)).size, 2);
    assert.ok(nmc!.calls.includes('createauxblock') && !nmc!.calls.includes('getauxblock'));
    assert.ok(doge!.calls.includes('getauxblock'));
    const s = solve(work);
    const results = await h.mm.submit({
      parentHeader: s.header,
      coinbase: s.coinbase,
      coinbaseBranch: s.branch,
      powHash: Buffer.alloc(32),
      auxWorkId: work.auxWorkId,
      mergedBlocks: [],
    });
    assert.deepEqual(results!.map((r) => [r.chainId, r.accepted]).sort(), [
      [0x01, true],
      [0x62, true],
    ]);
    assert.equal(doge!.accepted.length, 1);
    assert.equal(doge!.accepted[0]!.method, 'getauxblock');
    assert.equal(nmc!.accepted.length, 1);
    assert.equal(nmc!.accepted[0]!.method, 'submitauxblock');
    // Each accepted block moves its chain on: the next tree commits to both new tips.
    const after = (await h.next(
      (w) => w !== null && w.chains.every((c) => !work.chains.some((o) => Buffer.compare(o.hash, c.hash) === 0)),
    ))!;
    assert.equal(after.chains.length, 2);
    assert.equal(h.mm.counters.get(doge!.url)!.accepted, 1);
    // An unknown work id is refused plainly.
    assert.equal(
      await h.mm.submit({
        parentHeader: s.header,
        coinbase: s.coinbase,
        coinbaseBranch: s.branch,
        powHash: Buffer.alloc(32),
        auxWorkId: 999n,
        mergedBlocks: [],
      }),
      null,
    );
  } finally {
    await h.mm.stop();
    await Promise.all([doge!.stop(), nmc!.stop()]);
  }
});

test("a solution that misses a chain's target is submitted only where it meets the target", async () => {
  const easy = await startAuxStandin({ chainId: 0x62, target: EASY, parentPow: 'scrypt' });
  const hard = await startAuxStandin({ chainId: 0x01, target: 1n, parentPow: 'scrypt' });
  const h = harness([easy.mergedUrl, hard.mergedUrl]);
  try {
    h.mm.start();
    const work = (await h.next((w) => w !== null && w.chains.length === 2))!;
    const s = solve({ ...work, chains: work.chains.filter((c) => c.chainId === 0x62) });
    const results = await h.mm.submit({
      parentHeader: s.header,
      coinbase: s.coinbase,
      coinbaseBranch: s.branch,
      powHash: Buffer.alloc(32),
      auxWorkId: work.auxWorkId,
      mergedBlocks: [],
    });
    assert.deepEqual(
      results!.map((r) => r.chainId),
      [0x62],
    );
    assert.equal(hard.submissions.length, 0);
  } finally {
    await h.mm.stop();
    await Promise.all([easy.stop(), hard.stop()]);
  }
});

test('bad aux daemons: down, garbage, rejecting, slow — clear errors, the others keep their work, recovery without restart', async () => {
  const [good, flaky] = await standins(2);
  const h = harness([good!.mergedUrl, flaky!.mergedUrl], { staleAfterMs: 300, daemonTimeoutMs: 400 });
  try {
    h.mm.start();
    await h.next((w) => w !== null && w.chains.length === 2);

    // Garbage: a clear error naming the reply, the chain leaves the tree once stale, the good one stays.
    flaky!.behaviour = 'garbage';
    const alone = (await h.next((w) => w !== null && w.chains.length === 1))!;
    assert.equal(alone.chains[0]!.chainId, 0x62);
    assert.match(h.mm.statuses()[1]!.error!, /answered HTTP 200|reply|JSON|hash/);

    // Back to good answers: the chain rejoins by itself.
    flaky!.behaviour = 'ok';
    await h.next((w) => w !== null && w.chains.length === 2);

    // Slow: the call times out with a clear error; the chain leaves, the other keeps its work.
    flaky!.behaviour = 'slow';
    await h.next((w) => w !== null && w.chains.length === 1);
    assert.match(h.mm.statuses()[1]!.error!, /did not answer getauxblock within 400 ms/);
    flaky!.behaviour = 'ok';
    const both = (await h.next((w) => w !== null && w.chains.length === 2))!;

    // Rejecting: the daemon's reason comes back in the result and the counters.
    flaky!.behaviour = 'reject';
    const s = solve(both);
    const results = await h.mm.submit({
      parentHeader: s.header,
      coinbase: s.coinbase,
      coinbaseBranch: s.branch,
      powHash: Buffer.alloc(32),
      auxWorkId: both.auxWorkId,
      mergedBlocks: [],
    });
    const r = results!.find((x) => x.chainId === 0x01)!;
    assert.equal(r.accepted, false);
    assert.match(r.reason, /answered false/);
    assert.equal(h.mm.counters.get(flaky!.url)!.rejected, 1);
    assert.equal(results!.find((x) => x.chainId === 0x62)!.accepted, true);
    flaky!.behaviour = 'ok';

    // Down: connection refused, named as such; then the daemon comes back on its port.
    const port = flaky!.port;
    await flaky!.stop();
    await h.next((w) => w !== null && w.chains.length === 1);
    assert.match(h.mm.statuses()[1]!.error!, /connection refused/);
    const back = await startAuxStandin({ chainId: 0x01, target: EASY, parentPow: 'scrypt', port });
    try {
      await h.next((w) => w !== null && w.chains.length === 2);
    } finally {
      await back.stop();
    }
    // Every chain down: the publication says there is no aux work (the edges then mine without it).
    await good!.stop();
    await h.next((w) => w === null);
  } finally {
    await h.mm.stop();
    await Promise.all([good!.stop().catch(() => {}), flaky!.stop().catch(() => {})]);
  }
});

test('--merged URLs and the auth file: credentials, addresses, clear errors', () => {
  const [a, b] = resolveMergedChains(['http://127.0.0.1:22555/', 'http://u:p@127.0.0.1:8336/?address=' + 'N'.repeat(34)], {
    name: 'auth',
    text: '# doge\nhttp://127.0.0.1:22555/ dogeuser:dogepass\n',
  });
  assert.deepEqual([a!.user, a!.pass, a!.address, a!.rpcUrl], ['dogeuser', 'dogepass', null, 'http://127.0.0.1:22555/']);
  assert.deepEqual([b!.user, b!.pass, b!.address], ['u', 'p', 'N'.repeat(34)]);
  assert.ok(!b!.label.includes('u:p'));
  assert.throws(() => resolveMergedChains(['http://127.0.0.1:22555/']), /no credentials/);
  assert.throws(() => parseMergedUrl('https://h:1/'), MergedConfigError);
  assert.throws(() => parseMergedUrl('http://h/'), /port/);
  assert.throws(() => parseMergedUrl('http://h:1/?foo=1'), /unknown parameter foo/);
  assert.throws(() => resolveMergedChains(['http://u:p@h:1/', 'http://v:q@h:1/']), /given twice/);
  assert.throws(() => resolveMergedChains(['http://h:1/'], { name: 'f', text: 'nonsense' }), /f:1: expected/);
  void quiet;
});

test('--merged-auth-file lines naming a credential directory (a mounted Secret): one per chain, read from its files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'merged-auth-'));
  try {
    for (const [sub, user, pass] of [
      ['doge', 'dogeuser', 'doge:pass'],
      ['nmc', 'nmcuser', 'nmcpass'],
    ] as const) {
      mkdirSync(join(dir, sub));
      writeFileSync(join(dir, sub, 'username'), user);
      writeFileSync(join(dir, sub, 'password'), `${pass}\n`);
    }
    const authFile = {
      name: 'auth',
      readFile: (f: string) => readFileSync(f, 'utf8'),
      text: `http://127.0.0.1:22555/ ${dir}/doge/\nhttp://127.0.0.1:8336/?address=${'N'.repeat(34)} ${dir}/nmc/\n`,
    };
    const [a, b] = resolveMergedChains(['http://127.0.0.1:22555/', `http://127.0.0.1:8336/?address=${'N'.repeat(34)}`], authFile);
    assert.deepEqual([a!.user, a!.pass, a!.rpcUrl], ['dogeuser', 'doge:pass', 'http://127.0.0.1:22555/']);
    assert.deepEqual([b!.user, b!.pass, b!.address], ['nmcuser', 'nmcpass', 'N'.repeat(34)]);
    assert.throws(
      () => resolveMergedChains(['http://127.0.0.1:1/'], { ...authFile, text: `http://127.0.0.1:1/ ${dir}/none/\n` }),
      /auth:1: cannot read .*none\/username/,
    );
    assert.throws(() => resolveMergedChains(['http://127.0.0.1:22555/'], { name: 'auth', text: authFile.text }), /cannot be read here/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('aux work replies: both target fields, bits, and garbage named field by field', () => {
  const hash = 'ab'.repeat(32);
  const le = '00'.repeat(31) + '7f';
  assert.equal(parseAuxBlock({ hash, chainid: 98, _target: le }).target, 0x7fn << 248n);
  assert.equal(parseAuxBlock({ hash, chainid: 98, target: le }).target, 0x7fn << 248n);
  assert.equal(parseAuxBlock({ hash, chainid: 98, bits: '207fffff' }).target, bitsToTarget(0x207fffff));
  assert.equal(parseAuxBlock({ hash, chainid: 98, bits: '207fffff' }).hash, BigInt('0x' + hash));
  for (const [bad, re] of [
    [null, /not an object/],
    [[], /not an object/],
    [{ hash: 'zz', chainid: 1, _target: le }, /"hash"/],
    [{ hash, chainid: 'x', _target: le }, /"chainid"/],
    [{ hash, chainid: 1 }, /no usable target/],
    [{ hash, chainid: 1, _target: '00'.repeat(32) }, /zero/],
  ] as const) {
    assert.throws(
      () => parseAuxBlock(bad),
      (e: Error) => e instanceof AuxReplyError && re.test(e.message),
    );
  }
});

test("template mode (getblocktemplate with auxpow and its long poll, submitblock): the service's own block, and an edge's canonical merged block, each accepted by the stand-in's own check of the whole block", async () => {
  const doge = await startAuxStandin({ chainId: DOGE_CHAIN_ID, target: EASY, parentPow: 'scrypt', template: true });
  const address = pubkeyHashToAddress(Buffer.alloc(20, 0x33), 0x6f); // Dogecoin regtest P2PKH (parent: litecoin regtest)
  // Polled once a minute: new templates can only come this fast through the daemon's long poll.
  const h = harness([`${doge.mergedUrl}?address=${address}`], { pollMs: 60_000 });
  try {
    h.mm.start();
    const work = (await h.next((w) => w !== null && w.chains[0]?.template !== undefined))!;
    assert.ok(doge.calls.includes('getblocktemplate') && !doge.calls.includes('getauxblock'));
    const t = work.chains[0]!.template!;
    assert.equal(t.txids.length, 2);
    // The service parks a long poll at the daemon right away.
    for (let i = 0; i < 200 && !doge.calls.includes('getblocktemplate(longpoll)'); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(doge.calls.includes('getblocktemplate(longpoll)'), JSON.stringify(doge.calls));
    // 1. No block from the edge: the service's own block (its coinbase pays the --merged address).
    const s1 = solve(work);
    const r1 = await h.mm.submit({
      parentHeader: s1.header,
      coinbase: s1.coinbase,
      coinbaseBranch: s1.branch,
      powHash: Buffer.alloc(32),
      auxWorkId: work.auxWorkId,
      mergedBlocks: [],
    });
    assert.deepEqual(
      r1!.map((r) => [r.chainId, r.accepted, r.reason]),
      [[DOGE_CHAIN_ID, true, '']],
    );
    assert.equal(doge.accepted.at(-1)!.method, 'submitblock');
    // 2. An edge's canonical block on the next template (V36): the parent commits to its hash alone.
    const next = (await h.next(
      (w) =>
        w !== null && w.chains[0]!.template !== undefined && Buffer.compare(w.chains[0]!.template!.previousBlock, t.previousBlock) !== 0,
    ))!;
    const nt = next.chains[0]!.template!;
    const weights = {
      weights: new Map([
        ['76a914' + '44'.repeat(20) + '88ac', 3n],
        ['a914' + '55'.repeat(20) + '87', 1n],
      ]),
      total: 4n,
      donation: 0n,
    };
    const block = mergedBlockWork(
      {
        chainId: DOGE_CHAIN_ID,
        version: nt.version,
        previousBlock: u256FromLE(nt.previousBlock),
        curtime: nt.curtime,
        bits: nt.bits,
        height: nt.height,
        coinbaseValue: nt.coinbaseValue,
        txids: nt.txids.map((x) => u256FromLE(x)),
      },
      weights,
    );
    const s2 = solve({ ...next, treeSize: 1, merkleNonce: 0, merkleRoot: Buffer.from(block.hash.toString(16).padStart(64, '0'), 'hex') });
    const proof = { chainId: DOGE_CHAIN_ID, header: block.headerBytes, coinbase: encodeTx(block.coinbase, false) };
    // A coinbase that is not the header's is refused before anything reaches the daemon.
    const wrong = await h.mm.submit({
      parentHeader: s2.header,
      coinbase: s2.coinbase,
      coinbaseBranch: s2.branch,
      powHash: Buffer.alloc(32),
      auxWorkId: next.auxWorkId,
      mergedBlocks: [{ ...proof, coinbase: encodeTx(block.coinbase, false).subarray(0, 60) }],
    });
    assert.equal(wrong![0]!.accepted, false);
    assert.match(wrong![0]!.reason, /does not decode|not in the header/);
    const before = doge.submissions.length;
    const r2 = await h.mm.submit({
      parentHeader: s2.header,
      coinbase: s2.coinbase,
      coinbaseBranch: s2.branch,
      powHash: Buffer.alloc(32),
      auxWorkId: next.auxWorkId,
      mergedBlocks: [proof],
    });
    assert.deepEqual(
      r2!.map((r) => [r.chainId, r.accepted]),
      [[DOGE_CHAIN_ID, true]],
      JSON.stringify(doge.submissions.slice(before)),
    );
    assert.equal(doge.accepted.at(-1)!.hash, u256ToHex(block.hash));
  } finally {
    await h.mm.stop();
    await doge.stop();
  }
});
