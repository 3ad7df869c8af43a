// @ts-check
/**
 * The transcript (role log): chat messages, DMs and system lines; each
 * message shown once (deduplicated by id), own messages in the order of the
 * server's ids, expiry announced in a message's last seconds, the view kept
 * pinned to the bottom, and unread messages counted in the title and behind
 * the "New messages" button while the page is hidden or scrolled up.
 */
import { serverNow } from './clock.js';
import { el, hueClass, setText, timeElement, ui } from './dom.js';

/** @typedef {import('./types.js').MessageFrame} MessageFrame */
/** @typedef {import('./types.js').AckFrame} AckFrame */
/**
 * @typedef {{li: HTMLLIElement, state: HTMLElement, label: HTMLElement, text: string, status: 'pending' | 'unsure' | 'failed' | 'sent'}} OwnLine
 * @typedef {'info' | 'reply' | 'presence' | 'error' | 'warn' | 'command'} SystemKind
 */

/** Old lines are dropped beyond this so a page left open all day stays light. */
const MAX_LINES = 500;
/** Keys of shown messages kept for deduplication (more than MAX_LINES: expired ones still count). */
const MAX_SEEN = 5000;
/** Within this many pixels of the end counts as "at the bottom". */
const BOTTOM_SLACK_PX = 48;

/** The dedupe key: ids restart with a new server process, so the sender and time come along. @param {number} id @param {string} username @param {number} timestamp */
function keyOf(id, username, timestamp) {
  return `${id}\u0000${username}\u0000${timestamp}`;
}

/** The last seconds of a message's life, in which it is marked as expiring. @param {number} ttlSeconds */
export function warningMs(ttlSeconds) {
  return Math.min(10_000, Math.max(2000, (ttlSeconds * 1000) / 3));
}

export class Transcript {
  /** Seconds a message lasts; 0 = unknown or never. */
  ttl = 0;
  /** The title without the unread count. */
  #title = 'wschat';
  #unread = 0;
  /** True while the view is at (or was last left at) the bottom. */
  #pinned = true;
  /** @type {Set<string>} */
  #seen = new Set();
  /** @type {Map<HTMLLIElement, {at: number, label: HTMLElement}>} server-clock expiry per line */
  #expiries = new Map();
  /** @type {Set<OwnLine>} own messages without an ack */
  #own = new Set();

  constructor() {
    ui.transcript.addEventListener('scroll', () => {
      this.#pinned = this.#atBottom();
      if (this.#pinned) this.#maybeSeen();
      this.#renderUnread();
    });
    // Resizing (a phone's keyboard, a rotated screen) keeps a pinned view at the bottom.
    const keepPinned = () => {
      if (this.#pinned) this.scrollToBottom();
    };
    new ResizeObserver(keepPinned).observe(ui.transcript);
    new ResizeObserver(keepPinned).observe(ui.lines);
    document.addEventListener('visibilitychange', () => this.#maybeSeen());
    ui.newMessages.addEventListener('click', () => {
      this.scrollToBottom();
      this.#pinned = true;
      this.#maybeSeen();
      ui.transcript.focus(); // the button goes away; the reader stays in the transcript
    });
  }

  /** @param {string} title */
  setTitle(title) {
    this.#title = title;
    this.#renderUnread();
  }

  clear() {
    ui.lines.replaceChildren();
    this.#expiries.clear();
    this.#seen.clear();
    this.#own.clear();
    this.#unread = 0;
    this.#pinned = true;
    this.#renderUnread();
  }

  scrollToBottom() {
    ui.transcript.scrollTop = ui.transcript.scrollHeight;
  }

  /** A system line: replies to commands, joins and leaves, errors, notices. @param {string} text @param {SystemKind} [kind] */
  system(text, kind = 'info') {
    const li = el('li', `line system ${kind}`);
    li.append(el('span', 'system-text', text));
    this.#append(li, kind === 'command');
  }

  /**
   * A chat message from the server, unless it is already shown.
   * @param {MessageFrame} frame @param {{mine: boolean, fromHistory: boolean, counts: boolean}} how
   * @returns {boolean} whether it was added
   */
  message(frame, how) {
    const key = keyOf(frame.id, frame.username, frame.timestamp);
    if (this.#seen.has(key)) return false;
    if (how.mine && this.#adoptUnsure(frame, key)) return false;
    this.#see(key);
    const li = el('li', `line msg${how.mine ? ' own' : ''}${how.fromHistory ? ' history' : ''}`);
    li.dataset['id'] = String(frame.id);
    const meta = lineHeader(li, String(frame.username), frame.timestamp);
    const label = el('span', 'expiry');
    meta.append(label);
    li.append(el('p', 'text', String(frame.message)));
    this.#setExpiry(li, frame.timestamp, label);
    this.#insertById(li, frame.id);
    if (how.counts && !how.mine) this.#countUnread();
    return true;
  }

  /** Our message, shown at once as pending until its ack. @param {string} name @param {string} text @returns {OwnLine} */
  ownPending(name, text) {
    const li = el('li', 'line msg own pending');
    const meta = lineHeader(li, name, undefined);
    const state = el('span', 'state', 'sending…');
    const label = el('span', 'expiry');
    meta.append(state, label);
    li.append(el('p', 'text', text));
    const own = /** @type {OwnLine} */ ({ li, state, label, text, status: 'pending' });
    this.#own.add(own);
    this.#append(li, true);
    return own;
  }

  /** The server accepted our message: its id, time and how many got it. @param {OwnLine} own @param {AckFrame} ack @param {string} name */
  ownAcked(own, ack, name) {
    this.#own.delete(own);
    this.#see(keyOf(ack.id, name, ack.timestamp));
    own.status = 'sent';
    own.li.dataset['id'] = String(ack.id);
    own.li.classList.remove('pending', 'failed');
    const recipients = Number(ack.recipients) || 0;
    setText(own.state, recipients === 0 ? '✓ sent · nobody else here' : `✓ delivered to ${recipients}`);
    own.li.querySelector('time')?.replaceWith(timeElement(ack.timestamp));
    this.#setExpiry(own.li, ack.timestamp, own.label);
    // Others' messages with lower ids may have arrived before our ack: the
    // transcript follows the server's order.
    own.li.remove();
    this.#insertById(own.li, ack.id);
  }

  /** The connection dropped before the ack: the resume will tell whether it arrived. @param {OwnLine} own */
  ownUnsure(own) {
    if (own.status !== 'pending') return;
    own.status = 'unsure';
    setText(own.state, 'not confirmed yet…');
  }

  /** Not delivered. @param {OwnLine} own */
  ownFailed(own) {
    this.#own.delete(own);
    own.status = 'failed';
    own.li.classList.remove('pending');
    own.li.classList.add('failed');
    setText(own.state, '✗ not delivered');
  }

  /** Own messages whose fate the resume did not settle. @returns {OwnLine[]} */
  unsettled() {
    return [...this.#own].filter((own) => own.status === 'unsure');
  }

  /** A private message line. @param {{from: string, to: string, text: string, timestamp: number, outgoing: boolean}} dm */
  dm(dm) {
    const li = el('li', `line msg dm${dm.outgoing ? ' own' : ''}`);
    const meta = el('div', 'meta');
    meta.append(el('span', 'dm-badge', 'private'));
    if (dm.outgoing) {
      meta.append(el('span', 'dm-dir', 'you → '), el('span', `sender ${hueClass(dm.to)}`, dm.to));
    } else {
      meta.append(el('span', `sender ${hueClass(dm.from)}`, dm.from), el('span', 'dm-dir', ' → you'));
    }
    meta.append(el('span', 'visually-hidden', ': '), timeElement(dm.timestamp));
    if (dm.outgoing) meta.append(el('span', 'state', '✓ delivered'));
    const label = el('span', 'expiry');
    meta.append(label);
    li.append(meta, el('p', 'text', dm.text));
    // DMs are not stored by the server; they fade on the same schedule so the
    // page forgets as much as the server does.
    this.#setExpiry(li, dm.timestamp, label);
    this.#append(li, dm.outgoing);
    if (!dm.outgoing) this.#countUnread();
  }

  /** Countdowns and removals, on the server's clock. */
  tick() {
    const now = serverNow();
    for (const li of [...this.#expiries.keys()]) this.#updateExpiry(li, now);
  }

  // ---- placing lines -------------------------------------------------------

  /** @param {HTMLLIElement} li @param {boolean} [force] scroll to it even when scrolled up */
  #append(li, force = false) {
    const stick = this.#atBottom();
    ui.lines.append(li);
    this.#afterInsert(stick || force);
  }

  /** Inserts a message after every message with a lower id (usually: at the end). @param {HTMLLIElement} li @param {number} id */
  #insertById(li, id) {
    let before = null;
    for (let node = ui.lines.lastElementChild; node; node = node.previousElementSibling) {
      const other = Number(/** @type {HTMLElement} */ (node).dataset['id']);
      if (Number.isFinite(other) && other < id) break;
      if (Number.isFinite(other) && other > id) before = node;
    }
    const stick = this.#atBottom();
    ui.lines.insertBefore(li, before);
    this.#afterInsert(stick);
  }

  /**
   * Whether the view was at the bottom is measured before each insert, not
   * taken from the last scroll event, which may still be on its way.
   * @param {boolean} stick
   */
  #afterInsert(stick) {
    while (ui.lines.childElementCount > MAX_LINES) {
      const first = ui.lines.firstElementChild;
      if (!(first instanceof HTMLLIElement)) break;
      this.#expiries.delete(first);
      first.remove();
    }
    this.#pinned = stick;
    if (stick) this.scrollToBottom();
    this.#renderUnread();
  }

  /** @param {string} key */
  #see(key) {
    this.#seen.add(key);
    if (this.#seen.size > MAX_SEEN) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }

  /**
   * A message of ours that was in flight when the connection dropped may have
   * reached the server after all: the resume's history shows it.
   * @param {MessageFrame} frame @param {string} key
   */
  #adoptUnsure(frame, key) {
    for (const own of this.#own) {
      if (own.status !== 'unsure' || own.text.trim() !== String(frame.message).trim()) continue;
      this.ownAcked(own, { type: 'ack', id: frame.id, timestamp: frame.timestamp, recipients: 0 }, String(frame.username));
      setText(own.state, '✓ delivered');
      this.#see(key);
      return true;
    }
    return false;
  }

  // ---- expiry --------------------------------------------------------------

  /** @param {HTMLLIElement} li @param {number} timestamp @param {HTMLElement} label */
  #setExpiry(li, timestamp, label) {
    if (this.ttl <= 0 || !Number.isFinite(timestamp)) return;
    this.#expiries.set(li, { at: (timestamp + this.ttl) * 1000, label });
    this.#updateExpiry(li, serverNow());
  }

  /** @param {HTMLLIElement} li @param {number} now */
  #updateExpiry(li, now) {
    const entry = this.#expiries.get(li);
    if (!entry) return;
    const left = entry.at - now;
    if (left <= 0) {
      this.#expiries.delete(li);
      li.remove();
      return;
    }
    if (left <= warningMs(this.ttl)) {
      li.classList.add('expiring');
      setText(entry.label, `disappears in ${Math.ceil(left / 1000)} s`);
    }
  }

  // ---- unread --------------------------------------------------------------

  #atBottom() {
    const box = ui.transcript;
    return box.scrollHeight - box.scrollTop - box.clientHeight < BOTTOM_SLACK_PX;
  }

  #countUnread() {
    if (document.visibilityState === 'hidden' || !this.#pinned) this.#unread++;
    this.#renderUnread();
  }

  /** The count goes once the reader can see the bottom of the transcript. */
  #maybeSeen() {
    if (document.visibilityState !== 'hidden' && this.#pinned && this.#unread > 0) {
      this.#unread = 0;
      this.#renderUnread();
    }
  }

  #renderUnread() {
    const title = this.#unread > 0 ? `(${this.#unread}) ${this.#title}` : this.#title;
    if (document.title !== title) document.title = title;
    ui.newMessages.hidden = this.#unread === 0 || this.#pinned;
  }
}

/** @param {HTMLLIElement} li @param {string} name @param {number | undefined} timestamp */
function lineHeader(li, name, timestamp) {
  const meta = el('div', 'meta');
  // Screen readers hear "alice: hello" rather than the words run together.
  meta.append(el('span', `sender ${hueClass(name)}`, name), el('span', 'visually-hidden', ': '));
  meta.append(timestamp === undefined ? el('time', 'time', '··:··') : timeElement(timestamp));
  li.append(meta);
  return meta;
}
