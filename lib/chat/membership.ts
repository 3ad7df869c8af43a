/**
 * Who is where: every topic and member of the replica, indexed by topic,
 * by connection and by process, with the grace-period queue. The only place
 * that adds, replaces or removes members, so the indexes cannot drift; the
 * rules for when that happens are in core.ts.
 */
import type { ConnKey } from './commands.ts';
import { topicsFrame } from './frames.ts';
import type { MessageStore } from './history.ts';
import { Queue } from './queue.ts';
import { Topic, type Member } from './rooms.ts';
import { processOf } from './commands.ts';

export interface MemberView {
  conn: ConnKey;
  topic: string;
  username: string;
}

export class Membership {
  /** Topics in creation order. Names are compared exactly (after trim and NFC). */
  readonly topics = new Map<string, Topic>();
  readonly members = new Map<ConnKey, Member>();
  /** Members per process, with the process id as one shared string (not one copy per member). */
  readonly #byProcess = new Map<string, { readonly process: string; readonly members: Set<Member> }>();
  /** Members in the grace period, in the order their grace ends. */
  readonly ghosts = new Queue<Member>();
  readonly #store: MessageStore;
  /** Bumped on every change: `/list` is cached against it. */
  #version = 0;
  #listCache: { version: number; frame: string } | undefined;

  constructor(store: MessageStore) {
    this.#store = store;
  }

  /** The topic of that name, created (as a new incarnation) if there is none. */
  topic(name: string, lastIssuedId: number): Topic {
    let topic = this.topics.get(name);
    if (topic === undefined) {
      topic = new Topic(name, lastIssuedId);
      this.topics.set(name, topic);
    }
    return topic;
  }

  add(conn: ConnKey, topic: Topic, username: string, requested: string): Member {
    const member = this.#register(conn, topic, username, requested);
    topic.add(member);
    return member;
  }

  /** A new connection in an old member's place: same name, same place in the list. */
  replace(old: Member, conn: ConnKey): Member {
    const member = this.#register(conn, old.topic, old.username, old.requested);
    old.topic.replace(old, member);
    old.ghostUntil = undefined;
    this.#unregister(old);
    return member;
  }

  remove(member: Member): void {
    member.topic.remove(member);
    this.#unregister(member);
    member.ghostUntil = undefined;
  }

  /** Starts a member's grace period: listed, but nothing reaches it. */
  startGrace(member: Member, until: number): void {
    member.topic.markGhost(member, until);
    this.ghosts.push(member);
  }

  deleteTopic(topic: Topic): void {
    if (this.topics.get(topic.name) === topic) this.topics.delete(topic.name);
    this.#store.dropTopic(topic.history);
    this.#version++;
  }

  /** A process's members in connection order (the same on every replica, whatever their history). */
  ofProcess(process: string): Member[] {
    const set = this.#byProcess.get(process)?.members;
    return set === undefined ? [] : [...set].sort((a, b) => (a.conn < b.conn ? -1 : a.conn > b.conn ? 1 : 0));
  }

  // ---- reads -------------------------------------------------------------

  view(member: Member): MemberView {
    return { conn: member.conn, topic: member.topic.name, username: member.username };
  }

  all(): MemberView[] {
    return [...this.members.values()].map((m) => this.view(m));
  }

  /** The `/list` reply: the most populated topics first, at most `max`, cached until membership changes. */
  topicsFrame(max: number): string {
    if (this.#listCache?.version === this.#version) return this.#listCache.frame;
    const all = [...this.topics.values()];
    // A stable sort keeps creation order among equals.
    const shown = all.length > 1 ? all.sort((a, b) => b.members.length - a.members.length).slice(0, max) : all;
    const frame = topicsFrame(shown.map((t) => ({ topic: t.name, users: t.members.length })), all.length);
    this.#listCache = { version: this.#version, frame };
    return frame;
  }

  digest(now: number): string {
    const parts: string[] = [];
    for (const t of this.topics.values()) {
      parts.push(t.name, t.members.map((m) => `${m.conn}=${m.username}${m.ghostUntil === undefined ? '' : '~'}`).join(','));
      parts.push(t.history.framesAfter(0, now).length + ':' + t.history.goneUpToId + ':' + t.history.createdAfterId);
    }
    return parts.join('|');
  }

  // ---- indexes -------------------------------------------------------------

  #register(conn: ConnKey, topic: Topic, username: string, requested: string): Member {
    const process = processOf(conn);
    let own = this.#byProcess.get(process);
    if (own === undefined) {
      own = { process, members: new Set() };
      this.#byProcess.set(process, own);
    }
    const member: Member = { conn, process: own.process, topic, username, usernameJson: JSON.stringify(username), requested, ghostUntil: undefined };
    this.members.set(conn, member);
    own.members.add(member);
    this.#version++;
    return member;
  }

  #unregister(member: Member): void {
    if (this.members.get(member.conn) === member) this.members.delete(member.conn);
    const set = this.#byProcess.get(member.process)?.members;
    set?.delete(member);
    if (set?.size === 0) this.#byProcess.delete(member.process);
    this.#version++;
  }
}
