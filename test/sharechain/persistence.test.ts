// Durability of the file store: SIGKILL while shares arrive (real processes, real files), torn and
// corrupted store files, restarts that never crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildChain, easyNetwork, testAddresses } from '../../services/core/testing/chain-builder.ts';
import { Sharechain } from '../../services/sharechain/sharechain.ts';
import { FileShareStore } from '../../services/sharechain/store/file-store.ts';

const CL = 40;
const NODE = join(import.meta.dirname, 'procs', 'store-node.ts');
const net = easyNetwork({ chainLength: CL, lookbehind: 10 });
const chain = buildChain(net, { count: 150 }).shares;
const hex = (h: bigint) => h.toString(16).padStart(64, '0');
const indexOf = new Map(chain.map((s, i) => [hex(s.hash), i]));

function check(dir: string): { hashes: string[]; best: string; dropped: { where: string; reason: string }[]; desired: string[] } {
  const r = spawnSync(process.execPath, [NODE, dir, String(CL), 'check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

/** Feeds shares to a writer process and SIGKILLs it after `killAfter` acknowledgements (or all). */
async function feedAndKill(dir: string, killAfter: number): Promise<{ acked: Set<string>; lastBest: string }> {
  const child = spawn(process.execPath, [NODE, dir, String(CL), 'write'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const acked = new Set<string>();
  let lastBest = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const rl = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve) => {
    let sent = false;
    rl.on('line', (line) => {
      if (line === 'ready' && !sent) {
        sent = true;
        // Write everything at once: shares keep arriving while the kill happens.
        child.stdin!.write(chain.map((s) => s.pack().toString('hex')).join('\n') + '\n');
        return;
      }
      const [kind, hash, best] = line.split(' ');
      if (kind !== 'ack') return;
      acked.add(hash!);
      lastBest = best!;
      if (acked.size >= killAfter) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.once('exit', () => resolve());
  });
  await exited;
  return { acked, lastBest };
}

test('SIGKILL while shares arrive: every acknowledged share survives, the best share is the stored tip', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-kill-'));
  try {
    const { acked, lastBest } = await feedAndKill(dir, 60);
    assert.ok(acked.size >= 60);
    const after = check(dir);
    const have = new Set(after.hashes);
    for (const h of acked) assert.ok(have.has(h), `acknowledged share ${h} lost`);
    // Writes past the last ack may have landed too (a durable but unanswered tail): the best share is the
    // newest stored one, and it descends from (or is) the last best the node reported.
    const newest = Math.max(...after.hashes.map((h) => indexOf.get(h)!));
    assert.equal(after.best, hex(chain[newest]!.hash));
    assert.ok(indexOf.get(after.best)! >= indexOf.get(lastBest)!);
    // Whatever the kill cut is a torn tail at most, never a loss in the middle.
    assert.ok(
      after.dropped.every((d) => d.reason.startsWith('torn line')),
      JSON.stringify(after.dropped),
    );
    assert.equal(after.hashes.length, newest + 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGKILL after everything was acknowledged: same shares, same best share after restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-kill-'));
  try {
    const { acked, lastBest } = await feedAndKill(dir, chain.length);
    assert.equal(acked.size, chain.length);
    const after = check(dir);
    assert.deepEqual(new Set(after.hashes), acked);
    assert.equal(after.best, lastBest);
    assert.equal(after.best, hex(chain.at(-1)!.hash));
    // And a second restart on the same files is the same (no crash loop, nothing dropped).
    assert.deepEqual(check(dir), after);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function storeChain(dir: string): Promise<void> {
  const sc = new Sharechain({
    net,
    store: new FileShareStore(dir),
    thinkIntervalMs: 0,
    payout: { address: testAddresses(net, 1)[0]!, workerFeePercent: 0, donationPercent: 0 },
  });
  await sc.start();
  await sc.addShares(chain, { peer: '127.0.0.1:1' });
  await sc.stop();
}

test('a corrupted line and a torn tail: the node starts, reports both, and wants the lost share from peers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-corrupt-'));
  try {
    await storeChain(dir);
    const file = join(dir, 'shares.0');
    const lines = readFileSync(file, 'latin1').split('\n');
    // Flip one hex digit in the line of chain[130], inside the newest CHAIN_LENGTH (a bit rot the CRC catches).
    const victim = chain[130]!.pack().toString('hex');
    const i = lines.findIndex((l) => l.startsWith(`5 ${victim}`));
    assert.ok(i >= 0);
    const l = lines[i]!;
    const pos = 40;
    lines[i] = l.slice(0, pos) + (l[pos] === '0' ? '1' : '0') + l.slice(pos + 1);
    writeFileSync(file, lines.join('\n'));
    appendFileSync(file, '5 0123abc'); // a write cut short
    const after = check(dir);
    assert.equal(after.dropped.length, 2, JSON.stringify(after.dropped));
    assert.match(after.dropped[0]!.reason, /checksum mismatch/);
    assert.match(after.dropped[1]!.reason, /torn line/);
    assert.ok(!after.hashes.includes(hex(chain[130]!.hash)));
    assert.equal(after.hashes.length, chain.length - 1);
    // The gap's missing parent is what the node asks peers for.
    assert.ok(after.desired.includes(hex(chain[130]!.hash)), JSON.stringify(after.desired));
    // Restarting again: the torn tail was cut at the first start, the bad line is still reported.
    const again = check(dir);
    assert.equal(again.dropped.length, 1);
    assert.deepEqual(again.hashes.sort(), after.hashes.sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('garbage store files never stop the node from starting', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-garbage-'));
  try {
    writeFileSync(join(dir, 'shares.0'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff)));
    writeFileSync(join(dir, 'shares.1'), '5 00\n2 zz\n9 abc\n5 ' + 'ab'.repeat(100) + '\n');
    const after = check(dir);
    assert.equal(after.hashes.length, 0);
    assert.ok(after.dropped.length >= 4);
    // Reference-format lines (no CRC) are read: a store written by the reference loads.
    const ref =
      chain
        .slice(0, 5)
        .map((s) => `5 ${s.pack().toString('hex')}`)
        .join('\n') + '\n';
    writeFileSync(join(dir, 'shares.2'), ref);
    const withRef = check(dir);
    assert.equal(withRef.hashes.length, 5);
    assert.ok(readdirSync(dir).includes('shares.2'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
