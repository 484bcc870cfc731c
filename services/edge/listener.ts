// The worker port: one TCP listener serving stratum and HTTP, told apart by the first byte as
// the reference does ('{' = stratum line JSON-RPC, anything else = HTTP: getwork, long polling
// and the web GET endpoints).
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

export interface SniffTargets {
  stratum(socket: Socket, first: Buffer): void;
  http(socket: Socket, first: Buffer): void;
}

const OPEN_BRACE = 0x7b;

export class WorkerPortListener {
  readonly server: Server;
  /** Sockets that have not sent their first byte yet, with their accept time (for the sweeper). */
  readonly unsniffed = new Map<Socket, number>();
  private readonly keepAliveMs: number;

  constructor(targets: SniffTargets, keepAliveMs: number) {
    this.keepAliveMs = keepAliveMs;
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket, targets));
  }

  private accept(socket: Socket, targets: SniffTargets): void {
    socket.setKeepAlive(true, this.keepAliveMs);
    this.unsniffed.set(socket, Date.now());
    const onError = (): void => {
      this.unsniffed.delete(socket);
    };
    socket.on('error', onError);
    socket.once('close', onError);
    socket.once('data', (first: Buffer) => {
      this.unsniffed.delete(socket);
      socket.removeListener('error', onError);
      socket.removeListener('close', onError);
      if (first[0] === OPEN_BRACE) {
        targets.stratum(socket, first);
      } else {
        socket.pause();
        socket.unshift(first);
        targets.http(socket, first);
      }
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port, host, backlog: 4096 }, () => {
        this.server.removeListener('error', reject);
        const a = this.server.address();
        resolve(typeof a === 'object' && a !== null ? a.port : port);
      });
    });
  }

  private closing: Promise<void> | null = null;

  /** Stops accepting; existing sockets stay open. Resolves once every accepted socket has closed. */
  stopAccepting(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
    });
    return this.closing;
  }
}
