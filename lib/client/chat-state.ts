/**
 * What the terminal client knows about its chat, shared by both front ends
 * (interactive and script): who we are, which topic to rejoin, the latest
 * resume token, the highest message id seen per topic, which messages were
 * already shown, and our own messages waiting for their ack. Pure: no I/O,
 * no timers, so every rule is unit tested without a server.
 *
 * Resuming (wire contract, "Resuming after a dropped connection"): after a
 * drop the client joins with the name the server gave it, the latest token
 * of that topic as `resume`, and the highest id it has seen as `since`; the
 * server then sends only newer messages. A message is still shown at most
 * once (remembered by id), because a server may not know `since`.
 */
import type { JoinPayload, MessageFrame, Ref } from '../chat/wire.ts';
import type { ServerFrame } from './format.ts';

/** Messages remembered for deduplication (oldest forgotten first). */
const SEEN_LIMIT = 10_000;

export interface Update {
  /**
   * The frame to pass on: the one received, or a copy whose `history` lost
   * messages already shown; undefined for a message already shown.
   */
  frame: ServerFrame | undefined;
  /** For an ack of our own chat message: that message as the others got it. */
  sent?: MessageFrame;
  /** For a welcome: how it came about, and the history left to show (by id). */
  welcome?: { reconnect: boolean; resumed: boolean; history: MessageFrame[] };
  /** Things the user should be told (messages may be missing, a send may be lost). */
  notes: string[];
}

/** A `message` frame (or history entry) with the fields we rely on, else undefined. */
export function asMessage(value: unknown): MessageFrame | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (typeof m['id'] !== 'number' || !Number.isSafeInteger(m['id'])) return undefined;
  if (typeof m['username'] !== 'string' || typeof m['message'] !== 'string') return undefined;
  return value as MessageFrame;
}

export class ChatState {
  /** The name the user asked for; the server may give a deduplicated one (`self`). */
  requested: string;
  /** The topic to (re)join on connect; undefined in the lobby. */
  topic: string | undefined;
  /** Our name as the server gave it in the last welcome. */
  self: string | undefined;
  /** The topic of the last welcome, which `self` belongs to. */
  #selfTopic: string | undefined;
  joined = false;
  #token: { topic: string; token: string } | undefined;
  readonly #highest = new Map<string, number>();
  /** `topic \n id` → `username \n timestamp`: a server restarted from id 1 does not hide new messages. */
  readonly #seen = new Map<string, string>();
  /** Our chat messages by ref until acknowledged; `sent` once written to a connection. */
  readonly #unacked = new Map<Ref, { text: string; sent: boolean }>();
  /** Texts that were unacknowledged when the connection dropped. */
  #maybeLost: string[] = [];
  #reconnecting = false;
  #ref = 0;

  constructor(requested: string, topic: string | undefined) {
    this.requested = requested;
    this.topic = topic;
  }

  /** The highest message id seen in `topic` (history, live messages, our acks). */
  highestId(topic: string): number | undefined {
    return this.#highest.get(topic);
  }

  /** True when this client holds a resume token for `topic`. */
  hasToken(topic: string): boolean {
    return this.#token?.topic === topic;
  }

  /** The join to send on connect, or undefined in the lobby. */
  joinPayload(): JoinPayload | undefined {
    const topic = this.topic;
    if (topic === undefined) return undefined;
    const again = this.self !== undefined && this.#selfTopic === topic;
    const payload: JoinPayload = { username: again ? (this.self as string) : this.requested, topic };
    if (this.#token?.topic === topic) payload.resume = this.#token.token;
    const since = this.#highest.get(topic);
    if (since !== undefined) payload.since = since;
    return payload;
  }

  /** The frame for one chat message, remembered until its ack; `markSent(ref)` once it is written. */
  chatMessage(text: string): { text: string; ref: number } {
    const ref = ++this.#ref;
    this.#unacked.set(ref, { text, sent: false });
    return { text: JSON.stringify({ message: text, ref }), ref };
  }

  markSent(ref: number): void {
    const entry = this.#unacked.get(ref);
    if (entry !== undefined) entry.sent = true;
  }

  /**
   * The connection dropped: acks of what was in flight will never come.
   * What was not written yet still goes out (and is acked) after the rejoin.
   */
  connectionLost(): void {
    this.joined = false;
    this.#reconnecting = true;
    for (const [ref, entry] of this.#unacked) {
      if (!entry.sent) continue;
      this.#maybeLost.push(entry.text);
      this.#unacked.delete(ref);
    }
  }

  receive(frame: ServerFrame): Update {
    switch (frame.type) {
      case 'welcome':
        return this.#welcome(frame);
      case 'message': {
        const message = asMessage(frame);
        if (message === undefined) return { frame, notes: [] };
        if (!this.#remember(message)) return { frame: undefined, notes: [] };
        return { frame, notes: [] };
      }
      case 'ack':
        return this.#ack(frame);
      case 'left':
        if (this.self !== undefined && frame['username'] === this.self && frame['topic'] === this.#selfTopic) {
          // The answer to /leave: an end on purpose, nothing to rejoin or resume.
          this.joined = false;
          this.topic = undefined;
          this.#token = undefined;
        }
        return { frame, notes: [] };
      case 'error':
        if (frame['code'] === 'invalid_join' && !this.joined) {
          // A refused join would be refused again after a reconnect.
          this.topic = undefined;
        }
        return { frame, notes: [] };
      default:
        return { frame, notes: [] };
    }
  }

  #welcome(frame: ServerFrame): Update {
    const notes: string[] = [];
    if (typeof frame['username'] === 'string') this.self = frame['username'];
    if (typeof frame['topic'] === 'string') this.topic = frame['topic'];
    const topic = this.topic ?? '';
    this.#selfTopic = this.topic;
    this.joined = true;
    this.#token = typeof frame['resumeToken'] === 'string' ? { topic, token: frame['resumeToken'] } : undefined;
    const reconnect = this.#reconnecting;
    this.#reconnecting = false;
    if (frame['recovered'] === false) {
      // Ids above our `since` are gone or the topic began again (maybe a new
      // server process, counting from 1 again): what we knew is no measure.
      this.#highest.delete(topic);
      notes.push('some messages may have been missed while the connection was down (they expired or the topic started over)');
    }
    const raw = Array.isArray(frame['history']) ? (frame['history'] as unknown[]) : [];
    const valid = raw.map(asMessage).filter((m): m is MessageFrame => m !== undefined);
    valid.sort((a, b) => a.id - b.id);
    const history = valid.filter((m) => this.#remember({ ...m, topic }));
    const lost = this.#maybeLost;
    this.#maybeLost = [];
    if (lost.length > 0) {
      // Our messages the server took before the drop come back in the history.
      const ours = valid.filter((m) => m.username === this.self).map((m) => m.message);
      for (const text of lost) {
        const at = ours.indexOf(text);
        if (at >= 0) ours.splice(at, 1);
        else notes.push(`this message may not have been delivered (the connection dropped before the server confirmed it): ${text}`);
      }
    }
    const passed = history.length === raw.length ? frame : { ...frame, history };
    return { frame: passed, welcome: { reconnect, resumed: frame['resumed'] === true, history }, notes };
  }

  #ack(frame: ServerFrame): Update {
    const ref = frame['ref'];
    const entry = typeof ref === 'string' || typeof ref === 'number' ? this.#unacked.get(ref) : undefined;
    if (entry === undefined || frame['to'] !== undefined || typeof frame['id'] !== 'number') return { frame, notes: [] };
    this.#unacked.delete(ref as Ref);
    const text = entry.text;
    const sent: MessageFrame = {
      type: 'message',
      id: frame['id'],
      topic: this.topic ?? '',
      username: this.self ?? this.requested,
      message: text,
      timestamp: typeof frame['timestamp'] === 'number' ? frame['timestamp'] : Math.floor(Date.now() / 1000),
    };
    this.#remember(sent);
    return { frame, sent, notes: [] };
  }

  /** False if this message was shown already; otherwise remembers it and raises `since`. */
  #remember(message: MessageFrame): boolean {
    const topic = typeof message.topic === 'string' && message.topic !== '' ? message.topic : (this.topic ?? '');
    const key = `${topic}\n${message.id}`;
    const who = `${message.username}\n${message.timestamp}`;
    if (this.#seen.get(key) === who) return false;
    this.#seen.set(key, who);
    if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.keys().next().value as string);
    const highest = this.#highest.get(topic);
    if (highest === undefined || message.id > highest) this.#highest.set(topic, message.id);
    return true;
  }
}

/** Frames the server sends to us in answer to one of ours (one each). */
export function isReply(frame: ServerFrame, self: string | undefined): boolean {
  switch (frame.type) {
    case 'welcome':
    case 'ack':
    case 'error':
    case 'topics':
    case 'users':
    case 'help':
      return true;
    case 'left':
      return self !== undefined && frame['username'] === self; // the answer to /leave
    default:
      return false;
  }
}

export function commandName(line: string): string {
  return line.slice(1).split(/\s/, 1)[0] ?? '';
}
