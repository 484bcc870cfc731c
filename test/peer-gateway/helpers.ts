// Test nodes: a PeerGateway around the minimal sharechain on a tiny easy network, and a raw socket
// client for sending hand-made frames. Everything binds to loopback on random ports.
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Network } from '../../services/core/index.ts';
import { easyNetwork } from '../../services/core/testing/chain-builder.ts';
import { PeerGateway, type PeerGatewayOptions } from '../../services/peer-gateway/gateway.ts';
import { MiniSharechain } from '../../services/peer-gateway/testing/mini-sharechain.ts';
import { FrameDecoder, encodeFrame, type FrameEvent } from '../../services/peer-gateway/framing.ts';
import * as m from '../../services/peer-gateway/messages/index.ts';

/** The mined shares' clock: timestamps start here; the nodes' clock sits a little after. */
export const T0 = 1_700_000_000;
export const NOW = () => T0 + 20_000;

export function regtestNet(chainLength = 20): Network {
  return { ...easyNetwork({ chainLength, lookbehind: 10 }), BOOTSTRAP_ADDRS: [] };
}

export interface TestNode {
  name: string;
  chain: MiniSharechain;
  gw: PeerGateway;
  port: number;
  addr: string;
}

let salt = 1;

export async function startNode(net: Network, name: string, opts: Partial<PeerGatewayOptions> = {}): Promise<TestNode> {
  const chain = new MiniSharechain(net, { now: NOW, startTime: T0, salt: salt++ * 97 });
  const gw = new PeerGateway({
    net,
    source: chain,
    port: 0,
    listen: ['127.0.0.1'],
    bootstrap: false,
    now: NOW,
    maxIncomingPerGroup: 64,
    subVersion: `test-${name}`,
    ...opts,
    timings: { connectIntervalMs: 50, getaddrsIntervalMs: 100, meanAdvertisePerPeerMs: 50, downloadIdleMs: 50, ...opts.timings },
  });
  chain.attach(gw);
  await gw.start();
  const host = (opts.listen ?? ['127.0.0.1'])[0]!;
  const port = gw.listenAddressPort;
  return { name, chain, gw, port, addr: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}` };
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function converged(nodes: TestNode[], best: bigint | null): boolean {
  return best !== null && nodes.every((n) => n.chain.best === best);
}

/** A hand-driven P2P client: raw bytes or frames out, decoded frames in. */
export class RawPeer {
  readonly sock: Socket;
  readonly frames: { command: string; payload: Buffer }[] = [];
  closed = false;
  readonly closedP: Promise<void>;
  private readonly net: Network;

  private constructor(net: Network, sock: Socket) {
    this.net = net;
    this.sock = sock;
    const dec = new FrameDecoder(net.PREFIX, 32_000_000, (e: FrameEvent) => {
      if (e.kind === 'frame') this.frames.push({ command: e.command, payload: e.payload });
    });
    sock.on('data', (d: Buffer) => dec.push(d));
    sock.on('error', () => {});
    this.closedP = new Promise((r) =>
      sock.on('close', () => {
        this.closed = true;
        r();
      }),
    );
  }

  static connect(net: Network, port: number, localAddress: string, host = '127.0.0.1'): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const sock = connect({ host, port, localAddress });
      const peer = new RawPeer(net, sock);
      sock.once('connect', () => resolve(peer));
      sock.once('error', reject);
    });
  }

  raw(bytes: Buffer): void {
    this.sock.write(bytes);
  }

  send(command: string, payload: Buffer): void {
    this.raw(encodeFrame(this.net.PREFIX, command, payload));
  }

  sendVersion(bestShareHash: bigint | null = null, version = 3501, nonce = randomBytes(8).readBigUInt64LE(0)): void {
    this.send(
      'version',
      m.version.encode({
        version,
        services: 0n,
        addrTo: { services: 0n, host: '127.0.0.1', port: 1 },
        addrFrom: { services: 0n, host: '127.0.0.1', port: 2 },
        nonce,
        subVersion: 'raw',
        mode: 1,
        bestShareHash,
      }),
    );
  }

  /** Wait until the node has sent a frame with this command. */
  async expect(command: string, timeoutMs = 10_000): Promise<{ command: string; payload: Buffer }> {
    await waitFor(`${command} from node`, () => this.frames.some((f) => f.command === command), timeoutMs);
    return this.frames.find((f) => f.command === command)!;
  }

  close(): void {
    this.sock.destroy();
  }
}
