// Edge configuration. Everything a pod differs by (its extranonce prefix) or an operator may
// tune lives here; the defaults reproduce the reference's miner-facing behaviour.
import { sha256d } from './codec/sha256.ts';
import type { AddressValidator } from './miners/address.ts';
import type { ExtranoncePrefix } from '../pool/extranonce-prefix.ts';

export type { ExtranoncePrefix };

export interface EdgeConfig {
  host: string;
  port: number;
  /** Coin name shown in errors, e.g. "litecoin". */
  coin: string;
  /** The reference's DUMB_SCRYPT_DIFF: 1 for sha256d coins, 65536 for scrypt coins (§8.3). */
  difficultyMultiplier: number;
  /** Proof-of-work hash of an 80-byte header (sha256d; scrypt for Litecoin). Returns 32 bytes, internal order. */
  powHash: (header: Buffer) => Buffer;
  addressValidator: AddressValidator | null;
  extranoncePrefix: ExtranoncePrefix;
  /** extranonce1 + extranonce2 = the 8-byte coinbase nonce of a P2Pool gentx. */
  extranonce1Size: number;
  extranonce2Size: number;
  /** BIP310 mask the edge allows miners to roll (the reference's 0x1fffe000). */
  versionRollingMask: number;
  /** Seconds per pseudoshare vardiff aims at (the reference's --share-rate). */
  shareRateSeconds: number;
  /** After a retarget, shares at the previous difficulty still count for this long. */
  vardiffGraceMs: number;
  /** Difficulty (already in miner units) before vardiff or suggest_difficulty know better. */
  initialDifficulty: number;
  minDifficulty: number;
  maxDifficulty: number;
  /** How far ahead of the template time a submitted ntime may be (the reference's X-Roll-NTime expire=100 is for getwork). */
  ntimeMaxAheadSeconds: number;
  /** Jobs answer "job not found" after this long (the reference's 300 s). */
  jobLifetimeMs: number;
  /** Jobs of a previous block answer "stale" for this long before they are forgotten. */
  staleJobKeepMs: number;
  /** No first byte / no subscribe+authorize within this time: close. */
  handshakeTimeoutMs: number;
  /** An unterminated line older than this is a slow-loris sender: close. */
  partialLineTimeoutMs: number;
  /**
   * Nothing received for this long on an established stratum connection: close. Dead peers are
   * normally found sooner by TCP keepalive; this is long because a miner on a fixed high
   * `+PSEUDODIFF` may legitimately be silent for many minutes.
   */
  idleTimeoutMs: number;
  /** Interval of the single sweeper that enforces all timeouts (no per-socket timers). */
  sweepIntervalMs: number;
  /** Stop reading from a miner whose unsent replies exceed this, resume on drain. */
  writeHighWaterBytes: number;
  /** Close a miner whose unsent replies exceed this (it is not reading at all). */
  writeHardLimitBytes: number;
  /** Consecutive undecodable lines tolerated before closing. */
  maxBadLines: number;
  /** TCP keepalive probe delay, so dead peers without FIN/RST eventually error out. */
  keepAliveMs: number;
  /** Where client.reconnect points miners on drain ([] params = same host/port). */
  reconnectTo: { host: string; port: number; waitSeconds: number } | null;
  /** A drain sends client.reconnect to its miners spread over this window (ms), so the other edges take them a few at a time. */
  drainWindowMs: number;
  /** After the window: longest wait for the last miners to leave before closing their sockets. */
  drainGraceMs: number;
  /** getwork: X-Roll-NTime expire value (seconds). */
  getworkRollNtimeSeconds: number;
  version: string;
}

export const DEFAULT_CONFIG: EdgeConfig = {
  host: '0.0.0.0',
  port: 9332,
  coin: 'bitcoin',
  difficultyMultiplier: 1,
  powHash: sha256d,
  addressValidator: null,
  extranoncePrefix: { value: 0, bits: 0 },
  extranonce1Size: 4,
  extranonce2Size: 4,
  versionRollingMask: 0x1fffe000,
  shareRateSeconds: 3,
  vardiffGraceMs: 15_000,
  initialDifficulty: 1,
  minDifficulty: 2 ** -32,
  maxDifficulty: 2 ** 52,
  ntimeMaxAheadSeconds: 7200,
  jobLifetimeMs: 300_000,
  staleJobKeepMs: 120_000,
  handshakeTimeoutMs: 30_000,
  partialLineTimeoutMs: 30_000,
  idleTimeoutMs: 30 * 60_000,
  sweepIntervalMs: 1_000,
  writeHighWaterBytes: 256 * 1024,
  writeHardLimitBytes: 4 * 1024 * 1024,
  maxBadLines: 8,
  keepAliveMs: 60_000,
  reconnectTo: null,
  drainWindowMs: 10_000,
  drainGraceMs: 5_000,
  getworkRollNtimeSeconds: 100,
  version: 'p2pool-ts/0.1.0',
};

export function resolveConfig(partial: Partial<EdgeConfig> = {}): EdgeConfig {
  const c: EdgeConfig = { ...DEFAULT_CONFIG, ...partial };
  if (c.extranonce1Size + c.extranonce2Size !== 8) {
    throw new Error('extranonce1Size + extranonce2Size must be 8: the P2Pool coinbase nonce is 8 bytes');
  }
  if (c.extranonce1Size < 1 || c.extranonce1Size > 6) throw new Error('extranonce1Size must be 1..6');
  const { value, bits } = c.extranoncePrefix;
  if (!Number.isInteger(bits) || bits < 0 || bits > 8 * c.extranonce1Size - 8) {
    throw new Error(`extranonce prefix bits must be 0..${8 * c.extranonce1Size - 8} (leave at least 8 bits per edge)`);
  }
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new Error(`extranonce prefix value ${value} does not fit in ${bits} bits`);
  }
  return c;
}
