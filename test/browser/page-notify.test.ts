// Desktop notifications (web-ui.md, issue 14): off until the person ticks
// the box, asked for on that click and never on load, then shown while the
// page is hidden for a private message or a message that names the person.
// Run: node --import tsx --test test/browser/page-notify.test.ts
//
// The permission is granted (or left to Chromium, which denies a headless
// prompt) through the Playwright context. `window.Notification` is wrapped
// before the page's scripts run so that the test can see what the page
// asked for and which notifications it created; the permission itself stays
// the browser's.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { ChatTestClient } from '../helpers/chat-client.ts';
import { startChatServer } from '../helpers/chat-server.ts';
import type { RunningChatServer } from '../helpers/chat-server.ts';
import { browserSkipReason, eventually, join, pageTests, post, setHidden, ui } from './helpers.ts';
import type { ChatPage } from './helpers.ts';

const skip = browserSkipReason();
if (skip) console.log(`# skipping the browser tests: ${skip}`);

const TEST_TIMEOUT = { timeout: 30_000 };

interface Recorded {
  shown: Array<{ title: string; body: string }>;
  requests: number;
}

// A string, not a function: tsx would add helpers that do not exist in the page.
const RECORD_NOTIFICATIONS = `(() => {
  const Real = window.Notification;
  if (typeof Real !== 'function') return;
  const recorded = { shown: [], requests: 0 };
  window.__recordedNotifications = recorded;
  // Records instead of showing: a headless browser has no desktop to show on.
  class RecordingNotification extends EventTarget {
    constructor(title, options = {}) {
      super();
      recorded.shown.push({ title: String(title), body: String(options.body ?? '') });
    }
    static get permission() { return Real.permission; }
    static requestPermission(...args) {
      recorded.requests++;
      return Real.requestPermission(...args);
    }
    close() {}
  }
  window.Notification = RecordingNotification;
})()`;

function recorded(page: Page): Promise<Recorded> {
  return page.evaluate('window.__recordedNotifications') as Promise<Recorded>;
}

const notifyBox = (page: Page): Locator => page.getByRole('checkbox', { name: /notify me/i });

describe('desktop notifications on the page', { skip }, () => {
  const tests = pageTests(startChatServer);
  const server = (): RunningChatServer => tests.shared();

  /** A page whose Notification is recorded; `grant` allows notifications for the server's origin first. */
  async function open(grant: boolean): Promise<ChatPage> {
    const chat = await tests.open('about:blank');
    if (grant) await chat.context.grantPermissions(['notifications'], { origin: server().http });
    await chat.page.addInitScript(RECORD_NOTIFICATIONS);
    await chat.page.goto(`${server().http}/`);
    return chat;
  }

  function person(name: string, topic: string): Promise<ChatTestClient> {
    return tests.person(server().url, name, topic);
  }

  it('asks nothing on load; once ticked, notifies of DMs and mentions while hidden, and only of those', TEST_TIMEOUT, async () => {
    const { page } = await open(true);
    await join(page, 'alice', 'notify-on');
    const bob = await person('bob', 'notify-on');
    await ui.line(page, 'bob joined').waitFor();
    assert.equal(await notifyBox(page).isChecked(), false, 'off until the person ticks the box, even with the permission granted');
    assert.equal((await recorded(page)).requests, 0, 'no permission request on load');

    // Off: a DM while hidden shows in the transcript only.
    await setHidden(page, true);
    await post(bob, '/dm alice before the box');
    await ui.line(page, 'before the box').waitFor();
    assert.deepEqual((await recorded(page)).shown, [], 'nothing before the box is ticked');

    await setHidden(page, false);
    await notifyBox(page).check();
    await eventually(async () => assert.equal(await notifyBox(page).isChecked(), true));
    assert.ok((await recorded(page)).requests <= 1, 'at most one request, on the click');

    // Visible: the person sees the message, so no notification.
    await post(bob, 'alice, look while you are here');
    await ui.line(page, 'look while you are here').waitFor();

    await setHidden(page, true);
    await post(bob, 'a message for everyone');
    await post(bob, 'Alice: lunch?');
    await post(bob, '/dm alice a secret');
    await post(bob, 'malice is not a mention');
    await post(bob, 'last line');
    // Frames are handled in order: once the last line shows, every earlier one was considered.
    await ui.line(page, 'last line').waitFor();
    assert.deepEqual((await recorded(page)).shown, [
      { title: 'bob mentioned you', body: 'Alice: lunch?' },
      { title: 'Private message from bob', body: 'a secret' },
    ]);

    // Unticked: quiet again.
    await setHidden(page, false);
    await notifyBox(page).uncheck();
    await setHidden(page, true);
    await post(bob, '/dm alice after the box');
    await ui.line(page, 'after the box').waitFor();
    assert.equal((await recorded(page)).shown.length, 2, 'no notification once the box is unticked');
    assert.ok((await recorded(page)).requests <= 1);
  });

  it('asks on the click; when the browser denies, the box stays unticked and nothing is shown', TEST_TIMEOUT, async () => {
    const { page } = await open(false);
    await join(page, 'carol', 'notify-denied');
    const dave = await person('dave', 'notify-denied');
    await ui.line(page, 'dave joined').waitFor();
    assert.equal(await page.evaluate('Notification.permission'), 'default');
    assert.equal((await recorded(page)).requests, 0, 'no permission request on load or on joining');

    // Headless Chromium answers the prompt with "denied".
    await notifyBox(page).click();
    await eventually(async () => assert.equal((await recorded(page)).requests, 1, 'the click asks once'));
    await eventually(async () => assert.equal(await notifyBox(page).isChecked(), false));
    assert.match((await notifyBox(page).getAttribute('title')) ?? '', /blocked/, 'the box says why it stays off');

    await setHidden(page, true);
    await post(dave, '/dm carol are you there?');
    await post(dave, 'carol?');
    await ui.line(page, 'carol?').waitFor();
    assert.deepEqual((await recorded(page)).shown, [], 'denied: no notification');
  });

  it('remembers the choice: after a reload the box is ticked again without asking', TEST_TIMEOUT, async () => {
    const { page } = await open(true);
    await join(page, 'erin', 'notify-reload');
    await notifyBox(page).check();
    await eventually(async () => assert.equal(await notifyBox(page).isChecked(), true));

    await page.reload();
    await join(page, 'erin', 'notify-reload');
    assert.equal(await notifyBox(page).isChecked(), true, 'ticked again after the reload');
    assert.equal((await recorded(page)).requests, 0, 'no request on load, even with the box remembered');

    const frank = await person('frank', 'notify-reload');
    await setHidden(page, true);
    await post(frank, '/dm erin welcome back');
    await eventually(async () => assert.deepEqual((await recorded(page)).shown, [{ title: 'Private message from frank', body: 'welcome back' }]));
  });
});
