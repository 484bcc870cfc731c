// `p2pool sharechain verify --net-file FILE | --net NAME [--testnet]  --chain FILE`
// Verifies a chain in order and prints, per share, its hash, PoW hash, target and `ok` or the rule it
// broke; exits 1 if any share fails. The chain file is a vector-style JSON ({shares: [{packed_share_hex}]})
// or text with one packed share (hex of the {type, contents} wrapper) per line.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { builtinNetwork, networkFromText, parseJsonExact, type Network } from '../../core/networks/index.ts';
import { verifyChain } from '../../core/tracker/verify-chain.ts';
import { u256ToHex } from '../../core/bitcoin/uint256.ts';

const USAGE = 'usage: p2pool sharechain verify (--net-file FILE | --net NAME [--testnet]) --chain FILE';

export function readChainFile(path: string): Buffer[] {
  const text = readFileSync(path, 'utf8');
  if (text.trimStart().startsWith('{') || text.trimStart().startsWith('[')) {
    const doc = parseJsonExact(text) as { shares?: { packed_share_hex?: string }[] } | { packed_share_hex?: string }[];
    const shares = Array.isArray(doc) ? doc : doc.shares;
    if (!Array.isArray(shares)) throw new Error(`${path}: no "shares" list`);
    return shares.map((s, i) => {
      if (typeof s.packed_share_hex !== 'string') throw new Error(`${path}: share ${i} has no packed_share_hex`);
      return Buffer.from(s.packed_share_hex, 'hex');
    });
  }
  const out: Buffer[] = [];
  text.split('\n').forEach((raw, i) => {
    const l = raw.trim();
    if (!l || l.startsWith('#')) return;
    if (!/^([0-9a-fA-F]{2})+$/.test(l)) throw new Error(`${path} line ${i + 1}: not a hex-encoded share`);
    out.push(Buffer.from(l, 'hex'));
  });
  return out;
}

function parseOpts(args: string[]) {
  return parseArgs({
    args,
    options: {
      'net-file': { type: 'string' },
      net: { type: 'string' },
      testnet: { type: 'boolean' },
      chain: { type: 'string' },
      quiet: { type: 'boolean' },
    },
    allowPositionals: false,
  }).values;
}

export async function sharechainVerify(args: string[]): Promise<number> {
  let opts: ReturnType<typeof parseOpts>;
  try {
    opts = parseOpts(args);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!opts.chain || (!opts['net-file'] && !opts.net)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let net: Network;
  let chain: Buffer[];
  try {
    net = opts['net-file']
      ? networkFromText(readFileSync(opts['net-file'], 'utf8'), opts['net-file'])
      : builtinNetwork(opts.net!, opts.testnet);
    chain = readChainFile(opts.chain);
  } catch (e) {
    process.stderr.write(`sharechain verify: ${(e as Error).message}\n`);
    return 2;
  }
  let failed = 0;
  let count = 0;
  const out: string[] = [];
  for (const v of verifyChain(net, chain, Math.floor(Date.now() / 1000))) {
    count++;
    const id = v.share ? `${u256ToHex(v.share.hash)} pow=${u256ToHex(v.share.powHash)} target=${u256ToHex(v.share.target)}` : '-';
    if (!v.ok) failed++;
    if (!opts.quiet || !v.ok) out.push(`${v.index} ${id} ${v.ok ? 'ok' : `FAIL ${v.rule}: ${v.message}`}`);
    if (out.length >= 256) {
      process.stdout.write(out.join('\n') + '\n');
      out.length = 0;
    }
  }
  out.push(`${count - failed} ok, ${failed} failed (${net.NAME}, lineage ${net.LINEAGE})`);
  process.stdout.write(out.join('\n') + '\n');
  return failed ? 1 : 0;
}
