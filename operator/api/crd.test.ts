import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ADDRESS_PATTERNS, p2poolNodeCrd } from './crd.ts';
import { CRD_PATH, crdYaml } from './crd-file.ts';

test("the chart's CRD is the one operator/api/crd.ts generates (make crd)", () => {
  assert.equal(readFileSync(CRD_PATH, 'utf8'), crdYaml());
});

test("address patterns accept real addresses of their network and refuse the others'", () => {
  const samples: Record<string, string> = {
    bitcoin: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
    bitcoin_testnet: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx',
    bitcoin_regtest: 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080',
    litecoin: 'LVg2kJoFNg45Nbpy53h7Fe1wKyeXVRhMH9',
    litecoin_testnet: 'tltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kmmd9c4',
    litecoin_regtest: 'rltc1qw508d6qejxtdg4y5r3zarvary0c5xw7k9j6zda',
  };
  for (const [net, re] of Object.entries(ADDRESS_PATTERNS)) {
    for (const [other, addr] of Object.entries(samples)) {
      // The V36 regtest networks are litecoin_regtest's chain: the same addresses.
      const same = net === other || (net.startsWith('litecoin_regtest_') && other === 'litecoin_regtest');
      assert.equal(new RegExp(re).test(addr), same, `${net} vs ${other} address ${addr}`);
    }
  }
});

test('full-node and merged-chain URLs must be http:// (the services speak no TLS)', () => {
  const props = (p2poolNodeCrd().spec as any).versions[0].schema.openAPIV3Schema.properties.spec.properties;
  const rpc = new RegExp(props.fullNodes.items.properties.rpcUrl.pattern);
  const merged = new RegExp(props.mergedMining.items.properties.url.pattern);
  for (const re of [rpc, merged]) {
    assert.ok(re.test('http://10.96.0.50:19443'));
    assert.ok(!re.test('https://10.96.0.50:19443'));
  }
});

test('scale subresource drives the edge replicas; printer columns cover the live figures', () => {
  const v = (p2poolNodeCrd() as any).spec.versions[0];
  assert.equal(v.subresources.scale.specReplicasPath, '.spec.edge.replicas');
  assert.deepEqual(
    v.additionalPrinterColumns.map((c: any) => c.name),
    ['Network', 'Version', 'Edges', 'Miners', 'Hashrate', 'Height', 'Peers', 'Share', 'Ready', 'Age'],
  );
});
