import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NETWORKS, builtinNetwork, networkFromText, networkFromDocument, NetworkFileError, subsidy } from './index.ts';
import { loadVector } from '../testing/vectors.ts';

test('built-in networks: bitcoin, litecoin, their testnets and regtests', () => {
  assert.deepEqual(Object.keys(NETWORKS).sort(), ['bitcoin', 'bitcoin_regtest', 'bitcoin_testnet', 'litecoin', 'litecoin_regtest', 'litecoin_testnet']);
  assert.equal(builtinNetwork('litecoin', true).NAME, 'litecoin_testnet');
  assert.equal(NETWORKS.litecoin!.P2P_PORT, 9326);
  assert.equal(NETWORKS.litecoin!.PARENT.POW_FUNC, 'scrypt');
  assert.equal(NETWORKS.bitcoin!.IDENTIFIER.toString('hex'), 'fc70035c7a81bc6f');
  assert.equal(NETWORKS.litecoin_regtest!.PARENT.HUMAN_READABLE_PART, 'rltc');
  assert.equal(NETWORKS.litecoin_regtest!.GENESIS_SHARE_VERSION, 35);
  assert.throws(() => builtinNetwork('dogecoin'), /unknown network/);
  assert.equal(subsidy(NETWORKS.bitcoin!.PARENT, 650000), 625000000n);
  assert.equal(subsidy(NETWORKS.bitcoin!.PARENT, 209999), 2500000000n); // the reference's (height + 1) off-by-one
});

test('every vector file loads as a network, with exact 256-bit targets and the right lineage', () => {
  for (const [f, lineage] of [['jt35.json', 'JT'], ['jt33.json', 'JT'], ['orig17.json', 'FV'], ['orig16.json', 'FV']] as const) {
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
  assert.throws(() => networkFromText('{"net": {"IDENTIFIER": "01", "PREFIX": "0102030405060708", "SHARE_PERIOD": 1, "CHAIN_LENGTH": 1, "TARGET_LOOKBEHIND": 1, "SPREAD": 1, "MAX_TARGET": 5}}'), (e: unknown) => e instanceof NetworkFileError && /IDENTIFIER must be 8 bytes/.test((e as Error).message));
  assert.throws(() => networkFromText('{"net": {"IDENTIFIER": "0102030405060708"}}'), /CHAIN_LENGTH is required/);
  assert.throws(() => networkFromText('{"net": {"IDENTIFIER": "0102030405060708", "PREFIX": "0102030405060708", "SHARE_PERIOD": 1, "CHAIN_LENGTH": 1, "TARGET_LOOKBEHIND": 1, "SPREAD": 1, "MAX_TARGET": 1.5e70}}'), /MAX_TARGET must be an integer/);
  assert.throws(() => networkFromText('{"net": {"IDENTIFIER": "0102030405060708", "PREFIX": "0102030405060708", "SHARE_PERIOD": 1, "CHAIN_LENGTH": 1, "TARGET_LOOKBEHIND": 1, "SPREAD": 1, "MAX_TARGET": 5}, "pow_func": "x11"}'), /pow_func/);

});
