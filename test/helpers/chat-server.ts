/**
 * Starts the chat server in-process on 127.0.0.1, port 0, for integration tests.
 *
 * With CHAT_TEST_REDIS_URL set (redis://127.0.0.1:PORT/DB), the server is one
 * process of a two-process cluster: it gets that URL as its `redis` option, and
 * a second process of the same cluster (bin/server.js) runs beside it, so that
 * the single-process tests run against one process of a cluster. Unset: one
 * process, no Redis.
 */
import { createChatServer, loadClusterSupport, type ChatServer } from '../../lib/server/chat-server.ts';
import { createLogger } from '../../lib/server/logger.ts';
import { defaultServerOptions, type ServerOptions } from '../../lib/server/options.ts';
import { eventually, spawnServer, type ServerProcess } from './cluster.ts';

export interface RunningChatServer {
  chat: ChatServer;
  port: number;
  url: string;
  http: string;
  /** Log lines written by the server, for assertions. */
  log: string[];
  stop(): Promise<void>;
}

export async function startChatServer(overrides: Partial<ServerOptions> = {}): Promise<RunningChatServer> {
  const clusterUrl = process.env.CHAT_TEST_REDIS_URL || undefined;
  const options = defaultServerOptions({ port: 0, host: '127.0.0.1', heartbeat: 0, ...(clusterUrl ? { redis: clusterUrl } : {}), ...overrides });
  const log: string[] = [];
  if (options.redis) await loadClusterSupport();
  const chat = createChatServer(options, createLogger(options.logLevel, (line) => log.push(line)));
  const address = await chat.listen();
  const http = `http://127.0.0.1:${address.port}`;
  let peer: ServerProcess | undefined;
  if (clusterUrl) {
    try {
      await eventually('the in-process server reports redis "ok"', 10_000, async () => {
        const health = (await (await fetch(`${http}/healthz`)).json()) as { redis?: string };
        return health.redis === 'ok';
      });
      // Same TTL everywhere, as the cluster contract asks.
      peer = await spawnServer({ redis: clusterUrl, args: ['--message-ttl', String(options.messageTtl)] });
    } catch (error) {
      await chat.shutdown(1000);
      throw error;
    }
  }
  return {
    chat,
    port: address.port,
    url: `ws://127.0.0.1:${address.port}/ws`,
    http,
    log,
    async stop() {
      await chat.shutdown(1000);
      chat.http.closeAllConnections();
      await peer?.term();
    },
  };
}
