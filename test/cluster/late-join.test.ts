/**
 * A process that joins a running cluster (a scale-out, a rolling restart)
 * starts from what the others already share: the users, the names, the
 * history and the ids: it loads the latest snapshot (written every 5 s by
 * the process with the lowest id) and applies the log after it.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { join, type ChatTestClient, type Frame } from '../helpers/chat-client.ts';
import { clientPool, eventually, framesUntil, listCounts, startCluster, who, type Cluster } from '../helpers/cluster.ts';
import { rawCommand } from '../helpers/redis-server.ts';

const T = { timeout: 30_000 };

async function sendAcked(client: ChatTestClient, text: string): Promise<Frame> {
  client.send({ message: text, ref: text });
  for (;;) {
    const ack = await client.next('ack');
    if (ack['ref'] === text) return ack;
  }
}

describe('cluster: a process that joins later', () => {
  const pool = clientPool();
  const clusters: Cluster[] = [];
  after(async () => {
    pool.destroyAll();
    for (const cluster of clusters) await cluster.stop();
  });

  it('starts from the latest snapshot plus the log after it: users, names, history and ids', T, async () => {
    const cluster = await startCluster({ processes: 1 });
    clusters.push(cluster);
    const first = cluster.processes[0]!;
    const alice = await pool.open(first);
    const bob = await pool.open(first);
    await join(alice, 'alice', 'early');
    await join(bob, 'bob', 'early');
    const acks: Frame[] = [];
    for (let i = 0; i < 3; i++) acks.push(await sendAcked(alice, `before ${i}`));
    // The process with the lowest id (here the only one) writes a snapshot every 5 s: wait
    // for one that holds these messages, then write more that only the log after it has.
    const lastInSnapshot = String(acks.at(-1)!['id']);
    await eventually('a snapshot with the first messages', 8000, async () =>
      (await rawCommand(cluster.redis.port, ['GET', 'wschat:snapshot'])).includes(lastInSnapshot),
    );
    for (let i = 3; i < 5; i++) acks.push(await sendAcked(alice, `before ${i}`));

    const late = await cluster.add();
    const carol = await pool.open(late);
    const welcome = await join(carol, 'Alice', 'early');
    assert.equal(welcome['username'], 'Alice#2', 'names taken before it joined are known');
    assert.deepEqual([...(welcome['users'] as string[])].sort(), ['Alice#2', 'alice', 'bob']);
    assert.deepEqual(
      (welcome['history'] as Frame[]).map((m) => m['id']),
      acks.map((a) => a['id']),
      'the history written before it joined, in order',
    );
    assert.deepEqual(await listCounts(carol), { early: 3 });
    const loaded = late.log.some((line) => / redis_snapshot_loaded /.test(line));
    assert.ok(loaded, 'it started from a snapshot');
    assert.deepEqual([...(await who(bob))].sort(), ['Alice#2', 'alice', 'bob'], 'the old process sees the newcomer');

    // Chat both ways, with ids above every earlier one.
    const ack = await sendAcked(carol, 'from the newcomer');
    assert.ok((ack['id'] as number) > (acks.at(-1)!['id'] as number));
    assert.equal(ack['recipients'], 2);
    for (const client of [alice, bob]) await framesUntil(client, 'the newcomer message', 3000, (f) => f.some((m) => m['message'] === 'from the newcomer'));
    await sendAcked(bob, 'to the newcomer');
    await framesUntil(carol, 'the old members message', 3000, (f) => f.some((m) => m['message'] === 'to the newcomer'));
  });
});
