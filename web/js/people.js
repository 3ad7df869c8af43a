// @ts-check
/**
 * Who is here (the Users list, kept current by joined/left) and who is
 * typing ("<name> is typing…" for a few seconds after their last typing frame).
 */
import { el, hueClass, setText, ui } from './dom.js';

/** How long "<name> is typing…" stays up after the last typing frame. */
const TYPING_SHOW_MS = 3000;

export class People {
  /** @type {string[]} */
  #names = [];
  #me = '';
  /** @type {Map<string, number>} who is typing, until when (local clock) */
  #typers = new Map();

  /** @param {string} name */
  has(name) {
    return this.#names.includes(name);
  }

  /** Replaces the whole list (welcome, /who). @param {string[]} names @param {string} me */
  set(names, me) {
    this.#names = names.map(String);
    this.#me = me;
    this.#render();
  }

  /** @param {string} name */
  add(name) {
    if (!this.#names.includes(name)) this.#names.push(name);
    this.#render();
  }

  /** @param {string} name */
  remove(name) {
    this.#names = this.#names.filter((other) => other !== name);
    this.stoppedTyping(name);
    this.#render();
  }

  /** Nothing of a topic stays once it is left. */
  clear() {
    this.#names = [];
    this.#typers.clear();
    this.#render();
    this.renderTyping();
  }

  /** Greyed while the list may be out of date (the connection is down). @param {boolean} stale */
  setStale(stale) {
    ui.userList.classList.toggle('stale', stale);
  }

  /** @param {string} name */
  typing(name) {
    this.#typers.set(name, Date.now() + TYPING_SHOW_MS);
    this.renderTyping();
  }

  /** @param {string} name */
  stoppedTyping(name) {
    if (this.#typers.delete(name)) this.renderTyping();
  }

  clearTyping() {
    this.#typers.clear();
    this.renderTyping();
  }

  renderTyping() {
    const now = Date.now();
    for (const [name, until] of this.#typers) if (until <= now) this.#typers.delete(name);
    const names = [...this.#typers.keys()];
    let text = '';
    if (names.length === 1) text = `${names[0]} is typing…`;
    else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
    else if (names.length > 2) text = 'Several people are typing…';
    setText(ui.typing, text);
  }

  tick() {
    if (this.#typers.size > 0) this.renderTyping();
  }

  #render() {
    const me = this.#me;
    // Yourself first, then everyone in the order they came.
    const ordered = [...this.#names].sort((a, b) => Number(b === me) - Number(a === me));
    ui.userList.replaceChildren(
      ...ordered.map((name) => {
        const li = el('li', `user${name === me ? ' me' : ''}`);
        li.append(el('span', `dot ${hueClass(name)}`), el('span', 'user-name', name));
        if (name === me) li.append(' ', el('span', 'you', '(you)'));
        return li;
      }),
    );
    setText(ui.userCount, this.#names.length > 0 ? String(this.#names.length) : '');
  }
}
