// The p2pool command as a process: dispatch and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { regtestAddress } from '../../test/harness/keys.ts';

const MAIN = join(import.meta.dirname, 'main.ts');
const p2pool = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 30_000 });

test('--help prints the options and exits 0', () => {
  const r = p2pool('--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /usage: p2pool/);
  assert.match(r.stdout, /--bitcoind-rpc-port/);
});

test('a usage error exits 2 with the reason on stderr', () => {
  const r = p2pool('--service', 'edge');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /p2pool: error: --service edge .* needs --nats URL/);
});

test("P2POOL_ARGS (an image's defaults) is parsed before the command line: a bad value there is a usage error too", () => {
  const r = spawnSync(process.execPath, [MAIN, '--net', 'litecoin_regtest'], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, P2POOL_ARGS: '--max-share-version 3' },
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--max-share-version: expected a share version of 17 or more, got 3/);
});

test('`p2pool sharechain verify` is handed to the sharechain verify command', () => {
  // The command's own exit code or error comes back; either way it is not parsed as node flags.
  const r = p2pool('sharechain', 'verify', '--no-such-flag-for-verify');
  assert.doesNotMatch(r.stderr, /unrecognized argument/);
  assert.notEqual(r.status, 0);
});

// Issue 12.7: a bad payout address or an unknown network stops start-up at once, exit 2.
test('a mainnet, wrong-coin or malformed -a, or an unknown --net, exits 2 at once with a clear message', () => {
  for (const [args, why] of [
    [
      ['--net', 'litecoin_regtest', '-a', 'LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9'],
      /-a\/--address: .*LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9.*litecoin_regtest/,
    ], // mainnet Litecoin
    [['--net', 'litecoin_regtest', '-a', '1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGy'], /-a\/--address: /], // a Bitcoin address
    [['--net', 'litecoin_regtest', '-a', 'not-an-address'], /-a\/--address: /],
    [['--net', 'dogecoin'], /--net dogecoin: unknown network "dogecoin"; known: .*litecoin/],
  ] as const) {
    const r = p2pool(...args, '--datadir', join(tmpdir(), `p2pool-preflight-${process.pid}`));
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, why);
    assert.doesNotMatch(r.stderr + r.stdout, /p2pool is running|"level"/);
  }
});

// Issue 12.12: a port already taken names the flag that moves it, instead of a raw EADDRINUSE.
test('a port in use: exit 2 and the message names the flag and --base-port', async () => {
  const { createServer } = await import('node:net');
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  try {
    const r = spawnSync(
      process.execPath,
      [
        MAIN,
        '--net',
        'litecoin_regtest',
        '-a',
        regtestAddress('litecoin', 'port in use'),
        '--health-port',
        String(port),
        '--web-port',
        '0',
        '--grpc-port',
        '0',
        '--p2pool-port',
        '0',
        '-w',
        '127.0.0.1:0',
        '--bitcoind-rpc-port',
        '1',
        'u',
        'p',
        '--datadir',
        join(tmpdir(), `p2pool-port-${process.pid}`),
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`port ${port} \\(--health-port\\) is already in use.*--health-port PORT.*--base-port`));
  } finally {
    blocker.close();
  }
});
