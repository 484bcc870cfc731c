// The template builder: several full nodes behind one source of work. Work comes from the ready
// node with the most chain work (its template height where a node reports none); found blocks
// go to every node at once. Losing a node only changes which node the work comes from.
import { EventEmitter } from 'node:events';
import { coinParams, type CoinParams } from '../pool/coins.ts';
import { FullNode, type FullNodeConfig, type NodeState } from './node.ts';
import type { Work } from '../pool/work/template.ts';
import { combineResults, type SubmitResult } from '../full-node/submit-result.ts';
import { headerHashHex } from '../pool/work/block.ts';
import { decodeAddress } from '../core/bitcoin/address.ts';
import type { AnnouncedHeader } from './p2p/messages.ts';
import { emptyWorkOnHeader } from './shortcut.ts';

export interface TemplateBuilderConfig {
  coin: string;
  network: string;
  nodes: FullNodeConfig[];
  /** Checked against the network at construction; the payout script is exposed as payoutScript. */
  payoutAddress?: string;
  /**
   * How long the last work stays current when no node is ready any more (default 30 s); 'no-work'
   * follows if none comes back. 0 withdraws it at once.
   */
  noWorkGraceMs?: number;
}

export interface WorkEvent {
  work: Work;
  /** The previous block changed: miners must drop their old jobs. */
  newBlock: boolean;
  /** What triggered it: 'new-block' (P2P signal), 'longpoll', 'poll', 'startup', 'node-switch', 'best-block-header'. */
  reason: string;
  /** performance.now() when this work was published. */
  publishedAt: number;
}

export interface NodeStatusEntry {
  id: string;
  state: NodeState;
  height: number | undefined;
  chainWork: bigint | undefined;
  p2pConnected: boolean;
  selected: boolean;
  templateLatencyMs?: number;
  chain?: string;
  blocks?: number;
  headers?: number;
  progress?: number;
  subversion?: string;
}

export interface TemplateBuilderEvents {
  work: [WorkEvent];
  /** No ready node any more: miners should stop (the last work is stale). */
  'no-work': [reason: string];
  'node-state': [id: string, state: NodeState];
  /** A new block announced by any node's P2P link, before its template is in. */
  tip: [hash: string, header: AnnouncedHeader | undefined, node: string];
  block: [SubmitResult];
  log: [level: 'debug' | 'info' | 'warn' | 'error', message: string];
}

export class TemplateBuilder extends EventEmitter<TemplateBuilderEvents> {
  readonly coin: CoinParams;
  readonly nodes: FullNode[];
  readonly payoutScript: Buffer | undefined;
  private selected: FullNode | undefined;
  private current: Work | undefined;
  private readonly submitted = new Map<string, SubmitResult>();
  private templateSeq = 0;
  private readonly noWorkGraceMs: number;
  private noWorkTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(cfg: TemplateBuilderConfig) {
    super();
    this.coin = coinParams(cfg.coin, cfg.network);
    this.noWorkGraceMs = cfg.noWorkGraceMs ?? 30_000;
    if (!cfg.nodes?.length) throw new Error('template builder: at least one full node must be configured');
    if (cfg.payoutAddress !== undefined) {
      const a = this.coin.address;
      this.payoutScript = decodeAddress(cfg.payoutAddress, {
        ADDRESS_VERSION: a.pubKeyHash,
        ADDRESS_P2SH_VERSION: a.scriptHash,
        HUMAN_READABLE_PART: a.bech32,
      }).script;
    }
    const ids = new Set<string>();
    this.nodes = cfg.nodes.map((nc) => {
      const node = new FullNode(this.coin, nc);
      if (ids.has(node.id)) throw new Error(`template builder: full node "${node.id}" is configured twice`);
      ids.add(node.id);
      node.on('template', (_w, { reason }) => this.reselect(reason));
      node.on('state', (s) => {
        this.emit('node-state', node.id, s);
        this.reselect('node-switch');
      });
      node.on('tip', (hash, header) => this.emit('tip', hash, header, node.id));
      node.on('chainwork', () => this.reselect('node-switch'));
      node.on('log', (level, msg) => this.emit('log', level, msg));
      return node;
    });
  }

  start(): void {
    this.stopped = false;
    for (const n of this.nodes) n.start();
  }

  stop(): void {
    // Before the nodes: their 'stopped' state would otherwise arm the no-work timer again, which kept
    // the process alive for noWorkGraceMs and emitted 'no-work' after stop().
    this.stopped = true;
    clearTimeout(this.noWorkTimer);
    this.noWorkTimer = undefined;
    for (const n of this.nodes) n.stop();
  }

  get currentWork(): Work | undefined {
    return this.current;
  }

  get selectedNode(): string | undefined {
    return this.selected?.id;
  }

  status(): NodeStatusEntry[] {
    return this.nodes.map((n) => ({
      id: n.id,
      state: n.state,
      height: n.template?.height,
      chainWork: n.chainWork,
      p2pConnected: n.p2pConnected,
      selected: n === this.selected,
      templateLatencyMs: n.templateLatencyMs,
      ...n.info,
    }));
  }

  /** Where blocks (display hex) stand in the selected full node's chain (or the first configured). */
  async blockStatus(
    hashesHex: string[],
  ): Promise<{ node: string; blocks: Array<{ hash: string; header: { confirmations: number; height: number } | null }> }> {
    const node = this.selected ?? this.nodes[0]!;
    const blocks = [];
    for (const hash of hashesHex) blocks.push({ hash, header: await node.blockHeader(hash) });
    return { node: node.id, blocks };
  }

  /** Resolves with the next published work (or the current one if there is one). */
  nextWork(opts: { timeoutMs?: number; current?: boolean } = {}): Promise<WorkEvent> {
    if (opts.current !== false && this.current) {
      return Promise.resolve({ work: this.current, newBlock: false, reason: 'current', publishedAt: performance.now() });
    }
    return new Promise((resolve, reject) => {
      const t =
        opts.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              this.off('work', on);
              const states = this.status()
                .map((s) => `${s.id}: ${s.state.status} (${s.state.message})`)
                .join('; ');
              reject(new Error(`no work within ${opts.timeoutMs} ms; full nodes: ${states}`));
            }, opts.timeoutMs);
      const on = (ev: WorkEvent) => {
        clearTimeout(t);
        resolve(ev);
      };
      this.once('work', on);
    });
  }

  /**
   * A block header from elsewhere (a P2Pool peer's bestblock, docs/protocol.md §1.2 step 2): if it is a valid
   * child of the block the current work builds on, publish empty work on top of it until a full
   * node has a template for it. Returns why not otherwise.
   */
  offerHeader(header: Buffer): { published: true; work: Work } | { published: false; reason: string } {
    const cur = this.current;
    if (!cur) return { published: false, reason: 'no current work' };
    if (cur.emptyShortcut) return { published: false, reason: 'already on an empty shortcut' };
    const v = emptyWorkOnHeader(cur, header, this.coin);
    if ('refused' in v) return { published: false, reason: v.refused };
    this.current = v.work;
    v.work.templateId = ++this.templateSeq;
    this.emit(
      'log',
      'info',
      `empty work on header ${v.work.previousBlockHex} (height ${v.work.height}) until a full node has its template`,
    );
    this.emit('work', { work: v.work, newBlock: true, reason: 'best-block-header', publishedAt: performance.now() });
    return { published: true, work: v.work };
  }

  /** Most chain work when both are known (Core), else the higher template (btcd reports no chain work). */
  private better(a: FullNode, b: FullNode): boolean {
    const ta = a.template!,
      tb = b.template!;
    if (a.chainWork !== undefined && b.chainWork !== undefined) {
      if (a.chainWork !== b.chainWork) return a.chainWork > b.chainWork;
    } else if (ta.height !== tb.height) {
      return ta.height > tb.height;
    }
    // Stay on the current node on ties, so work does not flap between equal nodes.
    return a === this.selected && b !== this.selected;
  }

  private reselect(reason: string): void {
    if (this.stopped) return;
    let best: FullNode | undefined;
    for (const n of this.nodes) if (n.ready && (!best || this.better(n, best))) best = n;
    if (!best) {
      if (this.selected && !this.noWorkTimer) {
        // The last work stays valid for shares (they need no full node) until the chain moves on, so a
        // short outage is bridged; a long one withdraws it.
        const withdraw = () => {
          this.noWorkTimer = undefined;
          if (this.nodes.some((n) => n.ready)) return;
          this.selected = undefined;
          this.current = undefined;
          this.emit(
            'no-work',
            `no full node is ready: ${this.status()
              .map((s) => `${s.id} ${s.state.status}`)
              .join(', ')}`,
          );
        };
        if (this.noWorkGraceMs > 0) this.noWorkTimer = setTimeout(withdraw, this.noWorkGraceMs);
        else withdraw();
      }
      return;
    }
    clearTimeout(this.noWorkTimer);
    this.noWorkTimer = undefined;
    const work = best.template!;
    if (best !== this.selected) {
      if (this.selected) {
        this.emit('log', 'info', `work now comes from ${best.id} (was ${this.selected.id})`);
        reason = 'node-switch';
      }
      this.selected = best;
    }
    if (work === this.current) return;
    // Empty shortcut work stays until a node has caught up with the header it was built on.
    if (this.current?.emptyShortcut && work.height < this.current.height) return;
    const newBlock = !this.current || this.current.previousBlockHex !== work.previousBlockHex;
    this.current = work;
    work.templateId = ++this.templateSeq;
    this.emit('work', { work, newBlock, reason, publishedAt: performance.now() });
  }

  /**
   * Sends a found block to every configured node at once (RPC and P2P). Retries on transport
   * errors per node; a consensus rejection is final. The combined result is logged and emitted.
   */
  async submitBlock(block: Buffer): Promise<SubmitResult> {
    if (block.length < 81) throw new Error(`submitBlock: ${block.length} bytes is not a block`);
    const hash = headerHashHex(block.subarray(0, 80));
    const before = this.submitted.get(hash);
    const results = await Promise.all(this.nodes.map((n) => n.submitBlock(block)));
    // Our own P2P copy may reach a node before submitblock does; that node then says "duplicate"
    // about a block it accepted from us. A duplicate is only a duplicate if we submitted it before.
    for (const r of results) {
      if (r.status === 'duplicate' && r.p2pSent && before?.status !== 'accepted') r.status = 'accepted';
    }
    const combined = combineResults(hash, results);
    if (combined.status === 'accepted') this.submitted.set(hash, combined);
    if (this.submitted.size > 1000) this.submitted.delete(this.submitted.keys().next().value!);
    const detail = results.map((r) => `${r.node}=${r.status}${r.reason ? `(${r.reason})` : ''}`).join(' ');
    this.emit(
      'log',
      combined.status === 'accepted' ? 'info' : 'warn',
      `block ${hash}: ${combined.status}${combined.reason ? `: ${combined.reason}` : ''} [${detail}]`,
    );
    this.emit('block', combined);
    return combined;
  }
}
