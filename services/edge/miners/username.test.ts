import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUsername } from './username.ts';
import { NetworkAddressValidator, looksLikeAddress } from './address.ts';

test('address alone', () => {
  assert.deepEqual(parseUsername(' 1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGy '), {
    raw: '1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGy',
    address: '1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGy',
    mergedAddress: null,
    worker: '',
    shareDifficulty: null,
    pseudoshareDifficulty: null,
  });
});

test('worker suffixes: "_" wins over ".", split at the first separator', () => {
  assert.equal(parseUsername('addr.rig1').worker, 'rig1');
  assert.equal(parseUsername('addr_rig1').address, 'addr');
  assert.equal(parseUsername('addr_rig.1').worker, 'rig.1');
  assert.equal(parseUsername('addr.rig_1').address, 'addr.rig');
});

test('/SHAREDIFF and +PSEUDODIFF in any order; later pairs override; bad numbers ignored', () => {
  const u = parseUsername('addr.w/1000+8');
  assert.equal(u.shareDifficulty, 1000);
  assert.equal(u.pseudoshareDifficulty, 8);
  assert.equal(u.worker, 'w');
  const v = parseUsername('addr+8/1000/2000+x');
  assert.equal(v.shareDifficulty, 2000);
  assert.equal(v.pseudoshareDifficulty, 8);
  assert.equal(parseUsername('addr/abc').shareDifficulty, null);
  assert.equal(parseUsername('addr/-5').shareDifficulty, null);
  assert.equal(parseUsername('addr/0.5').shareDifficulty, 0.5);
});

test('address validation per coin, and what counts as address-shaped', () => {
  const btc = new NetworkAddressValidator('bitcoin');
  assert.deepEqual(btc.validate('1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGy'), { ok: true });
  assert.deepEqual(btc.validate('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'), { ok: true });
  const bad = btc.validate('1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGz');
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.reason, /not a valid bitcoin address/);
  const ltc = new NetworkAddressValidator('litecoin');
  assert.equal(ltc.validate('1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGy').ok, false, 'a bitcoin address is not a litecoin address');
  assert.equal(ltc.validate('ltc1qw508d6qejxtdg4y5r3zarvary0c5xw7kgmn4n9').ok, true);
  assert.equal(looksLikeAddress('1KUCp7YP5FP8ViRxhfszSUJCTAajK6viGz'), true);
  assert.equal(looksLikeAddress('rig1'), false);
  assert.equal(looksLikeAddress('x'), false);
});

test('LTC_ADDR,DOGE_ADDR: the merged-chain address after the first comma, worker and difficulties as usual', () => {
  const u = parseUsername('ltc1qexample,DPaymentAddressOnDogecoin.rig7/500+2');
  assert.deepEqual(
    [u.address, u.mergedAddress, u.worker, u.shareDifficulty, u.pseudoshareDifficulty],
    ['ltc1qexample', 'DPaymentAddressOnDogecoin', 'rig7', 500, 2],
  );
  assert.deepEqual([parseUsername('ltc,doge_rig').address, parseUsername('ltc,doge_rig').mergedAddress], ['ltc', 'doge']);
  assert.equal(parseUsername('ltc,').mergedAddress, null);
  assert.equal(parseUsername('ltc.rig').mergedAddress, null);
});
