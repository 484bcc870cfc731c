// An edge configured for Litecoin regtest from the core's parent-network table: scrypt PoW,
// stratum difficulty scaled by DUMB_SCRYPT_DIFF (65536), rltc addresses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgeConfigForParent, parentNetwork } from '../../services/edge/index.ts';
import { StratumTestClient } from './stratum-client.ts';
import { startEdge, until } from './harness.ts';

const LTC_REGTEST_ADDR = 'rltc1qw508d6qejxtdg4y5r3zarvary0c5xw7k693xs3'; // BIP173's P2WPKH program with the rltc hrp

test('litecoin regtest: scrypt shares, difficulty x65536, address check by the core', async (t) => {
  const cfg = edgeConfigForParent(parentNetwork('litecoin_regtest')!);
  const h = await startEdge(cfg);
  t.after(() => h.stop());
  const c = await StratumTestClient.connect(h.port);
  t.after(() => c.close());
  c.pow = 'scrypt';
  c.difficultyMultiplier = 65536;
  await c.subscribe();
  const btc = await c.request('mining.authorize', ['1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGy', 'x']);
  assert.equal(btc.error?.code, 24);
  assert.match(btc.error!.message, /not a valid litecoin_regtest address/);
  const diff = 65536 * 2 ** -28; // miner units: p = 1/16 per scrypt hash
  const user = `${LTC_REGTEST_ADDR}.l1+${diff}`;
  assert.equal((await c.authorize(user)).result, true);
  assert.ok(Math.abs(c.difficulty / diff - 1) < 1e-9, `set_difficulty is scaled (${c.difficulty})`);
  const good = c.solve({ extranonce2: '0000abcd', worker: user });
  assert.equal((await c.submit(good)).result, true);
  const low = c.solve({ extranonce2: '0000abce', worker: user, want: false });
  assert.equal((await c.submit(low)).error?.code, 23);
  await until(() => h.edge.snapshot().counters.accepted === 1);
  assert.equal(h.edge.snapshot().miners[LTC_REGTEST_ADDR]!.accepted, 1);
});
