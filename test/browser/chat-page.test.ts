// The web chat page through a real browser, found by role and accessible
// name as web-ui.md specifies. Run: node --import tsx --test test/browser/chat-page.test.ts
//
// One Chromium for the file, a fresh browser context per person, and one
// shared chat server (each test uses its own topic); the expiry and the
// reconnect tests start their own servers. Every test ends by asserting that
// no page logged a console error, threw, or opened a dialog.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Locator } from 'playwright-core';
import {
  browserSkipReason,
  eventually,
  join,
  pageTests,
  say,
  sleep,
  startServer,
  ui,
  userNames,
} from './helpers.ts';
import type { ChatPage, ChatServerProcess } from './helpers.ts';

const skip = browserSkipReason();
if (skip) console.log(`# skipping the browser tests: ${skip}`);

const TEST_TIMEOUT = { timeout: 20_000 };

describe('web chat page', { skip }, () => {
  const tests = pageTests(startServer);
  const server = (): ChatServerProcess => tests.shared();

  /** A server of this test's own, killed after it. */
  async function ownServer(options: Parameters<typeof startServer>[0] = {}): Promise<ChatServerProcess> {
    const started = await startServer(options);
    tests.afterTest(() => started.stop('SIGKILL'));
    return started;
  }

  function open(url = server().url, options: { width?: number; height?: number } = {}): Promise<ChatPage> {
    return tests.open(url, options);
  }

  it('two people chat both ways, with the Send button and with Enter', TEST_TIMEOUT, async () => {
    const [alice, bob] = await Promise.all([open(), open()]);
    await Promise.all([join(alice.page, 'alice', 'both-ways'), join(bob.page, 'bob', 'both-ways')]);

    await say(alice.page, 'hello from alice');
    await ui.line(bob.page, 'hello from alice').waitFor();
    const received = await ui.line(bob.page, 'hello from alice').innerText();
    assert.match(received, /alice/, 'the item shows the sender');
    assert.match(received, /\b\d\d:\d\d\b/, 'and a HH:MM time');

    await ui.message(bob.page).fill('hi alice, from bob');
    await ui.message(bob.page).press('Enter');
    await ui.line(alice.page, 'hi alice, from bob').waitFor();
    assert.equal(await ui.message(bob.page).inputValue(), '', 'Enter sent and cleared the box');

    // Own messages appear once and show the server's acknowledgment.
    await eventually(async () => {
      assert.equal(await ui.line(alice.page, 'hello from alice').count(), 1);
      assert.match(await ui.line(alice.page, 'hello from alice').innerText(), /delivered to 1/);
    });
    assert.equal(await ui.line(bob.page, 'hi alice, from bob').count(), 1);
    assert.equal(await ui.line(alice.page, 'hi alice, from bob').count(), 1);

    // The header shows who and where, outside the transcript.
    assert.equal(await alice.page.locator('header').getByText('#both-ways').count(), 1);
    assert.equal(await alice.page.locator('header').getByText('alice', { exact: true }).count(), 1);
  });

  it('a taken name gets a #2 suffix, shown outside the transcript', TEST_TIMEOUT, async () => {
    const [first, second] = await Promise.all([open(), open()]);
    await join(first.page, 'sam', 'dedup');
    await join(second.page, 'sam', 'dedup');
    await second.page.locator('header').getByText('sam#2', { exact: true }).waitFor();
    assert.deepEqual(await userNames(second.page), ['sam#2 (you)', 'sam']);
    await eventually(async () => assert.deepEqual(await userNames(first.page), ['sam (you)', 'sam#2']));
  });

  it('the Users list follows joins and leaves, with system lines', TEST_TIMEOUT, async () => {
    const [ann, ben, cat] = await Promise.all([open(), open(), open()]);
    await join(ann.page, 'ann', 'presence');
    await join(ben.page, 'ben', 'presence');
    await eventually(async () => assert.deepEqual(await userNames(ann.page), ['ann (you)', 'ben']));
    await ui.line(ann.page, 'ben joined').waitFor();

    await join(cat.page, 'cat', 'presence');
    await eventually(async () => assert.deepEqual(await userNames(ann.page), ['ann (you)', 'ben', 'cat']));
    assert.deepEqual(await userNames(cat.page), ['cat (you)', 'ann', 'ben']);

    // ben leaves with /leave, cat by closing the tab.
    await say(ben.page, '/leave');
    await ui.join(ben.page).waitFor();
    await cat.context.close();
    await eventually(async () => assert.deepEqual(await userNames(ann.page), ['ann (you)']));
    await ui.line(ann.page, 'ben left').waitFor();
    await ui.line(ann.page, 'cat left').waitFor();
  });

  it('/list, /who, /dm, /help and errors from the Message box', TEST_TIMEOUT, async () => {
    const [dora, eve] = await Promise.all([open(), open()]);
    await join(dora.page, 'dora', 'commands');
    await join(eve.page, 'eve', 'commands');

    await say(dora.page, '/list');
    await ui.line(dora.page, 'Active Topics:').waitFor();
    assert.match(await ui.line(dora.page, 'Active Topics:').innerText(), /commands \(2 users\)/);

    await say(dora.page, '/who');
    await ui.line(dora.page, 'Users in #commands').waitFor();
    assert.match(await ui.line(dora.page, 'Users in #commands').innerText(), /dora, eve/);

    await say(dora.page, '/dm eve psst, just for you');
    const dm = ui.line(eve.page, 'psst, just for you');
    await dm.waitFor();
    assert.match(await dm.innerText(), /dora/);
    assert.match(await dm.innerText(), /private/i);
    // The sender sees the DM once, acknowledged; nobody else sees it as a message.
    await eventually(async () => assert.equal(await ui.line(dora.page, 'psst, just for you').filter({ hasText: 'delivered' }).count(), 1));

    await say(dora.page, '/help');
    await ui.line(dora.page, '/dm <username> <text>').waitFor();

    // Errors from the server show with their code and message.
    await say(dora.page, '/dm nobody hello');
    await ui.line(dora.page, 'user_not_found').waitFor();
    await say(dora.page, '/bogus');
    await ui.line(dora.page, 'unknown_command').waitFor();
    assert.match(await ui.line(dora.page, 'unknown_command').innerText(), /\/bogus/);
  });

  it('/join switches topic (the header follows) and /leave returns to the lobby', TEST_TIMEOUT, async () => {
    const fay = await open();
    await join(fay.page, 'fay', 'first-topic');
    await say(fay.page, '/join second-topic');
    await fay.page.locator('header').getByText('#second-topic').waitFor();
    await ui.line(fay.page, 'You joined #second-topic').waitFor();
    assert.deepEqual(await userNames(fay.page), ['fay (you)']);

    await say(fay.page, '/leave');
    await ui.join(fay.page).waitFor();
    assert.equal(await ui.message(fay.page).isVisible(), false, 'the chat view is gone');
    await fay.page.getByText('You left #second-topic.').waitFor();
  });

  it('shows "<name> is typing…" to the others for a few seconds', TEST_TIMEOUT, async () => {
    const [gus, hal] = await Promise.all([open(), open()]);
    await Promise.all([join(gus.page, 'gus', 'typing'), join(hal.page, 'hal', 'typing')]);
    await ui.message(hal.page).pressSequentially('typing something', { delay: 20 });
    const indicator = gus.page.getByText('hal is typing…');
    await indicator.waitFor({ timeout: 3000 });
    assert.equal(await ui.log(gus.page).getByText('is typing').count(), 0, 'not a chat message in the transcript');
    assert.equal(await hal.page.getByText('is typing…').count(), 0, 'not shown to the typist');
    // It goes away a few seconds after the typing stops.
    await indicator.waitFor({ state: 'detached', timeout: 6000 });
  });

  it('shows HTML and script payloads as text and never runs them', TEST_TIMEOUT, async () => {
    const [ivy, jon] = await Promise.all([open(), open()]);
    const payload = '<img src=x onerror=alert(1)>';
    const payload2 = '<script>alert(2)</script><b>bold?</b>';
    await Promise.all([join(ivy.page, '<i>ivy</i>', 'xss'), join(jon.page, 'jon', 'xss')]);
    await say(ivy.page, payload);
    await say(ivy.page, payload2);
    await ui.line(jon.page, payload2).waitFor();
    assert.equal(await ui.line(jon.page, payload).count(), 1, 'the payload appears literally');
    assert.match(await ui.line(jon.page, payload).innerText(), /<i>ivy<\/i>/, 'names are text too');
    assert.equal(await ui.log(jon.page).locator('img, script, b, i').count(), 0, 'no element was created from the data');
    assert.equal(await ui.log(ivy.page).locator('img, script, b, i').count(), 0);
    await eventually(async () => assert.deepEqual(await userNames(jon.page), ['jon (you)', '<i>ivy</i>']));
    await sleep(300); // an onerror handler would have fired by now (the dialog listener records it)
  });

  it('removes a message (live and from history) when it expires, with a countdown first', TEST_TIMEOUT, async () => {
    const short = await ownServer({ args: ['--message-ttl', '3'] });
    const [max, ned, oz] = await Promise.all([open(short.url), open(short.url), open(short.url)]);
    await Promise.all([join(max.page, 'max', 'expiry'), join(ned.page, 'ned', 'expiry')]);
    // oz waits in the lobby with the form filled, to join right after the send.
    await ui.username(oz.page).fill('oz');
    await ui.topic(oz.page).fill('expiry');
    await say(max.page, 'this will vanish');
    await ui.join(oz.page).click();
    await ui.line(ned.page, 'this will vanish').waitFor();
    // The late joiner gets it in history; it expires there on the same schedule.
    await ui.line(oz.page, 'this will vanish').waitFor();

    // The last seconds show a visible countdown.
    await ui.line(ned.page, 'this will vanish').filter({ hasText: /disappears in \d s/ }).waitFor({ timeout: 3000 });

    for (const p of [max, ned, oz]) {
      await ui.line(p.page, 'this will vanish').waitFor({ state: 'detached', timeout: 5000 });
    }
    // Still joined and chatting afterwards.
    await say(ned.page, 'still here');
    await ui.line(max.page, 'still here').waitFor();
  });

  it('the lobby lists active topics with user counts; choosing one fills Topic; joining shows history', TEST_TIMEOUT, async () => {
    const [pat, quinn] = await Promise.all([open(), open()]);
    await Promise.all([join(pat.page, 'pat', 'lobby-topic'), join(quinn.page, 'quinn', 'lobby-topic')]);
    await say(pat.page, 'said before the visitor came');

    const visitor = await open();
    const item = ui.topics(visitor.page).getByRole('listitem').filter({ hasText: 'lobby-topic' });
    await eventually(async () => assert.match(await item.innerText(), /2 users/));

    // The list refreshes by itself while the visitor waits in the lobby.
    await quinn.context.close();
    await eventually(async () => assert.match(await item.innerText(), /1 user\b/), 8000);

    await item.getByRole('button').click();
    assert.equal(await ui.topic(visitor.page).inputValue(), 'lobby-topic');
    await ui.username(visitor.page).fill('visitor');
    await ui.join(visitor.page).click();
    // History: the message sent before joining is there, once, with its sender.
    const line = ui.line(visitor.page, 'said before the visitor came');
    await line.waitFor();
    assert.match(await line.innerText(), /pat/);
    assert.equal(await line.count(), 1);
  });

  it('works with the keyboard alone: Tab, type, Enter to join, Enter to send', TEST_TIMEOUT, async () => {
    const ray = await open();
    await join(ray.page, 'ray', 'keyboard');
    const sue = await open();

    const { keyboard } = sue.page;
    const focused = (locator: Locator): Promise<boolean> => locator.evaluate((node) => node === node.ownerDocument.activeElement);
    const choice = ui.topics(sue.page).getByRole('button').filter({ hasText: 'keyboard' });
    await eventually(async () => assert.equal(await choice.count(), 1));

    // Focus starts in the Username box; Tab goes to Topic, Join, then the topic choices.
    assert.equal(await focused(ui.username(sue.page)), true, 'Username has focus');
    await keyboard.type('sue');
    await keyboard.press('Tab');
    assert.equal(await focused(ui.topic(sue.page)), true, 'Tab reaches Topic');
    await keyboard.press('Tab');
    assert.equal(await focused(ui.join(sue.page)), true, 'Tab reaches Join');
    await keyboard.press('Tab');
    assert.equal(await focused(choice), true, 'Tab reaches the active topic');
    await keyboard.press('Enter');
    assert.equal(await ui.topic(sue.page).inputValue(), 'keyboard', 'Enter on a topic fills Topic');
    assert.equal(await focused(ui.join(sue.page)), true, 'and moves on to Join');
    // Enter in a text box joins too.
    await keyboard.press('Shift+Tab');
    await keyboard.press('Enter');

    // After joining, the Message box has focus.
    await ui.message(sue.page).waitFor();
    await eventually(async () => assert.equal(await focused(ui.message(sue.page)), true));
    await keyboard.type('typed without a mouse');
    await keyboard.press('Enter');
    await ui.line(ray.page, 'typed without a mouse').waitFor();

    // Shift+Enter makes a new line instead of sending.
    await keyboard.type('line one');
    await keyboard.press('Shift+Enter');
    await keyboard.type('line two');
    assert.equal(await ui.message(sue.page).inputValue(), 'line one\nline two');
    await keyboard.press('Enter');
    await ui.line(ray.page, 'line two').waitFor();
  });

  it('fits a 375 px wide screen: no horizontal scroll, long words wrap', TEST_TIMEOUT, async () => {
    const phone = await open(server().url, { width: 375, height: 740 });
    const scrollsSideways = async (): Promise<boolean> =>
      Boolean(await phone.page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth'));

    assert.equal(await scrollsSideways(), false, 'lobby');
    await join(phone.page, 'a-very-long-name-without-spaces', 'narrow-screen-with-a-rather-long-topic-name-for-testing');
    const longWord = 'Supercalifragilistic'.repeat(12);
    const longUrl = `https://example.org/${'path/'.repeat(30)}`;
    await say(phone.page, longWord);
    await say(phone.page, longUrl);
    await say(phone.page, '/who');
    await ui.line(phone.page, 'Users in #narrow').waitFor();
    assert.equal(await scrollsSideways(), false, 'chat with long words');
    for (const text of [longWord, longUrl]) {
      const box = await ui.line(phone.page, text).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 375, `the message fits the screen: ${JSON.stringify(box)}`);
    }
  });

  it('says when it is disconnected, reconnects with backoff and rejoins the same topic', { timeout: 40_000 }, async () => {
    const first = await ownServer();
    const port = first.port;
    const uma = await open(first.url);
    await join(uma.page, 'uma', 'reconnect');
    await say(uma.page, '/join reconnect-2');
    await uma.page.locator('header').getByText('#reconnect-2').waitFor();
    assert.equal(await ui.status(uma.page).innerText(), 'Connected');

    uma.expectOutage(true);
    await first.stop('SIGKILL');
    await eventually(async () => {
      const text = await ui.status(uma.page).innerText();
      assert.match(text, /offline|reconnecting/i);
    });
    // While it is down and retrying, the status never claims to be connected.
    for (let i = 0; i < 6; i++) {
      const text = await ui.status(uma.page).innerText();
      assert.doesNotMatch(text, /\bconnected\b/i, `status while down: ${text}`);
      assert.match(text, /offline|connecting/i);
      await sleep(150);
    }
    assert.match(await ui.status(uma.page).innerText(), /reconnecting in \d+ s/);

    // Back on the same port: the page rejoins the topic it was in (after /join).
    const second = await ownServer({ port });
    await eventually(async () => assert.equal(await ui.status(uma.page).innerText(), 'Connected'), 20_000);
    uma.expectOutage(false);
    await eventually(async () => assert.deepEqual(await userNames(uma.page), ['uma (you)']));
    await uma.page.locator('header').getByText('#reconnect-2').waitFor();

    // And chatting works again with someone new.
    const vic = await open(second.url);
    await join(vic.page, 'vic', 'reconnect-2');
    await say(vic.page, 'welcome back');
    await ui.line(uma.page, 'welcome back').waitFor();
    assert.deepEqual(await userNames(uma.page), ['uma (you)', 'vic']);
  });
});
