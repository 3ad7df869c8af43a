/**
 * Topics and their members: who is where under which name, name
 * deduplication, and finding the recipient of a `/dm`. Pure data; the core
 * decides when members come and go.
 */
import type { ConnKey } from './commands.ts';
import { TopicHistory } from './history.ts';
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
export declare class Topic {
    #private;
    readonly name: string;
    readonly nameJson: string;
    /** In join order (what `welcome.users` and `/who` show). */
    readonly members: Member[];
    /** nameKey(username) -> member. */
    readonly byKey: Map<string, Member>;
    readonly history: TopicHistory;
    /** Members in the grace period: listed, but nothing is delivered to them. */
    ghosts: number;
    constructor(name: string, lastIssuedId: number);
    /** Members a message reaches (the sender excluded by the caller). */
    get reachable(): number;
    usernames(): string[];
    add(member: Member): void;
    /** Puts `next` where `old` was (same place in the list, same name). */
    replace(old: Member, next: Member): void;
    remove(member: Member): void;
    /** A member's connection dropped: it stays listed but is no longer reached. */
    markGhost(member: Member, until: number): void;
    /** Reachable members on one process. */
    reachableOn(process: string): number;
    isFree(name: string): boolean;
    /** The requested name if free, else `name#k` with the lowest free k >= 2. */
    freeName(requested: string): string;
    lookup(typed: string): Member | undefined;
}
/**
 * Splits `/dm` arguments into a member and the text. Names may contain
 * spaces, so every white-space boundary is a candidate; the longest prefix
 * naming a member and leaving some text wins. If names match only with no
 * text after them, the text is missing. Bounded: only short prefixes and a
 * few boundaries are tried, so hostile input costs little.
 */
export declare function findDmTarget(topic: Topic, args: string): {
    member: Member;
    text: string;
} | 'not_found' | 'no_text';
