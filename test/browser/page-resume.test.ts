// The web page after a dropped connection (chat-protocol.md, "Resuming after
// a dropped connection"): the page reaches the server through a TCP relay
// (test/helpers/tcp-relay.ts) that forwards the page's HTTP and WebSocket
// alike, so the test can cut the connection under it with a FIN or an RST.
// Afterwards the page has the same name, shows each message sent meanwhile
// once, and nobody sees it leave and join. After close 4000 (another
// session resumed it) it stops and says why. And Chromium negotiates
// permessage-deflate with the server.
// Run: node --import tsx --test test/browser/page-resume.test.ts
//
// Tests of server features still being built mark themselves TODO when the
// server does not offer them (no resumeToken in the welcome, no deflate).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { join as clientJoin } from '../helpers/chat-client.ts';
import type { ChatTestClient, Frame } from '../helpers/chat-client.ts';
import { startChatServer } from '../helpers/chat-server.ts';
import type { RunningChatServer } from '../helpers/chat-server.ts';
import { startTcpRelay } from '../helpers/tcp-relay.ts';
import type { TcpRelay } from '../helpers/tcp-relay.ts';
import { browserSkipReason, eventually, join, pageTests, post, say, ui, userNames } from './helpers.ts';

const skip = browserSkipReason();
if (skip) console.log(`# skipping the browser tests: ${skip}`);

const TEST_TIMEOUT = { timeout: 45_000 };
const RESUME_TODO = 'server resume not landed yet';

/** The next `message` frame with this text. */
async function expectMessage(client: ChatTestClient, text: string): Promise<Frame> {
  for (;;) {
    const frame = await client.next('message', 5000);
    if (frame['message'] === text) return frame;
  }
}

function presenceLines(page: Page) {
  return ui.log(page).getByRole('listitem').filter({ hasText: /\b(joined|left)\.$/ });
}

describe('the page resumes after a dropped connection', { skip }, () => {
  const tests = pageTests();
  const open = tests.open;

  /** A chat server of this test's own, stopped after it. */
  async function server(overrides: Parameters<typeof startChatServer>[0] = {}): Promise<RunningChatServer> {
    const running = await startChatServer(overrides);
    tests.afterTest(() => running.stop());
    return running;
  }

  /** A TCP relay in front of `chat`, closed after the test. */
  async function relayTo(chat: RunningChatServer): Promise<TcpRelay> {
    const relay = await startTcpRelay(chat.port);
    tests.afterTest(() => relay.close());
    return relay;
  }

  /** A test client in `topic`; marks the test TODO when the server gives no resume token. */
  async function person(t: TestContext, on: RunningChatServer, name: string, topic: string): Promise<ChatTestClient> {
    const client = await tests.client(on.url);
    const welcome = await clientJoin(client, name, topic);
    if (typeof welcome['resumeToken'] !== 'string') t.todo(RESUME_TODO);
    return client;
  }

  for (const mode of ['fin', 'rst'] as const) {
    it(`after a ${mode.toUpperCase()} cut: same name, each missed message once, no leave or join`, TEST_TIMEOUT, async (t) => {
      // A grace period, so that the server hides the drop from the others.
      const chat = await server({ resumeGrace: 30 });
      const relay = await relayTo(chat);
      const bob = await person(t, chat, 'bob', 'resume');
      const pia = await open(`http://127.0.0.1:${relay.port}/`);
      await join(pia.page, 'pia', 'resume');
      await bob.next('joined');
      const mark = bob.frames.length;

      await post(bob, 'bob said before');
      await ui.line(pia.page, 'bob said before').waitFor();
      await say(pia.page, 'pia said before');
      await expectMessage(bob, 'pia said before');
      await ui.line(pia.page, 'pia said before').filter({ hasText: 'delivered to 1' }).waitFor();

      // Cut, and keep the page out while bob talks.
      pia.expectOutage(true);
      relay.setRefusing(true);
      relay.cutAll(mode);
      await eventually(async () => assert.match(await ui.status(pia.page).innerText(), /offline|reconnecting/i));
      assert.doesNotMatch(await ui.status(pia.page).innerText(), /\bconnected\b/i);
      await post(bob, 'away one');
      await post(bob, 'away two');
      relay.setRefusing(false);

      await eventually(async () => assert.equal(await ui.status(pia.page).innerText(), 'Connected'), 20_000);
      pia.expectOutage(false);
      await ui.line(pia.page, 'away two').waitFor();
      for (const text of ['bob said before', 'pia said before', 'away one', 'away two']) {
        assert.equal(await ui.line(pia.page, text).count(), 1, `"${text}" is shown once`);
      }
      // Order of the server's ids.
      const order = await ui.log(pia.page).locator('.text').allInnerTexts();
      assert.deepEqual(order, ['bob said before', 'pia said before', 'away one', 'away two']);
      assert.equal(await pia.page.locator('header').getByText('pia', { exact: true }).count(), 1, 'the same name');
      assert.deepEqual(await userNames(pia.page), ['pia (you)', 'bob']);
      assert.equal(await presenceLines(pia.page).count(), 0, 'no leave or join lines on the page');
      assert.equal(await ui.line(pia.page, 'may have been missed').count(), 0, 'the server could tell nothing was missed');

      // Bob saw nothing of it (a /who round trip first, so that anything sent before it has arrived).
      bob.send('/who');
      const who = await bob.next('users');
      assert.deepEqual(who['users'], ['bob', 'pia']);
      const presence = bob.frames.slice(mark).filter((f) => f.type === 'left' || f.type === 'joined');
      assert.deepEqual(presence, [], 'no left or joined for the others');

      // And the chat goes on both ways.
      await post(bob, 'bob said after');
      await ui.line(pia.page, 'bob said after').waitFor();
      await say(pia.page, 'pia said after');
      await expectMessage(bob, 'pia said after');
      assert.equal(await ui.line(pia.page, 'pia said after').count(), 1);
    });
  }

  it('after close 4000 (the session was resumed elsewhere) it says why and does not reconnect', TEST_TIMEOUT, async (t) => {
    const chat = await server();
    await person(t, chat, 'bob', 'taken');
    const pia = await open(`${chat.http}/`, { fakeClock: true });
    let token: string | undefined;
    let sockets = 0;
    pia.page.on('websocket', (ws) => {
      sockets++;
      ws.on('framereceived', ({ payload }) => {
        const frame = typeof payload === 'string' ? (JSON.parse(payload) as Frame) : undefined;
        if (frame?.type === 'welcome' && typeof frame['resumeToken'] === 'string') token = frame['resumeToken'];
      });
    });
    await join(pia.page, 'pia', 'taken');
    await eventually(() => assert.ok(token, 'the welcome carried a resume token'));

    // Another session of the same person resumes with the page's token.
    const other = await tests.client(chat.url);
    other.send({ username: 'pia', topic: 'taken', resume: token });
    const welcome = await other.next('welcome');
    assert.equal(welcome['resumed'], true);
    assert.equal(welcome['username'], 'pia');

    await pia.page.getByText('This chat was opened in another tab or on another device.').waitFor();
    await ui.line(pia.page, 'will not reconnect by itself').waitFor();
    assert.equal(await ui.status(pia.page).innerText(), 'Offline — opened elsewhere');
    const socketsAfterClose = sockets;

    // A minute of the page's timers: no retry fires.
    await pia.page.clock.runFor(60_000);
    assert.equal(await ui.status(pia.page).innerText(), 'Offline — opened elsewhere');
    other.send('/who');
    assert.deepEqual((await other.next('users'))['users'], ['bob', 'pia']);
    assert.equal(sockets, socketsAfterClose, 'no new connection');
    await pia.page.getByRole('button', { name: 'Reconnect here' }).waitFor();
  });

  it('Chromium negotiates permessage-deflate with the server', TEST_TIMEOUT, async (t) => {
    const chat = await server();
    const page = await open(`${chat.http}/`);
    const extensions = (await page.page.evaluate(`new Promise((resolve, reject) => {
      const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws');
      ws.onopen = () => { resolve(ws.extensions); ws.close(); };
      ws.onerror = () => reject(new Error('no connection'));
    })`)) as string;
    if (!/permessage-deflate/.test(extensions)) t.todo('server deflate being wired');
    assert.match(extensions, /permessage-deflate/);
  });
});
