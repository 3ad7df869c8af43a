/** Starts the chat server in-process on 127.0.0.1, port 0, for integration tests. */
import { createChatServer, type ChatServer } from '../../lib/server/chat-server.ts';
import { createLogger } from '../../lib/server/logger.ts';
import { defaultServerOptions, type ServerOptions } from '../../lib/server/options.ts';

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
  const options = defaultServerOptions({ port: 0, host: '127.0.0.1', heartbeat: 0, ...overrides });
  const log: string[] = [];
  const chat = createChatServer(options, createLogger(options.logLevel, (line) => log.push(line)));
  const address = await chat.listen();
  return {
    chat,
    port: address.port,
    url: `ws://127.0.0.1:${address.port}/ws`,
    http: `http://127.0.0.1:${address.port}`,
    log,
    async stop() {
      await chat.shutdown(1000);
      chat.http.closeAllConnections();
    },
  };
}
