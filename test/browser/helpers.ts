// Shared pieces of the browser tests: a chat server child process, Debian's
// Chromium driven by playwright-core, per-page error collection, what each
// test opens (closed and checked after it), and a retrying assertion
// (playwright-core has no `expect`).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, afterEach, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, ConsoleMessage, Locator, Page } from 'playwright-core';
import { join as clientJoin, ourClient, type ChatTestClient } from '../helpers/chat-client.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SERVER_BIN = path.join(REPO_ROOT, 'bin', 'server.js');

// Debian's package, never a downloaded browser build (CI installs it in .ci/run).
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Why the browser tests cannot run here, or false when they can. In CI a
 * missing browser is a failure, not a skip, so that it cannot go unnoticed.
 */
export function browserSkipReason(): string | false {
  if (existsSync(CHROMIUM_PATH)) return false;
  const reason = `${CHROMIUM_PATH} not found: install Debian's chromium (apt-get install -y chromium) to run the browser tests`;
  if (process.env['CI']) throw new Error(`CI is set and ${reason}`);
  return reason;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A port that was free a moment ago (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

// ---- the chat server --------------------------------------------------------

export interface ChatServerProcess {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** What the server wrote to stderr (its log), for failure messages. */
  log(): string;
  /** Ends the process (SIGTERM: graceful; SIGKILL: a crash) and waits for it. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const LISTENING = / info listening url=(http:\/\/\S+)/;

/** Spawns `node bin/server.js` and resolves once it logs that it listens. */
export async function startServer(options: { port?: number; args?: string[] } = {}): Promise<ChatServerProcess> {
  if (!existsSync(path.join(REPO_ROOT, 'dist', 'server', 'chat-server.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first');
  }
  const port = options.port ?? (await freePort());
  const child = spawn(
    process.execPath,
    [SERVER_BIN, '--port', String(port), '--host', '127.0.0.1', '--heartbeat', '0', ...(options.args ?? [])],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr?.setEncoding('utf8');
  return new Promise<ChatServerProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not report listening within 10 s:\n${log}`));
    }, 10_000);
    child.stderr?.on('data', (chunk: string) => {
      log = (log + chunk).slice(-65_536);
      const match = LISTENING.exec(log);
      if (!match || !match[1]) return;
      clearTimeout(timer);
      resolve({
        port,
        url: match[1],
        child,
        log: () => log,
        async stop(signal: NodeJS.Signals = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (code ${code}, signal ${signal}):\n${log}`));
    });
  });
}

// ---- pages ------------------------------------------------------------------------

export interface ChatPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors, page errors and dialogs seen so far; a test asserts none. */
  readonly problems: string[];
  /**
   * While the test has taken the server down on purpose, Chromium itself
   * logs each refused connection attempt ("WebSocket connection to … failed",
   * "net::ERR_CONNECTION_REFUSED") as a console error. No page can prevent
   * that (the browser writes it, not the script), so exactly those messages
   * are accepted during the outage; anything else still counts.
   */
  expectOutage(on: boolean): void;
}

const BROWSER_NETWORK_ERROR = /^WebSocket connection to '[^']*' failed: |net::ERR_CONNECTION_(REFUSED|RESET|CLOSED)/;

export interface OpenPageOptions {
  width?: number;
  height?: number;
  colorScheme?: 'light' | 'dark';
  fakeClock?: boolean;
}

export async function openPage(browser: Browser, url: string, options: OpenPageOptions = {}): Promise<ChatPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
  });
  // A clock that flows naturally until a test moves it on (clock.runFor) to
  // show that a timer did not fire; installed before the page's scripts run.
  if (options.fakeClock) await context.clock.install();
  const page = await context.newPage();
  const problems: string[] = [];
  let outage = false;
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (outage && BROWSER_NETWORK_ERROR.test(text)) return;
    problems.push(`console.error: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog (${dialog.type()}): ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(url);
  return {
    context,
    page,
    problems,
    expectOutage(on) {
      outage = on;
    },
  };
}

// ---- what each test opens ----------------------------------------------------------

export interface PageTests {
  /** Opens a page (openPage) in the block's Chromium; checked and closed after the current test. */
  open(url: string, options?: OpenPageOptions): Promise<ChatPage>;
  /** A plain WebSocket test client on `wsUrl`, destroyed after the current test. */
  client(wsUrl: string): Promise<ChatTestClient>;
  /** A test client on `wsUrl` joined to `topic` as `name`: another person in the room. */
  person(wsUrl: string, name: string, topic: string): Promise<ChatTestClient>;
  /** Runs `step` after the current test, once its pages are closed; the newest step runs first. */
  afterTest(step: () => unknown): void;
}

/** What pageTests can start for the whole block and stop after it. */
export interface SharedServer {
  stop(): Promise<unknown>;
}

/**
 * Call inside a describe callback: one Chromium for the block (and, given
 * `startShared`, one server started alongside it: `shared()`), and after
 * each test the pages it opened are closed and what it handed to afterTest
 * is ended, then the test fails if any page logged a console error, threw,
 * or opened a dialog.
 */
export function pageTests(): PageTests;
export function pageTests<S extends SharedServer>(startShared: () => Promise<S>): PageTests & { shared(): S };
export function pageTests<S extends SharedServer>(startShared?: () => Promise<S>): PageTests & { shared(): S } {
  let browser: Browser | undefined;
  let sharedServer: S | undefined;
  let pages: ChatPage[] = [];
  const steps: (() => unknown)[] = [];

  before(async () => {
    [browser, sharedServer] = await Promise.all([launchBrowser(), startShared?.()]);
  });
  after(async () => {
    await browser?.close();
    await sharedServer?.stop();
  });
  afterEach(async () => {
    const problems = pages.flatMap((p, i) => p.problems.map((problem) => `page ${i + 1}: ${problem}`));
    await Promise.all(pages.map((p) => p.context.close()));
    for (const step of steps.splice(0).reverse()) await step();
    pages = [];
    assert.deepEqual(problems, [], 'no console errors, page errors or dialogs');
  });

  async function client(wsUrl: string): Promise<ChatTestClient> {
    const opened = await ourClient(wsUrl);
    steps.push(() => opened.destroy());
    return opened;
  }
  return {
    client,
    shared() {
      if (!sharedServer) throw new Error('pageTests(): no shared server (none asked for, or the before hook has not run)');
      return sharedServer;
    },
    async open(url, options = {}) {
      if (!browser) throw new Error('pageTests(): the browser is launched in a before hook, open pages inside a test');
      const page = await openPage(browser, url, options);
      pages.push(page);
      return page;
    },
    async person(wsUrl, name, topic) {
      const joined = await client(wsUrl);
      await clientJoin(joined, name, topic);
      return joined;
    },
    afterTest(step) {
      steps.push(step);
    },
  };
}

/** Sends from a test client and waits for the server's ack; a text that starts with `/` is sent as a command. */
export async function post(client: ChatTestClient, text: string): Promise<void> {
  client.send(text.startsWith('/') ? text : { message: text });
  await client.next('ack');
}

/** Pretends the tab went to the background (or came back), as when the person switches tabs. */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  // A string, not a function: tsx would add helpers that do not exist in the page.
  await page.evaluate(`(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, value: ${hidden ? "'hidden'" : "'visible'"} });
    Object.defineProperty(document, 'hidden', { configurable: true, value: ${hidden} });
    document.dispatchEvent(new Event('visibilitychange'));
  })()`);
}

// ---- the page's accessible surface (web-ui.md) ------------------------------------

export const ui = {
  username: (page: Page): Locator => page.getByRole('textbox', { name: 'Username', exact: true }),
  topic: (page: Page): Locator => page.getByRole('textbox', { name: 'Topic', exact: true }),
  join: (page: Page): Locator => page.getByRole('button', { name: 'Join', exact: true }),
  topics: (page: Page): Locator => page.getByRole('list', { name: 'Active topics', exact: true }),
  message: (page: Page): Locator => page.getByRole('textbox', { name: 'Message', exact: true }),
  send: (page: Page): Locator => page.getByRole('button', { name: 'Send', exact: true }),
  log: (page: Page): Locator => page.getByRole('log'),
  users: (page: Page): Locator => page.getByRole('list', { name: 'Users', exact: true }),
  status: (page: Page): Locator => page.getByRole('status'),
  newMessages: (page: Page): Locator => page.getByRole('button', { name: 'New messages', exact: true }),
  /** The transcript items whose text contains `text`. */
  line: (page: Page, text: string): Locator => page.getByRole('log').getByRole('listitem').filter({ hasText: text }),
};

/**
 * Retries `check` until it stops throwing or `timeoutMs` passes, then
 * rethrows its last error: the assertion message says what was wrong.
 */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await sleep(50);
  }
}

/** The visible texts of the Users list items. */
export async function userNames(page: Page): Promise<string[]> {
  return (await ui.users(page).getByRole('listitem').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
}

/** Fills the lobby form, presses Join and waits for the chat view. */
export async function join(page: Page, username: string, topic: string): Promise<void> {
  await ui.username(page).fill(username);
  await ui.topic(page).fill(topic);
  await ui.join(page).click();
  await ui.message(page).waitFor({ state: 'visible', timeout: 5000 });
  await ui.users(page).getByRole('listitem').filter({ hasText: '(you)' }).waitFor({ timeout: 5000 });
}

/** Types into the Message box and presses Send. */
export async function say(page: Page, text: string): Promise<void> {
  await ui.message(page).fill(text);
  await ui.send(page).click();
}
