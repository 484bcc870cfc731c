// A STAND-IN for a merged-mined coin's daemon (Dogecoin Core, Namecoin Core): no such daemon is
// packaged for these machines. It serves the merged-mining JSON-RPC methods on loopback —
// `getauxblock` (work; HASH AUXPOW: submit), `createauxblock ADDRESS`, `submitauxblock HASH AUXPOW` —
// with HTTP basic auth, hands out aux blocks of its own chain id and target, and checks every AuxPoW
// it receives with its OWN verification below (written from the chains' rules, deliberately not the
// project's services/core/auxpow), accepting a valid one as a new block and moving to the next.
// With `template`, it also serves `getblocktemplate` with the auxpow capability and `submitblock`
// (the whole merged block: header, AuxPoW, the coinbase, the template's transactions), as the patched
// Dogecoin daemons of the reference's multiaddress mode do; without it, getblocktemplate is unknown.
// Behaviours for bad-input tests: 'garbage' replies, 'reject' every submission, 'slow' answers.
import http from 'node:http';
import { createHash, randomBytes, scryptSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export type StandinBehaviour = 'ok' | 'garbage' | 'reject' | 'slow';

export interface AuxStandinOptions {
  chainId: number;
  /** Aux target as a 256-bit number (the block's "_target"). */
  target: bigint;
  /** How the parent header's proof of work is hashed: a Litecoin parent is scrypt. */
  parentPow: 'scrypt' | 'sha256d';
  user?: string;
  pass?: string;
  port?: number;
  /** Delay of every answer in 'slow' mode (ms). */
  slowMs?: number;
  /** Serve getblocktemplate (auxpow capability) and submitblock. */
  template?: boolean;
}

export interface StandinSubmission {
  method: string;
  hash: string;
  accepted: boolean;
  /** Why the stand-in's own verification refused it ('' when accepted). */
  reason: string;
  /** The AuxPoW's parent header (80 bytes), when it parsed. */
  parentHeader: Buffer | null;
  /** submitblock: the block's bytes (its coinbase follows the AuxPoW). */
  block?: Buffer;
}

export interface AuxStandin {
  url: string;
  /** URL with credentials, as --merged takes it. */
  mergedUrl: string;
  port: number;
  behaviour: StandinBehaviour;
  readonly submissions: StandinSubmission[];
  readonly accepted: StandinSubmission[];
  /** Every request's method (what the service called). */
  readonly calls: string[];
  /** Current aux block hash, display hex. */
  currentHash(): string;
  /** A new aux block (as when the aux chain's tip moves). */
  advance(): void;
  stop(): Promise<void>;
}

const sha256d = (b: Buffer) => createHash('sha256').update(createHash('sha256').update(b).digest()).digest();

export async function startAuxStandin(o: AuxStandinOptions): Promise<AuxStandin> {
  const user = o.user ?? 'aux';
  const pass = o.pass ?? 'standin';
  const auth = 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
  let height = 1;
  let prev = Buffer.alloc(32);
  let header = makeHeader();
  const submissions: StandinSubmission[] = [];
  const calls: string[] = [];

  function makeHeader(): Buffer {
    // version | 0x100 (auxpow) | chain id << 16, previous block, a random merkle root, time, bits, nonce 0
    const h = Buffer.alloc(80);
    h.writeUInt32LE(((o.chainId << 16) | 0x100 | 4) >>> 0, 0);
    prev.copy(h, 4);
    randomBytes(32).copy(h, 36);
    h.writeUInt32LE(Math.floor(Date.now() / 1000), 68);
    h.writeUInt32LE(0x207fffff, 72);
    return h;
  }
  const hashHex = () => Buffer.from(sha256d(header)).reverse().toString('hex');

  function work(address?: string): Record<string, unknown> {
    const t = Buffer.from(o.target.toString(16).padStart(64, '0'), 'hex').reverse().toString('hex');
    return {
      hash: hashHex(),
      chainid: o.chainId,
      previousblockhash: Buffer.from(prev).reverse().toString('hex'),
      coinbasevalue: 1_000_000_000,
      bits: '207fffff',
      height,
      _target: t,
      ...(address ? { address } : {}),
    };
  }

  // Two template transactions (any valid serializations will do).
  const templateTxs = [1, 2].map((i) =>
    Buffer.from(
      `0100000001${'00'.repeat(31)}${i.toString(16).padStart(2, '0')}00000000025100ffffffff01${'00'.repeat(7)}${i.toString(16).padStart(2, '0')}015100000000`,
      'hex',
    ),
  );
  function blockTemplate(): Record<string, unknown> {
    const t = Buffer.from(o.target.toString(16).padStart(64, '0'), 'hex').toString('hex');
    return {
      version: 0x620004,
      previousblockhash: Buffer.from(prev).reverse().toString('hex'),
      curtime: Math.floor(Date.now() / 1000),
      bits: '207fffff',
      height,
      coinbasevalue: 1_000_000_000_000,
      target: t,
      transactions: templateTxs.map((d) => ({ data: d.toString('hex'), txid: Buffer.from(sha256d(d)).reverse().toString('hex') })),
      auxpow: { chainid: o.chainId, target: t },
      longpollid: hashHex(),
    };
  }
  // Long polls parked until the tip moves (or 20 s pass).
  const parked = new Set<() => void>();
  function submitBlock(blockHex: unknown): string | null {
    const block = typeof blockHex === 'string' ? Buffer.from(blockHex, 'hex') : Buffer.alloc(0);
    let reason = verifyMergedBlock(block, templateTxs, prev, o.chainId, o.target, o.parentPow) ?? '';
    const accepted = reason === '' && state.behaviour !== 'reject';
    if (state.behaviour === 'reject' && reason === '') reason = 'rejected by the stand-in (reject mode)';
    const headerHash =
      block.length >= 80
        ? Buffer.from(sha256d(block.subarray(0, 80)))
            .reverse()
            .toString('hex')
        : '';
    submissions.push({ method: 'submitblock', hash: headerHash, accepted, reason, parentHeader: null, block });
    if (accepted) state.advance();
    return accepted ? null : reason;
  }

  function submit(method: string, hash: unknown, auxpowHex: unknown): boolean {
    let reason = '';
    if (typeof hash !== 'string' || typeof auxpowHex !== 'string') reason = 'bad parameters';
    else if (hash !== hashHex()) reason = 'block hash unknown';
    else reason = verifyAuxPow(Buffer.from(auxpowHex, 'hex'), header, o.chainId, o.target, o.parentPow) ?? '';
    const accepted = reason === '' && state.behaviour !== 'reject';
    if (state.behaviour === 'reject' && reason === '') reason = 'rejected by the stand-in (reject mode)';
    const raw = typeof auxpowHex === 'string' ? Buffer.from(auxpowHex, 'hex') : Buffer.alloc(0);
    submissions.push({
      method,
      hash: String(hash),
      accepted,
      reason,
      parentHeader: raw.length >= 80 ? raw.subarray(raw.length - 80) : null,
    });
    if (accepted) state.advance();
    return accepted;
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        const send = () => {
          const text = typeof body === 'string' ? body : JSON.stringify(body);
          res.writeHead(status, { 'content-type': 'application/json' }).end(text);
        };
        if (state.behaviour === 'slow') setTimeout(send, o.slowMs ?? 15_000).unref();
        else send();
      };
      if (req.headers.authorization !== auth) return reply(401, '');
      let call: { id?: unknown; method?: string; params?: unknown[] };
      try {
        call = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(500, { result: null, error: { code: -32700, message: 'Parse error' }, id: null });
      }
      const id = call.id ?? null;
      const params = call.params ?? [];
      calls.push(String(call.method));
      if (state.behaviour === 'garbage') return reply(200, '{"result": {"hash": "zz", "chainid": "x"}, "err');
      const ok = (result: unknown) => reply(200, { result, error: null, id });
      const err = (code: number, message: string) => reply(500, { result: null, error: { code, message }, id });
      switch (call.method) {
        case 'getauxblock':
          if (params.length === 0) return ok(work());
          if (params.length === 2) return ok(submit('getauxblock', params[0], params[1]));
          return err(-1, 'getauxblock takes no arguments or hash and auxpow');
        case 'createauxblock':
          if (params.length !== 1 || typeof params[0] !== 'string' || params[0].length < 20)
            return err(-8, 'Invalid coinbase payout address');
          return ok(work(params[0]));
        case 'getblocktemplate':
          if (!o.template) return err(-32601, 'Method not found');
          if ((params[0] as { longpollid?: unknown })?.longpollid === hashHex()) {
            calls.push('getblocktemplate(longpoll)');
            const release = () => {
              parked.delete(release);
              clearTimeout(timer);
              ok(blockTemplate());
            };
            const timer = setTimeout(release, 20_000);
            parked.add(release);
            return;
          }
          return ok(blockTemplate());
        case 'submitblock':
          if (!o.template) return err(-32601, 'Method not found');
          return ok(submitBlock(params[0]));
        case 'submitauxblock':
          if (params.length !== 2) return err(-1, 'submitauxblock takes hash and auxpow');
          return ok(submit('submitauxblock', params[0], params[1]));
        default:
          return err(-32601, 'Method not found');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const state: AuxStandin = {
    url: `http://127.0.0.1:${port}/`,
    mergedUrl: `http://${user}:${pass}@127.0.0.1:${port}/`,
    port,
    behaviour: 'ok',
    submissions,
    get accepted() {
      return submissions.filter((s) => s.accepted);
    },
    calls,
    currentHash: hashHex,
    advance() {
      prev = sha256d(header);
      height++;
      header = makeHeader();
      for (const release of [...parked]) release();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const release of [...parked]) release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}

/** Reads `buf` from `p` on: `need(n)` claims n bytes and returns where they start. */
class Cursor {
  readonly buf: Buffer;
  p: number;
  constructor(buf: Buffer, p: number) {
    this.buf = buf;
    this.p = p;
  }
  need(n: number): number {
    if (this.p + n > this.buf.length) throw new Error('truncated');
    const at = this.p;
    this.p += n;
    return at;
  }
  varint(): number {
    const b = this.buf[this.need(1)]!;
    if (b < 0xfd) return b;
    if (b === 0xfd) return this.buf.readUInt16LE(this.need(2));
    if (b === 0xfe) return this.buf.readUInt32LE(this.need(4));
    throw new Error('varint too large');
  }
}

/** A transaction at `start` (possibly with witness): its stripped bytes (what its txid hashes), first input's script, end. */
function readTxAt(buf: Buffer, start: number): { stripped: Buffer; script0: Buffer | null; end: number } {
  const c = new Cursor(buf, start);
  const need = (n: number) => c.need(n);
  const varint = () => c.varint();
  const txStart = start;
  need(4);
  let segwit = false;
  if (buf[c.p] === 0 && buf[c.p + 1] !== 0) {
    segwit = true;
    need(2);
  }
  const bodyStart = c.p;
  const nIn = varint();
  let script0: Buffer | null = null;
  for (let i = 0; i < nIn; i++) {
    need(36);
    const len = varint();
    const sc = buf.subarray(need(len), c.p);
    if (i === 0) script0 = sc;
    need(4);
  }
  const nOut = varint();
  for (let i = 0; i < nOut; i++) {
    need(8);
    need(varint());
  }
  const bodyEnd = c.p;
  if (segwit)
    for (let i = 0; i < nIn; i++) {
      const items = varint();
      for (let j = 0; j < items; j++) need(varint());
    }
  const lockAt = need(4);
  return {
    stripped: Buffer.concat([buf.subarray(txStart, txStart + 4), buf.subarray(bodyStart, bodyEnd), buf.subarray(lockAt, lockAt + 4)]),
    script0,
    end: c.p,
  };
}

/**
 * The stand-in's own AuxPoW check (the chains' CAuxPow::check plus the proof of work). Returns why it
 * fails, or null. Byte-level on purpose: it shares no code with the project's verifier. With `at`,
 * the AuxPoW starts at `at.start` and may be followed by more (a block's transactions): `at.end` is set.
 */
export function verifyAuxPow(
  buf: Buffer,
  auxHeader: Buffer,
  chainId: number,
  target: bigint,
  parentPow: 'scrypt' | 'sha256d',
  at?: { start: number; end: number },
): string | null {
  const c = new Cursor(buf, at?.start ?? 0);
  const need = (n: number) => c.need(n);
  const hashes = () => {
    const n = c.varint();
    const out: Buffer[] = [];
    for (let i = 0; i < n; i++) out.push(buf.subarray(need(32), c.p));
    return out;
  };
  try {
    const tx = readTxAt(buf, c.p);
    c.p = tx.end;
    const script0 = tx.script0;
    need(32); // hashBlock: unused by the chains
    const branch = hashes();
    const index = buf.readInt32LE(need(4));
    const chainBranch = hashes();
    const chainIndex = buf.readInt32LE(need(4));
    const parent = buf.subarray(need(80), c.p);
    if (at) at.end = c.p;
    else if (c.p !== buf.length) return 'trailing bytes after the auxpow';
    if (script0 === null) return 'coinbase has no inputs';
    if (index !== 0) return 'coinbase index is not 0';
    if (!fold(sha256d(tx.stripped), branch, 0).equals(parent.subarray(36, 68))) return 'coinbase is not in the parent merkle root';
    const rootBE = Buffer.from(fold(sha256d(auxHeader), chainBranch, chainIndex)).reverse();
    const magic = Buffer.from('fabe6d6d', 'hex');
    const m = script0.indexOf(magic);
    if (m < 0) return 'no merged-mining magic in the parent coinbase';
    if (script0.indexOf(magic, m + 1) >= 0) return 'two merged-mining magics';
    if (!script0.subarray(m + 4, m + 36).equals(rootBE)) return 'aux merkle root does not follow the magic';
    if (script0.length < m + 44) return 'no tree size and nonce after the root';
    const size = script0.readUInt32LE(m + 36);
    const nonce = BigInt(script0.readUInt32LE(m + 40));
    if (size !== 2 ** chainBranch.length) return `tree size ${size} does not match a branch of ${chainBranch.length}`;
    const M = 1n << 32n;
    let r = (nonce * 1103515245n + 12345n) % M;
    r = ((r + BigInt(chainId)) * 1103515245n + 12345n) % M;
    if (BigInt(chainIndex) !== r % BigInt(size)) return `slot ${chainIndex} is not the expected ${r % BigInt(size)}`;
    if (((parent.readUInt32LE(0) >>> 16) & 0xffff) === chainId) return 'parent block has our chain id';
    const pow = parentPow === 'scrypt' ? scryptSync(parent, parent, 32, { N: 1024, r: 1, p: 1 }) : sha256d(parent);
    if (BigInt('0x' + Buffer.from(pow).reverse().toString('hex')) > target) return 'parent proof of work does not meet the aux target';
    return null;
  } catch (e) {
    return `auxpow does not parse: ${(e as Error).message}`;
  }
}

const fold = (leaf: Buffer, br: Buffer[], idx: number) =>
  br.reduce((h, sib, k) => sha256d((idx >> k) & 1 ? Buffer.concat([sib, h]) : Buffer.concat([h, sib])), leaf);

/** Merkle root of a list of txids (internal order), odd levels doubling their last. */
function merkleRootOf(leaves: Buffer[]): Buffer {
  let level = leaves;
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha256d(Buffer.concat([level[i]!, level[i + 1] ?? level[i]!])));
    level = next;
  }
  return level[0]!;
}

/**
 * Template mode's submitblock: header, AuxPoW proving it, transactions (our coinbase, then exactly the
 * template's). Returns why it fails, or null.
 */
export function verifyMergedBlock(
  block: Buffer,
  templateTxs: Buffer[],
  prevHash: Buffer,
  chainId: number,
  target: bigint,
  parentPow: 'scrypt' | 'sha256d',
): string | null {
  if (block.length < 80) return 'block shorter than a header';
  const header = block.subarray(0, 80);
  if (!header.subarray(4, 36).equals(prevHash)) return 'block is not on the current tip';
  if ((header.readUInt32LE(0) & 0x100) === 0 || ((header.readUInt32LE(0) >>> 16) & 0xffff) !== chainId)
    return 'block version lacks the auxpow bit or our chain id';
  const at = { start: 80, end: 0 };
  const why = verifyAuxPow(block, header, chainId, target, parentPow, at);
  if (why !== null) return why;
  try {
    let p = at.end;
    const n = block[p++]!;
    if (n !== templateTxs.length + 1) return `block has ${n} transactions, the template ${templateTxs.length} + the coinbase`;
    const cb = readTxAt(block, p);
    p = cb.end;
    for (const t of templateTxs) {
      if (!block.subarray(p, p + t.length).equals(t)) return "block transactions are not the template's";
      p += t.length;
    }
    if (p !== block.length) return 'trailing bytes after the transactions';
    const root = merkleRootOf([sha256d(cb.stripped), ...templateTxs.map((t) => sha256d(readTxAt(t, 0).stripped))]);
    if (!root.equals(header.subarray(36, 68))) return 'header merkle root does not match the coinbase and transactions';
    return null;
  } catch (e) {
    return `block does not parse: ${(e as Error).message}`;
  }
}
