// @ts-check
/**
 * The wschat web page: one WebSocket to /ws, a lobby (join form and active
 * topics) and a chat view (transcript, users, message box). Plain ES module,
 * no build step, no dependencies; type-checked by tsc through JSDoc.
 *
 * Ground rules that the tests rely on:
 * - Data from the network is only ever rendered with textContent.
 * - Nothing here calls console.error: a dropped connection or an `error`
 *   frame is normal operation and is shown on the page instead.
 * - The status line never contains the word "connected" unless the socket
 *   is open.
 */

// ---- wire types (chat-protocol.md) ----------------------------------------

/**
 * @typedef {{type: 'message', id: number, topic: string, username: string, message: string, timestamp: number}} MessageFrame
 * @typedef {{type: 'welcome', username: string, topic: string, messageTtl: number, users: string[], history: MessageFrame[]}} WelcomeFrame
 * @typedef {{type: 'joined' | 'left', username: string, topic: string, timestamp: number}} PresenceFrame
 * @typedef {{type: 'ack', id: number, ref?: string | number, timestamp: number, recipients: number, to?: string}} AckFrame
 * @typedef {{type: 'dm', id: number, from: string, to: string, message: string, timestamp: number}} DmFrame
 * @typedef {{type: 'typing', username: string, topic: string}} TypingFrame
 * @typedef {{type: 'topics', topics: {topic: string, users: number}[], text: string}} TopicsFrame
 * @typedef {{type: 'users', topic: string, users: string[]}} UsersFrame
 * @typedef {{type: 'help', text: string}} HelpFrame
 * @typedef {{type: 'error', code: string, message: string}} ErrorFrame
 * @typedef {MessageFrame | WelcomeFrame | PresenceFrame | AckFrame | DmFrame | TypingFrame | TopicsFrame | UsersFrame | HelpFrame | ErrorFrame} ServerFrame
 */

// ---- tuning ----------------------------------------------------------------

/** The protocol lets the server rate-limit typing; once per 2 s is plenty. */
const TYPING_SEND_INTERVAL_MS = 2000;
/** After a message, the next typing frame may follow the previous one this soon. */
const TYPING_AFTER_MESSAGE_MS = 1100;
/** How long "<name> is typing…" stays up after the last typing frame. */
const TYPING_SHOW_MS = 3000;
/** How often the lobby asks for /list while nobody has joined. */
const LOBBY_REFRESH_MS = 5000;
/** A message fades and counts down for this long before it expires. */
const EXPIRY_WARNING_MS = 5000;
const MAX_BACKOFF_S = 15;
/** Old lines are dropped beyond this so a long session stays light. */
const MAX_LINES = 500;
/** Error codes answering a chat message or /dm (each gets one ack or one error). */
const SEND_ERROR_CODES = new Set(['empty_message', 'message_too_long', 'rate_limited', 'invalid_message', 'user_not_found']);
const HUES = 12;

// ---- elements ----------------------------------------------------------------

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

const ui = {
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
  topicsEmpty: byId('topics-empty', HTMLElement),
  chat: byId('chat', HTMLElement),
  transcript: byId('transcript', HTMLElement),
  lines: byId('lines', HTMLOListElement),
  typing: byId('typing', HTMLElement),
  composer: byId('composer', HTMLFormElement),
  message: byId('message', HTMLTextAreaElement),
  send: byId('send', HTMLButtonElement),
  leave: byId('leave', HTMLButtonElement),
  userCount: byId('user-count', HTMLElement),
  userList: byId('user-list', HTMLUListElement),
};

// ---- state -------------------------------------------------------------------

/** @type {WebSocket | null} */
let socket = null;
/** True only while `socket` is open. */
let connected = false;
/**
 * What to join, and to join again after a reconnect: the name as the person
 * typed it (so a reconnect asks for "alice", not "alice#2") and the topic.
 * Null in the lobby.
 * @type {{username: string, topic: string} | null}
 */
let want = null;
/** @type {{username: string, topic: string, ttl: number} | null} */
let joined = null;
/** Failed attempts since the last good connection, for the backoff. */
let attempt = 0;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let retryTimer;
let retryAt = 0;
/** Server clock minus ours, in ms, so that expiry follows the server's clock. */
let clockOffset = 0;
let refCounter = 0;
/** /list commands typed by the person whose reply goes to the transcript. */
let listRequests = 0;
let lastTypingSent = 0;
/** @type {string[]} */
let users = [];

/**
 * Chat messages and /dm commands waiting for their ack or error, oldest first.
 * The server answers each with exactly one of the two, in order.
 * @type {{ref: string, kind: 'message' | 'dm'}[]}
 */
const outstanding = [];
/** @type {Map<string, OwnLine>} own messages by ref */
const ownByRef = new Map();
/** @type {Map<string, string>} /dm arguments by ref */
const dmByRef = new Map();
/** Ids already in the transcript, so history after a reconnect adds only what was missed. */
const shownIds = new Set();
/** @type {Map<HTMLLIElement, {at: number, label: HTMLElement}>} server-clock expiry per line */
const expiries = new Map();
/** @type {Map<string, number>} who is typing, until when (local clock) */
const typers = new Map();

/**
 * @typedef {{li: HTMLLIElement, state: HTMLElement, label: HTMLElement, text: string, failed: boolean}} OwnLine
 */

// ---- helpers -------------------------------------------------------------------

/**
 * Creates an element with a class and text (always as text, never as HTML).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} [className]
 * @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** A stable colour slot per name (FNV-1a), so a person keeps the same colour. @param {string} name */
function hueClass(name) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `hue-${(hash >>> 0) % HUES}`;
}

/** @param {number} seconds Unix seconds @returns {HTMLTimeElement} */
function timeElement(seconds) {
  const date = new Date(seconds * 1000);
  const time = el('time', 'time', `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`);
  time.dateTime = date.toISOString();
  time.title = date.toLocaleString();
  return time;
}

function serverNow() {
  return Date.now() + clockOffset;
}

/** Learns the server's clock from a frame stamped just now (whole seconds, so ±0.5 s). @param {number} timestamp */
function observeClock(timestamp) {
  if (!Number.isFinite(timestamp)) return;
  const sample = timestamp * 1000 + 500 - Date.now();
  // A real skew is taken at once; rounding noise is smoothed.
  clockOffset = Math.abs(sample - clockOffset) > 1500 ? sample : clockOffset * 0.8 + sample * 0.2;
}

/** @param {'connecting' | 'connected' | 'offline'} state @param {string} text */
function setStatus(state, text) {
  ui.status.dataset['state'] = state;
  if (ui.status.textContent !== text) ui.status.textContent = text;
}

/** @param {string} key @returns {string} */
function loadSetting(key) {
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    return ''; // storage disabled: nothing remembered
  }
}

/** @param {string} key @param {string} value */
function saveSetting(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage disabled or full: remembering the name is only a convenience
  }
}

// ---- the connection ------------------------------------------------------------

function socketUrl() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/** @param {unknown} value */
function send(value) {
  if (!socket || !connected) return false;
  socket.send(typeof value === 'string' ? value : JSON.stringify(value));
  return true;
}

function connect() {
  clearTimeout(retryTimer);
  retryTimer = undefined;
  if (socket) return;
  setStatus('connecting', 'Connecting…');
  /** @type {WebSocket} */
  let ws;
  try {
    ws = new WebSocket(socketUrl());
  } catch (error) {
    console.debug('wschat: cannot open the WebSocket', error);
    scheduleReconnect();
    return;
  }
  socket = ws;
  ws.addEventListener('open', () => {
    if (socket !== ws) return;
    connected = true;
    setStatus('connected', 'Connected');
    if (want) sendJoin();
    else requestTopics();
  });
  ws.addEventListener('message', (event) => {
    if (socket !== ws || typeof event.data !== 'string') return;
    /** @type {unknown} */
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      console.debug('wschat: ignoring a frame that is not JSON');
      return;
    }
    if (frame === null || typeof frame !== 'object' || typeof (/** @type {{type?: unknown}} */ (frame).type) !== 'string') return;
    attempt = 0; // the server answers: the backoff starts over next time
    handleFrame(/** @type {ServerFrame} */ (frame));
  });
  // The browser reports the reason on `close`; `error` carries nothing more.
  ws.addEventListener('error', () => console.debug('wschat: WebSocket error'));
  ws.addEventListener('close', (event) => {
    if (socket !== ws) return;
    onClose(event);
  });
}

/** @param {CloseEvent} event */
function onClose(event) {
  const wasConnected = connected;
  socket = null;
  connected = false;
  console.debug('wschat: connection closed', event.code, event.reason);
  failOutstanding();
  typers.clear();
  renderTyping();

  if (event.reason === 'quit' || event.reason === 'idle') {
    // The server ended the session on purpose (/quit, idle timeout): do not
    // rejoin behind the person's back, go back to the lobby instead.
    backToLobby(event.reason === 'quit' ? 'You quit the chat.' : 'You were disconnected after being idle.');
    scheduleReconnect(0);
    return;
  }
  if (!want && event.code === 1008 && event.reason === 'join timeout') {
    // The lobby's connection is closed when it does not join in time; a new
    // one keeps the topic list fresh.
    scheduleReconnect(0);
    return;
  }
  if (wasConnected && joined) addSystem('Connection lost. Reconnecting…', 'warn');
  ui.userList.classList.add('stale');
  scheduleReconnect();
}

/** @param {number} [delayMs] default: the next backoff step (1, 2, 4 … 15 s) */
function scheduleReconnect(delayMs) {
  clearTimeout(retryTimer);
  const delay = delayMs ?? Math.min(MAX_BACKOFF_S, 2 ** attempt) * 1000;
  if (delayMs === undefined) attempt++;
  retryAt = Date.now() + delay;
  if (delay === 0) {
    setStatus('connecting', 'Connecting…');
  } else {
    showRetryCountdown();
  }
  retryTimer = setTimeout(connect, delay);
}

function showRetryCountdown() {
  const seconds = Math.max(1, Math.ceil((retryAt - Date.now()) / 1000));
  // Worded so it never contains "connected" while it is not.
  setStatus('offline', `Offline — reconnecting in ${seconds} s…`);
}

function sendJoin() {
  if (!want) return;
  send({ username: want.username, topic: want.topic });
}

function requestTopics() {
  if (!joined) send('/list');
}

// ---- frames from the server -------------------------------------------------

/** @param {ServerFrame} frame */
function handleFrame(frame) {
  switch (frame.type) {
    case 'welcome':
      return onWelcome(frame);
    case 'message':
      return onMessage(frame);
    case 'ack':
      return onAck(frame);
    case 'dm':
      return onDm(frame);
    case 'joined':
    case 'left':
      return onPresence(frame);
    case 'typing':
      return onTyping(frame);
    case 'topics':
      return onTopics(frame);
    case 'users':
      return onUsers(frame);
    case 'help':
      if (joined) addSystem(String(frame.text), 'reply');
      return;
    case 'error':
      return onError(frame);
    default:
      console.debug('wschat: ignoring an unknown frame type');
  }
}

/** @param {WelcomeFrame} frame */
function onWelcome(frame) {
  const before = joined;
  const requested = want ? want.username : frame.username;
  joined = { username: frame.username, topic: frame.topic, ttl: Number(frame.messageTtl) || 0 };
  want = { username: requested, topic: frame.topic };
  ui.userList.classList.remove('stale');

  if (!before) {
    clearTranscript();
    showChat();
    const renamed = frame.username !== requested ? ` (“${requested}” was taken)` : '';
    addSystem(`Welcome, ${frame.username}${renamed}! You are in #${frame.topic}. Messages disappear ${ttlText(joined.ttl)}. Type /help for commands.`);
    ui.message.focus();
  } else if (before.topic !== frame.topic) {
    addSystem(`You joined #${frame.topic} as ${frame.username}.`);
  } else if (!before.username || before.username !== frame.username) {
    addSystem(`Back in #${frame.topic} as ${frame.username}.`);
  } else {
    addSystem(`Back in #${frame.topic}.`);
  }

  for (const message of Array.isArray(frame.history) ? frame.history : []) {
    if (!shownIds.has(message.id)) addChatMessage(message, true);
  }
  setUsers(Array.isArray(frame.users) ? frame.users : []);
  showWhereabouts();
}

/** @param {number} ttl */
function ttlText(ttl) {
  return ttl > 0 ? `${ttl} s after they are sent` : 'when the server forgets them';
}

/** @param {MessageFrame} frame */
function onMessage(frame) {
  if (!joined || frame.topic !== joined.topic) return;
  observeClock(frame.timestamp);
  typers.delete(frame.username);
  renderTyping();
  if (!shownIds.has(frame.id)) addChatMessage(frame, false);
}

/** @param {AckFrame} frame */
function onAck(frame) {
  observeClock(frame.timestamp);
  const ref = frame.ref === undefined ? undefined : String(frame.ref);
  const index = outstanding.findIndex((entry) => entry.ref === ref);
  // Earlier entries have had their answer (acks come in order).
  if (index >= 0) outstanding.splice(0, index + 1);
  if (ref === undefined) return;

  if (frame.to !== undefined) {
    const args = dmByRef.get(ref);
    dmByRef.delete(ref);
    if (args === undefined) return;
    addDmLine({ from: joined ? joined.username : '', to: frame.to, text: dmText(args, frame.to), timestamp: frame.timestamp, outgoing: true });
    return;
  }

  const own = ownByRef.get(ref);
  ownByRef.delete(ref);
  if (!own) return;
  shownIds.add(frame.id);
  own.li.dataset['id'] = String(frame.id);
  own.li.classList.remove('pending');
  const recipients = Number(frame.recipients) || 0;
  own.state.textContent = recipients === 0 ? '✓ sent · nobody else here' : `✓ delivered to ${recipients}`;
  const time = own.li.querySelector('time');
  if (time) time.replaceWith(timeElement(frame.timestamp));
  setExpiry(own.li, frame.timestamp, own.label);
}

/** The text of `/dm <name> <text>` once the server told us which name it matched. @param {string} args @param {string} to */
function dmText(args, to) {
  if (args.slice(0, to.length).toLowerCase() === to.toLowerCase()) return args.slice(to.length).replace(/^\s+/, '');
  return args;
}

/** @param {DmFrame} frame */
function onDm(frame) {
  observeClock(frame.timestamp);
  addDmLine({ from: frame.from, to: frame.to, text: frame.message, timestamp: frame.timestamp, outgoing: false });
}

/** @param {PresenceFrame} frame */
function onPresence(frame) {
  if (!joined || frame.topic !== joined.topic) return;
  observeClock(frame.timestamp);
  if (frame.type === 'left' && frame.username === joined.username) {
    // The reply to our own /leave.
    backToLobby(`You left #${frame.topic}.`);
    return;
  }
  if (frame.type === 'joined') {
    if (!users.includes(frame.username)) setUsers([...users, frame.username]);
    addSystem(`${frame.username} joined.`, 'presence');
  } else {
    setUsers(users.filter((name) => name !== frame.username));
    typers.delete(frame.username);
    renderTyping();
    addSystem(`${frame.username} left.`, 'presence');
  }
}

/** @param {TypingFrame} frame */
function onTyping(frame) {
  if (!joined || frame.topic !== joined.topic || frame.username === joined.username) return;
  typers.set(frame.username, Date.now() + TYPING_SHOW_MS);
  renderTyping();
}

/** @param {TopicsFrame} frame */
function onTopics(frame) {
  renderTopics(Array.isArray(frame.topics) ? frame.topics : []);
  if (listRequests > 0) {
    listRequests--;
    if (joined) addSystem(String(frame.text), 'reply');
  }
}

/** @param {UsersFrame} frame */
function onUsers(frame) {
  if (!joined || frame.topic !== joined.topic) return;
  const list = Array.isArray(frame.users) ? frame.users : [];
  setUsers(list);
  addSystem(`Users in #${frame.topic} (${list.length}): ${list.join(', ')}`, 'reply');
}

/** @param {ErrorFrame} frame */
function onError(frame) {
  const code = String(frame.code);
  const text = `Error ${code}: ${String(frame.message)}`;
  if (!joined) {
    if (want && (code === 'invalid_join' || code === 'rate_limited')) want = null; // do not retry a refused join
    ui.joinError.textContent = text;
    ui.joinError.hidden = false;
    ui.lobbyNote.hidden = true;
    return;
  }
  if (SEND_ERROR_CODES.has(code)) {
    const failed = outstanding.shift();
    if (failed) failSend(failed.ref);
  }
  addSystem(text, 'error');
}

/** Marks one own message or /dm as not delivered. @param {string} ref */
function failSend(ref) {
  dmByRef.delete(ref);
  const own = ownByRef.get(ref);
  if (!own) return;
  ownByRef.delete(ref);
  own.failed = true;
  own.li.classList.remove('pending');
  own.li.classList.add('failed');
  own.state.textContent = '✗ not delivered';
  // Give the text back for another try, unless something new is being written.
  if (ui.message.value === '') {
    ui.message.value = own.text;
    resizeComposer();
  }
}

/** After a drop nothing outstanding will be answered. */
function failOutstanding() {
  for (const entry of outstanding.splice(0)) failSend(entry.ref);
}

// ---- transcript ------------------------------------------------------------------

function clearTranscript() {
  ui.lines.replaceChildren();
  expiries.clear();
  shownIds.clear();
  ownByRef.clear();
  dmByRef.clear();
  outstanding.length = 0;
}

/** Appends a line, keeping the view at the bottom if it was there. @param {HTMLLIElement} li @param {boolean} [force] */
function appendLine(li, force = false) {
  const box = ui.transcript;
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 48;
  ui.lines.append(li);
  while (ui.lines.childElementCount > MAX_LINES) {
    const first = ui.lines.firstElementChild;
    if (!(first instanceof HTMLLIElement)) break;
    expiries.delete(first);
    first.remove();
  }
  if (atBottom || force) box.scrollTop = box.scrollHeight;
}

/**
 * A system line: replies to commands, joins and leaves, errors, notices.
 * @param {string} text
 * @param {'info' | 'reply' | 'presence' | 'error' | 'warn' | 'command'} [kind]
 */
function addSystem(text, kind = 'info') {
  const li = el('li', `line system ${kind}`);
  li.append(el('span', 'system-text', text));
  appendLine(li, kind === 'command');
}

/** @param {HTMLLIElement} li @param {string} name @param {number | undefined} timestamp */
function lineHeader(li, name, timestamp) {
  const meta = el('div', 'meta');
  const sender = el('span', `sender ${hueClass(name)}`, name);
  // Screen readers hear "alice: hello" rather than the words run together.
  const colon = el('span', 'visually-hidden', ': ');
  meta.append(sender, colon);
  meta.append(timestamp === undefined ? el('time', 'time', '··:··') : timeElement(timestamp));
  li.append(meta);
  return meta;
}

/** @param {MessageFrame} frame @param {boolean} fromHistory */
function addChatMessage(frame, fromHistory) {
  const name = String(frame.username);
  const text = String(frame.message);
  const mine = joined !== null && name === joined.username;
  if (mine && fromHistory && adoptFailed(text, frame)) return;
  shownIds.add(frame.id);
  const li = el('li', `line msg${mine ? ' own' : ''}${fromHistory ? ' history' : ''}`);
  li.dataset['id'] = String(frame.id);
  const meta = lineHeader(li, name, frame.timestamp);
  const label = el('span', 'expiry');
  meta.append(label);
  li.append(el('p', 'text', text));
  setExpiry(li, frame.timestamp, label);
  appendLine(li);
}

/**
 * A message of ours that we marked failed when the connection dropped may
 * have reached the server after all: history after the rejoin shows it.
 * @param {string} text @param {MessageFrame} frame
 */
function adoptFailed(text, frame) {
  for (const li of ui.lines.querySelectorAll('li.own.failed')) {
    const body = li.querySelector('.text');
    const state = li.querySelector('.state');
    const label = li.querySelector('.expiry');
    if (!(li instanceof HTMLLIElement) || !body || body.textContent !== text || !(state instanceof HTMLElement) || !(label instanceof HTMLElement)) continue;
    li.classList.remove('failed');
    li.dataset['id'] = String(frame.id);
    state.textContent = '✓ delivered';
    if (ui.message.value === text) ui.message.value = ''; // given back by failSend; no need to resend
    shownIds.add(frame.id);
    setExpiry(li, frame.timestamp, label);
    return true;
  }
  return false;
}

/** Our message, shown at once as pending until the ack arrives. @param {string} text @param {string} ref */
function addOwnPending(text, ref) {
  if (!joined) return;
  const li = el('li', 'line msg own pending');
  const meta = lineHeader(li, joined.username, Math.floor(serverNow() / 1000));
  const state = el('span', 'state', 'sending…');
  const label = el('span', 'expiry');
  meta.append(state, label);
  li.append(el('p', 'text', text));
  ownByRef.set(ref, { li, state, label, text, failed: false });
  appendLine(li, true);
}

/** @param {{from: string, to: string, text: string, timestamp: number, outgoing: boolean}} dm */
function addDmLine(dm) {
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
  // DMs are not stored by the server, but they fade on the same schedule as
  // messages so the page forgets as much as the server does.
  setExpiry(li, dm.timestamp, label);
  appendLine(li, dm.outgoing);
}

/** @param {HTMLLIElement} li @param {number} timestamp @param {HTMLElement} label */
function setExpiry(li, timestamp, label) {
  if (!joined || joined.ttl <= 0 || !Number.isFinite(timestamp)) return;
  expiries.set(li, { at: (timestamp + joined.ttl) * 1000, label });
  updateExpiry(li, serverNow());
}

/** @param {HTMLLIElement} li @param {number} now */
function updateExpiry(li, now) {
  const entry = expiries.get(li);
  if (!entry) return;
  const left = entry.at - now;
  if (left <= 0) {
    expiries.delete(li);
    li.remove();
    return;
  }
  if (left <= EXPIRY_WARNING_MS) {
    li.classList.add('expiring');
    const text = `disappears in ${Math.ceil(left / 1000)} s`;
    if (entry.label.textContent !== text) entry.label.textContent = text;
  }
}

// ---- people and typing -------------------------------------------------------------

/** @param {string[]} list */
function setUsers(list) {
  users = list.map(String);
  const me = joined ? joined.username : '';
  const ordered = [...users].sort((a, b) => Number(b === me) - Number(a === me));
  ui.userList.replaceChildren(
    ...ordered.map((name) => {
      const li = el('li', `user${name === me ? ' me' : ''}`);
      li.append(el('span', `dot ${hueClass(name)}`), el('span', 'user-name', name));
      if (name === me) li.append(' ', el('span', 'you', '(you)'));
      return li;
    }),
  );
  ui.userCount.textContent = String(users.length);
}

function renderTyping() {
  const now = Date.now();
  for (const [name, until] of typers) if (until <= now) typers.delete(name);
  const names = [...typers.keys()];
  let text = '';
  if (names.length === 1) text = `${names[0]} is typing…`;
  else if (names.length === 2) text = `${names[0]} and ${names[1]} are typing…`;
  else if (names.length > 2) text = 'Several people are typing…';
  if (ui.typing.textContent !== text) ui.typing.textContent = text;
}

// ---- lobby -------------------------------------------------------------------------

/** @param {{topic: string, users: number}[]} topics */
function renderTopics(topics) {
  const sorted = [...topics].sort((a, b) => b.users - a.users || String(a.topic).localeCompare(String(b.topic)));
  ui.topicList.replaceChildren(
    ...sorted.map(({ topic, users: count }) => {
      const li = el('li');
      const button = el('button', 'topic-choice');
      button.type = 'button';
      const n = Number(count) || 0;
      button.append(el('span', 'topic-name', `#${topic}`), ' ', el('span', 'topic-count', `${n} ${n === 1 ? 'user' : 'users'}`));
      button.addEventListener('click', () => chooseTopic(String(topic)));
      li.append(button);
      return li;
    }),
  );
  ui.topicsEmpty.hidden = sorted.length > 0;
}

/** @param {string} topic */
function chooseTopic(topic) {
  ui.topic.value = topic;
  // Next step for a keyboard user: the name if it is missing, else Join.
  if (ui.username.value.trim() === '') ui.username.focus();
  else ui.join.focus();
}

/** @param {string} note */
function backToLobby(note) {
  want = null;
  joined = null;
  failOutstanding();
  typers.clear();
  renderTyping();
  setUsers([]);
  ui.chat.hidden = true;
  ui.lobby.hidden = false;
  ui.whereabouts.hidden = true;
  document.title = 'wschat';
  ui.joinError.hidden = true;
  ui.lobbyNote.textContent = note;
  ui.lobbyNote.hidden = note === '';
  ui.join.disabled = false;
  requestTopics();
  ui.topic.focus();
}

function showChat() {
  ui.lobby.hidden = true;
  ui.chat.hidden = false;
  ui.joinError.hidden = true;
  ui.lobbyNote.hidden = true;
}

function showWhereabouts() {
  if (!joined) return;
  ui.currentTopic.textContent = `#${joined.topic}`;
  ui.currentName.textContent = joined.username;
  ui.currentName.className = hueClass(joined.username);
  ui.whereabouts.hidden = false;
  document.title = `#${joined.topic} · wschat`;
}

// ---- user actions ------------------------------------------------------------------

/** @param {SubmitEvent} event */
function onJoinSubmit(event) {
  event.preventDefault();
  const username = ui.username.value.trim();
  const topic = ui.topic.value.trim();
  ui.lobbyNote.hidden = true;
  if (username === '' || topic === '') {
    ui.joinError.textContent = username === '' ? 'Enter a username.' : 'Enter a topic.';
    ui.joinError.hidden = false;
    (username === '' ? ui.username : ui.topic).focus();
    return;
  }
  ui.joinError.hidden = true;
  saveSetting('wschat.username', username);
  want = { username, topic };
  joined = null;
  if (connected) sendJoin();
  else if (!socket) connect(); // waiting for a retry: try now; the open handler joins
}

/** @param {SubmitEvent} event */
function onComposerSubmit(event) {
  event.preventDefault();
  const text = ui.message.value;
  if (text.trim() === '') return;
  if (!joined || !connected) {
    addSystem('Not connected right now: your text stays in the box until the page is back.', 'warn');
    return;
  }
  if (text.trimStart().startsWith('/')) runCommand(text.trim());
  else sendMessage(text);
  ui.message.value = '';
  resizeComposer();
  ui.message.focus();
}

/** @param {string} text */
function sendMessage(text) {
  const ref = `m${++refCounter}`;
  if (!send({ message: text, ref })) return;
  outstanding.push({ ref, kind: 'message' });
  addOwnPending(text, ref);
  // Typing for the next message may be announced sooner than the usual
  // 2 s, but not within the server's own typing rate limit (1 s here).
  lastTypingSent -= TYPING_SEND_INTERVAL_MS - TYPING_AFTER_MESSAGE_MS;
}

/** Commands go to the server as typed; only /dm carries a ref, to show what was sent. @param {string} text */
function runCommand(text) {
  const name = text.slice(1).split(/\s/, 1)[0]?.toLowerCase() ?? '';
  addSystem(text, 'command');
  if (name === 'dm') {
    const ref = `d${++refCounter}`;
    if (!send({ message: text, ref })) return;
    outstanding.push({ ref, kind: 'dm' });
    dmByRef.set(ref, text.slice(3).replace(/^\s+/, ''));
    return;
  }
  if (name === 'list') listRequests++;
  send(text);
}

function onMessageInput() {
  resizeComposer();
  const value = ui.message.value;
  if (!joined || !connected || value.trim() === '' || value.startsWith('/')) return;
  const now = Date.now();
  if (now - lastTypingSent < TYPING_SEND_INTERVAL_MS) return;
  lastTypingSent = now;
  send({ typing: true });
}

/** @param {KeyboardEvent} event */
function onMessageKeydown(event) {
  // Enter sends, Shift+Enter is a new line; not while an IME is composing.
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
  event.preventDefault();
  ui.composer.requestSubmit();
}

const autoSizes = typeof CSS !== 'undefined' && CSS.supports('field-sizing', 'content');
function resizeComposer() {
  if (autoSizes) return; // the stylesheet grows the box
  ui.message.style.height = 'auto';
  ui.message.style.height = `${Math.min(ui.message.scrollHeight, 160)}px`;
}

function onLeaveClick() {
  if (connected && joined) {
    send('/leave');
  } else {
    backToLobby(joined ? `You left #${joined.topic}.` : '');
  }
}

// ---- one clock for countdowns --------------------------------------------------------

function tick() {
  const now = serverNow();
  for (const li of [...expiries.keys()]) updateExpiry(li, now);
  if (typers.size > 0) renderTyping();
  if (!socket && retryTimer !== undefined && retryAt > Date.now()) showRetryCountdown();
}

// ---- start -------------------------------------------------------------------------

function start() {
  ui.joinForm.addEventListener('submit', onJoinSubmit);
  ui.composer.addEventListener('submit', onComposerSubmit);
  ui.message.addEventListener('keydown', onMessageKeydown);
  ui.message.addEventListener('input', onMessageInput);
  ui.leave.addEventListener('click', onLeaveClick);
  window.addEventListener('online', () => {
    if (!socket) connect();
  });
  setInterval(tick, 250);
  setInterval(() => {
    if (!joined && !want && document.visibilityState === 'visible') requestTopics();
  }, LOBBY_REFRESH_MS);

  ui.username.value = loadSetting('wschat.username');
  // A link such as /#sports suggests the topic.
  try {
    const fromHash = decodeURIComponent(location.hash.slice(1));
    if (fromHash) ui.topic.value = fromHash;
  } catch {
    // a malformed %-escape: no suggestion
  }
  (ui.username.value === '' ? ui.username : ui.topic).focus();
  connect();
}

start();
