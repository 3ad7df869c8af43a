// The page when the server answers `unavailable` (a cluster whose Redis is
// away): a refused join says so with the code, keeps the form filled in and
// joins by itself once Redis is back; a refused message is marked as not
// delivered, with a system line naming the code, and its text goes back in
// the Message box.
// Run: node --import tsx --test test/browser/page-lobby-unavailable.test.ts
//
// A real redis-server, started and killed by the test, behind the chat
// server running in this process in cluster mode (`redis` option).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createChatServer, loadClusterSupport, type ChatServer } from '../../lib/server/chat-server.ts';
import { createLogger } from '../../lib/server/logger.ts';
import { defaultServerOptions } from '../../lib/server/options.ts';
import { startRedis, type RunningRedis } from '../helpers/redis-server.ts';
import { browserSkipReason, eventually, freePort, join, pageTests, say, ui } from './helpers.ts';
import type { ChatPage } from './helpers.ts';

const skip = browserSkipReason();
if (skip) console.log(`# skipping the browser tests: ${skip}`);

const TEST_TIMEOUT = { timeout: 45_000 };

interface Cluster {
  chat: ChatServer;
  http: string;
  log: string[];
}

async function startClusterServer(redisPort: number): Promise<Cluster> {
  const options = defaultServerOptions({ port: 0, host: '127.0.0.1', heartbeat: 0, redis: `redis://127.0.0.1:${redisPort}/0` });
  const log: string[] = [];
  await loadClusterSupport();
  const chat = createChatServer(options, createLogger('info', (line) => log.push(line)));
  const address = await chat.listen();
  return { chat, http: `http://127.0.0.1:${address.port}`, log };
}

describe('the page when the chat cluster is unavailable', { skip }, () => {
  const tests = pageTests();

  /** A chat server in cluster mode on `redisPort`, shut down after the test. */
  async function clusterServer(redisPort: number): Promise<Cluster> {
    const server = await startClusterServer(redisPort);
    tests.afterTest(async () => {
      await server.chat.shutdown(1000);
      server.chat.http.closeAllConnections();
    });
    return server;
  }

  /** A redis-server, killed after the test. */
  async function redisServer(options?: Parameters<typeof startRedis>[0]): Promise<RunningRedis> {
    const redis = await startRedis(options);
    tests.afterTest(() => redis.kill());
    return redis;
  }

  function open(server: Cluster): Promise<ChatPage> {
    return tests.open(`${server.http}/`);
  }

  it('a join refused as unavailable is shown with its code, and the page joins once Redis is back', TEST_TIMEOUT, async () => {
    // Nothing listens on this port yet: the server starts and refuses writes.
    const redisPort = await freePort();
    const server = await clusterServer(redisPort);
    const { page } = await open(server);

    await ui.username(page).fill('alice');
    await ui.topic(page).fill('outage');
    await ui.join(page).click();
    const joinError = page.getByRole('alert').filter({ hasText: 'unavailable' });
    await joinError.waitFor();
    assert.match(await joinError.innerText(), /Error unavailable: .*Trying again/s);
    assert.equal(await ui.username(page).inputValue(), 'alice', 'what was typed stays');
    assert.equal(await ui.topic(page).inputValue(), 'outage');
    assert.doesNotMatch(await ui.status(page).innerText(), /^Connected/, 'never "connected" while not joined');

    await redisServer({ port: redisPort });
    // The page tries again by itself, with backoff (at most 15 s between tries).
    await ui.message(page).waitFor({ state: 'visible', timeout: 30_000 });
    await ui.users(page).getByRole('listitem').filter({ hasText: '(you)' }).waitFor();
    await eventually(async () => assert.equal(await ui.status(page).innerText(), 'Connected'));
    assert.equal(await ui.line(page, 'Welcome, alice').count(), 1);
  });

  it('a message refused as unavailable is marked not delivered and its text goes back in the box', TEST_TIMEOUT, async () => {
    const redis = await redisServer();
    const server = await clusterServer(redis.port);
    await eventually(async () => {
      const health = (await (await fetch(`${server.http}/healthz`)).json()) as { redis?: string };
      assert.equal(health.redis, 'ok');
    }, 10_000);
    const { page } = await open(server);
    await join(page, 'bob', 'outage');
    await say(page, 'before the outage');
    await ui.line(page, 'before the outage').filter({ hasText: '✓' }).waitFor();

    await redis.kill();
    await say(page, 'during the outage');
    const errorLine = ui.line(page, 'Error unavailable');
    await errorLine.waitFor({ timeout: 15_000 });
    const own = ui.line(page, 'during the outage').filter({ hasText: 'not delivered' });
    await own.waitFor();
    assert.equal(await ui.message(page).inputValue(), 'during the outage', 'the text is back in the box for another try');
    // The connection stays open: the page is still joined, not reconnecting.
    assert.equal(await ui.status(page).innerText(), 'Connected');
    assert.equal(await ui.line(page, 'Connection lost').count(), 0);
  });
});
