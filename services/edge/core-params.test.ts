import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgeConfigForParent, parentNetwork } from './core-params.ts';
import { scryptPow } from '../core/crypto/scrypt.ts';
import { resolveConfig } from './config.ts';

test('litecoin: scrypt PoW, DUMB_SCRYPT_DIFF 65536, core address decoding', () => {
  const c = edgeConfigForParent(parentNetwork('litecoin')!);
  assert.equal(c.difficultyMultiplier, 65536);
  assert.equal(c.powHash, scryptPow);
  assert.equal(c.addressValidator!.validate('ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9').ok, true);
  const bad = c.addressValidator!.validate('1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGy');
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.reason, /not a valid litecoin address \(version byte 0/);
  assert.ok(c.minDifficulty! < c.maxDifficulty!);
  resolveConfig(c);
});

test('bitcoin regtest: sha256d, bcrt addresses', () => {
  const c = edgeConfigForParent(parentNetwork('bitcoin_regtest')!);
  assert.equal(c.difficultyMultiplier, 1);
  assert.equal(c.addressValidator!.validate('bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080').ok, true);
  assert.equal(c.addressValidator!.validate('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4').ok, false);
});
