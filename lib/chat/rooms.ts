/**
 * Topics and their members: who is where under which name, name
 * deduplication, and finding the recipient of a `/dm`. Pure data; the core
 * decides when members come and go.
 */
import type { ConnKey } from './commands.ts';
import { TopicHistory } from './history.ts';
import { nameKey } from './validate.ts';

/** A `/dm` name prefix longer than this (UTF-16 units) cannot be a member name. */
const MAX_DM_NAME_PREFIX = 256;
/** At most this many white-space boundaries are tried as the end of a `/dm` name. */
const MAX_DM_NAME_BOUNDARIES = 40;

export interface Member {
  readonly conn: ConnKey;
  /** The process that owns the connection (the part of `conn` before the dot). */
  readonly process: string;
  readonly topic: Topic;
  readonly username: string;
  readonly usernameJson: string;
  /** The name as asked for, before any `#k` suffix: what `/join` deduplicates again. */
  readonly requested: string;
  /** Set while a dropped member is kept for the grace period: when it leaves for good. */
  ghostUntil: number | undefined;
}

export class Topic {
  readonly name: string;
  readonly nameJson: string;
  /** In join order (what `welcome.users` and `/who` show). */
  readonly members: Member[] = [];
  /** nameKey(username) -> member. */
  readonly byKey = new Map<string, Member>();
  readonly history: TopicHistory;
  /** Members in the grace period: listed, but nothing is delivered to them. */
  ghosts = 0;
  /** Reachable members (not in the grace period) per process: what an ack counts, without a walk. */
  readonly #reachableOn = new Map<string, number>();

  constructor(name: string, lastIssuedId: number) {
    this.name = name;
    this.nameJson = JSON.stringify(name);
    this.history = new TopicHistory(lastIssuedId);
  }

  /** Members a message reaches (the sender excluded by the caller). */
  get reachable(): number {
    return this.members.length - this.ghosts;
  }

  usernames(): string[] {
    return this.members.map((m) => m.username);
  }

  add(member: Member): void {
    this.members.push(member);
    this.byKey.set(nameKey(member.username), member);
    this.#count(member.process, 1);
  }

  /** Puts `next` where `old` was (same place in the list, same name). */
  replace(old: Member, next: Member): void {
    const index = this.members.indexOf(old);
    if (index >= 0) this.members[index] = next;
    else this.members.push(next);
    if (old.ghostUntil !== undefined) this.ghosts--;
    else this.#count(old.process, -1);
    this.byKey.set(nameKey(next.username), next);
    this.#count(next.process, 1);
  }

  remove(member: Member): void {
    const index = this.members.indexOf(member);
    if (index >= 0) this.members.splice(index, 1);
    if (this.byKey.get(nameKey(member.username)) === member) this.byKey.delete(nameKey(member.username));
    if (member.ghostUntil !== undefined) this.ghosts--;
    else this.#count(member.process, -1);
  }

  /** A member's connection dropped: it stays listed but is no longer reached. */
  markGhost(member: Member, until: number): void {
    member.ghostUntil = until;
    this.ghosts++;
    this.#count(member.process, -1);
  }

  /** Reachable members on one process. */
  reachableOn(process: string): number {
    return this.#reachableOn.get(process) ?? 0;
  }

  #count(process: string, delta: number): void {
    const next = (this.#reachableOn.get(process) ?? 0) + delta;
    if (next > 0) this.#reachableOn.set(process, next);
    else this.#reachableOn.delete(process);
  }

  isFree(name: string): boolean {
    return !this.byKey.has(nameKey(name));
  }

  /** The requested name if free, else `name#k` with the lowest free k >= 2. */
  freeName(requested: string): string {
    if (this.isFree(requested)) return requested;
    for (let k = 2; ; k++) {
      const candidate = `${requested}#${k}`;
      if (this.isFree(candidate)) return candidate;
    }
  }

  lookup(typed: string): Member | undefined {
    const name = typed.normalize('NFC').trim();
    if (name === '') return undefined;
    return this.byKey.get(nameKey(name));
  }
}

/**
 * Splits `/dm` arguments into a member and the text. Names may contain
 * spaces, so every white-space boundary is a candidate; the longest prefix
 * naming a member and leaving some text wins. If names match only with no
 * text after them, the text is missing. Bounded: only short prefixes and a
 * few boundaries are tried, so hostile input costs little.
 */
export function findDmTarget(topic: Topic, args: string): { member: Member; text: string } | 'not_found' | 'no_text' {
  const boundaries: { start: number; end: number }[] = [];
  const whiteSpace = /\s+/g;
  for (let match = whiteSpace.exec(args); match !== null; match = whiteSpace.exec(args)) {
    if (match.index > MAX_DM_NAME_PREFIX || boundaries.length >= MAX_DM_NAME_BOUNDARIES) break;
    boundaries.push({ start: match.index, end: match.index + match[0].length });
  }
  let nameOnly = args.length <= MAX_DM_NAME_PREFIX && topic.lookup(args) !== undefined;
  for (let i = boundaries.length - 1; i >= 0; i--) {
    const { start, end } = boundaries[i]!;
    const member = topic.lookup(args.slice(0, start));
    if (member === undefined) continue;
    const text = args.slice(end);
    if (text.length > 0) return { member, text };
    nameOnly = true;
  }
  return nameOnly ? 'no_text' : 'not_found';
}
