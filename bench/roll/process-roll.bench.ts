// The roll at process level (test/roll/process-roll.ts): 3 edges replaced one by one under 200
// simulated miners and the CPU miner, behind the TestLoadBalancer. Targets: 0 shares lost, 0 submits
// rejected because of the roll, no miner more than 2 s without work (max and p99 over the miners of
// each one's longest gap, from losing its connection to the first job on the next).
import { runProcessRoll } from '../../test/roll/process-roll.ts';

const r = await runProcessRoll({ miners: 200, edges: 3, windowMs: 3_000, warmupMs: 8_000 });
const f = r.figures;
console.log(`roll_process_miners: ${f.miners} miners`);
console.log(`roll_process_edges_rolled: ${r.edgesRolled} edges`);
console.log(`roll_process_duration: ${(r.rollMs / 1000).toFixed(1)} s`);
console.log(`roll_process_reconnects: ${f.reconnects} reconnects`);
console.log(`roll_process_submits: ${f.submits} submits`);
console.log(`roll_process_shares_acknowledged: ${f.acceptedShares} shares`);
console.log(`roll_process_shares_lost: ${r.sharesLost} shares`);
console.log(`roll_process_shares_duplicated: ${r.sharesDuplicated} shares`);
console.log(`roll_process_rejected_by_roll: ${f.rejected} submits`);
console.log(`roll_process_stale_new_block: ${f.staleNewBlock} submits`);
console.log(`roll_process_unanswered: ${f.unanswered} submits`);
console.log(`roll_process_old_work_forwarded: ${r.forwarded} submits`);
console.log(`roll_process_old_work_accepted: ${r.forwardedAccepted} submits`);
console.log(`roll_process_difficulty_changed_on_move: ${r.difficultyChanges.length} reconnects`);
console.log(`roll_process_gap_max: ${f.gapMaxMs.toFixed(1)} ms`);
console.log(`roll_process_gap_p99: ${f.gapP99Ms.toFixed(1)} ms`);
console.log(`roll_process_cpu_miner_rejected: ${r.cpu?.rejected ?? 0} submits`);
