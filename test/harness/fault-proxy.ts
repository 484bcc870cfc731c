// A TCP proxy in front of a real node for fault injection: forwards bytes both ways and, on request,
// cuts the connection that carries the next N requests containing a given text (e.g. "submitblock"),
// which the client sees as the node dropping the connection mid-request.
import net from 'node:net';

export interface FaultProxy {
  url: string;
  port: number;
  /** Cut the connection of the next `n` client requests whose bytes contain `text`. */
  cutRequests(text: string, n: number): void;
  cuts(): number;
  close(): Promise<void>;
}

export async function startFaultProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<FaultProxy> {
  let match = '';
  let left = 0;
  let done = 0;
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((client) => {
    const upstream = net.createConnection({ host: targetHost, port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      if (left > 0 && chunk.includes(match)) {
        left--;
        done++;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    cutRequests: (text, n) => {
      match = text;
      left = n;
    },
    cuts: () => done,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}
