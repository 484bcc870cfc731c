// The file store's load reads its files through a fixed read buffer (streamed, not whole files) and
// decodes share bytes into an arena. Whatever the buffer size, and wherever lines cross its edges, it
// must find exactly what a whole-file read finds: the same shares, verified marks and dropped lines
// (checksum errors, garbage, torn tails) with the same line numbers, and cut the same torn tail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildChain, easyNetwork } from '../../services/core/testing/chain-builder.ts';
import { parseWrappedShare } from '../../services/core/index.ts';
import { FileShareStore } from '../../services/sharechain/store/file-store.ts';
import { decodeLine, encodeLine } from '../../services/sharechain/store/line-format.ts';
import { ARENA_CHUNK_BYTES, ByteArena } from '../../services/core/index.ts';
import type { DroppedRecord, LoadResult } from '../../services/sharechain/store/types.ts';

const net = easyNetwork({ chainLength: 40, lookbehind: 10 });
const chain = buildChain(net, { count: 24 }).shares;
const identify = (p: Buffer): bigint | null => {
  try {
    return parseWrappedShare(net, p).hash;
  } catch {
    return null;
  }
};
const shareLine = (i: number) => encodeLine({ kind: 'share', hash: chain[i]!.hash, packed: chain[i]!.pack() });
const markLine = (i: number) => encodeLine({ kind: 'verified', hash: chain[i]!.hash });

/** The store files: every kind of line the loader meets, torn tails in a middle file and in the last one. */
function files(): Buffer[] {
  const noise = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) & 0xff)); // binary, with some newlines
  const flipped = shareLine(5).replace(/^5 (.)/, (_, c: string) => `5 ${c === '0' ? '1' : '0'}`);
  const f0 = [
    shareLine(0),
    markLine(0),
    shareLine(1),
    '\n',
    '\n',
    shareLine(2),
    markLine(1),
    `5 ${chain[3]!.pack().toString('hex')}\n`, // a reference line: no CRC
    shareLine(4),
    flipped,
    '5 00\n',
    '2 zz\n',
    '9 abc\n',
    `2 ${'f'.repeat(65)}\n`,
    '5 abc\n',
    'x\n',
    '5 ab cd ef 01\n',
    `5 ${'ab'.repeat(30_000)}\n`, // long enough to outgrow small read buffers
    shareLine(1), // a duplicate
    shareLine(6),
    markLine(6),
  ].join('');
  const f1 = [shareLine(7), shareLine(8)].join('');
  const f2 = [shareLine(9), shareLine(10), markLine(9), 'garbage without newline'].join(''); // a torn tail mid-store: kept
  const f3 = [shareLine(11), markLine(11), shareLine(12), '5 0123abc'].join(''); // the last file: cut
  return [
    Buffer.concat([Buffer.from(f0, 'latin1'), noise, Buffer.from('\n' + shareLine(13), 'latin1')]),
    Buffer.from(f1, 'latin1'),
    Buffer.from(f2, 'latin1'),
    Buffer.from(f3, 'latin1'),
  ];
}

/** What the whole-file loader found: split each file's text on newlines, decode the lines as strings. */
function oracle(contents: Buffer[]): { shares: string[]; verified: bigint[]; dropped: DroppedRecord[]; sizes: number[] } {
  const shares: string[] = [];
  const verified = new Set<bigint>();
  const dropped: DroppedRecord[] = [];
  const seen = new Set<bigint>();
  const sizes: number[] = [];
  contents.forEach((buf, k) => {
    const lines = buf.toString('latin1').split('\n');
    const tail = lines.pop()!;
    lines.forEach((line, i) => {
      if (!line) return;
      const d = decodeLine(line);
      if (!d.ok) {
        dropped.push({ where: `shares.${k}:${i + 1}`, reason: d.reason });
        return;
      }
      if (d.record.kind === 'verified') verified.add(d.record.hash);
      else if (d.record.kind === 'share') {
        const hash = identify(d.record.packed);
        if (hash === null) {
          dropped.push({ where: `shares.${k}:${i + 1}`, reason: 'not a valid share' });
          return;
        }
        if (seen.has(hash)) return;
        seen.add(hash);
        shares.push(d.record.packed.toString('hex'));
      }
    });
    if (tail) dropped.push({ where: `shares.${k}:${lines.length + 1}`, reason: `torn line (${tail.length} bytes without newline)` });
    sizes.push(k === contents.length - 1 ? buf.length - tail.length : buf.length);
  });
  return { shares, verified: [...verified], dropped, sizes };
}

async function load(contents: Buffer[], readBufferBytes?: number): Promise<{ result: LoadResult; sizes: number[]; store: FileShareStore }> {
  const dir = mkdtempSync(join(tmpdir(), 'sc-filestore-'));
  try {
    contents.forEach((c, k) => {
      writeFileSync(join(dir, `shares.${k}`), c);
    });
    const store = new FileShareStore(dir, { readBufferBytes, sync: false });
    const result = await store.load({ identify, keepPacked: true });
    const sizes = readdirSync(dir)
      .sort()
      .map((f) => statSync(join(dir, f)).size);
    await store.close();
    return { result, sizes, store };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a streamed load finds what a whole-file read finds, for any read buffer size', async () => {
  const contents = files();
  const want = oracle(contents);
  // The fixture has what it is meant to have.
  assert.equal(want.shares.length, 13);
  assert.ok(want.dropped.some((d) => d.reason === 'checksum mismatch'));
  assert.ok(want.dropped.filter((d) => d.reason.startsWith('torn line')).length === 2);
  assert.ok(want.dropped.length >= 12, JSON.stringify(want.dropped));
  for (const size of [1, 2, 7, 64, 333, 1000, 4096, 65_536, undefined]) {
    const { result, sizes } = await load(contents, size);
    assert.deepEqual(
      result.shares.map((s) => s.packed.toString('hex')),
      want.shares,
      `read buffer ${size}`,
    );
    assert.deepEqual(
      result.shares.map((s) => s.hash),
      want.shares.map((h) => identify(Buffer.from(h, 'hex'))),
      `read buffer ${size}`,
    );
    assert.deepEqual([...result.verified], want.verified, `read buffer ${size}`);
    assert.deepEqual(result.dropped, want.dropped, `read buffer ${size}`);
    assert.deepEqual(sizes, want.sizes, `read buffer ${size}`);
  }
});

test('a second load after the torn tail was cut drops nothing new at the end', async () => {
  const contents = files();
  const dir = mkdtempSync(join(tmpdir(), 'sc-filestore-'));
  try {
    contents.forEach((c, k) => {
      writeFileSync(join(dir, `shares.${k}`), c);
    });
    const first = await new FileShareStore(dir, { readBufferBytes: 100 }).load({ identify });
    const cut = readFileSync(join(dir, 'shares.3'), 'latin1');
    assert.ok(cut.endsWith('\n') && !cut.includes('0123abc'));
    const second = await new FileShareStore(dir, { readBufferBytes: 100 }).load({ identify });
    assert.deepEqual(
      second.dropped,
      first.dropped.filter((d) => !d.where.startsWith('shares.3:')),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loaded share bytes share their memory only with each other', async () => {
  const { result } = await load(files(), 64);
  const buffers = new Set(result.shares.map((s) => s.packed.buffer));
  // Not slices of a read buffer or of Node's shared pool: one arena chunk holds the 13 small shares.
  assert.equal(buffers.size, 1);
  assert.equal([...buffers][0]!.byteLength, ARENA_CHUNK_BYTES);
  const arena = new ByteArena(1024);
  const a = arena.copy(Buffer.from('0102', 'hex'));
  const b = arena.alloc(3);
  assert.equal(a.buffer, b.buffer);
  assert.equal(b.byteOffset, a.byteOffset + 2);
  assert.equal(arena.alloc(200).buffer.byteLength, 200); // larger than an eighth of a chunk: its own buffer
  assert.notEqual(arena.alloc(1020).buffer, a.buffer);
});
