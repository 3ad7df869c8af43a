// The lobby's list of active topics when the server cuts its `/list` reply
// (at most 100 topics, with `truncated` and `total`): the page lists the
// hundred it got and says how many more there are, in the lobby and in the
// transcript's answer to /list.
// Run: node --import tsx --test test/browser/page-lobby.test.ts
//
// The chat server runs in this process; each topic is held open by a plain
// WebSocket test client (the per-address cap is off: they all come from
// 127.0.0.1).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ourClient, join as clientJoin } from '../helpers/chat-client.ts';
import type { ChatTestClient } from '../helpers/chat-client.ts';
import { startChatServer } from '../helpers/chat-server.ts';
import type { RunningChatServer } from '../helpers/chat-server.ts';
import { browserSkipReason, join, launchBrowser, openPage, say, ui } from './helpers.ts';
import type { ChatPage } from './helpers.ts';

const skip = browserSkipReason();
if (skip) console.log(`# skipping the browser tests: ${skip}`);

/** The server's cap on one `/list` reply. */
const LISTED = 100;
/** Topics held open, one of them ("busy") by two people so that it comes first. */
const SINGLE_TOPICS = 102;
const TOTAL_TOPICS = SINGLE_TOPICS + 1;

describe('the lobby with more topics than one /list reply holds', { skip }, () => {
  let browser: Browser;
  let server: RunningChatServer;
  const clients: ChatTestClient[] = [];
  let chat: ChatPage | undefined;

  before(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startChatServer({ maxConnectionsPerIp: 0 })]);
    const joins: Array<Promise<unknown>> = [];
    for (let i = 0; i < SINGLE_TOPICS; i++) {
      const topic = `room-${String(i).padStart(3, '0')}`;
      joins.push(
        ourClient(server.url).then((client) => {
          clients.push(client);
          return clientJoin(client, `holder${i}`, topic);
        }),
      );
    }
    await Promise.all(joins);
    for (const name of ['ann', 'ben']) {
      const client = await ourClient(server.url);
      clients.push(client);
      await clientJoin(client, name, 'busy');
    }
  });

  after(async () => {
    const problems = chat?.problems ?? [];
    await chat?.context.close();
    for (const client of clients) client.destroy();
    await browser?.close();
    await server?.stop();
    assert.deepEqual(problems, [], 'no console errors, page errors or dialogs');
  });

  it('shows the first hundred topics and "… and N more"', { timeout: 30_000 }, async () => {
    chat = await openPage(browser, `${server.http}/`);
    const { page } = chat;
    const more = page.getByText(`… and ${TOTAL_TOPICS - LISTED} more`, { exact: true });
    await more.waitFor();
    const items = ui.topics(page).getByRole('listitem');
    assert.equal(await items.count(), LISTED, 'the hundred topics of the reply');
    assert.match(await items.first().innerText(), /#busy\s+2 users/, 'the most populated first');

    // Choosing a listed topic fills the Topic box, as with a short list.
    await items.filter({ hasText: '#busy' }).getByRole('button').click();
    assert.equal(await ui.topic(page).inputValue(), 'busy');

    // In the chat, /list answers in the transcript with the same note.
    await join(page, 'carol', 'busy');
    await say(page, '/list');
    const reply = ui.log(page).getByRole('listitem').filter({ hasText: 'Active Topics' });
    await reply.waitFor();
    assert.match(await reply.innerText(), new RegExp(`… and ${TOTAL_TOPICS - LISTED} more`));
    assert.match(await reply.innerText(), /busy \(3 users\)/, 'the page counts itself in');
  });
});
