// Gauge names of the edge's StatsSnapshot (the edge publishes them, the sharechain adds them up into
// the miners' rates): both sides must spell them alike.
export const MINER_HASH_RATE = 'miner_hash_rate';
export const MINER_DEAD_HASH_RATE = 'miner_dead_hash_rate';
export const MINER_DIFFICULTY = 'miner_difficulty';
