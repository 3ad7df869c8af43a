// @ts-check
/**
 * The chat WebSocket: opening it, joining, and coming back after a drop.
 *
 * In the lobby there is no lasting socket: each refresh of the topic list
 * opens one, asks `/list` and closes it again, so the server's join timeout
 * (which closes connections that never join) never hits an idle page.
 *
 * In a topic, a drop is followed by a reconnect with backoff that resumes
 * (the protocol's "Resuming after a dropped connection"): the join carries
 * the name the server gave, the latest `resumeToken` and `since`, the
 * highest message id seen in the topic, so the server can hand back the
 * same membership and exactly the messages that were missed.
 */

/**
 * @typedef {import('./types.js').ServerFrame} ServerFrame
 * @typedef {import('./types.js').WelcomeFrame} WelcomeFrame
 * @typedef {import('./types.js').JoinPayload} JoinPayload
 * @typedef {'idle' | 'connecting' | 'connected' | 'offline' | 'stopped'} LinkState
 * @typedef {'quit' | 'idle' | 'replaced'} EndReason
 * @typedef {{
 *   frame: (frame: ServerFrame) => void,
 *   state: (state: LinkState) => void,
 *   dropped: (wasJoined: boolean) => void,
 *   ended: (why: EndReason) => void,
 * }} ConnectionEvents
 */

/** The first retry comes quickly: most drops are a blip, and resuming is cheap. */
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 15_000;
/**
 * A browser cannot see pings, so a connection that went silent (a half-open
 * TCP link) shows only as a request that is never answered.
 */
const REPLY_TIMEOUT_MS = 10_000;
const OPEN_TIMEOUT_MS = 10_000;
/** ChatCloseCode.REPLACED in lib/chat/wire.ts: another session took over; never reconnect by ourselves. */
const CLOSE_REPLACED = 4000;
/** RFC 6455 §7.4.1: normal closure; the server uses it for /quit (reason "quit") and the idle timeout ("idle"). */
const CLOSE_NORMAL = 1000;

export class ChatConnection {
  #url;
  #events;
  /** @type {WebSocket | null} */
  #socket = null;
  #open = false;
  /** @type {{username: string, topic: string} | null} what to be joined to; null in the lobby */
  #target = null;
  /** True once the current socket has its welcome. */
  #joined = false;
  /** @type {{token: string, topic: string} | null} */
  #resume = null;
  /** @type {number | undefined} the `since` of the join in flight */
  #sentSince;
  /** @type {Map<string, number>} highest message id seen, per topic */
  #highest = new Map();
  /** True while the last join asked to resume: the welcome tells whether it did. */
  #resuming = false;
  #attempt = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #retryTimer;
  #retryAt = 0;
  #pollWanted = false;
  #awaitingSince = 0;
  #openingSince = 0;
  #stopped = false;

  /** @param {string} url @param {ConnectionEvents} events */
  constructor(url, events) {
    this.#url = url;
    this.#events = events;
    setInterval(() => this.#watch(), 1000);
    window.addEventListener('online', () => {
      if (this.#retryTimer !== undefined) this.#connectNow();
    });
  }

  /** True while joined over an open socket. */
  get joined() {
    return this.#open && this.#joined;
  }

  /** When the next attempt is due (ms since the epoch), or 0. */
  get retryAt() {
    return this.#retryTimer === undefined ? 0 : this.#retryAt;
  }

  get inLobby() {
    return this.#target === null;
  }

  /** True when the welcome being handled answers a join that asked to resume. */
  get resuming() {
    return this.#resuming;
  }

  /** Joins from the lobby: a new membership, nothing to resume. @param {string} username @param {string} topic */
  join(username, topic) {
    this.#target = { username, topic };
    this.#resume = null;
    this.#stopped = false;
    this.#joined = false;
    this.#attempt = 0;
    if (this.#open) this.#sendJoin();
    else this.#connectNow();
  }

  /** After close 4000, when the person asks for it: join again without resuming. */
  reconnectHere() {
    if (!this.#target) return;
    this.join(this.#target.username, this.#target.topic);
  }

  /** Back to the lobby: the membership is over, so the socket is closed until the next poll. */
  toLobby() {
    this.#target = null;
    this.#resume = null;
    this.#joined = false;
    this.#stopped = false;
    this.#pollWanted = false;
    this.#clearRetry();
    const socket = this.#socket;
    this.#drop();
    socket?.close(CLOSE_NORMAL, 'lobby');
    this.#events.state('idle');
  }

  /** Asks for the topic list while in the lobby, on a socket that lives only for the answer. */
  poll() {
    if (this.#target || this.#stopped) return;
    this.#pollWanted = true;
    if (this.#open) this.#sendPoll();
    else if (!this.#socket && this.#retryTimer === undefined) this.#connectNow();
  }

  /**
   * Sends a frame if the socket is open; `expectsReply` starts the watch for
   * a silent connection. @param {unknown} value @param {boolean} [expectsReply]
   */
  send(value, expectsReply = true) {
    if (!this.#socket || !this.#open) return false;
    this.#socket.send(typeof value === 'string' ? value : JSON.stringify(value));
    if (expectsReply && this.#awaitingSince === 0) this.#awaitingSince = Date.now();
    return true;
  }

  // ---- the socket ----------------------------------------------------------

  #connectNow() {
    this.#clearRetry();
    if (this.#socket || this.#stopped) return;
    if (this.#target) this.#events.state('connecting');
    /** @type {WebSocket} */
    let ws;
    try {
      ws = new WebSocket(this.#url);
    } catch (error) {
      console.debug('wschat: cannot open the WebSocket', error);
      this.#scheduleRetry();
      return;
    }
    this.#socket = ws;
    this.#openingSince = Date.now();
    ws.addEventListener('open', () => {
      if (ws !== this.#socket) return;
      this.#open = true;
      this.#openingSince = 0;
      if (this.#target) this.#sendJoin();
      else if (this.#pollWanted) this.#sendPoll();
      else this.#closeLobbySocket();
    });
    ws.addEventListener('message', (event) => {
      if (ws === this.#socket && typeof event.data === 'string') this.#onText(event.data);
    });
    ws.addEventListener('close', (event) => {
      if (ws === this.#socket) this.#onClose(event.code, event.reason);
    });
  }

  #sendJoin() {
    if (!this.#target) return;
    const { username, topic } = this.#target;
    /** @type {JoinPayload} */
    const payload = { username, topic };
    this.#resuming = this.#resume !== null && this.#resume.topic === topic;
    this.#sentSince = undefined;
    if (this.#resuming && this.#resume) {
      payload.resume = this.#resume.token;
      const since = this.#highest.get(topic);
      // No id seen yet: nothing to count from, so the full history is asked
      // for and deduplicated instead (no false "may have been missed").
      if (since !== undefined) payload.since = this.#sentSince = since;
    }
    this.send(payload);
  }

  #sendPoll() {
    this.send('/list');
  }

  #closeLobbySocket() {
    if (this.#target || this.#pollWanted) return;
    const socket = this.#socket;
    this.#drop();
    socket?.close(CLOSE_NORMAL, 'lobby');
  }

  /** Forgets the current socket; its late events are ignored. */
  #drop() {
    this.#socket = null;
    this.#open = false;
    this.#joined = false;
    this.#awaitingSince = 0;
    this.#openingSince = 0;
  }

  /** @param {string} text */
  #onText(text) {
    /** @type {unknown} */
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      console.debug('wschat: ignoring a frame that is not JSON');
      return;
    }
    if (frame === null || typeof frame !== 'object' || typeof (/** @type {{type?: unknown}} */ (frame).type) !== 'string') return;
    this.#awaitingSince = 0; // the connection is alive
    const typed = /** @type {ServerFrame} */ (frame);
    this.#track(typed);
    this.#events.frame(typed);
    this.#resuming = this.#resuming && typed.type !== 'welcome';
    if (typed.type === 'topics' && !this.#target) {
      this.#pollWanted = false;
      this.#attempt = 0;
      this.#closeLobbySocket();
    }
  }

  /** Keeps what resuming needs: the token, the name and topic, the highest id per topic. @param {ServerFrame} frame */
  #track(frame) {
    if (frame.type === 'welcome') {
      this.#onWelcome(frame);
    } else if (frame.type === 'message') {
      this.#noteId(frame.topic, frame.id);
    } else if (frame.type === 'ack' && frame.to === undefined && this.#target && this.#joined) {
      this.#noteId(this.#target.topic, frame.id);
    } else if (frame.type === 'error' && frame.code === 'unavailable' && this.#target && !this.#joined) {
      // The server cannot serve the join right now (cluster store down): try again later on this socket.
      this.#scheduleRetry();
    }
  }

  /** @param {WelcomeFrame} frame */
  #onWelcome(frame) {
    const since = this.#sentSince;
    this.#sentSince = undefined;
    this.#joined = true;
    this.#attempt = 0;
    this.#target = { username: frame.username, topic: frame.topic };
    this.#resume = typeof frame.resumeToken === 'string' ? { token: frame.resumeToken, topic: frame.topic } : null;
    let historyMax = -1;
    for (const message of Array.isArray(frame.history) ? frame.history : []) historyMax = Math.max(historyMax, Number(message.id));
    // Only a recovered resume proves that everything up to `since` was seen;
    // otherwise (a new server process, say) only what this welcome brought counts.
    const floor = frame.recovered === true && since !== undefined ? since : -1;
    const highest = Math.max(floor, historyMax);
    if (highest >= 0) this.#highest.set(frame.topic, highest);
    else this.#highest.delete(frame.topic);
    this.#events.state('connected');
  }

  /** @param {string} topic @param {number} id */
  #noteId(topic, id) {
    if (!Number.isSafeInteger(id)) return;
    if (id > (this.#highest.get(topic) ?? -1)) this.#highest.set(topic, id);
  }

  /** @param {number} code @param {string} reason */
  #onClose(code, reason) {
    const wasJoined = this.#joined;
    this.#drop();
    console.debug('wschat: connection closed', code, reason);
    if (!this.#target) {
      // Lobby: closed by us, or by the join timeout, or the server is away.
      // Only an unanswered poll needs another try.
      if (this.#pollWanted) this.#scheduleRetry();
      else this.#events.state('idle');
      return;
    }
    if (code === CLOSE_NORMAL && (reason === 'quit' || reason === 'idle')) {
      // Ended on purpose (/quit, or the server's idle rule): rejoining behind
      // the person's back would defeat it.
      this.#target = null;
      this.#resume = null;
      this.#events.state('idle');
      this.#events.ended(reason);
      return;
    }
    if (code === CLOSE_REPLACED) {
      this.#stopped = true;
      this.#resume = null;
      this.#events.state('stopped');
      this.#events.ended('replaced');
      return;
    }
    this.#events.dropped(wasJoined);
    this.#scheduleRetry();
  }

  // ---- retries and watchdog ------------------------------------------------

  #scheduleRetry() {
    clearTimeout(this.#retryTimer);
    const step = this.#attempt === 0 ? FIRST_RETRY_MS : Math.min(MAX_RETRY_MS, 1000 * 2 ** (this.#attempt - 1));
    this.#attempt++;
    // Jitter, so that many pages do not come back at the same instant after a restart.
    const delay = Math.round(step * (0.8 + Math.random() * 0.4));
    this.#retryAt = Date.now() + delay;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#open && this.#target && !this.#joined) this.#sendJoin();
      else this.#connectNow();
    }, delay);
    this.#events.state('offline');
  }

  #clearRetry() {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  /** A socket that never opens, or stops answering, is given up (without a close frame, so the resume token stays good). */
  #watch() {
    const now = Date.now();
    const silent = this.#awaitingSince > 0 && now - this.#awaitingSince > REPLY_TIMEOUT_MS;
    const stuck = this.#openingSince > 0 && now - this.#openingSince > OPEN_TIMEOUT_MS;
    if (this.#socket && (silent || stuck)) {
      console.debug('wschat: the connection stopped answering; reconnecting');
      this.#onClose(1006, 'no answer');
    }
  }
}
