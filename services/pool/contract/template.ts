// Work (services/pool/work/template.ts) ↔ the BlockTemplate message (TemplatePublished, GetTemplate):
// what the template builder publishes and the edge and sharechain read back. 256-bit values travel as
// their 32 raw bytes (little-endian, the sha256d output).
import type { BlockTemplate } from '../../gen/p2pool/v1/template_builder.ts';
import { hexFromLE as displayHex, u256ToLE } from '../../core/index.ts';
import { parseTemplate, type Work } from '../work/template.ts';
import type { CoinParams } from '../coins.ts';

export function toBlockTemplate(work: Work): BlockTemplate {
  return {
    version: work.version,
    previousBlock: u256ToLE(work.previousBlock),
    bits: work.bits,
    target: u256ToLE(work.target),
    height: work.height,
    time: BigInt(work.curtime),
    minTime: BigInt(work.mintime),
    coinbaseValue: work.coinbaseValue,
    coinbaseFlags: work.coinbaseFlags,
    transactions: work.transactions.map((t) => ({
      data: t.data,
      txid: u256ToLE(t.txid),
      wtxid: u256ToLE(t.wtxid),
      fee: t.fee ?? 0n,
      weight: t.weight ?? t.data.length * 4,
      sigops: t.sigops ?? 0,
      depends: t.depends,
    })),
    witnessCommitment: work.defaultWitnessCommitment ?? new Uint8Array(0),
    rules: work.rules,
    mweb: work.mweb ?? new Uint8Array(0),
    sizeLimit: work.sizeLimit,
    weightLimit: work.weightLimit,
    sigopLimit: work.sigopLimit,
    templateId: BigInt(work.templateId),
    lastUpdateMs: BigInt(work.lastUpdateMs),
    sourceNode: work.source,
    emptyShortcut: work.emptyShortcut ?? false,
    longpollId: work.longpollId ?? '',
  };
}

/**
 * BlockTemplate → Work, for consumers in another process (the edge, the sharechain): the message is
 * put back into getblocktemplate's shape and parsed by the same parseTemplate, so the merkle branch,
 * witness root, HogEx placement and every sanity check are the template builder's own.
 */
export function fromBlockTemplate(t: BlockTemplate, coin: CoinParams): Work {
  const gbt = {
    version: t.version,
    previousblockhash: displayHex(t.previousBlock),
    height: t.height,
    bits: t.bits.toString(16).padStart(8, '0'),
    curtime: Number(t.time),
    mintime: Number(t.minTime),
    coinbasevalue: Number(t.coinbaseValue),
    coinbaseaux: t.coinbaseFlags.length ? { flags: Buffer.from(t.coinbaseFlags).toString('hex') } : {},
    // The builder checked the node's own rule list before publishing. An empty list here is also
    // what a node that reports none sends (btcd: no `rules` at all), so it is not re-checked as
    // "no soft fork active" (which would refuse every btcd template).
    ...(t.rules.length > 0 ? { rules: t.rules } : {}),
    transactions: t.transactions.map((x) => ({
      data: Buffer.from(x.data).toString('hex'),
      txid: displayHex(x.txid),
      hash: displayHex(x.wtxid),
      fee: Number(x.fee),
      weight: x.weight,
      sigops: x.sigops,
      depends: x.depends,
    })),
    ...(t.witnessCommitment.length ? { default_witness_commitment: Buffer.from(t.witnessCommitment).toString('hex') } : {}),
    ...(t.mweb.length ? { mweb: Buffer.from(t.mweb).toString('hex') } : {}),
    weightlimit: t.weightLimit,
    sigoplimit: t.sigopLimit,
    sizelimit: t.sizeLimit,
    ...(t.longpollId ? { longpollid: t.longpollId } : {}),
  };
  const work = parseTemplate(gbt, coin, { source: t.sourceNode });
  work.templateId = Number(t.templateId);
  work.lastUpdateMs = Number(t.lastUpdateMs);
  if (t.emptyShortcut) work.emptyShortcut = true;
  return work;
}
