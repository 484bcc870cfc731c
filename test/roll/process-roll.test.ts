// The roll at process level: 3 edges behind the TestLoadBalancer (the Service's stand-in) are replaced
// one by one (surge a new edge, take the old one out of rotation, drain it) while 200 simulated miners
// and our CPU miner mine through the balancer; a new block arrives in the middle of the roll. Every
// figure is measured from the miners' side. Times (the gaps without work) are printed by the bench
// (`make bench`: bench/roll/), not asserted here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProcessRoll } from './process-roll.ts';

test('rolling 3 edges under 200 miners + the CPU miner: nothing lost, nothing rejected, difficulty kept, old work accepted', async () => {
  const r = await runProcessRoll({ miners: 200, edges: 3, windowMs: 3_000, warmupMs: 8_000, newBlockDuringRoll: true });
  const f = r.figures;
  const detail = JSON.stringify({ ...r, difficultyChanges: r.difficultyChanges.slice(0, 5) });
  assert.equal(r.edgesRolled, 3, detail);
  // Every miner was moved at least once, and every move ended with work from the next edge.
  assert.ok(f.reconnects >= 200, detail);
  assert.equal(f.gaps, 200, detail);
  // Shares: every one acknowledged to a miner reached the sink, once.
  assert.ok(f.acceptedShares > 0 && r.sharesInSink >= f.acceptedShares, detail);
  assert.equal(r.sharesLost, 0, detail);
  assert.equal(r.sharesDuplicated, 0, detail);
  // Submits: none rejected (stale ones for the new block are counted apart), none left unanswered.
  assert.equal(f.rejected, 0, detail);
  assert.deepEqual(f.rejectReasons, {}, detail);
  assert.equal(f.unanswered, 0, detail);
  // Old work: submits for a drained edge's jobs reached the new edges and were checked and accepted there.
  assert.ok(r.forwarded > 0, detail);
  assert.ok(r.forwardedAccepted > 0 && r.forwarded - r.forwardedAccepted <= f.staleNewBlock, detail);
  // Difficulty: vardiff had moved every miner off the initial difficulty, and no move put one back there.
  assert.equal(r.reconnectsAtInitialDifficulty, 0, detail);
  for (const [, after] of r.difficultyChanges) assert.notEqual(after, r.initialDifficulty, detail);
  // A vardiff retarget may coincide with a move (one step: ×2 or ×½); anything else would be a reset.
  for (const [before, after] of r.difficultyChanges)
    assert.ok(after <= before * 2.0001 && after >= before / 2.0001, `${before} → ${after}: ${detail}`);
  assert.ok(r.difficultyChanges.length < f.reconnects / 4, `most moves keep the difficulty exactly: ${detail}`);
  // Our CPU miner through the same balancer: moved, kept mining, nothing rejected.
  assert.ok(r.cpu !== null && r.cpu.reconnects >= 1 && r.cpu.accepted > 0, detail);
  assert.equal(r.cpu!.rejected, 0, detail);
});
