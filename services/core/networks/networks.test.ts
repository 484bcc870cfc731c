import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NETWORKS, builtinNetwork, networkFromText, networkFromDocument, NetworkFileError, subsidy } from './index.ts';
import { loadVector } from '../testing/vectors.ts';

test('built-in networks: bitcoin, litecoin, their testnets and regtests', () => {
  assert.deepEqual(Object.keys(NETWORKS).sort(), [
    'bitcoin',
    'bitcoin_regtest',
    'bitcoin_testnet',
    'litecoin',
    'litecoin_regtest',
    'litecoin_regtest_v35',
    'litecoin_regtest_v36',
    'litecoin_testnet',
  ]);
  assert.equal(builtinNetwork('litecoin', true).NAME, 'litecoin_testnet');
  assert.equal(NETWORKS.litecoin!.P2P_PORT, 9326);
  assert.equal(NETWORKS.litecoin!.PARENT.POW_FUNC, 'scrypt');
  assert.equal(NETWORKS.bitcoin!.IDENTIFIER.toString('hex'), 'fc70035c7a81bc6f');
  assert.equal(NETWORKS.litecoin_regtest!.PARENT.HUMAN_READABLE_PART, 'rltc');
  assert.equal(NETWORKS.litecoin_regtest!.GENESIS_SHARE_VERSION, 35);
  assert.equal(NETWORKS.litecoin_regtest_v36!.GENESIS_SHARE_VERSION, 36);
  assert.equal(NETWORKS.litecoin_regtest_v35!.GENESIS_SHARE_VERSION, 35);
  // The live Litecoin network speaks V36 (spec p2pool-v36 §2).
  for (const n of ['litecoin', 'litecoin_testnet', 'litecoin_regtest_v36', 'litecoin_regtest_v35'])
    assert.equal(NETWORKS[n]!.LINEAGE, 'V36');
  assert.equal(NETWORKS.bitcoin!.LINEAGE, 'JT');
  assert.equal(NETWORKS.litecoin!.IDENTIFIER.toString('hex'), 'e037d5b8c6923410');
  assert.equal(NETWORKS.litecoin!.PREFIX.toString('hex'), '7208c1a53ef629b0');
  assert.equal(NETWORKS.litecoin!.BOOTSTRAP_ADDRS.length, 11);
  assert.ok(NETWORKS.litecoin!.BOOTSTRAP_ADDRS.includes('usa.p2p-spb.xyz'));
  assert.equal(NETWORKS.litecoin_testnet!.P2P_PORT, 19338);
  assert.throws(() => builtinNetwork('dogecoin'), /unknown network/);
  assert.equal(subsidy(NETWORKS.bitcoin!.PARENT, 650000), 625000000n);
  assert.equal(subsidy(NETWORKS.bitcoin!.PARENT, 209999), 2500000000n); // the reference's (height + 1) off-by-one
});

test('every built-in chain verifies a share only with all it looks back at below it', () => {
  // think() verifies a share once CHAIN_LENGTH shares lie below it (pruning keeps 2·CHAIN_LENGTH + 10);
  // its checks look back TARGET_LOOKBEHIND (target), 99 (far_share_hash) and REAL_CHAIN_LENGTH (payouts).
  for (const [name, net] of Object.entries(NETWORKS))
    assert.ok(
      net.CHAIN_LENGTH >= Math.max(net.TARGET_LOOKBEHIND, 100, net.REAL_CHAIN_LENGTH),
      `${name}: CHAIN_LENGTH ${net.CHAIN_LENGTH}, TARGET_LOOKBEHIND ${net.TARGET_LOOKBEHIND}`,
    );
});

test('every vector file loads as a network, with exact 256-bit targets and the right lineage', () => {
  for (const [f, lineage] of [
    ['jt35.json', 'JT'],
    ['jt33.json', 'JT'],
    ['orig17.json', 'FV'],
    ['orig16.json', 'FV'],
  ] as const) {
    const net = networkFromDocument(loadVector(f));
    assert.equal(net.MAX_TARGET, (1n << 248n) - 1n);
    assert.equal(net.LINEAGE, lineage);
    assert.equal(net.CHAIN_LENGTH, 20);
    assert.equal(net.PARENT.ADDRESS_VERSION, 0);
  }
});

test('a custom YAML network with a Litecoin-like parent and scrypt', () => {
  const net = networkFromText(`
net:
  NAME: mypool
  IDENTIFIER: "0102030405060708"
  PREFIX: "a1a2a3a4a5a6a7a8"
  SHARE_PERIOD: 10
  CHAIN_LENGTH: 100
  TARGET_LOOKBEHIND: 20
  SPREAD: 3
  MAX_TARGET: 0x0fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
  SEGWIT_ACTIVATION_VERSION: 17
version: 35
pow_func: scrypt(N=1024,r=1,p=1,dkLen=32)
parent:
  ADDRESS_VERSION: 111
  ADDRESS_P2SH_VERSION: 58
  HUMAN_READABLE_PART: rltc
  DUMB_SCRYPT_DIFF: 65536
  SYMBOL: rLTC
  SUBSIDY_FUNC: "5000000000 >> (height + 1) // 150"
`);
  assert.equal(net.NAME, 'mypool');
  assert.equal(net.MAX_TARGET, (1n << 252n) - 1n);
  assert.equal(net.PARENT.POW_FUNC, 'scrypt');
  assert.equal(net.PARENT.HUMAN_READABLE_PART, 'rltc');
  assert.equal(subsidy(net.PARENT, 149), 2500000000n);
  assert.equal(net.GENESIS_SHARE_VERSION, 35);
  assert.equal(net.REAL_CHAIN_LENGTH, 100);
});

test('bad network files say which key is wrong', () => {
  assert.throws(
    () =>
      networkFromText(
        '{"net": {"IDENTIFIER": "01", "PREFIX": "0102030405060708", "SHARE_PERIOD": 1, "CHAIN_LENGTH": 1, "TARGET_LOOKBEHIND": 1, "SPREAD": 1, "MAX_TARGET": 5}}',
      ),
    (e: unknown) => e instanceof NetworkFileError && /IDENTIFIER must be 8 bytes/.test((e as Error).message),
  );
  assert.throws(() => networkFromText('{"net": {"IDENTIFIER": "0102030405060708"}}'), /CHAIN_LENGTH is required/);
  assert.throws(
    () =>
      networkFromText(
        '{"net": {"IDENTIFIER": "0102030405060708", "PREFIX": "0102030405060708", "SHARE_PERIOD": 1, "CHAIN_LENGTH": 1, "TARGET_LOOKBEHIND": 1, "SPREAD": 1, "MAX_TARGET": 1.5e70}}',
      ),
    /MAX_TARGET must be an integer/,
  );
  assert.throws(
    () =>
      networkFromText(
        '{"net": {"IDENTIFIER": "0102030405060708", "PREFIX": "0102030405060708", "SHARE_PERIOD": 1, "CHAIN_LENGTH": 1, "TARGET_LOOKBEHIND": 1, "SPREAD": 1, "MAX_TARGET": 5}, "pow_func": "x11"}',
      ),
    /pow_func/,
  );
});

// Issue 12.9: SUBSIDY_FUNC as the reference's network modules write it.
const withSubsidy = (f: string) =>
  networkFromText(
    JSON.stringify({
      net: {
        NAME: 's',
        IDENTIFIER: '0102030405060708',
        PREFIX: 'a1a2a3a4a5a6a7a8',
        SHARE_PERIOD: 10,
        CHAIN_LENGTH: 100,
        TARGET_LOOKBEHIND: 20,
        SPREAD: 3,
        MAX_TARGET: 5,
      },
      parent: { SUBSIDY_FUNC: f },
    }),
  );

test('SUBSIDY_FUNC in the reference notation: arithmetic with Python precedence, no eval', () => {
  const btc = withSubsidy('50*100000000 >> (height + 1)//210000');
  assert.equal(btc.PARENT.SUBSIDY_INITIAL, 5_000_000_000n);
  assert.equal(btc.PARENT.SUBSIDY_HALVING_INTERVAL, 210000);
  assert.equal(subsidy(btc.PARENT, 209998), 5_000_000_000n);
  assert.equal(subsidy(btc.PARENT, 209999), 2_500_000_000n);
  const lambda = withSubsidy('lambda height: 50*100000000 >> (height + 1)//840000');
  assert.equal(subsidy(lambda.PARENT, 839999), 2_500_000_000n);
  // Not the halving form: evaluated as written (Python: 10*(h//100) + 5, floor division).
  const linear = withSubsidy('(height // 100) * 10 + 5');
  assert.equal(subsidy(linear.PARENT, 0), 5n);
  assert.equal(subsidy(linear.PARENT, 250), 25n);
  // >> binds looser than +: 1000 >> 1 + 1 is 1000 >> 2.
  assert.equal(subsidy(withSubsidy('1000 >> 1 + 1').PARENT, 0), 250n);
  for (const bad of ['__import__("os")', '50 - height', '5 ** 2', 'height.bit_length()', '(5 >> 1', '1 // 0', '5 >> ', 'x + 1']) {
    assert.throws(
      () => withSubsidy(bad),
      (e: unknown) => e instanceof NetworkFileError && /SUBSIDY_FUNC/.test((e as Error).message),
      bad,
    );
  }
});
