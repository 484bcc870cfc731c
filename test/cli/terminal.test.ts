// Issue 12.10 on a real terminal: `p2pool` under a pseudo-terminal (util-linux `script`) shows the
// reference-style status line and problems, readable, and no JSON; the JSON lines go to the log file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../cluster/nats-server.ts';
import { REPO } from '../cluster/procs.ts';
import { regtestAddress } from '../harness/keys.ts';

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

test('on a terminal: the status line and warnings, no JSON; JSON in <datadir>/p2pool.log', {
  skip: hasScript ? false : 'util-linux script not installed',
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pool-tty-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dead = await freePort();
  const cmd = [
    process.execPath,
    join(REPO, 'services/cli/main.ts'),
    '--net',
    'litecoin_regtest',
    '-a',
    regtestAddress('litecoin', 'tty'),
    '--datadir',
    dir,
    '--health-port',
    '0',
    '--web-port',
    '0',
    '--grpc-port',
    '0',
    '--p2pool-port',
    '0',
    '-w',
    '127.0.0.1:0',
    '--bitcoind-rpc-port',
    String(dead),
    'user',
    'pass',
  ]
    .map((a) => `'${a}'`)
    .join(' ');
  const p = spawn('script', ['-qfec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  t.after(() => {
    if (p.exitCode === null) p.kill('SIGKILL');
  });
  const deadline = Date.now() + 90_000;
  while (!/P2Pool: \d+ shares in chain/.test(out) && Date.now() < deadline && p.exitCode === null)
    await new Promise((r) => setTimeout(r, 250));
  p.kill('SIGTERM');
  await new Promise((r) => p.once('exit', r));
  assert.match(out, /\d\d:\d\d:\d\d P2Pool: \d+ shares in chain/, out.slice(-2000));
  assert.doesNotMatch(out, /\{"time":/, 'no JSON on the terminal');
  const logfile = join(dir, 'p2pool.log');
  assert.ok(existsSync(logfile));
  assert.ok(
    readFileSync(logfile, 'utf8')
      .split('\n')
      .some((l) => l.startsWith('{"time":') && l.includes('"status":true')),
    'the JSON status line is in the file',
  );
});
