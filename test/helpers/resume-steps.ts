/**
 * Shared steps of the single-process resume tests (test/integration/resume*):
 * servers, TCP relays and clients closed after each test, and the small
 * steps those tests repeat (a message and its ack, presence frames, live
 * texts, the server side of the next connection).
 */
import { afterEach } from 'node:test';
import type { ServerOptions } from '../../lib/server/options.ts';
import type { WebSocketConnection } from '../../lib/websocket/connection.ts';
import { ourClient, type ChatTestClient, type Frame } from './chat-client.ts';
import { startChatServer, type RunningChatServer } from './chat-server.ts';
import { startTcpRelay, type TcpRelay } from './tcp-relay.ts';

// ---- what each test opens, closed after it --------------------------------------------------

export interface ResumeScope {
  /** A chat server in this process (the helper's defaults: heartbeat off). */
  server(overrides?: Partial<ServerOptions>): Promise<RunningChatServer>;
  /** A TCP relay in front of `running`, to cut or silence connections under the client. */
  relayTo(running: RunningChatServer): Promise<{ relay: TcpRelay; url: string }>;
  client(url: string): Promise<ChatTestClient>;
  /** Opens a connection to `running` and joins `topic` as `username` with `resume: token` (and `since` if given); resolves with the welcome. */
  resumeWith(running: RunningChatServer, username: string, topic: string, token: unknown, since?: number): Promise<{ welcome: Frame; connection: ChatTestClient }>;
}

/**
 * Opens what a test asks for and closes it, newest first, after each test of
 * the calling file. Call once at the top of a test file.
 */
export function resumeScope(): ResumeScope {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  async function client(url: string): Promise<ChatTestClient> {
    const opened = await ourClient(url);
    cleanup.push(() => opened.destroy());
    return opened;
  }
  return {
    client,
    async server(overrides = {}) {
      const running = await startChatServer(overrides);
      cleanup.push(() => running.stop());
      return running;
    },
    async relayTo(running) {
      const relay = await startTcpRelay(running.port);
      cleanup.push(() => relay.close());
      return { relay, url: `ws://127.0.0.1:${relay.port}/ws` };
    },
    async resumeWith(running, username, topic, token, since) {
      const connection = await client(running.url);
      connection.send({ username, topic, resume: token, ...(since === undefined ? {} : { since }) });
      return { welcome: await connection.next('welcome'), connection };
    },
  };
}

// ---- small steps ------------------------------------------------------------------------------

/** Sends a message and resolves with its ack. */
export async function sendAcked(sender: ChatTestClient, text: string): Promise<Frame> {
  sender.send({ message: text, ref: text });
  for (;;) {
    const ack = await sender.next('ack');
    if (ack.ref === text) return ack;
  }
}

/** `left` and `joined` frames from index `from` on. */
export function presence(frames: readonly Frame[], from: number): Frame[] {
  return frames.slice(from).filter((f) => f.type === 'left' || f.type === 'joined');
}

/** Texts of the live `message` frames from index `from` on. */
export function liveTexts(frames: readonly Frame[], from = 0): unknown[] {
  return frames.slice(from).filter((f) => f.type === 'message').map((f) => f.message);
}

/**
 * The server side of the next connection, and how it closed (the code and
 * reason the server recorded). Its close listener runs after the chat
 * service's, so `closed` resolves once the server has handled the end.
 */
export function nextServerConnection(running: RunningChatServer): Promise<{ connection: WebSocketConnection; closed: Promise<{ code: number; reason: string }> }> {
  // Wrapped in an object: resolving with the bare promise would wait for the end itself.
  return new Promise((resolve) => {
    running.chat.sockets.once('connection', (connection: WebSocketConnection) => {
      const closed = new Promise<{ code: number; reason: string }>((done) => connection.once('close', (code, reason) => done({ code, reason })));
      resolve({ connection, closed });
    });
  });
}

/** How many messages the server keeps (its /healthz), to watch its own expiry timer. */
export async function storedMessages(running: RunningChatServer): Promise<number> {
  const health = (await (await fetch(`${running.http}/healthz`)).json()) as { storedMessages: number };
  return health.storedMessages;
}
