import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argsFromEnvironment, expandArgFiles, helpText, parseArgs, UsageError } from './flags.ts';

function run(argv: string[], files: Record<string, string> = {}) {
  const r = parseArgs(argv, 'inst', (p) => {
    if (!(p in files)) throw new Error('ENOENT');
    return files[p]!;
  });
  assert.equal(r.kind, 'run');
  if (r.kind !== 'run') throw new Error('unreachable');
  return r.config;
}

test('defaults: the embedded default on loopback', () => {
  const c = run([]);
  assert.equal(c.net, 'bitcoin');
  assert.equal(c.testnet, false);
  assert.equal(c.nats, undefined);
  assert.equal(c.service, undefined);
  assert.equal(c.maxConns, 40);
  assert.equal(c.giveAuthor, 0.5);
  assert.equal(c.fee, 0);
  assert.equal(c.healthHost, '127.0.0.1');
  assert.equal(c.webHost, '127.0.0.1');
  assert.equal(c.fullNode.host, '127.0.0.1');
  assert.equal(c.fullNode.rpcUser, undefined);
  assert.equal(c.instance, 'inst');
});

test("the reference's options", () => {
  const c = run([
    '--net',
    'litecoin',
    '--testnet',
    '-a',
    'tltc1qaddr',
    '--give-author',
    '1.5',
    '-f',
    '2',
    '-n',
    '1.2.3.4',
    '--p2pool-node',
    '[::1]:9338',
    '--p2pool-port',
    '19338',
    '-w',
    '0.0.0.0:19327',
    '--max-conns',
    '10',
    '--bitcoind-address',
    '10.0.0.5',
    '--bitcoind-rpc-port',
    '19332',
    '--bitcoind-p2p-port',
    '19335',
    '--merged',
    'http://u:p@127.0.0.1:10332/',
    '--datadir',
    '/tmp/d',
    '--logfile',
    '/tmp/d/log',
    'rpcuser',
    'rpcpass',
  ]);
  assert.equal(c.net, 'litecoin');
  assert.equal(c.testnet, true);
  assert.equal(c.address, 'tltc1qaddr');
  assert.equal(c.giveAuthor, 1.5);
  assert.equal(c.fee, 2);
  assert.deepEqual(c.p2poolNodes, ['1.2.3.4', '[::1]:9338']);
  assert.equal(c.p2poolPort, 19338);
  assert.equal(c.workerHost, '0.0.0.0');
  assert.equal(c.workerPort, 19327);
  assert.equal(c.maxConns, 10);
  assert.deepEqual(c.fullNode, { host: '10.0.0.5', rpcPort: 19332, p2pPort: 19335, rpcUser: 'rpcuser', rpcPassword: 'rpcpass' });
  assert.deepEqual(c.merged, ['http://u:p@127.0.0.1:10332/']);
  assert.equal(c.datadir, '/tmp/d');
  assert.equal(c.logfile, '/tmp/d/log');
});

test('one positional is the RPC password with an empty user, as the reference', () => {
  const c = run(['secret']);
  assert.equal(c.fullNode.rpcUser, '');
  assert.equal(c.fullNode.rpcPassword, 'secret');
});

test('RPC credentials from files (a mounted Secret): read, trailing newline dropped, never mixed with positionals', () => {
  const files = { '/s/username': 'miner\n', '/s/password': 'p@ss word\n' };
  const c = run(['--bitcoind-rpc-user-file', '/s/username', '--bitcoind-rpc-password-file', '/s/password'], files);
  assert.equal(c.fullNode.rpcUser, 'miner');
  assert.equal(c.fullNode.rpcPassword, 'p@ss word');
  assert.equal(c.fullNode.rpcUserFile, undefined);
  assert.throws(
    () => parseArgs(['--bitcoind-rpc-password-file', '/s/password', 'secret'], 'i', (p) => files[p as keyof typeof files]),
    UsageError,
  );
  assert.throws(
    () =>
      parseArgs(['--bitcoind-rpc-password-file', '/nope'], 'i', () => {
        throw new Error('ENOENT');
      }),
    /cannot read \/nope/,
  );
  assert.throws(
    () => parseArgs(['--bitcoind-rpc-user-file', '/s/username'], 'i', (p) => files[p as keyof typeof files]),
    /needs --bitcoind-rpc-password-file/,
  );
});

test('--bitcoind-failover: more full nodes, credentials in the URL or from a mounted Secret directory, clear errors', () => {
  const files = { '/s/b/username': 'bob\n', '/s/b/password': 'b:pw\n' };
  const c = run(
    [
      '--bitcoind-address',
      '10.0.0.1',
      '--bitcoind-failover',
      'http://al%40ice:a%20pw@10.0.0.2:19443/',
      '--bitcoind-failover',
      'http://[fd00::3]:19443/?p2p-port=19444&credentials-dir=/s/b/',
      'u',
      'p',
    ],
    files,
  );
  assert.equal(c.fullNode.host, '10.0.0.1');
  assert.deepEqual(c.failoverNodes, [
    { host: '10.0.0.2', rpcPort: 19443, rpcUser: 'al@ice', rpcPassword: 'a pw' },
    { host: 'fd00::3', rpcPort: 19443, p2pPort: 19444, rpcUser: 'bob', rpcPassword: 'b:pw' },
  ]);
  assert.deepEqual(run([]).failoverNodes, []);
  const bad = (url: string, re: RegExp) =>
    assert.throws(
      () =>
        parseArgs(['--bitcoind-failover', url], 'i', () => {
          throw new Error('ENOENT');
        }),
      re,
    );
  assert.deepEqual(run(['--bitcoind-failover', 'http://node-b/']).failoverNodes, [{ host: 'node-b' }], "the coin's RPC port by default");
  bad('https://10.0.0.2:1/', /only http/);
  bad('http://10.0.0.2:1/?foo=1', /unknown parameter foo/);
  bad('http://10.0.0.2:1/?p2p-port=x', /p2p-port "x"/);
  bad('http://10.0.0.2:1/?credentials-dir=rel/', /absolute directory/);
  bad('http://u:secret@10.0.0.2:1/?credentials-dir=/s/', /not both/);
  bad('http://10.0.0.2:1/?credentials-dir=/none/', /cannot read \/none\/username/);
  assert.throws(
    () => parseArgs(['--bitcoind-failover', 'https://u:secret@h/'], 'i'),
    (e: Error) => e instanceof UsageError && !e.message.includes('secret'),
  );
});

test('-w PORT alone, --opt=value and -aVALUE forms', () => {
  const c = run(['-w', '9327', '--net=litecoin', '-aLaddr']);
  assert.equal(c.workerPort, 9327);
  assert.equal(c.workerHost, undefined);
  assert.equal(c.net, 'litecoin');
  assert.equal(c.address, 'Laddr');
});

test('@configfile: whitespace-separated arguments, nested files, mixed with the command line', () => {
  const c = run(['@node.conf', '-f', '1'], {
    'node.conf': '--net litecoin\n-n 1.2.3.4\n\n# comment line\n@more.conf\n',
    'more.conf': '--max-conns 7 user pass',
  });
  assert.equal(c.net, 'litecoin');
  assert.deepEqual(c.p2poolNodes, ['1.2.3.4']);
  assert.equal(c.maxConns, 7);
  assert.equal(c.fee, 1);
  assert.equal(c.fullNode.rpcUser, 'user');
  assert.equal(c.fullNode.rpcPassword, 'pass');
  assert.throws(
    () =>
      expandArgFiles(['@missing'], () => {
        throw new Error('ENOENT');
      }),
    /cannot read config file missing/,
  );
});

test('cluster flags: one service over NATS binds all interfaces by default', () => {
  const c = run([
    '--service',
    'sharechain',
    '--nats',
    'nats://nats:4222',
    '--nats-prefix',
    'pool-a',
    '--nats-replicas',
    '3',
    '--admin-token-file',
    '/run/token',
    '--health-port',
    '0',
  ]);
  assert.equal(c.service, 'sharechain');
  assert.equal(c.nats, 'nats://nats:4222');
  assert.equal(c.natsPrefix, 'pool-a');
  assert.equal(c.natsReplicas, 3);
  assert.equal(c.adminTokenFile, '/run/token');
  assert.equal(c.healthPort, 0);
  assert.equal(c.healthHost, '0.0.0.0');
  assert.equal(c.grpcHost, '0.0.0.0');
});

test('clear errors for bad input', () => {
  const bad: Array<[string[], RegExp]> = [
    [['--service', 'miner', '--nats', 'nats://x'], /unknown service "miner"/],
    [['--service', 'edge'], /needs --nats/],
    [['--max-conns', 'many'], /--max-conns: expected a whole number/],
    [['--p2pool-port', '70000'], /port number/],
    [['-f', '101'], /percentage between 0 and 100/],
    [['-w', 'host:'], /expected PORT or ADDR:PORT/],
    [['--bogus'], /unrecognized argument: --bogus/],
    [['--drain-window', '0'], /--drain-window: expected 1 to 600 seconds/],
    [['--drain-reconnect-host', 'localhost'], /with a dot in the host/],
    [['--drain-reconnect-host', 'pool.example.com:99999'], /port out of range/],
    [['--net'], /--net expects NAME/],
    [['a', 'b', 'c'], /too many positional arguments/],
    [['--testnet=1'], /takes no value/],
    [['--net-file', 'x.yaml', '--net', 'litecoin'], /--net-file defines the network/],
  ];
  for (const [argv, re] of bad)
    assert.throws(
      () => parseArgs(argv, 'i'),
      (e: unknown) => e instanceof UsageError && re.test(e.message),
      argv.join(' '),
    );
});

test('help and version', () => {
  assert.deepEqual(parseArgs(['--help'], 'i'), { kind: 'help' });
  assert.deepEqual(parseArgs(['-w', '1', '--version'], 'i'), { kind: 'version' });
  const h = helpText('9.9.9');
  for (const f of [
    '--net',
    '--testnet',
    '--net-file',
    '-a, --address',
    '--give-author',
    '-f, --fee',
    '-n, --p2pool-node',
    '--p2pool-port',
    '-w, --worker-port',
    '--max-conns',
    '--bitcoind-address',
    '--bitcoind-rpc-port',
    '--bitcoind-p2p-port',
    '--merged',
    '--datadir',
    '--logfile',
    '--nats',
    '--service',
    'BITCOIND_RPCUSERPASS',
  ]) {
    assert.ok(h.includes(f), `help mentions ${f}`);
  }
});

test('drain flags: window in seconds, the public host client.reconnect names', () => {
  assert.equal(run([]).drainWindow, 10);
  assert.equal(run([]).drainReconnect, undefined);
  const c = run(['--drain-window', '30', '--drain-reconnect-host', 'pool.example.com:3333']);
  assert.equal(c.drainWindow, 30);
  assert.deepEqual(c.drainReconnect, { host: 'pool.example.com', port: 3333 });
  assert.deepEqual(run(['--drain-reconnect-host', 'stratum.pool.example']).drainReconnect, { host: 'stratum.pool.example', port: 0 });
});

test('--max-share-version holds a node back; P2POOL_ARGS gives defaults the command line overrides', () => {
  assert.equal(run([]).maxShareVersion, undefined);
  assert.equal(run(['--max-share-version', '35']).maxShareVersion, 35);
  assert.throws(() => run(['--max-share-version', '3']), UsageError);
  const env = argsFromEnvironment({ P2POOL_ARGS: ' --max-share-version 35\n --drain-window 20 ' });
  assert.deepEqual(env, ['--max-share-version', '35', '--drain-window', '20']);
  assert.deepEqual(argsFromEnvironment({}), []);
  const c = run([...env, '--drain-window', '5']);
  assert.equal(c.maxShareVersion, 35);
  assert.equal(c.drainWindow, 5, 'the command line wins');
});

// Issue 12.13: the reference's flags the README promises run; those that mean nothing here warn.
test("the reference's flags: implemented ones apply, the rest are accepted with a warning and listed in --help", () => {
  const r = parseArgs(
    [
      '--bitcoind-config-path',
      '/etc/litecoin.conf',
      '--outgoing-conns',
      '4',
      '--external-ip',
      '203.0.113.5:9338',
      '--disable-advertise',
      '--bitcoind-rpc-ssl',
      '-i',
      '3',
      '--timeaddresses',
      '600',
      '--iocp',
      '--irc-announce',
      '--no-bugreport',
      '--disable-upnp',
      '--web-static',
      'www',
    ],
    'i',
  );
  assert.equal(r.kind, 'run');
  if (r.kind !== 'run') return;
  assert.equal(r.config.fullNode.confFile, '/etc/litecoin.conf');
  assert.equal(r.config.outgoingConns, 4);
  assert.equal(r.config.externalIp, '203.0.113.5:9338');
  assert.equal(r.config.advertise, false);
  for (const f of [
    '--bitcoind-rpc-ssl',
    '-i',
    '--timeaddresses',
    '--iocp',
    '--irc-announce',
    '--no-bugreport',
    '--disable-upnp',
    '--web-static',
  ]) {
    assert.ok(
      r.warnings.some((w) => w.startsWith(`${f} is ignored: `)),
      `${f} warns: ${r.warnings.join(' | ')}`,
    );
  }
  assert.throws(() => parseArgs(['--outgoing-conns', '11'], 'i'), /at most 10/);
  assert.throws(() => parseArgs(['-i'], 'i'), /-i expects N/);
  const help = helpText('0');
  for (const f of [
    '--bitcoind-config-path',
    '--bitcoind-rpc-ssl',
    '--outgoing-conns',
    '--external-ip',
    '--disable-advertise',
    '-i, --numaddresses',
    '--iocp',
    '--base-port',
  ]) {
    assert.ok(help.includes(f), `--help lists ${f}`);
  }
});

// Issue 12.12: one flag moves all of a node's ports; an explicit port flag wins whatever its order.
test('--base-port moves every port; explicit port flags win', () => {
  const c = run(['--web-port', '7000', '--base-port', '20000']);
  assert.deepEqual([c.workerPort, c.p2poolPort, c.webPort, c.healthPort, c.grpcPort], [20000, 20001, 7000, 20003, 20004]);
  assert.throws(() => parseArgs(['--base-port', '65534'], 'i'), /no room/);
});
