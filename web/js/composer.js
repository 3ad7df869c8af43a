// @ts-check
/**
 * The Message box: sending messages (shown at once, settled by the ack or
 * an error), the commands a person types, and typing notices.
 */
import { setText, ui } from './dom.js';

/**
 * @typedef {import('./types.js').AckFrame} AckFrame
 * @typedef {import('./connection.js').ChatConnection} ChatConnection
 * @typedef {import('./transcript.js').Transcript} Transcript
 * @typedef {import('./transcript.js').OwnLine} OwnLine
 * @typedef {{ref: string, own?: OwnLine, dmArgs?: string}} Outstanding
 */

/** The protocol lets the server rate-limit typing; once per 2 s is plenty. */
const TYPING_SEND_INTERVAL_MS = 2000;
/** After a message, the next typing notice may follow sooner, but not within the server's 1 s limit. */
const TYPING_AFTER_MESSAGE_MS = 1100;
/** Error codes that answer a chat message or /dm (each gets one ack or one error, in order). */
const SEND_ERROR_CODES = new Set(['empty_message', 'message_too_long', 'rate_limited', 'invalid_message', 'user_not_found', 'unavailable']);

/** What /help shows: the page's own commands, in plain words. */
export const HELP_TEXT = [
  'Things you can type here:',
  '/list — the active topics and how many people are in each',
  '/who — who is in this topic',
  '/join <topic> — move to another topic',
  '/dm <username> <text> — a private message to one person in this topic',
  '/leave — leave this topic and go back to the start',
  '/quit — close the chat',
  '/help — this list',
  'Enter sends; Shift+Enter starts a new line.',
].join('\n');

export class Composer {
  #connection;
  #transcript;
  #myName;
  #refCounter = 0;
  #lastTypingSent = 0;
  /** /list commands typed by the person, whose replies go to the transcript. */
  listRequests = 0;
  /** @type {Outstanding[]} chat messages and /dm commands waiting for their ack or error, oldest first */
  #outstanding = [];

  /** @param {ChatConnection} connection @param {Transcript} transcript @param {() => string | null} myName null while not in a topic */
  constructor(connection, transcript, myName) {
    this.#connection = connection;
    this.#transcript = transcript;
    this.#myName = myName;
    ui.composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submit();
    });
    ui.message.addEventListener('keydown', (event) => {
      // Enter sends, Shift+Enter is a new line; not while an IME is composing.
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      ui.composer.requestSubmit();
    });
    ui.message.addEventListener('input', () => this.#onInput());
  }

  /** @param {AckFrame} frame @returns {{to: string, text: string} | undefined} an acknowledged DM to show */
  onAck(frame) {
    const ref = frame.ref === undefined ? undefined : String(frame.ref);
    const index = this.#outstanding.findIndex((entry) => entry.ref === ref);
    if (index < 0) return undefined;
    // Earlier entries have had their answer already (answers come in order).
    const [entry] = this.#outstanding.splice(0, index + 1).slice(-1);
    const name = this.#myName();
    if (entry?.own && name !== null) this.#transcript.ownAcked(entry.own, frame, name);
    if (entry?.dmArgs !== undefined && frame.to !== undefined) return { to: frame.to, text: dmText(entry.dmArgs, frame.to) };
    return undefined;
  }

  /** An error frame arrived: if it answers a send, that send failed. @param {string} code */
  onError(code) {
    if (!SEND_ERROR_CODES.has(code)) return;
    const entry = this.#outstanding.shift();
    if (entry?.own) this.#fail(entry.own);
  }

  /** The connection dropped: nothing outstanding will be answered on it. */
  onDropped() {
    for (const entry of this.#outstanding) {
      if (entry.own) this.#transcript.ownUnsure(entry.own);
      else this.#transcript.system(`Your private message (/dm ${entry.dmArgs ?? ''}) may not have arrived.`, 'warn');
    }
    this.#outstanding = [];
  }

  /** After a welcome: what the history did not show as delivered was not. */
  settle() {
    for (const entry of this.#outstanding) if (entry.own) this.#fail(entry.own);
    this.#outstanding = [];
    for (const own of this.#transcript.unsettled()) this.#fail(own);
  }

  /** @param {OwnLine} own */
  #fail(own) {
    this.#transcript.ownFailed(own);
    // The text goes back in the box for another try, unless something new is being written.
    if (ui.message.value === '') {
      ui.message.value = own.text;
      this.resize();
    }
  }

  #submit() {
    const text = ui.message.value;
    if (text.trim() === '') return;
    const name = this.#myName();
    if (name === null || !this.#connection.joined) {
      this.#transcript.system('Not connected right now: your text stays in the box until the page is back.', 'warn');
      return;
    }
    if (text.trimStart().startsWith('/')) this.#command(text.trim());
    else this.#sendMessage(text, name);
    ui.message.value = '';
    this.resize();
    ui.message.focus();
  }

  /** @param {string} text @param {string} name */
  #sendMessage(text, name) {
    const ref = `m${++this.#refCounter}`;
    if (!this.#connection.send({ message: text, ref })) return;
    this.#outstanding.push({ ref, own: this.#transcript.ownPending(name, text) });
    this.#lastTypingSent -= TYPING_SEND_INTERVAL_MS - TYPING_AFTER_MESSAGE_MS;
  }

  /** Commands go to the server as typed, except /help, which the page answers. @param {string} text */
  #command(text) {
    const name = text.slice(1).split(/\s/, 1)[0]?.toLowerCase() ?? '';
    this.#transcript.system(text, 'command');
    if (name === 'help') {
      this.#transcript.system(HELP_TEXT, 'reply');
      return;
    }
    if (name === 'dm') {
      const ref = `d${++this.#refCounter}`;
      if (this.#connection.send({ message: text, ref })) this.#outstanding.push({ ref, dmArgs: text.slice(3).replace(/^\s+/, '') });
      return;
    }
    if (name === 'list') this.listRequests++;
    this.#connection.send(text);
  }

  #onInput() {
    this.resize();
    const value = ui.message.value;
    if (!this.#connection.joined || value.trim() === '' || value.startsWith('/')) return;
    const now = Date.now();
    if (now - this.#lastTypingSent < TYPING_SEND_INTERVAL_MS) return;
    this.#lastTypingSent = now;
    this.#connection.send({ typing: true }, false);
  }

  /** Grows the box with its text where the stylesheet cannot. */
  resize() {
    if (autoSizes) return;
    ui.message.style.height = 'auto';
    ui.message.style.height = `${Math.min(ui.message.scrollHeight, 160)}px`;
  }

  /** The note by the Message box saying how long messages last. @param {number} ttl */
  showTtl(ttl) {
    setText(ui.ttlNote, ttl > 0 ? `Messages disappear ${ttlWords(ttl)} after they are sent.` : '');
  }
}

const autoSizes = typeof CSS !== 'undefined' && CSS.supports('field-sizing', 'content');

/** @param {number} seconds */
export function ttlWords(seconds) {
  if (seconds % 3600 === 0) return plural(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}

/** @param {number} n @param {string} unit */
function plural(n, unit) {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** The text of `/dm <name> <text>` once the server told us which name it matched. @param {string} args @param {string} to */
function dmText(args, to) {
  if (args.slice(0, to.length).toLowerCase() === to.toLowerCase()) return args.slice(to.length).replace(/^\s+/, '');
  return args;
}
