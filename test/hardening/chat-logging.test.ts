/**
 * What the chat server logs about one connection's frames: a run of frames
 * dropped by the rate limit is one line (not one per frame), a new run after
 * a quiet second is a new line, and `--log-level debug` shows each frame
 * (size only: chat text and resume tokens are never logged).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join, ourClient, type ChatTestClient } from '../helpers/chat-client.ts';
import { startChatServer, type RunningChatServer } from '../helpers/chat-server.ts';

const T = { timeout: 15_000 };
const running: RunningChatServer[] = [];
const clients: ChatTestClient[] = [];
after(async () => {
  for (const client of clients) client.destroy();
  for (const server of running) await server.stop();
});

async function serverWith(overrides: Parameters<typeof startChatServer>[0]): Promise<RunningChatServer> {
  const server = await startChatServer(overrides);
  running.push(server);
  return server;
}

async function joined(server: RunningChatServer, name: string): Promise<ChatTestClient> {
  const client = await ourClient(server.url);
  clients.push(client);
  await join(client, name, 'logs');
  return client;
}

/** Sends `count` typing frames at once, then a /who round trip (which the limit may drop too). */
async function burst(client: ChatTestClient, count: number): Promise<void> {
  for (let i = 0; i < count; i++) client.send({ typing: true });
  await client.next('error'); // the run's rate_limited error
}

const rateLines = (server: RunningChatServer): string[] => server.log.filter((line) => / rate_limited /.test(line));

describe('chat logging', () => {
  it('a run of rate-limited frames is one log line; the next run after a quiet second is another', T, async () => {
    const server = await serverWith({ rateLimit: 2 });
    const client = await joined(server, 'flooder');
    await burst(client, 40);
    // Every dropped frame counted, one line for the run.
    assert.equal(rateLines(server).length, 1, rateLines(server).join('\n'));
    const metrics = await (await fetch(`${server.http}/metrics`)).text();
    const dropped = Number(/^chat_rate_limited_frames_total (\d+)$/m.exec(metrics)?.[1]);
    assert.ok(dropped >= 30, `chat_rate_limited_frames_total ${dropped}`);
    // A quiet second (the bucket refills), then a new run: a new line.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await burst(client, 40);
    assert.equal(rateLines(server).length, 2, rateLines(server).join('\n'));
    for (const line of server.log) assert.ok(!line.trimEnd().includes('\n'), 'every event is one line');
  });

  it('--log-level debug shows each frame by size, never its text or a resume token', T, async () => {
    const server = await serverWith({ logLevel: 'debug' });
    const client = await joined(server, 'talker');
    client.send({ message: 'a secret chat message' });
    await client.next('ack');
    const frames = server.log.filter((line) => / frame /.test(line));
    assert.ok(frames.length >= 2, 'the join and the message are logged as frames');
    assert.ok(frames.every((line) => /bytes=\d+/.test(line)), frames.join('\n'));
    const all = server.log.join('\n');
    assert.ok(!all.includes('a secret chat message'), 'chat text is not logged');
    const welcome = client.frames.find((f) => f.type === 'welcome')!;
    assert.ok(!all.includes(welcome['resumeToken'] as string), 'resume tokens are not logged');
  });

  it('at the default level no frame is logged', T, async () => {
    const server = await serverWith({});
    const client = await joined(server, 'quiet');
    client.send({ message: 'hello' });
    await client.next('ack');
    assert.equal(server.log.filter((line) => / frame /.test(line)).length, 0);
  });
});
