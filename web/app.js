// @ts-check
/**
 * The wschat web page: the lobby (join form, active topics) and the chat
 * view (transcript, users, message box), on one WebSocket to /ws of the
 * host that served the page. Plain ES modules under js/, no build step, no
 * dependencies; type-checked by tsc through JSDoc. This file wires the
 * modules together and turns the server's frames into what the page shows.
 *
 * Ground rules the tests rely on:
 * - Data from the network is only ever rendered with textContent.
 * - Nothing calls console.error: a dropped connection or an `error` frame is
 *   normal operation and is shown on the page instead.
 * - The status line never says "connected" unless the page is joined over
 *   an open socket.
 */
import { observeClock } from './js/clock.js';
import { Composer } from './js/composer.js';
import { ChatConnection } from './js/connection.js';
import { hueClass, setText, ui } from './js/dom.js';
import { Lobby, moreTopics } from './js/lobby.js';
import { Notifier } from './js/notifications.js';
import { People } from './js/people.js';
import { Transcript } from './js/transcript.js';

/**
 * @typedef {import('./js/types.js').ServerFrame} ServerFrame
 * @typedef {import('./js/types.js').WelcomeFrame} WelcomeFrame
 * @typedef {import('./js/types.js').ErrorFrame} ErrorFrame
 * @typedef {import('./js/connection.js').LinkState} LinkState
 * @typedef {import('./js/connection.js').EndReason} EndReason
 */

/** Where the page is: null in the lobby. @type {{name: string, topic: string, ttl: number} | null} */
let session = null;
/** @type {LinkState} */
let linkState = 'idle';

const socketUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
const connection = new ChatConnection(socketUrl, {
  frame: handleFrame,
  state: (state) => {
    linkState = state;
    renderStatus();
  },
  dropped,
  ended,
});
const transcript = new Transcript();
const people = new People();
const composer = new Composer(connection, transcript, () => (session ? session.name : null));
const notifier = new Notifier();
const lobby = new Lobby(
  (username, topic) => connection.join(username, topic),
  () => connection.poll(),
);

// ---- status ------------------------------------------------------------------

function renderStatus() {
  const seconds = Math.max(1, Math.ceil((connection.retryAt - Date.now()) / 1000));
  /** @type {Record<LinkState, [string, string]>} state → [data-state, text]; never "connected" unless it is */
  const texts = {
    idle: ['idle', 'Ready to join'],
    connecting: ['connecting', 'Connecting…'],
    connected: ['connected', 'Connected'],
    offline: ['offline', connection.inLobby ? `Server unreachable — retrying in ${seconds} s…` : `Offline — reconnecting in ${seconds} s…`],
    stopped: ['offline', 'Offline — opened elsewhere'],
  };
  const [state, text] = texts[linkState];
  ui.status.dataset['state'] = state;
  setText(ui.status, text);
}

// ---- frames from the server ----------------------------------------------------

/** @param {ServerFrame} frame */
function handleFrame(frame) {
  if ('timestamp' in frame && typeof frame.timestamp === 'number') observeClock(frame.timestamp);
  switch (frame.type) {
    case 'welcome':
      return onWelcome(frame);
    case 'message':
      if (!session || frame.topic !== session.topic) return;
      people.stoppedTyping(frame.username);
      if (transcript.message(frame, { mine: frame.username === session.name, fromHistory: false, counts: true })) {
        notifier.consider({ from: frame.username, text: frame.message, me: session.name, dm: false });
      }
      return;
    case 'ack': {
      const dm = composer.onAck(frame);
      if (dm && session) transcript.dm({ from: session.name, to: dm.to, text: dm.text, timestamp: frame.timestamp, outgoing: true });
      return;
    }
    case 'dm':
      if (!session) return;
      transcript.dm({ from: frame.from, to: frame.to, text: frame.message, timestamp: frame.timestamp, outgoing: false });
      notifier.consider({ from: frame.from, text: frame.message, me: session.name, dm: true });
      return;
    case 'joined':
    case 'left':
      return onPresence(frame);
    case 'typing':
      if (session && frame.topic === session.topic && frame.username !== session.name) people.typing(frame.username);
      return;
    case 'topics': {
      lobby.render(frame);
      if (composer.listRequests === 0) return;
      composer.listRequests--;
      const more = moreTopics(frame);
      if (session) transcript.system(more > 0 ? `${frame.text}\n… and ${more} more` : String(frame.text), 'reply');
      return;
    }
    case 'users':
      if (!session || frame.topic !== session.topic) return;
      people.set(frame.users, session.name);
      transcript.system(`Users in #${frame.topic} (${frame.users.length}): ${frame.users.join(', ')}`, 'reply');
      return;
    case 'help':
      return; // the page answers /help itself, in its own words
    case 'error':
      return onError(frame);
    default:
      console.debug('wschat: ignoring an unknown frame type');
  }
}

/** @param {WelcomeFrame} frame */
function onWelcome(frame) {
  const before = session;
  const reconnect = before !== null && before.topic === frame.topic;
  const ttl = Number(frame.messageTtl) || 0;
  session = { name: frame.username, topic: frame.topic, ttl };
  transcript.ttl = ttl;
  composer.showTtl(ttl);
  people.setStale(false);
  ui.stopped.hidden = true;

  if (!reconnect) {
    // A new topic (from the lobby or /join): nothing of the old one stays.
    transcript.clear();
    people.clear();
    if (!before) {
      showChat();
      const requested = ui.username.value.trim();
      const renamed = requested !== '' && frame.username !== requested ? ` (“${requested}” was taken)` : '';
      transcript.system(`Welcome, ${frame.username}${renamed}! You are in #${frame.topic}. Type /help for commands.`);
      ui.message.focus();
    } else {
      transcript.system(`You joined #${frame.topic} as ${frame.username}.`);
    }
  } else if (frame.resumed === true) {
    transcript.system('Reconnected.');
  } else {
    transcript.system(`Back in #${frame.topic} as ${frame.username}.`);
  }
  if (frame.recovered === false) transcript.system('Messages may have been missed while the connection was down.', 'warn');

  for (const message of Array.isArray(frame.history) ? frame.history : []) {
    transcript.message(message, { mine: message.username === frame.username, fromHistory: true, counts: reconnect });
  }
  composer.settle();
  people.set(Array.isArray(frame.users) ? frame.users : [], frame.username);
  ui.currentTopic.textContent = `#${frame.topic}`;
  ui.currentName.textContent = frame.username;
  ui.currentName.className = hueClass(frame.username);
  ui.whereabouts.hidden = false;
  transcript.setTitle(`#${frame.topic} · wschat`);
}

/** @param {import('./js/types.js').JoinedFrame | import('./js/types.js').LeftFrame} frame */
function onPresence(frame) {
  if (!session || frame.topic !== session.topic) return;
  if (frame.username === session.name) {
    if (frame.type === 'left') goToLobby(`You left #${frame.topic}.`); // the answer to our /leave
    return;
  }
  if (frame.type === 'joined') {
    people.add(frame.username);
    transcript.system(`${frame.username} joined.`, 'presence');
  } else {
    people.remove(frame.username);
    transcript.system(`${frame.username} left.`, 'presence');
  }
}

/** @param {ErrorFrame} frame */
function onError(frame) {
  const code = String(frame.code);
  const text = `Error ${code}: ${String(frame.message)}`;
  if (!session || !connection.joined) {
    if (connection.inLobby) return; // an answer to a lobby poll: the next poll tries again
    if (code === 'unavailable') {
      // The join is tried again by the connection, with backoff.
      if (!session) lobby.showError(`${text} Trying again…`);
      else transcript.system(text, 'error');
      return;
    }
    // A refused join is not retried: back to the form, which keeps what was typed.
    goToLobby('');
    lobby.showError(text);
    return;
  }
  composer.onError(code);
  transcript.system(text, 'error');
}

// ---- the connection's news --------------------------------------------------------

/** @param {boolean} wasJoined */
function dropped(wasJoined) {
  composer.onDropped();
  people.clearTyping();
  people.setStale(true);
  if (wasJoined && session) transcript.system('Connection lost. Reconnecting…', 'warn');
}

/** @param {EndReason} why */
function ended(why) {
  if (why === 'quit') return goToLobby('You quit the chat.');
  if (why === 'idle') return goToLobby('You were disconnected after being idle.');
  // Close 4000: another tab or device resumed this session. Reconnecting by
  // ourselves would take it back and start a tug of war.
  composer.onDropped();
  composer.settle();
  people.clearTyping();
  people.setStale(true);
  transcript.system('This chat was opened elsewhere (another tab or device took it over), so this page stopped and will not reconnect by itself.', 'warn');
  ui.stopped.hidden = false;
}

/** @param {string} note */
function goToLobby(note) {
  session = null;
  connection.toLobby();
  composer.settle();
  people.clear();
  ui.whereabouts.hidden = true;
  ui.stopped.hidden = true;
  transcript.setTitle('wschat');
  lobby.show(note);
}

function showChat() {
  ui.lobby.hidden = true;
  ui.chat.hidden = false;
  ui.joinError.hidden = true;
  ui.lobbyNote.hidden = true;
}

// ---- start -------------------------------------------------------------------------

ui.leave.addEventListener('click', () => {
  if (session && connection.joined) connection.send('/leave');
  else goToLobby(session ? `You left #${session.topic}.` : '');
});
ui.reconnect.addEventListener('click', () => {
  ui.stopped.hidden = true;
  connection.reconnectHere();
});
setInterval(() => {
  transcript.tick();
  people.tick();
  if (linkState === 'offline') renderStatus();
}, 250);

renderStatus();
(ui.username.value === '' ? ui.username : ui.topic).focus();
connection.poll();
