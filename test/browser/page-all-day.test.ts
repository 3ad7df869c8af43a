// The web page as one a person leaves open all day (web-ui.md): unread count
// in the title and the "New messages" button, expiry announced, /help in
// plain words, /join leaving nothing of the old topic, a 375 px screen with
// 40 users, and a lobby left longer than the join timeout.
// Run: node --import tsx --test test/browser/page-all-day.test.ts
//
// The chat server runs in this process (lib/, no build needed); the other
// people are plain WebSocket test clients. Every test ends by asserting that
// no page logged a console error, threw, or opened a dialog.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { ChatTestClient } from '../helpers/chat-client.ts';
import { startChatServer } from '../helpers/chat-server.ts';
import type { RunningChatServer } from '../helpers/chat-server.ts';
import { browserSkipReason, eventually, join, pageTests, post, say, setHidden, ui, userNames } from './helpers.ts';
import type { ChatPage } from './helpers.ts';

const skip = browserSkipReason();
if (skip) console.log(`# skipping the browser tests: ${skip}`);

const TEST_TIMEOUT = { timeout: 30_000 };

/** Whether the transcript is scrolled to its end. */
function atBottom(page: Page): Promise<boolean> {
  return ui.log(page).evaluate((box) => box.scrollHeight - box.scrollTop - box.clientHeight < 2);
}

function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth') as Promise<boolean>;
}

describe('the page left open all day', { skip }, () => {
  const tests = pageTests(startChatServer);
  const server = (): RunningChatServer => tests.shared();

  /** A chat server of this test's own, stopped after it. */
  async function ownServer(overrides: Parameters<typeof startChatServer>[0]): Promise<RunningChatServer> {
    const running = await startChatServer(overrides);
    tests.afterTest(() => running.stop());
    return running;
  }

  function open(on = server(), options: { width?: number; height?: number } = {}): Promise<ChatPage> {
    return tests.open(`${on.http}/`, options);
  }

  function person(name: string, topic: string, on = server()): Promise<ChatTestClient> {
    return tests.person(on.url, name, topic);
  }

  it('counts unread messages in the title and behind "New messages" while scrolled up or hidden', TEST_TIMEOUT, async () => {
    const reader = await open(server(), { height: 520 });
    await join(reader.page, 'reader', 'unread');
    const bob = await person('bob', 'unread');
    for (let i = 1; i <= 25; i++) await post(bob, `filler ${i}`);
    await ui.line(reader.page, 'filler 25').waitFor();
    assert.equal(await atBottom(reader.page), true, 'new messages keep a pinned transcript at the bottom');
    assert.equal(await reader.page.title(), '#unread · wschat', 'nothing unread while the bottom is in view');

    // Scrolled up: new messages are counted, and the button offers a way down.
    await ui.log(reader.page).evaluate((box) => box.scrollTo({ top: 0 }));
    await eventually(async () => assert.equal(await atBottom(reader.page), false));
    for (const text of ['unread one', 'unread two', 'unread three']) await post(bob, text);
    await eventually(async () => assert.equal(await reader.page.title(), '(3) #unread · wschat'));
    await ui.newMessages(reader.page).waitFor();
    assert.equal(await atBottom(reader.page), false, 'the reader stays where they were');

    await ui.newMessages(reader.page).click();
    await eventually(async () => assert.equal(await reader.page.title(), '#unread · wschat'));
    await ui.newMessages(reader.page).waitFor({ state: 'hidden' });
    assert.equal(await atBottom(reader.page), true, 'the button brings the transcript to the bottom');
    await ui.line(reader.page, 'unread three').waitFor();

    // Hidden tab: counted in the title, cleared when the page is seen again at the bottom.
    await setHidden(reader.page, true);
    await post(bob, 'while hidden 1');
    await post(bob, 'while hidden 2');
    await eventually(async () => assert.equal(await reader.page.title(), '(2) #unread · wschat'));
    assert.equal(await ui.newMessages(reader.page).isVisible(), false, 'at the bottom, so nothing is below the view');
    await setHidden(reader.page, false);
    await eventually(async () => assert.equal(await reader.page.title(), '#unread · wschat'));

    // Scrolling down by hand clears the count too.
    await ui.log(reader.page).evaluate((box) => box.scrollTo({ top: 0 }));
    await eventually(async () => assert.equal(await atBottom(reader.page), false));
    await post(bob, 'one more');
    await eventually(async () => assert.equal(await reader.page.title(), '(1) #unread · wschat'));
    await ui.log(reader.page).evaluate((box) => box.scrollTo({ top: box.scrollHeight }));
    await eventually(async () => assert.equal(await reader.page.title(), '#unread · wschat'));
  });

  it('says how long messages last and marks a message in its last seconds before it goes', TEST_TIMEOUT, async () => {
    const short = await ownServer({ messageTtl: 4 });
    const ann = await open(short);
    await join(ann.page, 'ann', 'expiry');
    // Outside the transcript.
    const note = ann.page.getByText('Messages disappear 4 seconds after they are sent.');
    await note.waitFor();
    assert.equal(await ui.log(ann.page).getByText('Messages disappear').count(), 0);

    const bob = await person('bob', 'expiry', short);
    await post(bob, 'short-lived words');
    const line = ui.line(ann.page, 'short-lived words');
    await line.waitFor();
    // Marked as expiring, with a countdown, before it leaves.
    await line.filter({ hasText: /disappears in \d s/ }).waitFor({ timeout: 5000 });
    assert.match((await line.getAttribute('class')) ?? '', /\bexpiring\b/);
    await line.waitFor({ state: 'detached', timeout: 6000 });
  });

  it('/help lists the page’s commands in plain words, not the join payload', TEST_TIMEOUT, async () => {
    const cid = await open();
    await join(cid.page, 'cid', 'help');
    await say(cid.page, '/help');
    const help = ui.line(cid.page, 'Things you can type here');
    await help.waitFor();
    const text = await help.innerText();
    for (const command of ['/list', '/who', '/join <topic>', '/dm <username> <text>', '/leave', '/quit']) {
      assert.ok(text.includes(command), `help mentions ${command}: ${text}`);
    }
    assert.doesNotMatch(text, /[{}"]/, 'no JSON');
    assert.match(text, /Shift\+Enter/);
  });

  it('/join leaves nothing of the old topic on screen: typing line, users, messages', TEST_TIMEOUT, async () => {
    const dee = await open();
    await join(dee.page, 'dee', 'old-topic');
    const bob = await person('bob', 'old-topic');
    await post(bob, 'said in the old topic');
    await ui.line(dee.page, 'said in the old topic').waitFor();
    bob.send({ typing: true });
    await dee.page.getByText('bob is typing…').waitFor();
    await eventually(async () => assert.deepEqual(await userNames(dee.page), ['dee (you)', 'bob']));

    await say(dee.page, '/join new-topic');
    await dee.page.locator('header').getByText('#new-topic').waitFor();
    assert.equal(await dee.page.getByText('is typing').count(), 0, 'no typing line from the old topic');
    assert.deepEqual(await userNames(dee.page), ['dee (you)'], 'only the new topic’s users');
    assert.equal(await ui.line(dee.page, 'said in the old topic').count(), 0, 'no message from the old topic');
    await ui.line(dee.page, 'You joined #new-topic').waitFor();
  });

  it('at 375 px every one of 41 users is reachable, nothing scrolls sideways, resizing stays pinned', { timeout: 60_000 }, async () => {
    const members: ChatTestClient[] = [];
    for (let i = 1; i <= 40; i++) members.push(await person(`member-${String(i).padStart(2, '0')}`, 'crowd'));
    const phone = await open(server(), { width: 375, height: 740 });
    await join(phone.page, 'phone-person-with-a-long-name', 'crowd');
    const items = ui.users(phone.page).getByRole('listitem');
    await eventually(async () => assert.equal(await items.count(), 41));

    for (let i = 0; i < 41; i++) {
      const item = items.nth(i);
      await item.scrollIntoViewIfNeeded();
      // Reachable: the item itself is what is on screen at its centre (not clipped or covered).
      const reachable = await phone.page.evaluate(`(() => {
        const li = document.querySelector('[aria-label="Users"]').children[${i}];
        const box = li.getBoundingClientRect();
        const x = box.left + box.width / 2;
        const y = box.top + box.height / 2;
        if (x < 0 || y < 0 || x > window.innerWidth || y > window.innerHeight) return false;
        const hit = document.elementFromPoint(x, y);
        return hit !== null && li.contains(hit);
      })()`);
      assert.equal(reachable, true, `user ${i + 1} (${await item.innerText()}) can be scrolled into view`);
    }
    assert.equal(await scrollsSideways(phone.page), false, 'no horizontal scroll');

    // Keyboard: the list can take focus and scroll with the arrow keys.
    assert.equal(await ui.users(phone.page).getAttribute('tabindex'), '0');

    const talker = members[0]!;
    for (let i = 1; i <= 20; i++) await post(talker, `line ${i} ${'longword'.repeat(i % 3 === 0 ? 12 : 1)}`);
    await ui.line(phone.page, 'line 20').waitFor();
    await eventually(async () => assert.equal(await atBottom(phone.page), true));
    for (const height of [420, 900, 600]) {
      await phone.page.setViewportSize({ width: 375, height });
      await eventually(async () => assert.equal(await atBottom(phone.page), true, `pinned at height ${height}`));
    }
    assert.equal(await scrollsSideways(phone.page), false);
  });

  it('a lobby left open longer than the join timeout stays quiet and usable', TEST_TIMEOUT, async () => {
    const strict = await ownServer({ joinTimeout: 1 });
    const bob = await person('bob', 'quiet-topic', strict);
    void bob;
    let sockets = 0;
    let closed = 0;
    const page = await tests.open('about:blank');
    page.page.on('websocket', (ws) => {
      sockets++;
      ws.on('close', () => closed++);
    });
    await page.page.goto(`${strict.http}/`);
    // Every status text the page shows, as it changes.
    await page.page.evaluate(`(() => {
      const status = document.querySelector('[role=status]');
      const seen = [status.textContent];
      window.statusTexts = seen;
      new MutationObserver(() => seen.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
    })()`);
    // Two topic-list refreshes apart: well past the 1 s join timeout.
    const item = ui.topics(page.page).getByRole('listitem').filter({ hasText: 'quiet-topic' });
    await item.waitFor();
    await eventually(async () => assert.ok(closed >= 2, `sockets opened ${sockets}, closed ${closed}`), 15_000);

    const texts = (await page.page.evaluate('window.statusTexts')) as string[];
    for (const text of texts) assert.doesNotMatch(text, /offline|disconnect|unreachable|\bconnected\b/i, `status: ${JSON.stringify(texts)}`);
    assert.equal(strict.log.filter((line) => /join timeout/.test(line)).length, 0, `the server never timed the page out:\n${strict.log.join('\n')}`);

    // And joining still works.
    await join(page.page, 'patient', 'quiet-topic');
    assert.equal(await ui.status(page.page).innerText(), 'Connected');
  });
});
