// @ts-check
/**
 * The page's elements, found once by id, and small helpers that build
 * elements. Data from the network is only ever put in with textContent.
 */

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{new (): T, prototype: T}} type
 * @returns {T}
 */
function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new TypeError(`page is missing #${id}`);
  return element;
}

export const ui = {
  status: byId('status', HTMLElement),
  whereabouts: byId('whereabouts', HTMLElement),
  currentTopic: byId('current-topic', HTMLElement),
  currentName: byId('current-name', HTMLElement),
  lobby: byId('lobby', HTMLElement),
  joinForm: byId('join-form', HTMLFormElement),
  username: byId('username', HTMLInputElement),
  topic: byId('topic', HTMLInputElement),
  join: byId('join', HTMLButtonElement),
  joinError: byId('join-error', HTMLElement),
  lobbyNote: byId('lobby-note', HTMLElement),
  topicList: byId('topic-list', HTMLUListElement),
  topicsMore: byId('topics-more', HTMLElement),
  topicsEmpty: byId('topics-empty', HTMLElement),
  chat: byId('chat', HTMLElement),
  transcript: byId('transcript', HTMLElement),
  lines: byId('lines', HTMLOListElement),
  newMessages: byId('new-messages', HTMLButtonElement),
  typing: byId('typing', HTMLElement),
  composer: byId('composer', HTMLFormElement),
  message: byId('message', HTMLTextAreaElement),
  send: byId('send', HTMLButtonElement),
  ttlNote: byId('ttl-note', HTMLElement),
  leave: byId('leave', HTMLButtonElement),
  notify: byId('notify', HTMLInputElement),
  notifyField: byId('notify-field', HTMLElement),
  stopped: byId('stopped', HTMLElement),
  reconnect: byId('reconnect', HTMLButtonElement),
  userCount: byId('user-count', HTMLElement),
  userList: byId('user-list', HTMLUListElement),
};

const HUES = 12;

/**
 * Creates an element with a class and text (always as text, never as HTML).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** A stable colour slot per name (FNV-1a), so a person keeps the same colour. @param {string} name */
export function hueClass(name) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `hue-${(hash >>> 0) % HUES}`;
}

/** @param {number} seconds Unix seconds @returns {HTMLTimeElement} */
export function timeElement(seconds) {
  const date = new Date(seconds * 1000);
  const time = el('time', 'time', `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`);
  time.dateTime = date.toISOString();
  time.title = date.toLocaleString();
  return time;
}

/** Sets the text only when it changes, so screen readers are not re-notified. @param {HTMLElement} element @param {string} text */
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

/** @param {string} key @returns {string} */
export function loadSetting(key) {
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    return ''; // storage disabled: nothing remembered
  }
}

/** @param {string} key @param {string} value */
export function saveSetting(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage disabled or full: remembering is only a convenience
  }
}
