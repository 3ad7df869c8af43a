/**
 * The chat replica: the state every process of a cluster must share (topics,
 * members, names, history, ids, resume tokens, which processes are alive)
 * and the rules that change it. `apply(command, now)` is the only way in:
 * pure, no sockets, no timers, no clock, no randomness. The time comes with
 * each command (from the log), ids are derived from it, and the effects come
 * out addressed to connections (`<process>.<n>`) or to a topic. Every
 * process applies the same commands in the same order and so computes the
 * same state; each carries out only the effects for its own connections.
 *
 * What belongs to one connection (parsing, rate limits, timers, the lobby)
 * is not here: see edge.ts.
 */
import { processOf, type Command, type ConnKey, type LeaveWhy, type RestoredMember } from './commands.ts';
import { ackFrame, dmFrame, errorFrame, joinedFrame, leftFrame, messageFrameFromJson, typingFrame, usersFrame, welcomeFrame } from './frames.ts';
import { MessageStore } from './history.ts';
import { Liveness } from './liveness.ts';
import { Membership, type MemberView } from './membership.ts';
import { TokenBook } from './resume.ts';
import { findDmTarget, type Member } from './rooms.ts';
import { captureSnapshot, restoreSnapshot, takeSnapshot, type CapturedSnapshot, type ReplicaParts, type ReplicaSnapshot } from './snapshot.ts';
import { checkMessageText } from './validate.ts';
import type { Effect } from './effects.ts';
import { ChatCloseCode, type ErrorCode, type Ref } from './wire.ts';

export type { ReplicaSnapshot } from './snapshot.ts';
export type { Effect, PendingAck } from './effects.ts';

export interface ReplicaOptions {
  /** Used for `welcome.messageTtl` where a command does not bring its own TTL. */
  messageTtlMs: number;
  maxMessageLength: number;
  maxStoredPerTopic: number;
  /** Bytes (UTF-8) of stored frames per topic. */
  maxStoredBytesPerTopic: number;
  resumeWindowMs: number;
  /** 0 = off: a dropped member leaves at once. */
  resumeGraceMs: number;
  /** A process silent for this much live log time is dead; 0 = liveness off (one process). */
  processDeadAfterMs: number;
  /** A gap between two log entries counts as at most this much live time (a longer gap is an outage of the log itself). */
  maxLiveGapMs: number;
  /** `/list` shows at most this many topics (the most populated first). */
  maxListedTopics: number;
}

export const DEFAULT_REPLICA_OPTIONS: Readonly<ReplicaOptions> = Object.freeze({
  messageTtlMs: 30_000,
  maxMessageLength: 2000,
  maxStoredPerTopic: 1000,
  maxStoredBytesPerTopic: 512 * 1024,
  resumeWindowMs: 60_000,
  resumeGraceMs: 0,
  processDeadAfterMs: 0,
  maxLiveGapMs: 2000,
  maxListedTopics: 100,
});

export interface ReplicaStats {
  topics: number;
  storedMessages: number;
  messagesTotal: number;
  members: number;
  processes: number;
}

export class ChatReplica {
  readonly options: Readonly<ReplicaOptions>;
  readonly #store: MessageStore;
  readonly #rooms: Membership;
  readonly #tokens: TokenBook;
  readonly #live: Liveness;
  #lastId = 0;
  #messagesTotal = 0;

  constructor(options: Partial<ReplicaOptions> = {}) {
    this.options = { ...DEFAULT_REPLICA_OPTIONS, ...definedOnly(options) };
    this.#store = new MessageStore({
      messageTtlMs: this.options.messageTtlMs,
      maxMessages: this.options.maxStoredPerTopic,
      maxBytes: this.options.maxStoredBytesPerTopic,
    });
    this.#rooms = new Membership(this.#store);
    this.#tokens = new TokenBook(this.options.resumeWindowMs);
    this.#live = new Liveness(this.options.maxLiveGapMs);
  }

  // ---- reads (any process, from its own replica) ----------------------------

  memberOf(conn: ConnKey): { topic: string; username: string } | undefined {
    const member = this.#rooms.members.get(conn);
    return member === undefined ? undefined : { topic: member.topic.name, username: member.username };
  }

  usersFrame(conn: ConnKey): string | undefined {
    const member = this.#rooms.members.get(conn);
    return member === undefined ? undefined : usersFrame(member.topic.name, member.topic.usernames());
  }

  /** The `/list` reply: the most populated topics first, bounded, cached until membership changes. */
  topicsFrame(): string {
    return this.#rooms.topicsFrame(this.options.maxListedTopics);
  }

  /** Every member (for comparing with a later state). */
  members(): MemberView[] {
    return this.#rooms.all();
  }

  stats(): ReplicaStats {
    return {
      topics: this.#rooms.topics.size,
      storedMessages: this.#store.count,
      messagesTotal: this.#messagesTotal,
      members: this.#rooms.members.size,
      processes: this.#live.lastSeen.size,
    };
  }

  /** The log time of the last command applied. */
  get now(): number {
    return this.#live.now;
  }

  get lastId(): number {
    return this.#lastId;
  }

  /** When something time-driven is next due (expiry, the end of a grace period). */
  nextDeadline(): number | undefined {
    let deadline = this.#store.nextExpiry();
    const ghost = this.#rooms.ghosts.peek();
    if (ghost?.ghostUntil !== undefined && (deadline === undefined || ghost.ghostUntil < deadline)) deadline = ghost.ghostUntil;
    return deadline;
  }

  /** A digest of the shared state, to compare replicas in tests and logs. */
  digest(): string {
    return `${this.#lastId}|${this.#rooms.digest(this.#live.now)}`;
  }

  /** Drops expired messages now (one process only: replicas in a cluster expire in log order). */
  expireMessages(now: number): void {
    this.#store.expire(Math.max(now, this.#live.now));
  }

  /** The live process with the lowest id: the one that writes snapshots. */
  lowestLiveProcess(): string | undefined {
    return this.#live.lowest();
  }

  /** Members of `topic` on `process` that messages reach (not in a grace period). */
  reachableOn(topic: string, process: string): number {
    return this.#rooms.topics.get(topic)?.reachableOn(process) ?? 0;
  }

  /** Unexpired messages stored for `topic`. */
  storedIn(topic: string): number {
    return this.#rooms.topics.get(topic)?.history.messages.size ?? 0;
  }

  snapshot(): ReplicaSnapshot {
    return takeSnapshot(this.#parts());
  }

  /** The state now, with the stored messages to be read later (see snapshot.ts). */
  captureSnapshot(): CapturedSnapshot {
    return captureSnapshot(this.#parts());
  }

  #parts(): ReplicaParts {
    return { membership: this.#rooms, store: this.#store, tokens: this.#tokens, liveness: this.#live, lastId: this.#lastId, messagesTotal: this.#messagesTotal };
  }

  static restore(snapshot: ReplicaSnapshot, options: Partial<ReplicaOptions> = {}): ChatReplica {
    const replica = new ChatReplica(options);
    const counters = restoreSnapshot(snapshot, { membership: replica.#rooms, store: replica.#store, tokens: replica.#tokens, liveness: replica.#live });
    replica.#lastId = counters.lastId;
    replica.#messagesTotal = counters.messagesTotal;
    return replica;
  }

  // ---- apply ----------------------------------------------------------------

  apply(command: Command, now: number): Effect[] {
    const out: Effect[] = [];
    this.#advance(now, out);
    now = this.#live.now;
    switch (command.t) {
      case 'tick':
        this.#live.seen(command.p);
        break;
      case 'stop':
        this.#live.forget(command.p);
        this.#dropProcess(command.p, 'process stopped', false, out);
        break;
      case 'restore':
        this.#live.seen(command.p);
        for (const member of command.members) this.#restore(member, command.announce, out);
        break;
      default: {
        this.#live.seen(processOf(command.c));
        this.#applyConnCommand(command, now, out);
      }
    }
    return out;
  }

  #applyConnCommand(command: Exclude<Command, { t: 'tick' | 'stop' | 'restore' }>, now: number, out: Effect[]): void {
    const member = this.#rooms.members.get(command.c);
    switch (command.t) {
      case 'join':
        // A join from a connection that is already a member (a retry that did get through) changes nothing.
        if (member !== undefined) return;
        this.#join(command.c, command.name, command.topic, command.token, command.resume, command.since, now, out);
        return;
      case 'leave':
        if (member === undefined) {
          if (command.why === 'leave') out.push(errorEffect(command.c, 'not_joined', '/leave needs a topic: join one first'));
          return;
        }
        this.#leave(member, command.why, command.detail, now, out);
        if (command.why === 'leave') out.push({ type: 'send', to: command.c, frame: leftFrame(member.username, member.topic.name, seconds(now)) });
        return;
    }
    if (member === undefined) {
      if (command.t !== 'typing') out.push(errorEffect(command.c, 'not_joined', 'join a topic first: send {"username": "<name>", "topic": "<topic>"}'));
      return;
    }
    switch (command.t) {
      case 'move':
        if (command.topic === member.topic.name) {
          // Already there: a fresh welcome (and token), nothing for the others.
          this.#tokens.issue(member.conn, member.topic.name, member.username, command.token);
          const topic = member.topic;
          const history = topic.history.framesAfter(0, now);
          const frame = welcomeFrame(member.username, topic.name, this.options.messageTtlMs / 1000, topic.usernames(), history, { resumeToken: command.token });
          out.push({ type: 'send', to: member.conn, frame });
          return;
        }
        this.#leave(member, 'leave', 'join', now, out);
        this.#join(command.c, member.requested, command.topic, command.token, undefined, undefined, now, out);
        return;
      case 'say':
        this.#say(member, command.text, command.ref, command.ttl, now, out);
        return;
      case 'dm':
        this.#dm(member, command.args, command.ref, now, out);
        return;
      case 'typing':
        if (member.topic.reachable > 1) {
          out.push({ type: 'deliver', topic: member.topic.name, except: member.conn, frame: typingFrame(member.username, member.topic.name) });
        }
        return;
    }
  }

  // ---- joining, resuming and leaving ------------------------------------------

  #join(conn: ConnKey, requested: string, topicName: string, token: string, resume: string | undefined, since: number | undefined, now: number, out: Effect[]): void {
    const record = resume === undefined ? undefined : this.#tokens.find(resume, topicName, now);
    const topic = this.#rooms.topic(topicName, this.#lastId);
    let member: Member;
    let seamless = false;
    const old = record === undefined ? undefined : this.#rooms.members.get(record.conn);
    if (record !== undefined) this.#tokens.consume(record);
    if (old !== undefined && old.topic === topic) {
      // The old connection is still a member (open, or dropped and in its
      // grace period): the new one takes its place, unseen by the others.
      seamless = true;
      if (old.ghostUntil === undefined) out.push({ type: 'close', conn: old.conn, code: ChatCloseCode.REPLACED, reason: 'replaced' });
      out.push({ type: 'member', conn: old.conn, topic: undefined, username: old.username });
      member = this.#rooms.replace(old, conn);
    } else {
      const name = record !== undefined && topic.isFree(record.username) ? record.username : topic.freeName(requested);
      member = this.#rooms.add(conn, topic, name, requested);
    }
    const username = member.username;
    this.#tokens.issue(conn, topic.name, username, token);
    const history = topic.history.framesAfter(since ?? 0, now);
    const resumeFields: { resumeToken: string; resumed?: boolean; recovered?: boolean } = { resumeToken: token };
    if (resume !== undefined || since !== undefined) resumeFields.resumed = record !== undefined;
    if (since !== undefined) resumeFields.recovered = topic.history.isCompleteAfter(since, now);
    out.push({ type: 'member', conn, topic: topic.name, username });
    out.push({
      type: 'send',
      to: conn,
      frame: welcomeFrame(username, topic.name, this.options.messageTtlMs / 1000, topic.usernames(), history, resumeFields),
    });
    if (!seamless && topic.members.length > 1) {
      out.push({ type: 'deliver', topic: topic.name, except: conn, frame: joinedFrame(member.username, topic.name, seconds(now)) });
    }
    out.push({ type: 'event', event: record === undefined ? 'join' : 'resume', conn, username, topic: topic.name });
  }

  #leave(member: Member, why: LeaveWhy, detail: string, now: number, out: Effect[]): void {
    const onPurpose = why !== 'drop' && why !== 'server';
    this.#tokens.end(member.conn, onPurpose, now);
    out.push({ type: 'member', conn: member.conn, topic: undefined, username: member.username });
    if (why === 'drop' && this.options.resumeGraceMs > 0) {
      // Kept for the grace period: listed, but nothing reaches it.
      this.#rooms.startGrace(member, now + this.options.resumeGraceMs);
      return;
    }
    this.#rooms.remove(member);
    this.#announceLeave(member, detail, now, out);
  }

  #announceLeave(member: Member, detail: string, now: number, out: Effect[]): void {
    const topic = member.topic;
    if (topic.members.length === 0) {
      this.#rooms.deleteTopic(topic);
    } else {
      out.push({ type: 'deliver', topic: topic.name, except: undefined, frame: leftFrame(member.username, topic.name, seconds(now)), leaver: member.conn });
    }
    out.push({ type: 'event', event: 'leave', conn: member.conn, username: member.username, topic: topic.name, reason: detail });
  }

  #restore(restored: RestoredMember, announce: boolean, out: Effect[]): void {
    const existing = this.#rooms.members.get(restored.c);
    if (existing !== undefined && existing.topic.name === restored.topic) return;
    if (existing !== undefined) this.#rooms.remove(existing);
    const topic = this.#rooms.topic(restored.topic, this.#lastId);
    if (!topic.isFree(restored.name)) {
      // Someone got the name while this member's process was cut off.
      out.push({ type: 'member', conn: restored.c, topic: undefined, username: restored.name });
      out.push({ type: 'close', conn: restored.c, code: ChatCloseCode.SERVICE_RESTART, reason: 'name taken while this server was cut off; join again' });
      if (topic.members.length === 0) this.#rooms.deleteTopic(topic);
      return;
    }
    const member = this.#rooms.add(restored.c, topic, restored.name, restored.name);
    this.#tokens.issue(restored.c, topic.name, restored.name, restored.token);
    out.push({ type: 'member', conn: restored.c, topic: topic.name, username: restored.name });
    if (announce && topic.members.length > 1) {
      out.push({ type: 'deliver', topic: topic.name, except: member.conn, frame: joinedFrame(member.username, topic.name, seconds(this.#live.now)) });
    }
  }

  #dropProcess(process: string, detail: string, evicted: boolean, out: Effect[]): void {
    const members = this.#rooms.ofProcess(process);
    if (members.length === 0) return;
    out.push({ type: 'process_down', process, members: members.length });
    const now = this.#live.now;
    for (const member of members) {
      this.#tokens.end(member.conn, false, now);
      out.push({ type: 'member', conn: member.conn, topic: undefined, username: member.username, evicted });
      this.#rooms.remove(member);
      this.#announceLeave(member, detail, now, out);
    }
  }

  // ---- messages ----------------------------------------------------------------

  #say(member: Member, text: string, ref: Ref | undefined, ttlMs: number, now: number, out: Effect[]): void {
    const topic = member.topic;
    const id = this.#issueId(now);
    this.#messagesTotal++;
    const timestamp = seconds(now);
    const frame = messageFrameFromJson(id, topic.nameJson, member.usernameJson, text, timestamp);
    out.push({
      type: 'deliver',
      topic: topic.name,
      except: member.conn,
      frame,
      ack: { to: member.conn, id, ref, timestamp, others: topic.reachable - 1, acceptedAt: now },
    });
    this.#store.store(topic.history, id, frame, now, ttlMs);
  }

  #dm(member: Member, args: string, ref: Ref | undefined, now: number, out: Effect[]): void {
    const topic = member.topic;
    const target = findDmTarget(topic, args);
    if (target === 'not_found' || (target !== 'no_text' && target.member.ghostUntil !== undefined)) {
      out.push(errorEffect(member.conn, 'user_not_found', `no user in ${topic.name} matches the start of "${truncate(args, 40)}"`));
      return;
    }
    if (target === 'no_text') {
      out.push(errorEffect(member.conn, 'empty_message', 'usage: /dm <username> <text>; the text is missing'));
      return;
    }
    const check = checkMessageText(target.text, this.options.maxMessageLength);
    if (!check.ok) {
      out.push(errorEffect(member.conn, check.code, check.problem));
      return;
    }
    const id = this.#issueId(now);
    this.#messagesTotal++;
    const timestamp = seconds(now);
    const recipient = target.member;
    out.push({ type: 'send', to: recipient.conn, frame: dmFrame(id, member.username, recipient.username, target.text, timestamp) });
    out.push({ type: 'send', to: member.conn, frame: ackFrame(id, ref, timestamp, 1, recipient.username) });
  }

  /**
   * Ids come from the log time in microseconds, or the last id plus one if
   * that is higher: unique, increasing in log order, identical on every
   * replica, and above every earlier id even after the log lost its data
   * (as long as the log's clock does not go back).
   */
  #issueId(now: number): number {
    this.#lastId = Math.max(this.#lastId + 1, now * 1000);
    return this.#lastId;
  }

  // ---- time ----------------------------------------------------------------------

  /** Moves log time forward and carries out whatever is due: expiry, ends of grace, dead processes. */
  #advance(now: number, out: Effect[]): void {
    this.#live.advance(now);
    now = this.#live.now;
    this.#store.expire(now);
    this.#tokens.sweep(now);
    const { ghosts, members } = this.#rooms;
    for (let ghost = ghosts.peek(); ghost !== undefined; ghost = ghosts.peek()) {
      if (ghost.ghostUntil !== undefined && ghost.ghostUntil > now && members.get(ghost.conn) === ghost) break;
      ghosts.shift();
      if (ghost.ghostUntil === undefined || members.get(ghost.conn) !== ghost) continue; // resumed or gone
      this.#rooms.remove(ghost);
      this.#announceLeave(ghost, 'drop', now, out);
    }
    const deadAfter = this.options.processDeadAfterMs;
    if (deadAfter > 0) {
      for (const process of this.#live.takeDead(deadAfter)) this.#dropProcess(process, 'process unreachable', true, out);
    }
  }
}

function errorEffect(to: ConnKey, code: ErrorCode, message: string): Effect {
  return { type: 'send', to, frame: errorFrame(code, message) };
}

export function seconds(now: number): number {
  return Math.floor(now / 1000);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max) + '\u2026';
}

/** Only the numbers that are set: `undefined` or NaN must not override a default. */
function definedOnly(options: Partial<ReplicaOptions>): Partial<ReplicaOptions> {
  const out: Partial<ReplicaOptions> = {};
  for (const key of Object.keys(options) as (keyof ReplicaOptions)[]) {
    const value = options[key];
    if (typeof value === 'number' && !Number.isNaN(value)) out[key] = value;
  }
  return out;
}
