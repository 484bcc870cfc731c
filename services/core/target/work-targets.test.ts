import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredShareTarget, pseudoshareTarget } from './work-targets.ts';
import { NETWORKS } from '../networks/index.ts';
import { difficultyToTarget, averageAttemptsToTarget, targetToAverageAttempts } from '../bitcoin/difficulty.ts';
import { nextStaleInfo } from '../share/stale-info.ts';
import { STALE_DOA, STALE_NONE, STALE_ORPHAN } from '../share/types.ts';

const net = NETWORKS.litecoin!;
const blockTarget = difficultyToTarget(20_000_000);

test('share target: user /diff wins; else 1.67 % of pool shares; punish asks for diff 1', () => {
  assert.equal(
    desiredShareTarget({ net, blockTarget, userDifficulty: 5000, localRate: 1e9, punishAggressively: true }),
    difficultyToTarget(5000),
  );
  assert.equal(desiredShareTarget({ net, blockTarget, localRate: null, punishAggressively: false }), (1n << 256n) - 1n);
  assert.equal(
    desiredShareTarget({ net, blockTarget, localRate: 1e9, punishAggressively: false }),
    averageAttemptsToTarget((1e9 * 15) / 0.0167),
  );
  assert.equal(desiredShareTarget({ net, blockTarget, localRate: 1e9, punishAggressively: true }), difficultyToTarget(1));
});

test("share target: the dust rule makes a small miner's shares worth at least DUST_THRESHOLD", () => {
  const dust = { addressRate: 1e6, poolRate: 1e12, subsidy: 1_250_000_000n, donationPercent: 0 };
  const t = desiredShareTarget({ net, blockTarget, localRate: null, punishAggressively: false, dust });
  const perShare = (Number(targetToAverageAttempts(t)) / (Number(targetToAverageAttempts(blockTarget)) * net.SPREAD)) * 1_250_000_000;
  assert.ok(Math.abs(perShare - Number(net.PARENT.DUST_THRESHOLD)) / Number(net.PARENT.DUST_THRESHOLD) < 1e-6);
  const big = desiredShareTarget({ net, blockTarget, localRate: null, punishAggressively: false, dust: { ...dust, addressRate: 1e11 } });
  assert.equal(big, (1n << 256n) - 1n);
});

test('pseudoshare target: never harder than the share target, clipped to the sane range', () => {
  const shareTarget = difficultyToTarget(100);
  assert.equal(pseudoshareTarget({ net, blockTarget, shareTarget, localRate: 1e12, subsidy: 1n }), averageAttemptsToTarget(1e11));
  assert.equal(pseudoshareTarget({ net, blockTarget, shareTarget, localRate: 1e16, subsidy: 1n }), shareTarget);
  const easy = pseudoshareTarget({ net, blockTarget, shareTarget, userDifficulty: 1e-12, localRate: null, subsidy: 1n });
  assert.equal(easy, net.PARENT.SANE_TARGET_RANGE[1]);
  const fixed = pseudoshareTarget({
    net,
    blockTarget,
    shareTarget: difficultyToTarget(1e9),
    userDifficulty: 1e4,
    localRate: null,
    subsidy: 1n,
  });
  assert.equal(fixed, difficultyToTarget(1e4));
});

test('stale_info announces orphans first, then DOAs, each only until the chain has recorded them', () => {
  const base = { mine: 10, mineDoa: 2, mineInChain: 7, mineDoaInChain: 1, orphansAnnounced: 0, doasAnnounced: 0 };
  assert.equal(nextStaleInfo(base), STALE_ORPHAN);
  assert.equal(nextStaleInfo({ ...base, orphansAnnounced: 2 }), STALE_DOA);
  assert.equal(nextStaleInfo({ ...base, orphansAnnounced: 2, doasAnnounced: 1 }), STALE_NONE);
});
