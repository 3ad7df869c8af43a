/**
 * The chat state machine: topics, members, stored messages, timeouts and
 * rate limits. Pure: no sockets, no timers, no clock. Every call takes the
 * current time `now` (milliseconds) and returns the effects the server must
 * carry out, in the order the frames must be written.
 *
 * `now` is assumed never to decrease between calls; the deadline queues
 * rely on it (they are kept in insertion order, which is deadline order).
 */

import { Queue } from './queue.ts';
import {
  checkMessageText,
  isValidRef,
  nameKey,
  normalizeTopic,
  normalizeUsername,
  parseClientFrame,
} from './validate.ts';
import type { ClientFrame } from './validate.ts';
import {
  ackFrame,
  dmFrame,
  errorFrame,
  helpFrame,
  joinedFrame,
  leftFrame,
  messageFrameFromJson,
  topicsFrame,
  typingFrame,
  usersFrame,
  welcomeFrame,
} from './frames.ts';
import type { ErrorCode, Ref } from './frames.ts';

export type ConnId = number;

export type Effect =
  /** One JSON text frame to one connection. */
  | { type: 'send'; to: ConnId; frame: string }
  /**
   * The same frame to many connections, skipping `except`. `to` may be the
   * core's live member array: valid only until the next call into the core.
   */
  | { type: 'broadcast'; to: readonly ConnId[]; except: ConnId | undefined; frame: string }
  /** Close with a WebSocket close code. The core has already forgotten `conn`. */
  | { type: 'close'; conn: ConnId; code: number; reason: string }
  /** For the server's log: one per join and one per leave. */
  | { type: 'event'; event: 'join' | 'leave'; conn: ConnId; username: string; topic: string; reason?: string };

export interface ChatOptions {
  messageTtlMs: number;
  maxMessageLength: number;
  /** 0 = off. */
  joinTimeoutMs: number;
  /** 0 = off. */
  idleTimeoutMs: number;
  /** Chat frames per second per connection, burst twice that; 0 = off. */
  rateLimit: number;
  /** Still over the limit after this long: close 1008. */
  rateLimitCloseAfterMs: number;
  /** At most one typing broadcast per user per interval. */
  typingIntervalMs: number;
  /** Oldest messages of a topic are dropped beyond this (memory bound). */
  maxStoredPerTopic: number;
}

export const DEFAULT_CHAT_OPTIONS: Readonly<ChatOptions> = Object.freeze({
  messageTtlMs: 30_000,
  maxMessageLength: 2000,
  joinTimeoutMs: 30_000,
  idleTimeoutMs: 0,
  rateLimit: 50,
  rateLimitCloseAfterMs: 2000,
  typingIntervalMs: 1000,
  maxStoredPerTopic: 1000,
});

export interface ChatStats {
  connections: number;
  topics: number;
  storedMessages: number;
  /** Chat messages accepted since start: topic messages and DMs. */
  messagesTotal: number;
}

/** A run of dropped frames ends after this long without a drop. */
const RATE_LIMIT_QUIET_MS = 1000;
/** At most one `rate_limited` error per connection per this many ms. */
const RATE_LIMIT_ERROR_INTERVAL_MS = 1000;
/** Idle scans run at most this often (each scan walks every connection). */
const IDLE_SCAN_GRANULARITY_MS = 1000;
/** A `/dm` name prefix longer than this (UTF-16 units) cannot be a member name. */
const MAX_DM_NAME_PREFIX = 512;

const INVALID_REF: unique symbol = Symbol('invalid ref');

const COMMANDS_BEFORE_JOIN = new Set(['list', 'help', 'quit']);
const COMMANDS = new Set(['list', 'help', 'quit', 'who', 'join', 'dm', 'leave']);

interface StoredMessage {
  readonly topic: Topic;
  readonly expiresAt: number;
  /** The serialised message frame; '' once the message is gone. */
  json: string;
  /** Expired, evicted, or its topic was deleted: skip when popped. */
  dead: boolean;
}

interface Topic {
  readonly name: string;
  readonly nameJson: string;
  /** Member ids in join order: handed out as `broadcast.to` without copying. */
  readonly ids: ConnId[];
  /** Same order as `ids`. */
  readonly members: Conn[];
  /** nameKey(username) -> member, for dedup and /dm. */
  readonly byKey: Map<string, Conn>;
  /** This topic's live stored messages, oldest first. */
  readonly messages: Queue<StoredMessage>;
}

interface Conn {
  readonly id: ConnId;
  /** undefined while in the lobby. */
  topic: Topic | undefined;
  /** Exact (possibly suffixed) name in the topic; '' in the lobby. */
  username: string;
  usernameJson: string;
  /** The name as the user asked for it, before any `#k` suffix. */
  requestedName: string;
  lastActivity: number;
  tokens: number;
  tokensAt: number;
  /** Start of the current run of dropped frames, if any. */
  limitedSince: number | undefined;
  lastDropAt: number;
  lastRateErrorAt: number | undefined;
  lastTypingAt: number | undefined;
}

export class ChatCore {
  readonly #options: ChatOptions;
  readonly #conns = new Map<ConnId, Conn>();
  /**
   * Topics in creation order (what /list shows). Topic names are compared
   * exactly after trim + NFC, i.e. case-sensitively: 'Sports' and 'sports'
   * are two topics. Unlike user names, topics are not about impersonation,
   * and case-folding them would make a topic's displayed name depend on who
   * created it first.
   */
  readonly #topics = new Map<string, Topic>();
  /** Every stored message in send order: with one TTL, also expiry order. */
  readonly #stored = new Queue<StoredMessage>();
  #storedCount = 0;
  #messagesTotal = 0;
  #nextId = 1;
  /** Lobby connections' join deadlines, in insertion (= deadline) order. */
  readonly #joinDeadlines = new Map<ConnId, number>();
  /** When tick() should next scan for idle connections (approximate, never late). */
  #idleCheckAt: number | undefined;

  constructor(options: Partial<ChatOptions> = {}) {
    const merged: ChatOptions = { ...DEFAULT_CHAT_OPTIONS };
    for (const key of Object.keys(DEFAULT_CHAT_OPTIONS) as (keyof ChatOptions)[]) {
      const value = Object.hasOwn(options, key) ? options[key] : undefined;
      if (typeof value === 'number' && !Number.isNaN(value)) merged[key] = value;
    }
    this.#options = merged;
  }

  get options(): Readonly<ChatOptions> {
    return this.#options;
  }

  connect(conn: ConnId, now: number): Effect[] {
    // A duplicate id is a server bug; ignoring it keeps the state consistent.
    if (this.#conns.has(conn)) return [];
    const rate = this.#options.rateLimit;
    this.#conns.set(conn, {
      id: conn,
      topic: undefined,
      username: '',
      usernameJson: '""',
      requestedName: '',
      lastActivity: now,
      tokens: 2 * rate,
      tokensAt: now,
      limitedSince: undefined,
      lastDropAt: now,
      lastRateErrorAt: undefined,
      lastTypingAt: undefined,
    });
    this.#startJoinTimeout(conn, now);
    return [];
  }

  receiveText(conn: ConnId, text: string, now: number): Effect[] {
    const c = this.#conns.get(conn);
    if (c === undefined) return [];
    const out: Effect[] = [];
    if (!this.#admitFrame(c, now, out)) return out;
    c.lastActivity = now;
    const frame = parseClientFrame(text);
    if (c.topic === undefined) this.#handleLobbyFrame(c, frame, now, out);
    else this.#handleJoinedFrame(c, c.topic, frame, now, out);
    return out;
  }

  receiveBinary(conn: ConnId, now: number): Effect[] {
    const c = this.#conns.get(conn);
    if (c === undefined) return [];
    const out: Effect[] = [];
    if (!this.#admitFrame(c, now, out)) return out;
    this.#sendError(c, 'unsupported_data', 'binary frames are not supported; send JSON text frames', out);
    return out;
  }

  disconnect(conn: ConnId, reason: string, now: number): Effect[] {
    const c = this.#conns.get(conn);
    if (c === undefined) return [];
    const out: Effect[] = [];
    this.#forget(c, reason, now, out, false);
    return out;
  }

  tick(now: number): Effect[] {
    const out: Effect[] = [];
    this.#expire(now);
    this.#closeJoinTimeouts(now, out);
    this.#closeIdle(now, out);
    return out;
  }

  nextDeadline(): number | undefined {
    let deadline: number | undefined;
    const front = this.#liveFront();
    if (front !== undefined) deadline = front.expiresAt;
    for (const joinDeadline of this.#joinDeadlines.values()) {
      if (deadline === undefined || joinDeadline < deadline) deadline = joinDeadline;
      break; // the first is the earliest
    }
    if (this.#idleCheckAt !== undefined && (deadline === undefined || this.#idleCheckAt < deadline)) {
      deadline = this.#idleCheckAt;
    }
    return deadline;
  }

  stats(now: number): ChatStats {
    this.#expire(now);
    return {
      connections: this.#conns.size,
      topics: this.#topics.size,
      storedMessages: this.#storedCount,
      messagesTotal: this.#messagesTotal,
    };
  }

  // ---- frame dispatch ----------------------------------------------------

  #handleLobbyFrame(c: Conn, frame: ClientFrame, now: number, out: Effect[]): void {
    switch (frame.kind) {
      case 'invalid_json':
        this.#sendError(c, 'invalid_json', 'frame is neither JSON nor a /command', out);
        return;
      case 'not_object':
        this.#sendError(c, 'invalid_message', 'a frame must be a JSON object, e.g. {"username": "alice", "topic": "sports"}', out);
        return;
      case 'command':
        this.#runCommand(c, frame.name, frame.args, undefined, now, out);
        return;
      case 'message':
      case 'typing':
        this.#sendError(c, 'not_joined', 'join a topic first: send {"username": "<name>", "topic": "<topic>"}', out);
        return;
      case 'join':
        this.#joinFromPayload(c, frame.username, frame.topic, now, out);
        return;
    }
  }

  #handleJoinedFrame(c: Conn, topic: Topic, frame: ClientFrame, now: number, out: Effect[]): void {
    switch (frame.kind) {
      case 'invalid_json':
        this.#sendError(c, 'invalid_json', 'frame is neither JSON nor a /command', out);
        return;
      case 'not_object':
        this.#sendError(c, 'invalid_message', 'a frame must be a JSON object such as {"message": "hello"}', out);
        return;
      case 'command': {
        const ref = this.#refOf(c, frame, out);
        if (ref !== INVALID_REF) this.#runCommand(c, frame.name, frame.args, ref, now, out);
        return;
      }
      case 'message': {
        if (typeof frame.message !== 'string') {
          this.#sendError(c, 'invalid_message', 'message must be a string', out);
          return;
        }
        const ref = this.#refOf(c, frame, out);
        if (ref !== INVALID_REF) this.#sendChatMessage(c, topic, frame.message, ref, now, out);
        return;
      }
      case 'typing':
        if (typeof frame.typing !== 'boolean') {
          this.#sendError(c, 'invalid_message', 'typing must be true or false', out);
          return;
        }
        if (frame.typing) this.#broadcastTyping(c, topic, now, out);
        return;
      case 'join':
        if (frame.hasJoinFields) {
          this.#sendError(c, 'invalid_message', `already joined ${topic.name}; use /join <topic> to switch topics`, out);
        } else {
          this.#sendError(c, 'invalid_message', 'unknown frame: expected {"message": "..."} or {"typing": true}', out);
        }
        return;
    }
  }

  /** The frame's `ref` (undefined if none), or INVALID_REF after answering with an error. */
  #refOf(c: Conn, frame: { hasRef: boolean; ref?: unknown }, out: Effect[]): Ref | undefined | typeof INVALID_REF {
    if (!frame.hasRef) return undefined;
    if (isValidRef(frame.ref)) return frame.ref as Ref;
    this.#sendError(c, 'invalid_message', 'ref must be a string of at most 128 characters or a finite number', out);
    return INVALID_REF;
  }

  // ---- commands ----------------------------------------------------------

  #runCommand(c: Conn, name: string, args: string, ref: Ref | undefined, now: number, out: Effect[]): void {
    if (!COMMANDS.has(name)) {
      this.#sendError(c, 'unknown_command', `unknown command /${name}; send /help for the list of commands`, out);
      return;
    }
    const topic = c.topic;
    if (topic === undefined && !COMMANDS_BEFORE_JOIN.has(name)) {
      this.#sendError(c, 'not_joined', `/${name} needs a topic: join one first with {"username": "<name>", "topic": "<topic>"}`, out);
      return;
    }
    switch (name) {
      case 'list':
        this.#send(c.id, this.#topicsFrame(), out);
        return;
      case 'help':
        this.#send(c.id, helpFrame(), out);
        return;
      case 'quit':
        this.#forget(c, 'quit', now, out, false);
        out.push({ type: 'close', conn: c.id, code: 1000, reason: 'quit' });
        return;
    }
    if (topic === undefined) return; // unreachable: guarded above
    switch (name) {
      case 'who':
        this.#send(c.id, usersFrame(topic.name, topic.members.map((m) => m.username)), out);
        return;
      case 'join':
        this.#moveTo(c, topic, args, now, out);
        return;
      case 'dm':
        this.#sendDm(c, topic, args, ref, now, out);
        return;
      case 'leave': {
        const username = c.username;
        this.#leaveTopic(c, 'leave', now, out, false);
        this.#send(c.id, leftFrame(username, topic.name, seconds(now)), out);
        this.#startJoinTimeout(c.id, now);
        return;
      }
    }
  }

  #topicsFrame(): string {
    const summaries = [];
    for (const topic of this.#topics.values()) summaries.push({ topic: topic.name, users: topic.ids.length });
    return topicsFrame(summaries);
  }

  #moveTo(c: Conn, current: Topic, args: string, now: number, out: Effect[]): void {
    if (args.trim() === '') {
      this.#sendError(c, 'invalid_join', 'usage: /join <topic>', out);
      return;
    }
    const checked = normalizeTopic(args);
    if (!checked.ok) {
      this.#sendError(c, 'invalid_join', `invalid topic: ${checked.problem}`, out);
      return;
    }
    if (checked.name === current.name) {
      // Already there: just show the topic again.
      this.#send(c.id, this.#welcomeFrame(c, current, now), out);
      return;
    }
    this.#leaveTopic(c, 'join', now, out, false);
    this.#joinTopic(c, checked.name, now, out);
  }

  #sendDm(c: Conn, topic: Topic, args: string, ref: Ref | undefined, now: number, out: Effect[]): void {
    if (args.trim() === '') {
      this.#sendError(c, 'invalid_message', 'usage: /dm <username> <text>', out);
      return;
    }
    const target = findDmTarget(topic, args);
    if (target === 'not_found') {
      this.#sendError(c, 'user_not_found', `no user in ${topic.name} matches the start of "${truncate(args, 40)}"`, out);
      return;
    }
    if (target === 'no_text') {
      this.#sendError(c, 'empty_message', 'usage: /dm <username> <text>; the text is missing', out);
      return;
    }
    const check = checkMessageText(target.text, this.#options.maxMessageLength);
    if (!check.ok) {
      this.#sendError(c, check.code, check.problem, out);
      return;
    }
    const id = this.#nextId++;
    this.#messagesTotal++;
    const timestamp = seconds(now);
    const recipient = target.member;
    this.#send(recipient.id, dmFrame(id, c.username, recipient.username, target.text, timestamp), out);
    this.#send(c.id, ackFrame(id, ref, timestamp, 1, recipient.username), out);
  }

  // ---- messages and typing -----------------------------------------------

  #sendChatMessage(c: Conn, topic: Topic, message: string, ref: Ref | undefined, now: number, out: Effect[]): void {
    const check = checkMessageText(message, this.#options.maxMessageLength);
    if (!check.ok) {
      this.#sendError(c, check.code, check.problem, out);
      return;
    }
    const id = this.#nextId++;
    this.#messagesTotal++;
    const timestamp = seconds(now);
    const frame = messageFrameFromJson(id, topic.nameJson, c.usernameJson, message, timestamp);
    const recipients = topic.ids.length - 1;
    if (recipients > 0) out.push({ type: 'broadcast', to: topic.ids, except: c.id, frame });
    this.#send(c.id, ackFrame(id, ref, timestamp, recipients), out);
    this.#store(topic, frame, now);
  }

  #store(topic: Topic, frame: string, now: number): void {
    const { messageTtlMs, maxStoredPerTopic } = this.#options;
    if (messageTtlMs <= 0 || maxStoredPerTopic < 1) return;
    const record: StoredMessage = { topic, expiresAt: now + messageTtlMs, json: frame, dead: false };
    this.#stored.push(record);
    topic.messages.push(record);
    this.#storedCount++;
    while (topic.messages.size > maxStoredPerTopic) {
      const evicted = topic.messages.shift();
      if (evicted === undefined) break;
      // The global queue still holds the record; it is skipped when popped.
      evicted.dead = true;
      evicted.json = '';
      this.#storedCount--;
    }
  }

  #broadcastTyping(c: Conn, topic: Topic, now: number, out: Effect[]): void {
    if (c.lastTypingAt !== undefined && now - c.lastTypingAt < this.#options.typingIntervalMs) return;
    c.lastTypingAt = now;
    if (topic.ids.length > 1) {
      out.push({ type: 'broadcast', to: topic.ids, except: c.id, frame: typingFrame(c.username, topic.name) });
    }
  }

  // ---- joining and leaving -----------------------------------------------

  #joinFromPayload(c: Conn, rawUsername: unknown, rawTopic: unknown, now: number, out: Effect[]): void {
    const username = normalizeUsername(rawUsername);
    if (!username.ok) {
      this.#sendError(c, 'invalid_join', `invalid join: ${username.problem}; send {"username": "<name>", "topic": "<topic>"}`, out);
      return;
    }
    const topic = normalizeTopic(rawTopic);
    if (!topic.ok) {
      this.#sendError(c, 'invalid_join', `invalid join: ${topic.problem}; send {"username": "<name>", "topic": "<topic>"}`, out);
      return;
    }
    c.requestedName = username.name;
    this.#joinTopic(c, topic.name, now, out);
  }

  /** Puts a lobby connection into `topicName` under its requested name, deduplicated. */
  #joinTopic(c: Conn, topicName: string, now: number, out: Effect[]): void {
    let topic = this.#topics.get(topicName);
    if (topic === undefined) {
      topic = {
        name: topicName,
        nameJson: JSON.stringify(topicName),
        ids: [],
        members: [],
        byKey: new Map(),
        messages: new Queue(),
      };
      this.#topics.set(topicName, topic);
    }
    const username = freeName(topic, c.requestedName);
    c.topic = topic;
    c.username = username;
    c.usernameJson = JSON.stringify(username);
    c.lastActivity = now;
    c.lastTypingAt = undefined;
    topic.ids.push(c.id);
    topic.members.push(c);
    topic.byKey.set(nameKey(username), c);
    this.#joinDeadlines.delete(c.id);
    this.#scheduleIdleCheck(now);

    this.#send(c.id, this.#welcomeFrame(c, topic, now), out);
    if (topic.ids.length > 1) {
      out.push({ type: 'broadcast', to: topic.ids, except: c.id, frame: joinedFrame(username, topic.name, seconds(now)) });
    }
    out.push({ type: 'event', event: 'join', conn: c.id, username, topic: topic.name });
  }

  #welcomeFrame(c: Conn, topic: Topic, now: number): string {
    const history: string[] = [];
    // Lazily skip messages whose expiry tick has not run yet.
    topic.messages.forEach((m) => {
      if (m.expiresAt > now) history.push(m.json);
    });
    return welcomeFrame(
      c.username,
      topic.name,
      this.#options.messageTtlMs / 1000,
      topic.members.map((m) => m.username),
      history,
    );
  }

  /**
   * Takes a joined connection out of its topic: the others get `left`, a
   * leave event is logged, and an emptied topic is deleted with its messages.
   * `copyRecipients` is needed when more members of the same topic may be
   * removed later in the same effect list (tick), since `broadcast.to`
   * would otherwise be the live array that shrinks under it.
   */
  #leaveTopic(c: Conn, reason: string, now: number, out: Effect[], copyRecipients: boolean): void {
    const topic = c.topic;
    if (topic === undefined) return;
    const index = topic.members.indexOf(c);
    if (index >= 0) {
      topic.members.splice(index, 1);
      topic.ids.splice(index, 1);
    }
    topic.byKey.delete(nameKey(c.username));
    const username = c.username;
    c.topic = undefined;
    c.username = '';
    c.usernameJson = '""';
    if (topic.ids.length === 0) {
      this.#deleteTopic(topic);
    } else {
      out.push({
        type: 'broadcast',
        to: copyRecipients ? topic.ids.slice() : topic.ids,
        except: undefined,
        frame: leftFrame(username, topic.name, seconds(now)),
      });
    }
    out.push({ type: 'event', event: 'leave', conn: c.id, username, topic: topic.name, reason });
  }

  #deleteTopic(topic: Topic): void {
    this.#topics.delete(topic.name);
    // Free the text now; the records left in the global queue are skipped.
    topic.messages.forEach((m) => {
      m.dead = true;
      m.json = '';
    });
    this.#storedCount -= topic.messages.size;
    topic.messages.clear();
  }

  /** Removes a connection entirely (leaving its topic first). */
  #forget(c: Conn, reason: string, now: number, out: Effect[], copyRecipients: boolean): void {
    this.#leaveTopic(c, reason, now, out, copyRecipients);
    this.#joinDeadlines.delete(c.id);
    this.#conns.delete(c.id);
  }

  #close(c: Conn, code: number, closeReason: string, leaveReason: string, now: number, out: Effect[], copyRecipients: boolean): void {
    this.#forget(c, leaveReason, now, out, copyRecipients);
    out.push({ type: 'close', conn: c.id, code, reason: closeReason });
  }

  // ---- timeouts ----------------------------------------------------------

  #startJoinTimeout(conn: ConnId, now: number): void {
    const timeout = this.#options.joinTimeoutMs;
    if (timeout <= 0) return;
    // Delete first so re-insertion moves it to the end (deadline order).
    this.#joinDeadlines.delete(conn);
    this.#joinDeadlines.set(conn, now + timeout);
  }

  #closeJoinTimeouts(now: number, out: Effect[]): void {
    for (const [conn, deadline] of this.#joinDeadlines) {
      if (deadline > now) break;
      const c = this.#conns.get(conn);
      if (c === undefined) {
        this.#joinDeadlines.delete(conn);
        continue;
      }
      this.#close(c, 1008, 'join timeout', 'join timeout', now, out, true);
    }
  }

  #scheduleIdleCheck(now: number): void {
    const timeout = this.#options.idleTimeoutMs;
    if (timeout <= 0) return;
    const at = now + timeout;
    if (this.#idleCheckAt === undefined || at < this.#idleCheckAt) this.#idleCheckAt = at;
  }

  #closeIdle(now: number, out: Effect[]): void {
    const timeout = this.#options.idleTimeoutMs;
    if (timeout <= 0 || this.#idleCheckAt === undefined || now < this.#idleCheckAt) return;
    const idle: Conn[] = [];
    let earliest = Infinity;
    for (const c of this.#conns.values()) {
      if (c.topic === undefined) continue;
      const deadline = c.lastActivity + timeout;
      if (deadline <= now) idle.push(c);
      else if (deadline < earliest) earliest = deadline;
    }
    for (const c of idle) this.#close(c, 1000, 'idle', 'idle', now, out, true);
    // Not earlier than the granularity, so a stream of staggered deadlines
    // cannot make every tick walk every connection.
    this.#idleCheckAt =
      earliest === Infinity ? undefined : Math.max(earliest, now + Math.min(IDLE_SCAN_GRANULARITY_MS, timeout));
  }

  // ---- expiry ------------------------------------------------------------

  /** Drops dead records at the front of the global queue and returns the first live one. */
  #liveFront(): StoredMessage | undefined {
    let front = this.#stored.peek();
    while (front !== undefined && front.dead) {
      this.#stored.shift();
      front = this.#stored.peek();
    }
    return front;
  }

  #expire(now: number): void {
    for (let front = this.#liveFront(); front !== undefined && front.expiresAt <= now; front = this.#liveFront()) {
      this.#stored.shift();
      // One TTL for all: the global front is also its topic's oldest message.
      front.topic.messages.shift();
      front.dead = true;
      front.json = '';
      this.#storedCount--;
    }
  }

  // ---- rate limit --------------------------------------------------------

  /**
   * Token bucket: capacity 2*rateLimit, refilled at rateLimit per second,
   * one token per frame. Returns false when the frame must be dropped.
   *
   * "Over the limit" is a run of drops without a quiet second in between.
   * Resetting on every accepted frame would never close a flooder, because
   * the refill lets one of its frames through every 1/rateLimit seconds.
   */
  #admitFrame(c: Conn, now: number, out: Effect[]): boolean {
    const rate = this.#options.rateLimit;
    if (rate <= 0) return true;
    const capacity = 2 * rate;
    const elapsed = now - c.tokensAt;
    if (elapsed > 0) {
      c.tokens = Math.min(capacity, c.tokens + (elapsed * rate) / 1000);
      c.tokensAt = now;
    }
    if (c.limitedSince !== undefined && now - c.lastDropAt >= RATE_LIMIT_QUIET_MS) c.limitedSince = undefined;
    if (c.tokens >= 1) {
      c.tokens -= 1;
      return true;
    }
    if (c.limitedSince === undefined) c.limitedSince = now;
    c.lastDropAt = now;
    if (now - c.limitedSince >= this.#options.rateLimitCloseAfterMs) {
      this.#close(c, 1008, 'rate limit', 'rate_limit', now, out, false);
      return false;
    }
    if (c.lastRateErrorAt === undefined || now - c.lastRateErrorAt >= RATE_LIMIT_ERROR_INTERVAL_MS) {
      c.lastRateErrorAt = now;
      this.#sendError(c, 'rate_limited', `too many frames: at most ${rate} per second (burst ${capacity}); frame dropped`, out);
    }
    return false;
  }

  // ---- helpers -----------------------------------------------------------

  #send(to: ConnId, frame: string, out: Effect[]): void {
    out.push({ type: 'send', to, frame });
  }

  #sendError(c: Conn, code: ErrorCode, message: string, out: Effect[]): void {
    out.push({ type: 'send', to: c.id, frame: errorFrame(code, message) });
  }
}

function seconds(now: number): number {
  return Math.floor(now / 1000);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max) + '…';
}

/** The requested name if free in the topic, else `name#k` with the lowest free k >= 2. */
function freeName(topic: Topic, requested: string): string {
  if (!topic.byKey.has(nameKey(requested))) return requested;
  for (let k = 2; ; k++) {
    const candidate = `${requested}#${k}`;
    if (!topic.byKey.has(nameKey(candidate))) return candidate;
  }
}

/**
 * Splits `/dm` arguments into a member and the text. Names may contain
 * spaces, so every white-space boundary is a candidate; the longest prefix
 * naming a member and leaving some text wins. If names match only with no
 * text after them, the text is missing.
 */
function findDmTarget(topic: Topic, args: string): { member: Conn; text: string } | 'not_found' | 'no_text' {
  const boundaries: { start: number; end: number }[] = [];
  const whiteSpace = /\s+/g;
  for (let match = whiteSpace.exec(args); match !== null; match = whiteSpace.exec(args)) {
    if (match.index > MAX_DM_NAME_PREFIX) break;
    boundaries.push({ start: match.index, end: match.index + match[0].length });
  }
  let nameOnly = false;
  if (args.length <= MAX_DM_NAME_PREFIX && lookupMember(topic, args) !== undefined) nameOnly = true;
  for (let i = boundaries.length - 1; i >= 0; i--) {
    const { start, end } = boundaries[i]!;
    const member = lookupMember(topic, args.slice(0, start));
    if (member === undefined) continue;
    const text = args.slice(end);
    if (text.length > 0) return { member, text };
    nameOnly = true;
  }
  return nameOnly ? 'no_text' : 'not_found';
}

function lookupMember(topic: Topic, typed: string): Conn | undefined {
  const name = typed.normalize('NFC').trim();
  if (name === '') return undefined;
  return topic.byKey.get(nameKey(name));
}
