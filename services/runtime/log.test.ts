// Issue 12.10 and issue 11's log item: the log file is written asynchronously and rotated by size,
// bounded in count; on a terminal the console shows the status line and problems, readable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from './log.ts';

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'p2pool-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the log file gets every line, written asynchronously, complete after close()', async (t) => {
  const file = join(tmp(t), 'p2pool.log');
  const log = createLogger({ logfile: file, write: () => undefined });
  for (let i = 0; i < 2000; i++) log.info('line', { i });
  // Nothing was written on the emitting call's stack (no synchronous append).
  assert.equal(existsSync(file) ? readFileSync(file, 'utf8').length : 0, 0);
  await log.close!();
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines.length, 2000);
  assert.deepEqual(
    lines.map((l) => l.i),
    Array.from({ length: 2000 }, (_, i) => i),
  );
});

test('the log file rotates by size and keeps a bounded number of files, newest lines last', async (t) => {
  const dir = tmp(t);
  const file = join(dir, 'p2pool.log');
  const log = createLogger({ logfile: file, logfileOptions: { maxBytes: 4096, keep: 2 }, write: () => undefined });
  for (let i = 0; i < 1000; i++) {
    log.info('rotating', { i, pad: 'x'.repeat(60) });
    if (i % 100 === 0) await new Promise((r) => setTimeout(r, 5));
  }
  await log.close!();
  assert.ok(existsSync(`${file}.1`) && existsSync(`${file}.2`));
  assert.equal(existsSync(`${file}.3`), false, 'only `keep` rotated files');
  for (const f of [file, `${file}.1`, `${file}.2`]) assert.ok(readFileSync(f).length <= 4096 + 200, `${f} bounded`);
  const last = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(last.at(-1).i, 999);
  const prev = readFileSync(`${file}.1`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(prev.at(-1).i + 1, last[0].i, 'no line lost at the rotation');
});

test('human format: the console shows status lines and problems, readable; the file keeps JSON', async (t) => {
  const file = join(tmp(t), 'p2pool.log');
  const out: string[] = [];
  const log = createLogger({ logfile: file, format: 'human', write: (l) => out.push(l), fields: { service: 'p2pool' } });
  log.info('P2Pool: 5 shares in chain (5 verified/5 total) Peers: 0 (0 incoming)', { status: true });
  log.info('share accepted', { share: 'ab' });
  log.warn('litecoind unreachable', { node: '127.0.0.1:9332' });
  await log.close!();
  assert.equal(out.length, 2);
  assert.match(out[0]!, /^\d\d:\d\d:\d\d P2Pool: 5 shares in chain/);
  assert.match(out[1]!, /^\d\d:\d\d:\d\d WARN litecoind unreachable \(node=127\.0\.0\.1:9332\)\n$/);
  assert.ok(
    out.every((l) => !l.startsWith('{')),
    'no JSON on the console',
  );
  assert.equal(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter((l) => JSON.parse(l).msg).length,
    3,
  );
});
