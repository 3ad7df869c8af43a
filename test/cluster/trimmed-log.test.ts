/**
 * A process whose place in the log was trimmed away while it was cut off from
 * Redis: when it reaches Redis again it cannot read on from where it was, so
 * it reloads the latest snapshot and carries on from there. Its users then
 * see the same chat as everyone else: a newcomer on it gets the whole history
 * and every user, and chat flows both ways again.
 *
 * The trim is done by the test (what the snapshot writer does 30 s behind
 * each snapshot), so the test need not wait 30 s. A process has two links to
 * Redis (commands, and a blocking reader) that reconnect on their own
 * timers; a gate between the process and Redis decides which one gets
 * through first, so that each order is tested every run.
 */
import assert from 'node:assert/strict';
import { createServer, connect, type Socket } from 'node:net';
import { after, describe, it, type TestContext } from 'node:test';
import { join, type ChatTestClient, type Frame } from '../helpers/chat-client.ts';
import { clientPool, eventually, framesUntil, listCounts, startCluster, who, type Cluster } from '../helpers/cluster.ts';
import { rawCommand } from '../helpers/redis-server.ts';

const T = { timeout: 60_000 };
const STREAM = 'wschat:log';
const SNAPSHOT = 'wschat:snapshot';
/** The first command of the epoch check that starts every reconnect of the command link. */
const SYNC_MARK = 'wschat:epoch';
/**
 * A link let through first that sends nothing (a reader that waits for the command link, as
 * it should) is given up on after this: shorter than the 4 s a Redis handshake may take.
 */
const GIVE_UP_MS = 2000;

type First = 'reader' | 'commands';

interface Gate {
  port: number;
  /** Resets every link and refuses new ones. */
  cut(): void;
  /** Accepts links again and lets `first` act before the other. */
  heal(first: First): void;
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream: Socket;
  /** Bytes towards Redis, held back. */
  out: Buffer[] | undefined;
  /** Bytes from Redis (the handshake's reply), held back. */
  back: Buffer[] | undefined;
}

/**
 * A TCP relay between one process and Redis. Both of the process's links
 * start with the same handshake; after it the command link sends SET
 * wschat:epoch NX, the reader XREAD. `commands` first: the reader's XREAD
 * waits until the command link has started its check. `reader` first: the
 * handshake replies are held until both links wait, then handed out one
 * link at a time; if the command link was the older one it is reset (it
 * reconnects, as after any failure), and the reader goes ahead and reads
 * twice, or waits (then both go on).
 */
async function startGate(redisPort: number): Promise<Gate> {
  const links = new Set<Link>();
  let refusing = false;
  let first: First | undefined;
  const waiting: Link[] = [];
  let probed: Link | undefined;
  let reads = 0;
  let giveUp: NodeJS.Timeout | undefined;
  const flush = (link: Link): void => {
    for (const chunk of link.out ?? []) link.upstream.write(chunk);
    for (const chunk of link.back ?? []) link.client.write(chunk);
    link.out = link.back = undefined;
  };
  const release = (): void => {
    first = probed = undefined;
    waiting.length = 0;
    clearTimeout(giveUp);
    for (const link of links) flush(link);
  };
  const probeNext = (): void => {
    probed = waiting.shift();
    if (probed === undefined) return;
    flush(probed);
    clearTimeout(giveUp);
    giveUp = setTimeout(release, GIVE_UP_MS);
  };
  const outbound = (link: Link, chunk: Buffer): void => {
    if (link.out !== undefined) return void link.out.push(chunk);
    const text = chunk.toString('latin1');
    if (first === 'commands' && text.includes('XREAD')) return void (link.out = [chunk]);
    if (first === 'reader' && link === probed && text.includes(SYNC_MARK)) {
      // The command link came first: reset it (its check is dropped) and wait for its next link.
      probed = undefined;
      clearTimeout(giveUp);
      link.client.resetAndDestroy();
      link.upstream.destroy();
      return;
    }
    link.upstream.write(chunk);
    if (first === 'commands' && text.includes(SYNC_MARK)) release();
    if (first === 'reader' && text.includes('XREAD') && ++reads >= 2) release();
  };
  const server = createServer((client) => {
    if (refusing) return void client.resetAndDestroy();
    const link: Link = { client, upstream: connect(redisPort, '127.0.0.1'), out: undefined, back: undefined };
    links.add(link);
    if (first === 'reader') {
      link.back = [];
      waiting.push(link);
      // Once both links wait (after a reset: once the command link is back, so the reset was
      // seen), the older one goes first.
      if (probed === undefined && waiting.length >= 2) probeNext();
    }
    client.on('data', (chunk: Buffer) => outbound(link, chunk));
    link.upstream.on('data', (chunk: Buffer) => (link.back !== undefined ? link.back.push(chunk) : client.write(chunk)));
    const end = (): void => {
      if (!links.delete(link)) return;
      if (waiting.includes(link)) waiting.splice(waiting.indexOf(link), 1);
      if (link === probed) probeNext();
      client.destroy();
      link.upstream.destroy();
    };
    for (const socket of [client, link.upstream]) socket.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      refusing = true;
      for (const link of links) {
        link.client.resetAndDestroy();
        link.upstream.destroy();
      }
    },
    heal(order) {
      first = order;
      reads = 0;
      refusing = false;
    },
    close() {
      clearTimeout(giveUp);
      for (const link of links) link.client.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function sendAcked(client: ChatTestClient, text: string): Promise<Frame> {
  client.send({ message: text, ref: text });
  for (;;) {
    const ack = await client.next('ack');
    if (ack['ref'] === text) return ack;
  }
}

/** Stream ids compare as (milliseconds, sequence). */
function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am === bm ? as - bs : am - bm;
}

/** The id of the one entry in a raw `XRANGE`/`XREVRANGE ... COUNT 1` reply, if any. */
function onlyEntryId(reply: string): string | undefined {
  return /^\*1\r\n\*2\r\n\$\d+\r\n(\d+-\d+)\r\n/.exec(reply)?.[1];
}

async function storedSnapshotId(port: number): Promise<string | undefined> {
  const reply = await rawCommand(port, ['GET', SNAPSHOT]);
  if (reply.startsWith('$-1')) return undefined;
  return (JSON.parse(reply.slice(reply.indexOf('\r\n') + 2, -2)) as { id: string }).id;
}

const messagesIn = (client: ChatTestClient): Frame[] => client.frames.filter((f) => f.type === 'message');

describe('cluster: a process whose place in the log was trimmed away', { concurrency: true }, () => {
  const pool = clientPool();
  const clusters: Cluster[] = [];
  const gates: Gate[] = [];
  after(async () => {
    pool.destroyAll();
    await Promise.all(clusters.map((c) => c.stop()));
    await Promise.all(gates.map((g) => g.close()));
  });

  async function trimmedWhileCutOff(t: TestContext, first: First): Promise<void> {
    // A long TTL: no message may leave the history for any reason other than the one tested.
    const cluster = await startCluster({ processes: 1, args: ['--message-ttl', '300'] });
    clusters.push(cluster);
    const redisPort = cluster.redis.port;
    const a = cluster.processes[0]!;
    const gate = await startGate(redisPort);
    gates.push(gate);
    const b = await cluster.add({ redis: `redis://127.0.0.1:${gate.port}/0` });

    const ann = await pool.open(a);
    const bob = await pool.open(b);
    await join(ann, 'ann', 't');
    assert.deepEqual([...((await join(bob, 'bob', 't'))['users'] as string[])].sort(), ['ann', 'bob']);
    await framesUntil(ann, 'ann saw bob join', 3000, (f) => f.some((j) => j.type === 'joined' && j.username === 'bob'));
    const acks = [await sendAcked(ann, 'before the cut')];
    await framesUntil(bob, 'bob got the message before the cut', 3000, (f) => f.some((m) => m.message === 'before the cut'));

    // Cut B off: its links are reset and new ones refused, so it is down at once.
    gate.cut();
    await b.waitForRedis('down', 10_000);
    bob.send({ message: 'from the cut-off process', ref: 'cut' });
    assert.equal((await bob.next('error', 12_000))['code'], 'unavailable');

    // Meanwhile the chat goes on without B: a newcomer on A, and messages B cannot read.
    const cat = await pool.open(a);
    await join(cat, 'cat', 't');
    for (let i = 0; i < 3; i++) acks.push(await sendAcked(ann, `missed ${i}`));
    const lastMissed = onlyEntryId(await rawCommand(redisPort, ['XREVRANGE', STREAM, '+', '-', 'COUNT', '1']));
    assert.ok(lastMissed !== undefined, 'the stream holds the messages');

    // Wait for a snapshot that covers them. If B had the lower process id, A writes
    // snapshots only once it has taken B for dead (7 s of log time), hence the bound.
    let snapshotId = '0-0';
    await eventually('a snapshot covering the missed messages', 20_000, async () => {
      snapshotId = (await storedSnapshotId(redisPort)) ?? '0-0';
      return compareIds(snapshotId, lastMissed) >= 0;
    });
    // Trim as the writer would 30 s later: every entry before the snapshot, B's place included.
    await rawCommand(redisPort, ['XTRIM', STREAM, 'MINID', snapshotId]);
    const firstLeft = onlyEntryId(await rawCommand(redisPort, ['XRANGE', STREAM, '-', '+', 'COUNT', '1']));
    assert.ok(firstLeft === undefined || compareIds(firstLeft, snapshotId) >= 0, `trimmed up to ${snapshotId}, first entry ${firstLeft}`);

    const logMark = b.log.length;
    gate.heal(first);
    await b.waitForRedis('ok', 10_000);
    const sinceHeal = (): string => `B's log since the heal:\n${b.log.slice(logMark).join('\n')}`;

    // A newcomer on B sees the same chat as everyone: every user, the whole history in order.
    const dan = await pool.open(b);
    const danWelcome = await join(dan, 'dan', 't');
    assert.equal(danWelcome['username'], 'dan');
    assert.deepEqual([...(danWelcome['users'] as string[])].sort(), ['ann', 'bob', 'cat', 'dan'], `every user of the topic, on both processes; ${sinceHeal()}`);
    assert.deepEqual(
      (danWelcome['history'] as Frame[]).map((m) => [m['id'], m['username'], m['message']]),
      acks.map((ack) => [ack['id'], 'ann', ack['ref']]),
      `the history holds every message, those B never read included, oldest first; ${sinceHeal()}`,
    );
    const loaded = b.log.slice(logMark).find((line) => / redis_snapshot_loaded /.test(line));
    const loadedId = loaded === undefined ? undefined : / id=(\d+-\d+)/.exec(loaded)?.[1];
    assert.ok(loadedId !== undefined && compareIds(loadedId, snapshotId) >= 0, `B loaded a snapshot at or after ${snapshotId}; ${sinceHeal()}`);
    for (const client of [ann, cat, bob]) await framesUntil(client, 'dan joined', 3000, (f) => f.some((j) => j.type === 'joined' && j.username === 'dan'));

    // The user who stayed on B gets new messages from A, and B's messages reach A's users.
    for (const [sender, others] of [[ann, [bob, cat, dan]], [cat, [ann, bob, dan]], [bob, [ann, cat, dan]]] as const) {
      const text = `after the heal, ${acks.length}`;
      const ack = await sendAcked(sender, text);
      assert.equal(ack['recipients'], 3, `${text}: the three others`);
      assert.ok((ack['id'] as number) > (acks.at(-1)!['id'] as number), 'ids keep increasing');
      acks.push(ack);
      for (const client of others) await framesUntil(client, text, 3000, (f) => f.some((m) => m.message === text));
    }
    assert.deepEqual(await who(bob), ['ann', 'bob', 'cat', 'dan'], "bob's /who after the heal");
    assert.deepEqual(await who(ann), ['ann', 'bob', 'cat', 'dan']);
    assert.deepEqual(await listCounts(dan), { t: 4 });

    // What bob got about the messages sent while B was cut off: the contract does not
    // replay them, but whatever arrived came at most once, and in id order.
    const bobIds = messagesIn(bob).map((m) => m['id'] as number);
    assert.deepEqual(bobIds, [...bobIds].sort((x, y) => x - y), 'bob received messages in increasing id order');
    assert.equal(new Set(bobIds).size, bobIds.length, 'bob received no message twice');
    for (const client of [ann, bob, cat, dan]) {
      assert.deepEqual(client.frames.filter((f) => f.type === 'error' && f['code'] !== 'unavailable'), [], 'no other errors');
    }
    // Presence is not lost with the skipped log: bob heard that cat came while B was cut off
    // (from the reload), once, and before dan's arrival.
    const bobJoined = bob.frames.filter((f) => f.type === 'joined').map((f) => f.username);
    assert.deepEqual(bobJoined, ['cat', 'dan'], 'bob got joined for cat (missed while cut off) and then for dan');
    const annAboutBob = ann.frames.filter((f) => (f.type === 'left' || f.type === 'joined') && f.username === 'bob').map((f) => f.type);
    // Once at the start; and if A took B for crashed while it was cut off (B has the lower
    // process id, so A waited for that before writing a snapshot), left and joined again.
    assert.ok(
      ['joined', 'joined,left,joined'].includes(annAboutBob.join(',')),
      `ann about bob: ${annAboutBob.join(', ')}`,
    );
    const missedSeen = messagesIn(bob).filter((m) => String(m['message']).startsWith('missed ')).length;
    const aboutBob = ann.frames.filter((f) => (f.type === 'left' || f.type === 'joined') && f.username === 'bob').map((f) => f.type);
    t.diagnostic(`bob got ${missedSeen} of the 3 messages sent while cut off; joined frames bob got: ${bob.frames.filter((f) => f.type === 'joined').map((f) => f.username).join(', ')}`);
    t.diagnostic(`frames ann got about bob: ${aboutBob.join(', ') || 'none'}; snapshot ${snapshotId}, loaded ${loadedId}`);
  }

  it('the command link reconnects first: it reloads the snapshot; a newcomer on it gets every user and the whole history; chat flows both ways', T, (t) =>
    trimmedWhileCutOff(t, 'commands'));

  // Known bug: the reader reconnects and reads on from its old place before the command link
  // has checked the epoch and the trim; it skips the trimmed entries, and the check then sees
  // nothing trimmed past its (advanced) place, so the snapshot is never loaded.
  it('the log reader reconnects first: the same', T, (t) =>
    trimmedWhileCutOff(t, 'reader'));
});
