// The JSON-RPC client's failure modes, each with the message an operator needs, and credential lookup
// from conf and cookie files. Uses real sockets (a closed port, a server that never answers) and a
// real litecoind for authentication.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RpcClient } from '../../services/full-node/rpc/client.ts';
import { RpcAuthError, RpcError, RpcTransportError } from '../../services/full-node/rpc/errors.ts';
import { parseConf, resolveCredentials } from '../../services/full-node/rpc/credentials.ts';
import { coinParams } from '../../services/pool/coins.ts';
import { freePort } from '../harness/ports.ts';
import { startLitecoind } from '../harness/litecoind.ts';

const ltc = coinParams('litecoin', 'regtest');
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('connection refused names the node and the address', async () => {
  const port = await freePort();
  const c = new RpcClient({ url: `http://127.0.0.1:${port}`, user: 'u', pass: 'p', nodeName: 'litecoind' });
  await assert.rejects(c.call('getblockchaininfo'), (e: Error) => {
    assert.ok(e instanceof RpcTransportError);
    assert.equal(e.message, `cannot reach litecoind at 127.0.0.1:${port}: connection refused`);
    return true;
  });
  c.close();
});

test('transport errors are retried, then reported', async () => {
  // A server that drops every connection at once: each attempt is one connection.
  let connections = 0;
  const srv = net
    .createServer((s) => {
      connections++;
      s.destroy();
    })
    .listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as net.AddressInfo).port;
  const c = new RpcClient({ url: `http://127.0.0.1:${port}`, user: 'u', pass: 'p', nodeName: 'bitcoind', retries: 3, backoffMs: 10 });
  await assert.rejects(
    c.call('getblockchaininfo'),
    (e: Error) =>
      e instanceof RpcTransportError && /cannot reach bitcoind at 127\.0\.0\.1:\d+: (connection reset|socket hang up)/.test(e.message),
  );
  assert.equal(connections, 4);
  c.close();
  srv.close();
});

test('a node that does not answer times out with a clear error', async () => {
  const sockets: net.Socket[] = [];
  const srv = net.createServer((s) => sockets.push(s)).listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as net.AddressInfo).port;
  const c = new RpcClient({ url: `http://127.0.0.1:${port}`, user: 'u', pass: 'p', nodeName: 'litecoind', timeoutMs: 200 });
  await assert.rejects(c.call('getblocktemplate'), /litecoind at 127\.0\.0\.1:\d+ did not answer getblocktemplate within 200 ms/);
  c.close();
  for (const s of sockets) s.destroy();
  srv.close();
});

test('bad input gets a clear error', () => {
  assert.throws(() => new RpcClient({ url: 'not a url', user: '', pass: '' }), /invalid RPC URL "not a url"/);
  assert.throws(() => new RpcClient({ url: 'https://127.0.0.1:1', user: '', pass: '' }), /only http:\/\//);
  assert.throws(() => coinParams('dogecoin', 'main'), /unknown coin "dogecoin"/);
  assert.throws(() => coinParams('litecoin', 'signet'), /unknown network "signet" for litecoin/);
});

test('real litecoind: wrong password is "RPC auth rejected", RPC errors carry the node\'s code', async () => {
  const node = await startLitecoind({ peer: false, wallet: false });
  try {
    const bad = new RpcClient({ url: node.rpcUrl, user: node.user, pass: 'wrong', nodeName: 'litecoind' });
    await assert.rejects(
      bad.call('getblockchaininfo'),
      (e: Error) => e instanceof RpcAuthError && /^RPC auth rejected by litecoind at 127\.0\.0\.1:\d+/.test(e.message),
    );
    bad.close();
    // No peer: litecoind refuses templates with -9, which the client passes on as the node's answer.
    await assert.rejects(
      node.rpc.call('getblocktemplate', [{ rules: ['segwit', 'mweb'] }]),
      (e: Error) => e instanceof RpcError && e.code === -9,
    );
    await assert.rejects(node.rpc.call('nosuchmethod'), (e: Error) => e instanceof RpcError && e.code === -32601);
  } finally {
    await node.stop();
  }
});

test('conf file: sections, network-prefixed keys, comments', () => {
  const conf = parseConf(
    'rpcuser=top\nrpcpassword=toppw # comment\n[main]\nrpcport=1\n[regtest]\nrpcport=19443\nrpcpassword=regpw\ntest.rpcuser=x\n',
    'regtest',
  );
  assert.equal(conf.get('rpcuser'), 'top');
  assert.equal(conf.get('rpcpassword'), 'regpw');
  assert.equal(conf.get('rpcport'), '19443');
});

test('credentials: given, then conf file, then cookie; missing ones listed in the error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'p2pool-creds-'));
  dirs.push(dir);
  assert.deepEqual(resolveCredentials(ltc, 'core', { user: 'a', pass: 'b', dataDir: dir }).source, 'given');
  assert.throws(
    () => resolveCredentials(ltc, 'core', { dataDir: dir }),
    (e: Error) =>
      /no RPC credentials for litecoind/.test(e.message) &&
      e.message.includes(join(dir, 'litecoin.conf')) &&
      e.message.includes(join(dir, 'regtest', '.cookie')),
  );
  mkdirSync(join(dir, 'regtest'));
  writeFileSync(join(dir, 'regtest', '.cookie'), '__cookie__:s3cret\n');
  const ck = resolveCredentials(ltc, 'core', { dataDir: dir });
  assert.equal(ck.user, '__cookie__');
  assert.equal(ck.pass, 's3cret');
  assert.match(ck.source, /cookie file/);
  writeFileSync(join(dir, 'litecoin.conf'), '[regtest]\nrpcuser=alice\nrpcpassword=pw\nrpcport=12345\n');
  const cf = resolveCredentials(ltc, 'core', { dataDir: dir });
  assert.deepEqual([cf.user, cf.pass, cf.rpcPort], ['alice', 'pw', 12345]);
  writeFileSync(join(dir, 'btcd.conf'), '[Application Options]\nrpcuser=bob\nrpcpass=pw2\n');
  const bt = resolveCredentials(coinParams('bitcoin', 'regtest'), 'btcd', { dataDir: dir });
  assert.deepEqual([bt.user, bt.pass], ['bob', 'pw2']);
});
