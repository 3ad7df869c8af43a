// @ts-check
/**
 * The lobby: the join form and the list of active topics, refreshed while
 * the page waits here (each refresh on a short-lived socket; see connection.js).
 */
import { el, loadSetting, saveSetting, setText, ui } from './dom.js';

/** @typedef {import('./types.js').TopicsFrame} TopicsFrame */

/** How often the topic list is refreshed while nobody has joined. */
const LOBBY_REFRESH_MS = 5000;

export class Lobby {
  #poll;

  /**
   * @param {(username: string, topic: string) => void} onJoin
   * @param {() => void} poll asks the server for the topic list
   */
  constructor(onJoin, poll) {
    this.#poll = poll;
    ui.joinForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const username = ui.username.value.trim();
      const topic = ui.topic.value.trim();
      ui.lobbyNote.hidden = true;
      if (username === '' || topic === '') {
        this.showError(username === '' ? 'Enter a username.' : 'Enter a topic.');
        (username === '' ? ui.username : ui.topic).focus();
        return;
      }
      ui.joinError.hidden = true;
      saveSetting('wschat.username', username);
      onJoin(username, topic);
    });
    setInterval(() => {
      if (!ui.lobby.hidden && document.visibilityState === 'visible') this.#poll();
    }, LOBBY_REFRESH_MS);
    document.addEventListener('visibilitychange', () => {
      if (!ui.lobby.hidden && document.visibilityState === 'visible') this.#poll();
    });

    ui.username.value = loadSetting('wschat.username');
    // A link such as /#sports suggests the topic.
    try {
      const fromHash = decodeURIComponent(location.hash.slice(1));
      if (fromHash) ui.topic.value = fromHash;
    } catch {
      // a malformed %-escape: no suggestion
    }
  }

  /** @param {string} note shown under the form ('' for none) */
  show(note) {
    ui.chat.hidden = true;
    ui.lobby.hidden = false;
    ui.joinError.hidden = true;
    setText(ui.lobbyNote, note);
    ui.lobbyNote.hidden = note === '';
    ui.join.disabled = false;
    (ui.username.value === '' ? ui.username : ui.topic).focus();
    this.#poll();
  }

  /** @param {string} text */
  showError(text) {
    setText(ui.joinError, text);
    ui.joinError.hidden = false;
    ui.lobbyNote.hidden = true;
  }

  /** @param {TopicsFrame} frame */
  render(frame) {
    const topics = Array.isArray(frame.topics) ? frame.topics : [];
    // The server lists the most active first; ties by name, for a stable list.
    const sorted = [...topics].sort((a, b) => b.users - a.users || String(a.topic).localeCompare(String(b.topic)));
    ui.topicList.replaceChildren(
      ...sorted.map(({ topic, users }) => {
        const li = el('li');
        const button = el('button', 'topic-choice');
        button.type = 'button';
        const n = Number(users) || 0;
        button.append(el('span', 'topic-name', `#${topic}`), ' ', el('span', 'topic-count', `${n} ${n === 1 ? 'user' : 'users'}`));
        button.addEventListener('click', () => this.#choose(String(topic)));
        li.append(button);
        return li;
      }),
    );
    const more = moreTopics(frame);
    setText(ui.topicsMore, more > 0 ? `… and ${more} more` : '');
    ui.topicsMore.hidden = more === 0;
    ui.topicsEmpty.hidden = sorted.length > 0;
  }

  /** @param {string} topic */
  #choose(topic) {
    ui.topic.value = topic;
    // Next step for a keyboard user: the name if it is missing, else Join.
    if (ui.username.value.trim() === '') ui.username.focus();
    else ui.join.focus();
  }
}

/** How many topics a cut `/list` reply left out. @param {TopicsFrame} frame */
export function moreTopics(frame) {
  if (frame.truncated !== true || typeof frame.total !== 'number') return 0;
  return Math.max(0, frame.total - (Array.isArray(frame.topics) ? frame.topics.length : 0));
}
