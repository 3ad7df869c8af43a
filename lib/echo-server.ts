/**
 * A plain WebSocket echo server on the library, for conformance suites such
 * as Autobahn: every message comes back unchanged as one message of the same
 * type, on any path. Knows nothing of chat.
 */
import { createServer, type Server } from 'node:http';
import { WebSocketServer } from './websocket/server.ts';

export interface EchoServerOptions {
  port?: number;
  host?: string;
  /** Default 16 MiB, as the conformance contract asks. */
  maxMessageSize?: number;
  /** Default 131,072: well past the 65,536 fragments a suite may send. */
  maxFragments?: number;
  /**
   * Accept permessage-deflate when a client offers it (default true). The
   * echo server compresses every reply on such a connection (threshold 0),
   * so a suite exercises the compressor at every message size.
   */
  perMessageDeflate?: boolean;
}

export interface EchoServer {
  server: Server;
  sockets: WebSocketServer;
  port: number;
  close(): Promise<void>;
}

export async function startEchoServer(options: EchoServerOptions = {}): Promise<EchoServer> {
  const server = createServer((req, res) => {
    // A request without Upgrade reaches `request`, not `upgrade` (RFC 6455 §4.2.2).
    req.resume();
    const body = 'Upgrade Required: this is a WebSocket endpoint\n';
    res.writeHead(426, {
      'Sec-WebSocket-Version': '13',
      Upgrade: 'websocket',
      Connection: 'close',
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  const sockets = new WebSocketServer({
    maxMessageSize: options.maxMessageSize ?? 16 * 1024 * 1024,
    maxFragments: options.maxFragments ?? 131_072,
    perMessageDeflate: options.perMessageDeflate === false ? false : { threshold: 0 },
  }).attach(server);
  sockets.on('connection', (connection) => {
    connection.on('message', (data) => connection.send(data));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9001, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    server,
    sockets,
    port,
    async close() {
      await sockets.closeAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
