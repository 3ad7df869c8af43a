/**
 * Stored messages: FrameQueue (frames as UTF-8 bytes in chunks, metadata in
 * typed-array rings) against a plain array model, and MessageStore's shared
 * expiry queue (stale slots of messages dropped for the bounds, deleted
 * topics, mixed TTLs, restore).
 *
 * Seeded: CI pins the seed, `FRAME_QUEUE_SEED=<n>` repeats a run,
 * `FRAME_QUEUE_SEED=random` draws a new one (printed either way).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { FrameQueue } from '../../lib/chat/frame-queue.ts';
import { MessageStore, TopicHistory } from '../../lib/chat/history.ts';
import type { HistoryLimits } from '../../lib/chat/history.ts';

const seedSetting = process.env['FRAME_QUEUE_SEED'];
const seed = seedSetting === 'random' ? (Math.random() * 2 ** 31) >>> 0 : Number(seedSetting ?? 20260311);

/** mulberry32: small, seedable, good enough to pick operations and text. */
function random(seedValue: number): () => number {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// One to four UTF-8 bytes per character; the emoji is a surrogate pair (two UTF-16 units).
const ALPHABET = ['a', 'Z', '"', '{', '\n', 'é', 'ß', '€', '中', '😀', '𝄞'];

/** A string of about `units` UTF-16 units, in runs so long frames stay cheap to build. */
function text(next: () => number, units: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < units) {
    const char = ALPHABET[Math.floor(next() * ALPHABET.length)]!;
    const run = Math.min(1 + Math.floor(next() * 48), Math.ceil((units - length) / char.length));
    parts.push(char.repeat(run));
    length += run * char.length;
  }
  return parts.join('');
}

interface ModelFrame {
  id: number;
  expiresAt: number;
  frame: string;
  bytes: number;
}

function push(queue: FrameQueue, model: ModelFrame[], id: number, expiresAt: number, frame: string): void {
  const bytes = Buffer.byteLength(frame);
  queue.push(id, expiresAt, frame, bytes);
  model.push({ id, expiresAt, frame, bytes });
}

function assertSame(queue: FrameQueue, model: ModelFrame[], label: string): void {
  assert.equal(queue.size, model.length, `${label}: size`);
  assert.equal(queue.bytes, model.reduce((sum, m) => sum + m.bytes, 0), `${label}: bytes`);
  assert.equal(queue.oldestId(), model[0]?.id, `${label}: oldestId`);
  assert.equal(queue.oldestExpiry(), model[0]?.expiresAt, `${label}: oldestExpiry`);
  assert.deepEqual(
    queue.entries(),
    model.map((m) => [m.id, m.expiresAt, m.frame]),
    `${label}: entries`,
  );
}

function framesAfterModel(model: ModelFrame[], since: number, now: number): string[] {
  return model.filter((m) => m.id > since && m.expiresAt > now).map((m) => m.frame);
}

test('FrameQueue matches an array model under random push, shift and clear', (t) => {
  console.log(`frame-queue seed: ${seed} (FRAME_QUEUE_SEED=${seed} to repeat, FRAME_QUEUE_SEED=random for a new one)`);
  t.diagnostic(`seed ${seed}`);
  const next = random(seed);
  const queue = new FrameQueue();
  const model: ModelFrame[] = [];
  let lastId = 0;
  let clock = 0;
  let longFrames = 0;
  /** Steps that ended with frames in more than one chunk (over 64 KiB held). */
  let multiChunkSteps = 0;

  for (let step = 0; step < 3000; step++) {
    const label = `seed ${seed} step ${step}`;
    const roll = next();
    // Lean towards pushing below eight frames and shifting above, so the queue
    // keeps passing through empty and small sizes (every step decodes all it
    // holds, so it stays small; a few long frames span several chunks).
    const pushChance = model.length < 8 ? 0.6 : 0.4;
    if (roll < 0.01) {
      queue.clear();
      model.length = 0;
    } else if (roll < 0.01 + pushChance) {
      lastId += 1 + Math.floor(next() * 3);
      clock += Math.floor(next() * 50);
      // Expiry not in id order: mixed TTLs happen in a cluster.
      const expiresAt = clock + Math.floor(next() * 2000);
      const kind = next();
      let frame: string;
      if (kind < 0.01) {
        // Bigger than the largest chunk (64 KiB): padded with 3-byte characters past it.
        frame = text(next, 17_000 + Math.floor(next() * 8_000));
        frame += '€'.repeat(Math.max(0, Math.ceil((64 * 1024 + 1 - Buffer.byteLength(frame)) / 3)));
        longFrames++;
      } else if (kind < 0.07) {
        frame = text(next, Math.floor(next() * 20_001));
      } else {
        frame = text(next, Math.floor(next() * 200));
      }
      push(queue, model, lastId, expiresAt, frame);
    } else {
      assert.equal(queue.shift(), model.shift()?.id, `${label}: shift`);
    }
    if (queue.size > 1 && queue.bytes > 64 * 1024) multiChunkSteps++;

    assertSame(queue, model, label);
    for (let probe = 0; probe < 2; probe++) {
      const since = Math.floor(next() * (lastId + 2)) - 1;
      const now = Math.floor(next() * (clock + 2100)) - 50;
      assert.deepEqual(queue.framesAfter(since, now), framesAfterModel(model, since, now), `${label}: framesAfter(${since}, ${now})`);
    }
  }
  t.diagnostic(`frames over 64 KiB: ${longFrames}; steps with several chunks: ${multiChunkSteps}`);
  // The run really went through the interesting shapes.
  assert.ok(longFrames > 5, 'some frames above 64 KiB');
  assert.ok(multiChunkSteps > 20, 'several chunks held at once');
});

test('FrameQueue: 1000 small frames pushed then shifted leave it empty and usable', () => {
  const queue = new FrameQueue();
  const model: ModelFrame[] = [];
  for (let id = 1; id <= 1000; id++) push(queue, model, id, id * 10, `m${id}é`);
  assertSame(queue, model, 'after 1000 pushes');
  for (let id = 1; id <= 1000; id++) assert.equal(queue.shift(), id);
  assert.equal(queue.size, 0);
  assert.equal(queue.bytes, 0);
  assert.equal(queue.oldestId(), undefined);
  assert.equal(queue.oldestExpiry(), undefined);
  assert.equal(queue.shift(), undefined, 'shift on empty');
  assert.deepEqual(queue.entries(), []);
  assert.deepEqual(queue.framesAfter(0, 0), []);

  model.length = 0;
  push(queue, model, 1001, 5, '');
  push(queue, model, 1002, 6, '😀€');
  assertSame(queue, model, 'reused');
  assert.deepEqual(queue.framesAfter(1000, 5), ['😀€']);
});

test('FrameQueue: the ring wraps around and grows with its head in the middle', () => {
  const queue = new FrameQueue();
  const model: ModelFrame[] = [];
  let id = 0;
  // Push two, shift one: the head walks round the ring several times before
  // each growth, so growth copies a wrapped ring. Frames of 100-300 bytes
  // also fill and release 512-byte chunks as they go.
  for (let round = 0; round < 400; round++) {
    for (let k = 0; k < 2; k++) {
      id++;
      push(queue, model, id, 1_000_000 - id, `${id}:` + 'é€'.repeat(20 + (id % 40)));
    }
    assert.equal(queue.shift(), model.shift()!.id);
    if (round % 7 === 0) {
      // Shift a burst so the head passes the end of the ring more often.
      for (let k = 0; k < 3 && model.length > 1; k++) assert.equal(queue.shift(), model.shift()!.id);
    }
    assertSame(queue, model, `round ${round}`);
  }
  assert.deepEqual(queue.framesAfter(id - 3, 0), model.slice(-3).map((m) => m.frame));
  while (model.length > 0) assert.equal(queue.shift(), model.shift()!.id);
  assertSame(queue, model, 'drained');
});

test('FrameQueue: frames that exactly fill a chunk, or miss by a byte, round-trip', () => {
  // The first chunk of an empty queue is 512 bytes; sweep the second frame's
  // size across what is left of it, in characters of 1 to 4 bytes.
  for (const char of ['a', 'é', '€', '😀']) {
    const width = Buffer.byteLength(char);
    for (const first of [0, 1, 200, 509, 511, 512]) {
      for (let count = 0; count * width <= 520 - first; count++) {
        const queue = new FrameQueue();
        const model: ModelFrame[] = [];
        push(queue, model, 1, 1, 'x'.repeat(first));
        push(queue, model, 2, 2, char.repeat(count));
        push(queue, model, 3, 3, char);
        assertSame(queue, model, `${char} after ${first} bytes, ${count} chars`);
        queue.shift();
        model.shift();
        assertSame(queue, model, `${char} after ${first} bytes, ${count} chars, shifted`);
      }
    }
  }
});

test('FrameQueue: a frame larger than the chunk limit sits alone and round-trips', () => {
  const queue = new FrameQueue();
  const model: ModelFrame[] = [];
  push(queue, model, 1, 10, 'small');
  push(queue, model, 2, 20, '𝄞'.repeat(20_000)); // 80,000 bytes
  push(queue, model, 3, 30, 'after');
  assertSame(queue, model, 'with a big frame');
  assert.equal(queue.shift(), 1);
  assert.equal(queue.shift(), 2);
  model.splice(0, 2);
  assertSame(queue, model, 'big frame gone');
});

// ---- MessageStore ---------------------------------------------------------

const TTL = 1000;

function limits(overrides: Partial<HistoryLimits> = {}): HistoryLimits {
  return { messageTtlMs: TTL, maxMessages: 100, maxBytes: 1_000_000, ...overrides };
}

/** Every stored id of a topic, oldest first. */
function ids(history: TopicHistory): number[] {
  return history.messages.entries().map(([id]) => id);
}

test('MessageStore: two interleaved topics, one over maxMessages: stale slots are skipped and expiry is exact', () => {
  const store = new MessageStore(limits({ maxMessages: 3 }));
  const busy = new TopicHistory(0);
  const quiet = new TopicHistory(0);
  // Message id n is stored at time 10n, so it expires at 10n + TTL.
  const busyIds = [1, 2, 4, 5, 7, 8, 10];
  for (let id = 1; id <= 10; id++) store.store(busyIds.includes(id) ? busy : quiet, id, `m${id}`, id * 10);

  assert.deepEqual(ids(busy), [7, 8, 10]);
  assert.equal(busy.goneUpToId, 5, 'dropped for maxMessages');
  assert.deepEqual(ids(quiet), [3, 6, 9]);
  assert.equal(quiet.goneUpToId, 0);
  assert.equal(store.count, 6);
  // The slots of 1 and 2 are stale; 3 is the oldest stored message.
  assert.equal(store.nextExpiry(), 30 + TTL);

  store.expire(30 + TTL - 1);
  assert.equal(store.count, 6, 'nothing due yet');
  store.expire(30 + TTL);
  assert.deepEqual(ids(quiet), [6, 9]);
  assert.equal(quiet.goneUpToId, 3);
  assert.deepEqual(ids(busy), [7, 8, 10], 'stale slots of 4 and 5 drop nothing');
  assert.equal(store.count, 5);
  assert.equal(store.nextExpiry(), 60 + TTL);

  store.expire(75 + TTL);
  assert.deepEqual(ids(quiet), [9]);
  assert.deepEqual(ids(busy), [8, 10]);
  assert.equal(busy.goneUpToId, 7);
  assert.equal(store.count, 3);
  assert.equal(store.nextExpiry(), 80 + TTL);
  assert.deepEqual(busy.framesAfter(0, 75 + TTL), ['m8', 'm10']);

  store.expire(100 + TTL);
  assert.equal(store.count, 0);
  assert.equal(store.nextExpiry(), undefined);
  assert.equal(busy.goneUpToId, 10);
  assert.equal(quiet.goneUpToId, 9);

  // The emptied store works again (its queue of slots is empty, not stuck).
  store.store(quiet, 11, 'm11', 2000);
  assert.equal(store.count, 1);
  assert.equal(store.nextExpiry(), 2000 + TTL);
});

test('MessageStore: the byte budget drops oldest first; a frame over maxBytes is not stored but counts as gone', () => {
  const store = new MessageStore(limits({ maxBytes: 10 }));
  const history = new TopicHistory(0);
  store.store(history, 1, 'aaaa', 0); // 4 bytes
  store.store(history, 2, 'éé', 1); // 4 bytes
  assert.equal(history.messages.bytes, 8);
  store.store(history, 3, '€€', 2); // 6 bytes: 14 > 10, so 1 goes
  assert.deepEqual(ids(history), [2, 3]);
  assert.equal(history.messages.bytes, 10, 'exactly the budget is kept');
  assert.equal(history.goneUpToId, 1);
  assert.equal(store.count, 2);

  store.store(history, 4, 'x'.repeat(11), 3);
  assert.deepEqual(ids(history), [2, 3], 'too big: not stored, nothing else dropped');
  assert.equal(history.goneUpToId, 4);
  assert.equal(history.isCompleteAfter(3, 0), false);
  assert.equal(store.count, 2);

  store.store(history, 5, '😀😀é', 4); // 10 bytes: everything older goes
  assert.deepEqual(ids(history), [5]);
  assert.equal(history.goneUpToId, 4, 'goneUpToId never goes back');
  assert.equal(store.count, 1);
  // Slots of 1, 2 and 3 are stale; 5's is live.
  assert.equal(store.nextExpiry(), 4 + TTL);
  store.expire(4 + TTL);
  assert.equal(store.count, 0);
  assert.equal(history.goneUpToId, 5);
  assert.equal(store.nextExpiry(), undefined);
});

test('MessageStore: dropTopic forgets a topic; the other still expires on time', () => {
  const store = new MessageStore(limits({ maxMessages: 2 }));
  const plain = new TopicHistory(0);
  const deleted = new TopicHistory(0);
  const kept = new TopicHistory(0);
  store.store(plain, 0, 'p0', 0); // a deleted topic without stale slots, at the front
  store.store(deleted, 1, 'd1', 0);
  store.store(kept, 2, 'k2', 10);
  store.store(deleted, 3, 'd3', 20);
  store.store(deleted, 4, 'd4', 30); // drops 1: a stale slot in a topic about to go
  store.store(kept, 5, 'k5', 40);
  assert.equal(store.count, 5);

  store.dropTopic(plain);
  store.dropTopic(deleted);
  assert.equal(store.count, 2);
  assert.equal(deleted.messages.size, 0);
  assert.equal(store.nextExpiry(), 10 + TTL, 'the deleted topic no longer sets the next expiry');

  // A new incarnation of the deleted name is a new TopicHistory.
  const recreated = new TopicHistory(5);
  store.store(recreated, 6, 'r6', 50);
  assert.equal(store.count, 3);

  store.expire(10 + TTL);
  assert.deepEqual(ids(kept), [5]);
  assert.equal(store.count, 2);
  assert.equal(store.nextExpiry(), 40 + TTL, 'slots of 3 and 4 skipped');
  store.expire(40 + TTL);
  assert.deepEqual(ids(kept), []);
  assert.equal(kept.goneUpToId, 5);
  assert.equal(store.count, 1);
  assert.equal(store.nextExpiry(), 50 + TTL);
  store.expire(50 + TTL);
  assert.equal(store.count, 0);
  assert.equal(recreated.goneUpToId, 6);
  assert.equal(store.nextExpiry(), undefined);
});

test('MessageStore: mixed TTLs: the oldest slot leaves when its topic\'s oldest message is due', () => {
  const store = new MessageStore(limits());
  const a = new TopicHistory(0);
  const b = new TopicHistory(0);
  store.store(a, 1, 'a1', 0, 1000); // due at 1000
  store.store(b, 2, 'b2', 10, 100); // due at 110, behind a1's slot
  store.store(a, 3, 'a3', 20, 50); // due at 70, behind a1 in its own topic
  assert.equal(store.count, 3);
  assert.equal(store.nextExpiry(), 1000, 'the oldest slot decides');

  store.expire(500);
  assert.equal(store.count, 3, 'nothing leaves before the oldest slot is due');
  // Reads skip what is past its time even while it is still stored.
  assert.deepEqual(a.framesAfter(0, 500), ['a1']);
  assert.deepEqual(b.framesAfter(0, 500), []);

  store.expire(1000);
  assert.equal(store.count, 0, 'then everything due goes at once');
  assert.equal(a.goneUpToId, 3);
  assert.equal(b.goneUpToId, 2);
  assert.equal(store.nextExpiry(), undefined);

  // A TTL of 0 keeps nothing but still counts the message as gone.
  store.store(b, 4, 'b4', 2000, 0);
  assert.equal(store.count, 0);
  assert.equal(b.goneUpToId, 4);
});

test('MessageStore: restore puts messages back in order', () => {
  const store = new MessageStore(limits({ maxMessages: 2 }));
  const history = new TopicHistory(0);
  history.goneUpToId = 2;
  // Bounds were applied before the snapshot: restore keeps all it is given.
  store.restore(history, 3, 'm3', 1003);
  store.restore(history, 5, 'm€5', 1005);
  store.restore(history, 6, 'm😀6', 1006);
  assert.equal(store.count, 3);
  assert.deepEqual(history.framesAfter(0, 0), ['m3', 'm€5', 'm😀6']);
  assert.deepEqual(history.framesAfter(3, 0), ['m€5', 'm😀6']);
  assert.deepEqual(history.framesAfter(0, 1005), ['m😀6']);
  assert.equal(history.messages.bytes, Buffer.byteLength('m3m€5m😀6'));
  assert.equal(store.nextExpiry(), 1003);
  assert.equal(history.isCompleteAfter(2, 0), true);

  store.expire(1004);
  assert.deepEqual(ids(history), [5, 6]);
  assert.equal(history.goneUpToId, 3);
  // New messages after a restore take their place behind the restored ones.
  store.store(history, 7, 'm7', 10); // maxMessages 2: 5 goes
  assert.deepEqual(ids(history), [6, 7]);
  assert.equal(history.goneUpToId, 5);
  assert.equal(store.count, 2);
  store.expire(10 + TTL);
  assert.equal(store.count, 0);
  assert.equal(history.goneUpToId, 7);
});

test('a store restored from a snapshot expires like the one it came from (restored in id order across topics)', () => {
  const limits = { messageTtlMs: 1000, maxMessages: 100, maxBytes: 1_000_000 };
  const original = new MessageStore(limits);
  const a = new TopicHistory(0);
  const b = new TopicHistory(0);
  original.store(a, 1, 'a1', 0);
  original.store(b, 2, 'b2', 10);
  original.store(a, 3, 'a3', 20);
  // What restoreSnapshot does: every topic's messages, merged back into id order.
  const restored = new MessageStore(limits);
  const ra = new TopicHistory(0);
  const rb = new TopicHistory(0);
  const all = [...a.messages.entries().map((e) => [ra, ...e] as const), ...b.messages.entries().map((e) => [rb, ...e] as const)];
  all.sort((x, y) => x[1] - y[1]);
  for (const [history, id, expiresAt, frame] of all) restored.restore(history, id, frame, expiresAt);
  original.expire(1015);
  restored.expire(1015);
  assert.deepEqual([b.goneUpToId, b.isCompleteAfter(1, 1015), original.count], [2, false, 1]);
  assert.deepEqual([rb.goneUpToId, rb.isCompleteAfter(1, 1015), restored.count], [2, false, 1]);
});

test('mixed TTLs: a message past its time but not yet removed makes recovery incomplete', () => {
  const store = new MessageStore({ messageTtlMs: 1000, maxMessages: 100, maxBytes: 1_000_000 });
  const a = new TopicHistory(0);
  store.store(a, 1, 'a1', 0, 1000);
  store.store(a, 2, 'a2', 10, 50);
  store.expire(100);
  assert.deepEqual(a.framesAfter(1, 100), [], 'a2 is hidden as expired');
  assert.equal(a.isCompleteAfter(1, 100), false);
  assert.equal(a.isCompleteAfter(2, 100), true);
});
