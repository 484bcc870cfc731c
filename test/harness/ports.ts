// Free loopback ports: bind port 0, read what the kernel chose, release it. Another process could take
// the port in between; the starters retry a whole start on a bind failure, which makes that race harmless.
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function freePorts(n: number): Promise<number[]> {
  const out = new Set<number>();
  while (out.size < n) out.add(await freePort());
  return [...out];
}

/** Runs a start-up again (up to 3 times) when it failed because a chosen port was taken meanwhile. */
export async function withPortRetry<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (e) {
      if (attempt >= 3 || !/unable to bind|address already in use/i.test((e as Error).message)) throw e;
    }
  }
}
