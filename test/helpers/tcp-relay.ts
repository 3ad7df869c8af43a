/**
 * A small TCP relay on 127.0.0.1 for fault tests: clients connect to the
 * relay, which forwards bytes both ways to a target port. A test can then
 * cut connections the way networks do: with a FIN, with an RST, or by going
 * silent (a half-open link: bytes are swallowed, nothing is closed).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpRelay {
  readonly port: number;
  /** Open relayed connections (client side sockets). */
  readonly connectionCount: number;
  /** Closes every relayed connection with a FIN on both sides. */
  cutAll(mode?: 'fin' | 'rst'): void;
  /**
   * Stops forwarding in both directions without closing anything: what a
   * phone that changed networks looks like to the server. New connections
   * are still accepted and forwarded.
   */
  blackholeAll(): void;
  /** Refuses (RST) new connections while true. */
  setRefusing(refusing: boolean): void;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  silent: boolean;
}

export async function startTcpRelay(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpRelay> {
  const pairs = new Set<Pair>();
  let refusing = false;
  const server: Server = createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    const pair: Pair = { client, upstream, silent: false };
    pairs.add(pair);
    client.on('data', (data) => {
      if (!pair.silent) upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (!pair.silent) client.write(data);
    });
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('end', () => (pair.silent ? undefined : upstream.end()));
    upstream.on('end', () => (pair.silent ? undefined : client.end()));
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    get connectionCount() {
      return pairs.size;
    },
    cutAll(mode = 'fin') {
      for (const pair of pairs) {
        pairs.delete(pair);
        if (mode === 'rst') {
          pair.client.resetAndDestroy();
          pair.upstream.resetAndDestroy();
        } else {
          pair.client.end();
          pair.upstream.end();
        }
      }
    },
    blackholeAll() {
      for (const pair of pairs) pair.silent = true;
    },
    setRefusing(value) {
      refusing = value;
    },
    close() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      pairs.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
