// `p2pool sharechain verify` as a user runs it: the vector files pass; a corrupted share fails
// with the rule it broke and a non-zero exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { REPO_VECTORS, vectorsDir } from '../../services/core/testing/vectors.ts';

const cli = resolve(import.meta.dirname, '../../services/cli/main.ts');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'sharechain', 'verify', ...args], { encoding: 'utf8' });

test('every vector chain verifies share by share with exit 0', () => {
  for (const f of ['jt35.json', 'jt33.json', 'orig17.json', 'orig16.json']) {
    const file = join(vectorsDir(), f);
    const r = run('--net-file', file, '--chain', file);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.filter((l) => / ok$/.test(l)).length, 16);
    const first = JSON.parse(readFileSync(file, 'utf8')).shares[0];
    assert.match(lines[0]!, new RegExp(`^0 ${first.share_hash} pow=${first.pow_hash} target=${first.target} ok$`));
    assert.match(lines.at(-1)!, /^16 ok, 0 failed/);
  }
});

test('the V36 vector chains (v36 and the v35 -> v36 switch) verify with exit 0', () => {
  for (const [f, n] of [
    ['v36.json', 16],
    ['v35-to-v36-switch.json', 40],
  ] as const) {
    const file = join(REPO_VECTORS, f);
    const r = run('--net-file', file, '--chain', file);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^${n} ok, 0 failed \\(.*, lineage V36\\)$`, 'm'));
  }
});

test('a tampered share fails with the exact rule and the command exits 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'verify-'));
  try {
    const file = join(vectorsDir(), 'jt35.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    const lines = doc.shares.map((s: any) => s.packed_share_hex);
    // Share 5: flip a bit of the hash link state without re-mining: the gentx hash, the merkle
    // root and so the header change, and the PoW no longer meets the target.
    const bytes = Buffer.from(lines[5], 'hex');
    bytes[bytes.length - 40]! ^= 0x01;
    lines[5] = bytes.toString('hex');
    lines[9] = lines[9].slice(0, 100); // truncated
    const chain = join(dir, 'chain.txt');
    writeFileSync(chain, lines.join('\n'));
    const r = run('--net-file', file, '--chain', chain);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^5 [0-9a-f]{64} pow=[0-9a-f]{64} target=[0-9a-f]{64} FAIL pow: share PoW invalid$/m);
    assert.match(r.stdout, /^9 - FAIL decode: share.contents at offset \d+: length \d+ exceeds/m);
    assert.match(r.stdout, /^6 .* FAIL parent: previous share is not known$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage errors exit 2 with a message', () => {
  const r = run('--chain', 'x');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: p2pool sharechain verify/);
  const r2 = run('--net', 'nosuchnet', '--chain', join(vectorsDir(), 'jt35.json'));
  assert.equal(r2.status, 2);
  assert.match(r2.stderr, /unknown network/);
  const dir = mkdtempSync(join(tmpdir(), 'verify-'));
  try {
    writeFileSync(join(dir, 'bad.txt'), 'zz00\n');
    const r3 = run('--net', 'bitcoin', '--chain', join(dir, 'bad.txt'));
    assert.equal(r3.status, 2);
    assert.match(r3.stderr, /bad.txt line 1: not a hex-encoded share/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
