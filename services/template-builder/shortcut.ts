// The reference's "best block header" shortcut (docs/protocol.md §1.2 step 2, §8.1): when a valid header arrives
// whose parent is the current work's previous block, mine an empty block on top of it at once
// instead of spending the time until the full node has a template for it. Refused where an empty
// block would be invalid or guessed wrong: after Litecoin's MWEB activation (every block needs the
// HogEx) and on a retarget boundary (the new bits are unknown).
import { scryptSync } from 'node:crypto';
import { sha256d } from '../core/crypto/hash.ts';
import { hexFromLE } from '../core/bitcoin/uint256.ts';
import { bitsToTarget } from '../core/bitcoin/bits.ts';
import { blockSubsidy, type CoinParams } from '../pool/coins.ts';
import type { Work } from '../pool/work/template.ts';

export type ShortcutVerdict = { work: Work } | { refused: string };

export function emptyWorkOnHeader(
  current: Work,
  header: Buffer,
  coin: CoinParams,
  nowSec = Math.floor(Date.now() / 1000),
): ShortcutVerdict {
  if (header.length !== 80) return { refused: `a block header is 80 bytes, not ${header.length}` };
  const prev = Buffer.from(header.subarray(4, 36)).reverse().toString('hex');
  if (prev !== current.previousBlockHex) return { refused: 'its parent is not the block the current work builds on' };
  if (current.mweb !== undefined) return { refused: 'MWEB is active: an empty block would lack the HogEx' };
  const height = current.height + 1;
  if (coin.retargetInterval && height % coin.retargetInterval === 0) return { refused: 'the next block is a retarget boundary' };
  const bits = header.readUInt32LE(72);
  if (bits !== current.bits) return { refused: 'its bits differ from the current work' };
  const target = bitsToTarget(bits);
  const powHash = coin.pow === 'scrypt' ? scryptSync(header, header, 32, { N: 1024, r: 1, p: 1, maxmem: 4 << 20 }) : sha256d(header);
  if (BigInt('0x' + Buffer.from(powHash).reverse().toString('hex')) > target)
    return { refused: 'its proof of work does not meet its target' };
  const blockHash = hexFromLE(sha256d(header));
  const timestamp = header.readUInt32LE(68);
  const time = Math.max(nowSec, timestamp + 1, current.mintime);
  // Field by field, not a spread: a spread would compute current's lazy witness root for nothing.
  const empty: Work = {
    coin: current.coin,
    network: current.network,
    source: current.source,
    rules: current.rules,
    segwit: current.segwit,
    weightLimit: current.weightLimit,
    sigopLimit: current.sigopLimit,
    sizeLimit: current.sizeLimit,
    version: header.readUInt32LE(0),
    previousBlock: BigInt('0x' + blockHash),
    previousBlockHex: blockHash,
    height,
    bits,
    target,
    curtime: time,
    mintime: timestamp + 1,
    maxtime: undefined,
    coinbaseValue: blockSubsidy(coin, height),
    coinbaseFlags: Buffer.alloc(0),
    transactions: [],
    txHashes: [],
    fees: [],
    totalFees: 0n,
    merkleBranch: [],
    merkleBranchRaw: [],
    // Empty block: the witness root is merkle_hash([0]) = 0.
    witnessMerkleRoot: 0n,
    witnessMerkleRootRaw: Buffer.alloc(32),
    defaultWitnessCommitment: undefined,
    mweb: undefined,
    txWeight: 0,
    txBytes: 0,
    longpollId: undefined,
    receivedAt: performance.now(),
    lastUpdateMs: Date.now(),
    templateId: 0,
    emptyShortcut: true,
  };
  return { work: empty };
}
