// One configured full node: its health (reachable, credentials, chain, sync, peers), its current
// template (long poll + poll fallback + P2P new-block signal), and block submission to it.
// Every failure becomes a state with a message and is retried with backoff; nothing here needs a
// restart of the service to recover.
import { setTimeout as sleep } from 'node:timers/promises';
import { EventEmitter } from 'node:events';
import type { CoinParams, NodeFlavor } from '../pool/coins.ts';
import { RpcClient } from '../full-node/rpc/client.ts';
import { resolveCredentials, type Credentials } from '../full-node/rpc/credentials.ts';
import {
  RpcAuthError,
  RpcError,
  RpcTransportError,
  RPC_CLIENT_IN_INITIAL_DOWNLOAD,
  RPC_CLIENT_NOT_CONNECTED,
  RPC_IN_WARMUP,
} from '../full-node/rpc/errors.ts';
import { P2PClient } from './p2p/client.ts';
import type { AnnouncedHeader } from './p2p/messages.ts';
import { parseTemplate, TemplateError, type Work } from '../pool/work/template.ts';
import { classifySubmitAnswer, type NodeSubmitResult } from '../full-node/submit-result.ts';

export type NodeStatus =
  | 'starting'
  | 'unreachable'
  | 'auth-rejected'
  | 'no-credentials'
  | 'wrong-chain'
  | 'syncing'
  | 'no-peers'
  | 'bad-template'
  | 'error'
  | 'ready'
  | 'stopped';

export interface NodeState {
  status: NodeStatus;
  message: string;
  /** Sync progress 0..1 while syncing. */
  progress?: number;
  blocks?: number;
  headers?: number;
  /** Date.now() when this status began. */
  since: number;
}

export interface FullNodeConfig {
  /** Label in logs and states (default host:port of the RPC URL). */
  id?: string;
  /**
   * http://host:port of the node's RPC. Default, as the reference: 127.0.0.1 with the conf file's
   * rpcport, else the coin's default port (btcd: 8334 main, 18334 test and regtest).
   */
  rpcUrl?: string;
  user?: string;
  pass?: string;
  dataDir?: string;
  confFile?: string;
  cookieFile?: string;
  /** 'core' (bitcoind/litecoind) or 'btcd'; detected when not given. */
  flavor?: NodeFlavor;
  /** The node's P2P port for the new-block signal and block relay (default: the coin's port on the RPC host); false to disable. */
  p2p?: { host: string; port: number } | false;
  rpcTimeoutMs?: number;
  /** Poll getblocktemplate this often even without signals (default 15 s, as the reference). */
  pollIntervalMs?: number;
  longPoll?: boolean;
  longPollTimeoutMs?: number;
  /** Health re-check period while ready (default 10 s). */
  healthIntervalMs?: number;
  /** Backoff bounds for re-checks while not ready (default 250 ms .. 10 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** submitblock retries on transport errors (default 5). */
  submitRetries?: number;
  /**
   * How the P2P `block` copy goes out next to submitblock. 'hedged' (default): as soon as submitblock
   * has not answered within p2pHedgeMs, or failed to reach the node. 'parallel': at the same moment.
   * 'off': never. With 'parallel' the P2P copy usually wins on loopback, and a node that has already
   * seen a block answers submitblock with a bare "duplicate-invalid" instead of the rejection reason
   * (and Core drops the P2P link of a peer that sent an invalid block).
   */
  p2pSubmit?: 'hedged' | 'parallel' | 'off';
  p2pHedgeMs?: number;
}

export interface FullNodeEvents {
  state: [NodeState];
  template: [Work, { reason: string }];
  /** A block announced over P2P (hash in display hex). */
  tip: [hash: string, header: AnnouncedHeader | undefined];
  /** The chain work of the current template's tip became known. */
  chainwork: [bigint];
  log: [level: 'debug' | 'info' | 'warn' | 'error', message: string];
}

const BTCD_RPC_PORT: Record<string, number> = { main: 8334, test: 18334, regtest: 18334 };

function defaultRpcUrl(coin: CoinParams, cfg: FullNodeConfig): string {
  let port: number | undefined;
  try {
    port = resolveCredentials(coin, cfg.flavor ?? 'core', {
      dataDir: cfg.dataDir,
      confFile: cfg.confFile,
      cookieFile: cfg.cookieFile,
    }).rpcPort;
  } catch {
    /* no conf file: the default port */
  }
  return `http://127.0.0.1:${port ?? (cfg.flavor === 'btcd' ? BTCD_RPC_PORT[coin.network] : coin.rpcPort)}`;
}

// btcd answers unknown methods with -1 "Command unimplemented" or -32601.
function isUnimplemented(e: unknown): boolean {
  return e instanceof RpcError && (e.code === -32601 || /unimplemented/i.test(e.message));
}

export class FullNode extends EventEmitter<FullNodeEvents> {
  readonly id: string;
  readonly coin: CoinParams;
  private readonly cfg: FullNodeConfig & { rpcUrl: string };
  private rpc: RpcClient | undefined;
  private creds: Credentials | undefined;
  private p2p: P2PClient | undefined;
  flavor: NodeFlavor | undefined;
  state: NodeState = { status: 'starting', message: 'not started', since: Date.now() };
  template: Work | undefined;
  chainWork: bigint | undefined;
  /** What the last health check learnt about the node. */
  info: { chain?: string; blocks?: number; headers?: number; progress?: number; subversion?: string } = {};
  /** Duration of the last getblocktemplate (not long polls), ms. */
  templateLatencyMs = 0;
  private stopped = true;
  private checkTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  private checking = false;
  private fetching = false;
  private fetchAgain: string | undefined;
  private longPollAbort: AbortController | undefined;
  private longPolling = false;
  // Requests are numbered when sent; an answer with another tip than the current one is only taken
  // if its request was sent after the request that brought the current tip (else it is stale).
  private requestSeq = 0;
  private tipSeq = 0;

  constructor(coin: CoinParams, cfg: FullNodeConfig) {
    super();
    this.coin = coin;
    const rpcUrl = cfg.rpcUrl ?? defaultRpcUrl(coin, cfg);
    this.cfg = { ...cfg, rpcUrl };
    let url: URL;
    try {
      url = new URL(rpcUrl);
    } catch {
      throw new Error(`invalid RPC URL "${rpcUrl}" (expected http://host:port)`);
    }
    if (url.protocol !== 'http:') throw new Error(`invalid RPC URL "${rpcUrl}": only http:// is supported`);
    if (cfg.p2p && !(Number.isInteger(cfg.p2p.port) && cfg.p2p.port > 0 && cfg.p2p.port < 65536)) {
      throw new Error(`invalid P2P port ${JSON.stringify(cfg.p2p.port)} for full node ${rpcUrl}`);
    }
    this.id = cfg.id ?? `${url.hostname}:${url.port || coin.rpcPort}`;
    this.flavor = cfg.flavor;
    this.retryDelay = cfg.retryMinMs ?? 250;
  }

  get ready(): boolean {
    return this.state.status === 'ready' && this.template !== undefined;
  }

  get p2pConnected(): boolean {
    return this.p2p?.connected ?? false;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const p2pCfg = this.cfg.p2p;
    if (p2pCfg !== false) {
      const url = new URL(this.cfg.rpcUrl);
      const ep = p2pCfg ?? { host: url.hostname, port: this.coin.p2pPort };
      this.p2p = new P2PClient({
        host: ep.host,
        port: ep.port,
        magic: this.coin.p2pMagic,
        nodeName: this.nodeName,
        reconnectMaxMs: this.cfg.retryMaxMs ?? 10_000,
      });
      this.p2p.on('block', (hash, header) => {
        this.emit('tip', hash, header);
        if (this.template?.previousBlockHex !== hash) this.refresh('new-block');
      });
      this.p2p.on('ready', (v) => {
        if (this.flavor === 'btcd' || !this.info.subversion) this.info.subversion = v.userAgent;
      });
      this.p2p.on('ready', (v) => this.emit('log', 'info', `${this.id}: P2P link up (${v.userAgent}, height ${v.startHeight})`));
      this.p2p.on('down', (reason) => this.emit('log', 'warn', `${this.id}: ${reason}`));
      this.p2p.start();
    }
    this.pollTimer = setInterval(() => {
      if (this.ready) this.refresh('poll');
    }, this.cfg.pollIntervalMs ?? 15_000);
    void this.check();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.checkTimer);
    clearInterval(this.pollTimer);
    this.longPollAbort?.abort();
    this.p2p?.stop();
    this.rpc?.close();
    this.setState({ status: 'stopped', message: 'stopped' });
  }

  private get nodeName(): string {
    return this.flavor === 'btcd' ? 'btcd' : this.coin.nodeName;
  }

  private setState(s: Omit<NodeState, 'since'>): void {
    const same = s.status === this.state.status && s.message === this.state.message;
    if (same && s.progress === this.state.progress) return;
    this.state = { ...s, since: same ? this.state.since : Date.now() };
    this.emit('state', this.state);
    const level = s.status === 'ready' ? 'info' : s.status === 'syncing' || s.status === 'starting' ? 'info' : 'warn';
    this.emit('log', level, `${this.id}: ${s.status}: ${s.message}`);
  }

  /** (Re)reads credentials; a cookie changes whenever the node restarts. */
  private loadCredentials(): boolean {
    try {
      const creds = resolveCredentials(this.coin, this.flavor ?? 'core', {
        user: this.cfg.user,
        pass: this.cfg.pass,
        dataDir: this.cfg.dataDir,
        confFile: this.cfg.confFile,
        cookieFile: this.cfg.cookieFile,
      });
      const changed = !this.creds || creds.user !== this.creds.user || creds.pass !== this.creds.pass;
      this.creds = creds;
      if (!this.rpc) {
        // Two quick retries absorb a keep-alive socket the node closed while idle; submitblock sets its own.
        this.rpc = new RpcClient({
          url: this.cfg.rpcUrl,
          user: creds.user,
          pass: creds.pass,
          nodeName: this.nodeName,
          timeoutMs: this.cfg.rpcTimeoutMs ?? 30_000,
          retries: 2,
          backoffMs: 50,
        });
      } else if (changed) {
        this.rpc.setCredentials(creds.user, creds.pass);
      }
      return changed;
    } catch (e) {
      this.setState({ status: 'no-credentials', message: (e as Error).message });
      return false;
    }
  }

  private scheduleCheck(ok: boolean): void {
    if (this.stopped) return;
    clearTimeout(this.checkTimer);
    let delay: number;
    if (ok) {
      delay = this.cfg.healthIntervalMs ?? 10_000;
      this.retryDelay = this.cfg.retryMinMs ?? 250;
    } else {
      delay = this.retryDelay;
      this.retryDelay = Math.min(this.retryDelay * 2, this.cfg.retryMaxMs ?? 10_000);
    }
    this.checkTimer = setTimeout(() => void this.check(), delay);
  }

  /** Health check: credentials, reachability, chain, sync state, then a template. */
  async check(): Promise<void> {
    if (this.stopped || this.checking) return;
    this.checking = true;
    let ok = false;
    try {
      ok = await this.checkOnce();
    } finally {
      this.checking = false;
      this.scheduleCheck(ok);
    }
  }

  private async checkOnce(): Promise<boolean> {
    if (!this.rpc || !this.creds) {
      if (!this.rpc && !this.loadCredentials()) return false;
    }
    const rpc = this.rpc!;
    let info: any;
    try {
      info = await rpc.call('getblockchaininfo', [], { timeoutMs: 10_000 });
    } catch (e) {
      if (e instanceof RpcAuthError && this.creds!.source !== 'given' && this.loadCredentials()) {
        return this.checkOnce();
      }
      return this.onRpcFailure(e);
    }
    if (!this.flavor || (this.flavor === 'core' && !this.info.subversion)) {
      try {
        const net = await rpc.call<any>('getnetworkinfo', [], { timeoutMs: 10_000 });
        this.info.subversion = String(net?.subversion ?? '');
        this.flavor = 'core';
      } catch (e) {
        if (!isUnimplemented(e)) return this.onRpcFailure(e);
        this.flavor = 'btcd';
      }
      rpc.nodeName = this.nodeName;
      if (this.p2p) this.p2p.nodeName = this.nodeName;
    }
    if (!this.coin.chainNames.includes(String(info.chain))) {
      this.setState({
        status: 'wrong-chain',
        message: `${this.nodeName} at ${rpc.hostPort} is on chain "${info.chain}", but this pool runs ${this.coin.coin} ${this.coin.network}`,
      });
      return false;
    }
    if (typeof info.chainwork === 'string') this.chainWork = BigInt('0x' + info.chainwork);
    const blocks = Number(info.blocks);
    const headers = Number(info.headers ?? info.blocks);
    this.info = {
      ...this.info,
      chain: String(info.chain),
      blocks,
      headers,
      progress: typeof info.verificationprogress === 'number' ? info.verificationprogress : undefined,
    };
    if (info.initialblockdownload === true || headers > blocks + 1) {
      const progress = typeof info.verificationprogress === 'number' ? info.verificationprogress : headers > 0 ? blocks / headers : 0;
      this.setState({
        status: 'syncing',
        progress,
        blocks,
        headers,
        message: `${this.nodeName} is still syncing: block ${blocks} of ${headers} headers (${(progress * 100).toFixed(1)}% verified); waiting`,
      });
      return false;
    }
    // While ready, polls, long polls and P2P signals keep the template fresh; the health check only
    // has to notice a node that fell back into sync or onto another chain.
    if (this.ready) return true;
    const work = await this.fetchTemplate('startup');
    return work !== undefined;
  }

  private onRpcFailure(e: unknown): false {
    if (e instanceof RpcTransportError) {
      this.setState({ status: 'unreachable', message: e.message });
    } else if (e instanceof RpcAuthError) {
      this.setState({ status: 'auth-rejected', message: e.message });
    } else if (e instanceof RpcError) {
      if (e.code === RPC_IN_WARMUP) this.setState({ status: 'starting', message: `${this.nodeName} is starting: ${e.message}` });
      else if (e.code === RPC_CLIENT_NOT_CONNECTED)
        this.setState({ status: 'no-peers', message: `${this.nodeName} has no peers and will not give templates: ${e.message}` });
      else if (e.code === RPC_CLIENT_IN_INITIAL_DOWNLOAD)
        this.setState({ status: 'syncing', message: `${this.nodeName} is in initial block download: ${e.message}` });
      else this.setState({ status: 'error', message: e.message });
    } else if (e instanceof TemplateError) {
      this.setState({ status: 'bad-template', message: e.message });
    } else {
      this.setState({ status: 'error', message: (e as Error)?.message ?? String(e) });
    }
    return false;
  }

  /** Fetch a template now; calls during a fetch are folded into one more fetch after it. */
  refresh(reason: string): void {
    if (this.stopped) return;
    if (this.fetching) {
      this.fetchAgain = reason;
      return;
    }
    void this.fetchTemplate(reason);
  }

  private gbtParams(longpollid?: string): unknown[] {
    const req: Record<string, unknown> = { rules: this.coin.gbtRules, capabilities: ['coinbasevalue', 'longpoll', 'proposal'] };
    if (longpollid) req.longpollid = longpollid;
    return [req];
  }

  private async fetchTemplate(reason: string): Promise<Work | undefined> {
    if (!this.rpc) return undefined;
    this.fetching = true;
    try {
      const seq = ++this.requestSeq;
      const t0 = performance.now();
      const gbt = await this.rpc.call('getblocktemplate', this.gbtParams(), { timeoutMs: this.cfg.rpcTimeoutMs ?? 30_000 });
      this.templateLatencyMs = performance.now() - t0;
      const work = parseTemplate(gbt, this.coin, { source: this.id });
      this.apply(work, reason, seq);
      if (this.state.status !== 'ready') this.setState({ status: 'ready', message: `serving templates at height ${work.height}` });
      this.startLongPoll();
      return work;
    } catch (e) {
      if (e instanceof RpcAuthError && this.creds?.source !== 'given' && this.loadCredentials()) {
        this.fetchAgain = reason;
        return undefined;
      }
      this.onRpcFailure(e);
      if (this.template) {
        this.template = undefined;
      }
      this.scheduleCheck(false);
      return undefined;
    } finally {
      this.fetching = false;
      const again = this.fetchAgain;
      this.fetchAgain = undefined;
      if (again && !this.stopped) void this.fetchTemplate(again);
    }
  }

  private apply(work: Work, reason: string, seq: number): void {
    const cur = this.template;
    if (cur && cur.previousBlockHex !== work.previousBlockHex && seq < this.tipSeq) return; // a slow answer about a replaced tip
    if (
      cur &&
      cur.previousBlockHex === work.previousBlockHex &&
      cur.longpollId === work.longpollId &&
      work.longpollId !== undefined &&
      cur.transactions.length === work.transactions.length &&
      cur.coinbaseValue === work.coinbaseValue
    ) {
      return; // the same template again (only curtime moved): not new work
    }
    if (!cur || cur.previousBlockHex !== work.previousBlockHex) this.tipSeq = seq;
    this.template = work;
    if (!cur || cur.previousBlockHex !== work.previousBlockHex) this.chainWork = undefined;
    this.emit('template', work, { reason });
    if (this.chainWork === undefined && this.flavor === 'core') void this.updateChainWork(work.previousBlockHex);
  }

  /** getblockheader (verbose) for a block hash in display hex; null when the node does not know it. */
  async blockHeader(hashHex: string): Promise<{ confirmations: number; height: number } | null> {
    if (!this.rpc) throw new Error(`full node ${this.id}: no RPC connection`);
    try {
      const h = await this.rpc.call<any>('getblockheader', [hashHex, true], { timeoutMs: 10_000, retries: 0 });
      return { confirmations: Number(h.confirmations ?? 0), height: Number(h.height ?? 0) };
    } catch (e) {
      // -5: "Block not found"; anything else is the node's trouble and goes to the caller.
      if ((e as { code?: number }).code === -5) return null;
      throw e;
    }
  }

  private async updateChainWork(tip: string): Promise<void> {
    try {
      const h = await this.rpc!.call<any>('getblockheader', [tip, true], { timeoutMs: 10_000 });
      if (this.template?.previousBlockHex === tip && typeof h.chainwork === 'string') {
        this.chainWork = BigInt('0x' + h.chainwork);
        this.emit('chainwork', this.chainWork);
      }
    } catch {
      /* the next health check fills it in */
    }
  }

  private startLongPoll(): void {
    if (this.cfg.longPoll === false || this.longPolling || this.stopped) return;
    this.longPolling = true;
    void this.longPollLoop().finally(() => {
      this.longPolling = false;
    });
  }

  private async longPollLoop(): Promise<void> {
    while (!this.stopped && this.ready && this.template?.longpollId) {
      const ctl = new AbortController();
      this.longPollAbort = ctl;
      try {
        // A long poll answers when the tip changes, so its answer is as fresh as a request sent now.
        const gbt = await this.rpc!.call('getblocktemplate', this.gbtParams(this.template.longpollId), {
          longPoll: true,
          timeoutMs: this.cfg.longPollTimeoutMs ?? 600_000,
          signal: ctl.signal,
        });
        if (this.stopped) return;
        this.apply(parseTemplate(gbt, this.coin, { source: this.id }), 'longpoll', ++this.requestSeq);
      } catch (e) {
        if (this.stopped || ctl.signal.aborted) return;
        // The health check owns error states; a failed long poll just hands over to it.
        this.emit('log', 'debug', `${this.id}: long poll ended: ${(e as Error).message}`);
        void this.check();
        return;
      }
    }
  }

  /** submitblock (retried on transport errors only) and the P2P block copy (see p2pSubmit). */
  async submitBlock(block: Buffer): Promise<NodeSubmitResult> {
    const started = performance.now();
    const mode = this.cfg.p2pSubmit ?? 'hedged';
    let p2pSent = false;
    let answered = false;
    const sendP2P = () => {
      if (!p2pSent && !answered && mode !== 'off') p2pSent = this.p2p?.sendBlock(block) ?? false;
    };
    if (mode === 'parallel') sendP2P();
    const hedge = mode === 'hedged' ? setTimeout(sendP2P, this.cfg.p2pHedgeMs ?? 5) : undefined;
    const done = (r: Omit<NodeSubmitResult, 'node' | 'p2pSent' | 'rpcMs'>): NodeSubmitResult => {
      answered = true;
      clearTimeout(hedge);
      return { node: this.id, ...r, p2pSent, rpcMs: performance.now() - started };
    };
    // Retries are for a node that is up and hiccups; one already known to be down gets a single try,
    // so it does not hold up the result of the nodes that answered.
    const retries = this.state.status === 'unreachable' ? 0 : (this.cfg.submitRetries ?? 5);
    let attempts = 0;
    if (!this.rpc && !this.loadCredentials()) {
      sendP2P();
      return done({ status: 'failed', reason: this.state.message, attempts });
    }
    const hex = block.toString('hex');
    for (;;) {
      attempts++;
      try {
        const answer = await this.rpc!.call('submitblock', [hex], { timeoutMs: this.cfg.rpcTimeoutMs ?? 30_000, retries: 0 });
        return done({ ...classifySubmitAnswer(answer), attempts });
      } catch (e) {
        if (e instanceof RpcTransportError) sendP2P();
        if (e instanceof RpcTransportError && attempts <= retries && !this.stopped) {
          await sleep(Math.min(250 * 2 ** (attempts - 1), 5000));
          continue;
        }
        if (e instanceof RpcAuthError && this.creds?.source !== 'given' && this.loadCredentials() && attempts <= retries) continue;
        // A decode failure (-22) is the node's verdict on the block, not a transport problem.
        return done({ status: e instanceof RpcError ? 'rejected' : 'failed', reason: (e as Error).message, attempts });
      }
    }
  }
}
