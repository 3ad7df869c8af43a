// Makes the README's screenshots: starts the chat server, lets two people
// chat in one topic, and saves what one of them sees at desktop and phone
// width. Run with: node --import tsx scripts/screenshot.ts [--dark]
//
// Writes docs/screenshot-desktop.png (1280x800) and docs/screenshot-phone.png (375x740).

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT, browserSkipReason, eventually, join, launchBrowser, openPage, say, sleep, startServer, ui } from '../test/browser/helpers.ts';

const dark = process.argv.includes('--dark');
const suffix = dark ? '-dark' : '';

const skip = browserSkipReason();
if (skip) {
  console.error(skip);
  process.exit(1);
}

const docs = path.join(REPO_ROOT, 'docs');
mkdirSync(docs, { recursive: true });

const server = await startServer({ args: ['--message-ttl', '120'] });
const browser = await launchBrowser();
try {
  const colorScheme = dark ? 'dark' : 'light';
  // A third person keeps the lobby's topic list interesting.
  const carol = await openPage(browser, server.url, { colorScheme });
  await join(carol.page, 'carol', 'movies');

  const alice = await openPage(browser, server.url, { width: 1280, height: 800, colorScheme });
  const bob = await openPage(browser, server.url, { width: 375, height: 740, colorScheme });
  await join(alice.page, 'alice', 'rust');
  await join(bob.page, 'bob', 'rust');

  const lines: [Page, string][] = [
    [alice.page, 'Hi Bob! Did you try the new borrow checker diagnostics?'],
    [bob.page, 'Yes — the suggestions are much clearer now.'],
    [alice.page, 'Messages here disappear after two minutes, so no pressure.'],
    [bob.page, 'Perfect for quick questions. Shift+Enter gives a new line,\nlike this.'],
  ];
  for (const [page, text] of lines) {
    await ui.message(page).click();
    await ui.message(page).pressSequentially(text.slice(0, 3), { delay: 20 });
    await ui.message(page).fill(text);
    await ui.send(page).click();
    await sleep(150);
  }
  await say(alice.page, '/who');
  // Bob starts typing so that Alice sees the indicator (after a pause: the
  // server passes on at most one typing frame per second and person).
  await sleep(1200);
  await ui.message(bob.page).pressSequentially('one more', { delay: 30 });
  await eventually(async () => {
    if (!(await alice.page.getByText('bob is typing…').isVisible())) throw new Error('no typing indicator yet');
  });
  await eventually(async () => {
    if ((await ui.line(alice.page, 'like this').count()) !== 1) throw new Error('last message not shown yet');
  });

  await alice.page.screenshot({ path: path.join(docs, `screenshot-desktop${suffix}.png`) });
  await bob.page.screenshot({ path: path.join(docs, `screenshot-phone${suffix}.png`) });

  const problems = [...alice.problems, ...bob.problems, ...carol.problems];
  if (problems.length > 0) throw new Error(`page problems:\n${problems.join('\n')}`);
  console.log(`wrote ${path.join(docs, `screenshot-desktop${suffix}.png`)} and screenshot-phone${suffix}.png`);
} finally {
  await browser.close();
  await server.stop();
}
