// TestLoadBalancer: a stand-in for the Kubernetes Service in front of the edges, for process-level
// tests (no cluster). Like kube-proxy it picks a backend per new TCP connection among the ready
// endpoints (round robin) and then only copies bytes; taking an endpoint out of rotation (a pod
// turning not-ready) leaves its established connections alone. Loopback only.
import net from 'node:net';

export interface Backend {
  name: string;
  port: number;
  ready: boolean;
}

export class TestLoadBalancer {
  private readonly backends: Backend[] = [];
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | null = null;
  private next = 0;
  port = 0;
  /** Connections per backend name, for tests that check the spread. */
  readonly connections = new Map<string, number>();
  /** New connections that found no ready backend (closed at once). */
  refused = 0;

  async start(): Promise<number> {
    this.server = net.createServer((client) => this.adopt(client));
    await new Promise<void>((res) => this.server!.listen(0, '127.0.0.1', () => res()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  add(name: string, port: number): Backend {
    const b = { name, port, ready: true };
    this.backends.push(b);
    return b;
  }

  /** Out of rotation (readiness failed) or back in. */
  setReady(name: string, ready: boolean): void {
    for (const b of this.backends) if (b.name === name) b.ready = ready;
  }

  remove(name: string): void {
    const i = this.backends.findIndex((b) => b.name === name);
    if (i >= 0) this.backends.splice(i, 1);
  }

  private pick(): Backend | null {
    const ready = this.backends.filter((b) => b.ready);
    if (ready.length === 0) return null;
    return ready[this.next++ % ready.length]!;
  }

  private adopt(client: net.Socket): void {
    const b = this.pick();
    if (b === null) {
      this.refused++;
      client.destroy();
      return;
    }
    this.connections.set(b.name, (this.connections.get(b.name) ?? 0) + 1);
    const upstream = net.createConnection({ host: '127.0.0.1', port: b.port });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    this.sockets.add(client);
    this.sockets.add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((res) => (this.server ? this.server.close(() => res()) : res()));
  }
}
