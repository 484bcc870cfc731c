// Shared setup for edge tests: a StaticWorkSource built from the §11.6 V35-0 vector (real
// coinb1, previous block and bits) with easy targets so a JS client finds shares quickly,
// a recording ShareSink, and an EdgeServer on a random free port.
import { readFileSync } from 'node:fs';
import { EdgeServer, StaticWorkSource } from '../../services/edge/index.ts';
import type { EdgeConfig, ShareSink, Solution, TemplateBasis } from '../../services/edge/index.ts';

// From test/vectors/jt35.json (share 0) and the miner-facing encodings of docs/protocol.md.
export const V35_0 = JSON.parse(readFileSync(new URL('./fixtures/v35-0.json', import.meta.url), 'utf8'));
export const BLOCK = V35_0.block;

/** A valid P2PKH address on the reference's vector net (bitcoin mainnet parameters). */
export const ADDRESS = V35_0.address as string;

export function prevHashInternal(displayHex: string): Buffer {
  return Buffer.from(displayHex, 'hex').reverse();
}

export function basis(overrides: Partial<TemplateBasis> = {}): TemplateBasis {
  return {
    prevHash: prevHashInternal(BLOCK.previous_block),
    version: 0x20000000,
    bits: 0x1f6d3a06,
    ntime: 1600000017,
    coinb1: Buffer.from(V35_0.stratum_coinb1, 'hex'),
    coinb2: Buffer.from(V35_0.stratum_coinb2, 'hex'),
    merkleBranch: [Buffer.alloc(32, 0x11), Buffer.alloc(32, 0x22)],
    // p(share) = 1/128 per hash, p(block) = 1/1024; pseudoshares start at p = 1/16.
    shareTarget: 1n << 249n,
    blockTarget: 1n << 246n,
    pseudoshareTarget: 1n << 252n,
    ...overrides,
  };
}

export class RecordingSink implements ShareSink {
  readonly events: Array<{ kind: 'block' | 'share'; solution: Solution }> = [];
  submitBlock(solution: Solution): void {
    this.events.push({ kind: 'block', solution });
  }
  submitShare(solution: Solution): void {
    this.events.push({ kind: 'share', solution });
  }
}

export interface Harness {
  edge: EdgeServer;
  work: StaticWorkSource;
  sink: RecordingSink;
  port: number;
  stop(): Promise<void>;
}

export async function startEdge(config: Partial<EdgeConfig> = {}, b: TemplateBasis | null = basis()): Promise<Harness> {
  const work = new StaticWorkSource(b);
  const sink = new RecordingSink();
  const edge = new EdgeServer({
    config: { host: '127.0.0.1', port: 0, ...config },
    workSource: work,
    shareSink: sink,
    webHandler: (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ web: req.url }));
    },
  });
  const port = await edge.start();
  return { edge, work, sink, port, stop: () => edge.stop() };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until `cond` holds (no timing assertion: gives up after `ms` and lets the test fail on its own assert). */
export async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await sleep(10);
}
