/**
 * The replicated state machine's promise, checked on random command logs:
 * two replicas fed the same commands in the same order compute the same
 * state and the same effects; a replica restored from a snapshot produces
 * the same future effects as the one it was taken from. Seeded: CI pins the
 * seed, `SEED=random` draws a new one (printed either way).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChatReplica, type Command } from '../../lib/chat/index.ts';
import { snapshotJson } from '../../lib/chat/snapshot.ts';

const seed = process.env['SEED'] === 'random' ? (Math.random() * 2 ** 31) >>> 0 : Number(process.env['SEED'] ?? 20261206);
console.log(`# replica property test seed: ${seed} (SEED=${seed} to repeat, SEED=random for a new one)`);

/** mulberry32: small, seedable, good enough to pick commands. */
function random(seedValue: number): () => number {
  let a = seedValue;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomLog(next: () => number, length: number): { command: Command; now: number }[] {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const processes = ['pa', 'pb', 'pc'];
  const topics = ['sports', 'movies', 'news'];
  const names = ['alice', 'Alice', 'bob', 'carol'];
  const tokens: string[] = [];
  const log: { command: Command; now: number }[] = [];
  let now = 1_800_000_000_000;
  for (let i = 0; i < length; i++) {
    now += Math.floor(next() * 1500);
    const p = pick(processes);
    const c = `${p}.${1 + Math.floor(next() * 6)}`;
    const roll = next();
    let command: Command;
    if (roll < 0.25) {
      const token = `k${String(i).padStart(7, '0')}-secret-secret-secret`;
      tokens.push(token);
      command = { v: 1, t: 'join', c, name: pick(names), topic: pick(topics), token };
      if (next() < 0.3 && tokens.length > 1) command.resume = pick(tokens);
      if (next() < 0.3) command.since = Math.floor(next() * 3) * 1000;
    } else if (roll < 0.55) command = { v: 1, t: 'say', c, text: `message ${i}`, ttl: 5000 + Math.floor(next() * 20_000) };
    else if (roll < 0.6) command = { v: 1, t: 'dm', c, args: `${pick(names)} hello` };
    else if (roll < 0.65) command = { v: 1, t: 'typing', c };
    else if (roll < 0.7) command = { v: 1, t: 'move', c, topic: pick(topics), token: `m${String(i).padStart(7, '0')}-secret-secret-secret` };
    else if (roll < 0.82) command = { v: 1, t: 'leave', c, why: pick(['leave', 'quit', 'close', 'drop', 'server'] as const), detail: 'x' };
    else if (roll < 0.97) command = { v: 1, t: 'tick', p };
    else {
      // A process goes quiet for a while (the others keep ticking): it is taken for dead.
      for (let k = 0; k < 12; k++) {
        now += 1000;
        for (const other of processes) if (other !== p) log.push({ command: { v: 1, t: 'tick', p: other }, now });
      }
      command = { v: 1, t: 'tick', p };
    }
    log.push({ command, now });
  }
  return log;
}

const OPTIONS = { processDeadAfterMs: 7000, resumeGraceMs: 3000, resumeWindowMs: 20_000 };

test('two replicas fed one random log agree on every effect and on their state', () => {
  const next = random(seed);
  for (let round = 0; round < 20; round++) {
    const log = randomLog(next, 400);
    const a = new ChatReplica(OPTIONS);
    const b = new ChatReplica(OPTIONS);
    for (const [index, { command, now }] of log.entries()) {
      const ea = JSON.stringify(a.apply(command, now), replacer);
      const eb = JSON.stringify(b.apply(command, now), replacer);
      assert.equal(ea, eb, `round ${round}, entry ${index}`);
    }
    assert.equal(a.digest(), b.digest());
    assert.equal(a.topicsFrame(), b.topicsFrame());
  }
});

test('a replica restored from a snapshot gives the same future effects', () => {
  const next = random(seed + 1);
  for (let round = 0; round < 20; round++) {
    const log = randomLog(next, 400);
    const cut = Math.floor(log.length / 2);
    const original = new ChatReplica(OPTIONS);
    for (const { command, now } of log.slice(0, cut)) original.apply(command, now);
    const copy = ChatReplica.restore(JSON.parse(JSON.stringify(original.snapshot())), OPTIONS);
    assert.equal(copy.digest(), original.digest(), `round ${round}: digest after restore`);
    for (const [index, { command, now }] of log.slice(cut).entries()) {
      assert.equal(JSON.stringify(copy.apply(command, now), replacer), JSON.stringify(original.apply(command, now), replacer), `round ${round}, entry ${cut + index}`);
    }
  }
});

test('a snapshot captured now and turned into JSON in pieces later is the snapshot of that moment', () => {
  const next = random(seed + 2);
  for (let round = 0; round < 20; round++) {
    const log = randomLog(next, 400);
    const cut = Math.floor(log.length / 2);
    const replica = new ChatReplica(OPTIONS);
    for (const { command, now } of log.slice(0, cut)) replica.apply(command, now);
    const captured = replica.captureSnapshot();
    const then = replica.snapshot();
    // The replica goes on (messages stored, dropped and expired) before the JSON is made.
    for (const { command, now } of log.slice(cut)) replica.apply(command, now);
    const pieces = [...snapshotJson(captured)];
    assert.deepEqual(JSON.parse(pieces.join('')), then, `round ${round}`);
  }
});

/** Maps (per-process ack counts) serialise as entries. */
function replacer(_key: string, value: unknown): unknown {
  return value instanceof Map ? [...value].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)) : value;
}
