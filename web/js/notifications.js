// @ts-check
/**
 * Optional desktop notifications for DMs and for messages that mention the
 * person's name, shown only while the page is hidden. Permission is asked
 * for when the person ticks the box, never on load.
 */
import { ui } from './dom.js';

export class Notifier {
  #enabled = false;

  constructor() {
    if (typeof Notification === 'undefined') {
      ui.notifyField.hidden = true;
      return;
    }
    ui.notify.checked = Notification.permission === 'granted' && localStorageFlag();
    this.#enabled = ui.notify.checked;
    ui.notify.addEventListener('change', () => void this.#onChange());
  }

  async #onChange() {
    if (!ui.notify.checked) {
      this.#enabled = false;
      rememberFlag(false);
      return;
    }
    let permission = Notification.permission;
    if (permission === 'default') {
      try {
        permission = await Notification.requestPermission();
      } catch {
        permission = 'denied';
      }
    }
    this.#enabled = permission === 'granted';
    ui.notify.checked = this.#enabled;
    rememberFlag(this.#enabled);
    if (!this.#enabled) ui.notify.title = 'Notifications are blocked in this browser’s site settings.';
  }

  /**
   * @param {{from: string, text: string, me: string, dm: boolean}} message
   */
  consider(message) {
    if (!this.#enabled || document.visibilityState !== 'hidden') return;
    if (!message.dm && !mentions(message.text, message.me)) return;
    try {
      const note = new Notification(message.dm ? `Private message from ${message.from}` : `${message.from} mentioned you`, {
        body: message.text.slice(0, 200),
        tag: 'wschat',
      });
      note.addEventListener('click', () => {
        window.focus();
        note.close();
      });
    } catch {
      // Some browsers allow notifications only from a service worker: then none.
    }
  }
}

/** Whether `text` names `me` (or the name without its #2 suffix) as a word. @param {string} text @param {string} me */
export function mentions(text, me) {
  const lower = text.toLowerCase();
  const names = new Set([me.toLowerCase(), me.replace(/#\d+$/, '').toLowerCase()]);
  for (const name of names) {
    if (name === '') continue;
    let at = lower.indexOf(name);
    while (at >= 0) {
      const before = lower[at - 1] ?? ' ';
      const after = lower[at + name.length] ?? ' ';
      if (!/[\p{L}\p{N}_]/u.test(before) && !/[\p{L}\p{N}_]/u.test(after)) return true;
      at = lower.indexOf(name, at + 1);
    }
  }
  return false;
}

function localStorageFlag() {
  try {
    return localStorage.getItem('wschat.notify') === 'on';
  } catch {
    return false;
  }
}

/** @param {boolean} on */
function rememberFlag(on) {
  try {
    localStorage.setItem('wschat.notify', on ? 'on' : 'off');
  } catch {
    // storage disabled: the box starts unticked next time
  }
}
