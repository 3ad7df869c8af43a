/**
 * Hardening, what others' traffic may do to you (issue 10, items 2, 5, 6),
 * over real sockets against the in-process server:
 *
 * - A big history never locks a newcomer (or a member's `/join` to its own
 *   topic) out, and a topic keeps at most 1000 messages and 512 KiB of
 *   frames, oldest dropped first.
 * - `/list` with thousands of topics shows the 100 most populated, says how
 *   many there are, and costs what a list of 100 costs.
 * - An ack's `recipients` counts exactly the connections the frame was
 *   written to, also when a slow consumer is dropped while it is broadcast.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { join, ourClient, wsClient, type ChatTestClient, type Frame } from '../helpers/chat-client.ts';
import { startChatServer, type RunningChatServer } from '../helpers/chat-server.ts';
import { openRawWsPeer } from './raw-ws-peer.ts';

const KiB = 1024;
/** What a topic keeps (docs/protocol.md, "Expiry and what a topic keeps"). */
const MAX_STORED_MESSAGES = 1000;
const MAX_STORED_BYTES = 512 * KiB;

/** Sends `count` messages from `text(i)`, at most `window` unacknowledged; resolves with the acks in order. */
async function sendMany(client: ChatTestClient, count: number, text: (i: number) => string, window = 50): Promise<Frame[]> {
  const acks: Frame[] = [];
  let sent = 0;
  while (acks.length < count) {
    while (sent < count && sent - acks.length < window) client.send({ message: text(sent++) });
    acks.push(await client.next('ack', 10_000));
  }
  return acks;
}

type Opener = (kind?: 'ours' | 'ws') => Promise<ChatTestClient>;

/** A test body with its own server and clients, all stopped at the end. */
function withServer(overrides: Parameters<typeof startChatServer>[0], body: (server: RunningChatServer, open: Opener, t: TestContext) => Promise<void>) {
  return async (t: TestContext): Promise<void> => {
    const server = await startChatServer(overrides);
    const clients: ChatTestClient[] = [];
    const open = async (kind: 'ours' | 'ws' = 'ours'): Promise<ChatTestClient> => {
      const client = kind === 'ours' ? await ourClient(server.url) : await wsClient(server.url);
      clients.push(client);
      return client;
    };
    try {
      await body(server, open, t);
    } finally {
      for (const c of clients) c.destroy();
      await server.stop();
    }
  };
}

// ---------------------------------------------------------------------------
// Item 2: history and the welcome
// ---------------------------------------------------------------------------

/** 2000 CJK characters: one UTF-16 unit but three UTF-8 bytes each, the most bytes a full history can hold. */
const cjkMessage = (i: number): string => `${i} ` + '中'.repeat(2000 - String(i).length - 1);
const asciiMessage = (i: number): string => `${i} ` + 'x'.repeat(2000 - String(i).length - 1);

const historyBytes = (history: Frame[]): number => history.reduce((sum, m) => sum + Buffer.byteLength(JSON.stringify(m)), 0);
/** --max-buffered for the big-welcome case: well below what a full history holds. */
const MAX_BUFFERED = 128 * KiB;

describe('a big history (issue 10, item 2)', () => {
  it(
    'a newcomer gets the whole welcome though it is bigger than --max-buffered; so does a member /joining its own topic',
    { timeout: 60_000 },
    // The history holds at most 512 KiB, so the cap is set below that for the welcome to exceed it.
    withServer({ rateLimit: 0, maxBuffered: MAX_BUFFERED }, async (_server, open) => {
      const writer = await open();
      await join(writer, 'writer', 'busy');
      const acks = await sendMany(writer, 300, cjkMessage);

      const newcomer = await open();
      newcomer.send({ username: 'newcomer', topic: 'busy' });
      const welcome = await welcomeOrClose(newcomer);
      const history = welcome['history'] as Frame[];
      const welcomeBytes = Buffer.byteLength(JSON.stringify(welcome));
      assert.ok(welcomeBytes > 2 * MAX_BUFFERED, `the welcome is ${welcomeBytes} bytes: the case needs more than --max-buffered (${MAX_BUFFERED})`);
      // Whole: the newest stored messages, in order, ending with the last one sent.
      assert.deepEqual(
        history.map((m) => m['id']),
        acks.slice(-history.length).map((a) => a['id']),
      );
      assert.equal(history.at(-1)!['message'], cjkMessage(acks.length - 1));

      // A member asking for its own topic again gets the same big welcome.
      writer.send('/join busy');
      const again = await welcomeOrClose(writer);
      assert.equal((again['history'] as Frame[]).length, history.length);

      // Both are still connected: a round trip each way.
      writer.send({ message: 'hello newcomer' });
      assert.equal((await newcomer.next('message'))['message'], 'hello newcomer');
      newcomer.send({ message: 'hello writer' });
      assert.equal((await writer.next('message'))['message'], 'hello writer');
      assert.equal(newcomer.frames.some((f) => f.type === 'error'), false);
    }),
  );

  it(
    `a topic keeps at most ${MAX_STORED_MESSAGES} messages and ${MAX_STORED_BYTES / KiB} KiB of frames: the oldest are dropped, the newest kept in order`,
    { timeout: 60_000 },
    withServer({ rateLimit: 0 }, async (_server, open) => {
      const writer = await open();
      await join(writer, 'writer', 'long');
      const longAcks = await sendMany(writer, 1100, asciiMessage);
      const reader = await open();
      const history = (await join(reader, 'reader', 'long'))['history'] as Frame[];
      // By bytes: 2000-character frames fill 512 KiB long before 1000 messages.
      assert.ok(history.length > 200 && history.length < MAX_STORED_MESSAGES, `${history.length} messages kept`);
      assert.ok(historyBytes(history) <= MAX_STORED_BYTES, `history holds ${historyBytes(history)} bytes`);
      assert.ok(historyBytes(history) > MAX_STORED_BYTES - 4 * KiB, 'the budget is used, not just the count');
      assert.deepEqual(history.map((m) => m['id']), longAcks.slice(-history.length).map((a) => a['id']));

      // By count: short messages hit 1000 first.
      const counter = await open();
      await join(counter, 'counter', 'short');
      const shortAcks = await sendMany(counter, 1100, (i) => `short ${i}`);
      const late = await open();
      const shortHistory = (await join(late, 'late', 'short'))['history'] as Frame[];
      assert.equal(shortHistory.length, MAX_STORED_MESSAGES);
      assert.deepEqual(shortHistory.map((m) => m['id']), shortAcks.slice(-MAX_STORED_MESSAGES).map((a) => a['id']));
      assert.equal(shortHistory[0]!['message'], 'short 100');
    }),
  );

  it(
    'the 512 KiB budget holds in bytes on the wire whatever the script (CJK: three bytes a character)',
    { timeout: 60_000 },
    withServer({ rateLimit: 0 }, async (_server, open) => {
      const writer = await open();
      await join(writer, 'writer', 'cjk');
      await sendMany(writer, 300, cjkMessage);
      const reader = await open();
      const history = (await join(reader, 'reader', 'cjk'))['history'] as Frame[];
      assert.ok(historyBytes(history) <= MAX_STORED_BYTES, `history holds ${historyBytes(history)} bytes`);
      assert.ok(historyBytes(history) > MAX_STORED_BYTES - 8 * KiB, 'the budget is used');
    }),
  );
});

/** The next welcome; fails at once, with the close code, if the connection is closed instead. */
async function welcomeOrClose(client: ChatTestClient): Promise<Frame> {
  const closed = client.closed.then(({ code, reason }) => {
    throw new Error(`closed with ${code} ${reason} instead of a welcome`);
  });
  closed.catch(() => {});
  return Promise.race([client.next('welcome', 20_000), closed]);
}

// ---------------------------------------------------------------------------
// Item 5: /list with thousands of topics
// ---------------------------------------------------------------------------

const MAX_LISTED = 100;
const topicName = (i: number): string => `topic-${i}-`.padEnd(64, 'x');

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** CPU (µs) of `rounds` /list round trips. */
async function listCost(client: ChatTestClient, rounds: number): Promise<{ micros: number; reply: Frame }> {
  let reply!: Frame;
  const before = cpuMicros();
  for (let i = 0; i < rounds; i++) {
    client.send('/list');
    reply = await client.next('topics');
  }
  return { micros: cpuMicros() - before, reply };
}

describe('/list with thousands of topics (issue 10, item 5)', () => {
  it(
    'shows the 100 most populated topics with total and truncated, in bounded size, at the cost of a list of 100',
    { timeout: 120_000 },
    withServer({ rateLimit: 0, maxConnectionsPerIp: 0, maxConnections: 0 }, async (_server, open, t) => {
      // Populated topics first, so that creation order alone would not put them first.
      const populated = [3, 6, 2, 5, 4]; // members per topic
      for (const [p, members] of populated.entries()) {
        for (let m = 0; m < members; m++) await join(await open(), `u${m}`, `populated-${p}`);
      }
      const singles = 1995;
      const joinSingles = async (from: number, to: number): Promise<void> => {
        for (let i = from; i < to; i++) await join(await open(), 'solo', topicName(i));
      };
      await joinSingles(0, MAX_LISTED - populated.length);
      const asker = await open();
      const rounds = 200;
      await listCost(asker, 100); // warm-up: the first rounds pay for compilation
      const small = await listCost(asker, rounds);
      assert.equal((small.reply['topics'] as unknown[]).length, MAX_LISTED);
      assert.equal(small.reply['truncated'], undefined);

      await joinSingles(MAX_LISTED - populated.length, singles);
      const large = await listCost(asker, rounds);
      const reply = large.reply;
      const topics = reply['topics'] as { topic: string; users: number }[];
      assert.equal(topics.length, MAX_LISTED);
      assert.equal(reply['truncated'], true);
      assert.equal(reply['total'], singles + populated.length);
      // Most populated first; equal counts in creation order.
      const byCount = [...populated.entries()].sort((a, b) => b[1] - a[1]);
      assert.deepEqual(
        topics.slice(0, populated.length),
        byCount.map(([p, members]) => ({ topic: `populated-${p}`, users: members })),
      );
      assert.deepEqual(
        topics.slice(populated.length).map((t) => t.topic),
        Array.from({ length: MAX_LISTED - populated.length }, (_, i) => topicName(i)),
      );
      assert.match(reply['text'] as string, new RegExp(`… and ${singles + populated.length - MAX_LISTED} more$`));
      // Bounded: 100 entries of 64-character names, listed twice (JSON and text), stay far below 64 KiB
      // (all 2000 would be ~380 KB).
      const bytes = Buffer.byteLength(JSON.stringify(reply));
      assert.ok(bytes < 32 * KiB, `the reply is ${bytes} bytes`);
      // Cheap: with 20 times the topics, a /list costs about what it cost with 100.
      const ratio = large.micros / small.micros;
      t.diagnostic(`/list x${rounds}: ${small.micros} µs CPU with ${MAX_LISTED} topics, ${large.micros} µs with ${singles + populated.length} (ratio ${ratio.toFixed(2)})`);
      assert.ok(ratio < 3, `/list with ${singles + populated.length} topics costs ${ratio.toFixed(2)} times what it costs with ${MAX_LISTED}`);
    }),
  );
});

// ---------------------------------------------------------------------------
// Item 6: acks and a slow consumer dropped mid-broadcast
// ---------------------------------------------------------------------------

describe('acks when a slow consumer is dropped (issue 10, item 6)', () => {
  /**
   * The sender sends one message at a time; each is broadcast to the slow
   * peer (which never reads), two live readers, and acknowledged. When the
   * slow peer's unsent output passes --max-buffered, the server drops it
   * during a broadcast. Afterwards the slow peer reads everything that was
   * written to it before the drop. Exact: every ack's recipients equals the
   * number of connections that received that message.
   */
  const run = (burst: number) =>
    withServer({ rateLimit: 0, maxBuffered: 64 * KiB }, async (server, open) => {
      const slow = await openRawWsPeer(server.port);
      slow.sendText(JSON.stringify({ username: 'slow', topic: 'acks' }));
      await slow.next('welcome');
      slow.socket.pause();
      const readers = [await open('ours'), await open('ws')];
      for (const [i, r] of readers.entries()) await join(r, `reader${i}`, 'acks');
      const sender = await open();
      await join(sender, 'sender', 'acks');

      const acks: Frame[] = [];
      let droppedAt = -1;
      // Bounded: loopback buffers take a few MB before the server holds anything.
      for (let i = 0; i < 20_000 && (droppedAt < 0 || acks.length < droppedAt + 50); i += burst) {
        for (let j = 0; j < burst; j++) sender.send({ message: `${i + j} ` + 'x'.repeat(1900) });
        for (let j = 0; j < burst; j++) {
          const ack = await sender.next('ack', 10_000);
          acks.push(ack);
          if (droppedAt < 0 && ack['recipients'] === readers.length) {
            droppedAt = acks.length - 1;
            // Read at once: the server ends the socket soon after dropping it.
            slow.socket.resume();
          }
        }
      }
      assert.ok(droppedAt > 0, 'the slow peer was dropped');
      await slow.ended;
      assert.equal(slow.closeCode() ?? 1013, 1013);
      const lastId = acks.at(-1)!['id'];
      for (const r of readers) await waitForId(r, lastId);

      const got = (frames: Frame[]): Set<unknown> => new Set(frames.filter((f) => f.type === 'message').map((f) => f['id']));
      const slowGot = got(slow.texts);
      const readersGot = readers.map((r) => got(r.frames));
      const wrong = acks.filter((a) => a['recipients'] !== readersGot.filter((s) => s.has(a['id'])).length + (slowGot.has(a['id']) ? 1 : 0));
      assert.deepEqual(
        wrong.slice(0, 5).map((a) => ({ id: a['id'], recipients: a['recipients'], slowGotIt: slowGot.has(a['id']) })),
        [],
        `${wrong.length} of ${acks.length} acks miscounted (slow peer dropped at ack ${droppedAt}, it received ${slowGot.size})`,
      );
    });

  it('one message at a time: recipients is exactly the number of connections that received it', { timeout: 60_000 }, run(1));

  it(
    'bursts of 20 messages: recipients is exactly the number of connections that received it',
    {
      timeout: 60_000,
    },
    run(20),
  );
});

async function waitForId(client: ChatTestClient, id: unknown): Promise<void> {
  while (!client.frames.some((f) => f.type === 'message' && f['id'] === id)) await client.next('message', 10_000);
}
