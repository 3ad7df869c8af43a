/**
 * Who is where: every topic and member of the replica, indexed by topic,
 * by connection and by process, with the grace-period queue. The only place
 * that adds, replaces or removes members, so the indexes cannot drift; the
 * rules for when that happens are in core.ts.
 */
import type { ConnKey } from './commands.ts';
import type { MessageStore } from './history.ts';
import { Queue } from './queue.ts';
import { Topic, type Member } from './rooms.ts';
export interface MemberView {
    conn: ConnKey;
    topic: string;
    username: string;
}
export declare class Membership {
    #private;
    /** Topics in creation order. Names are compared exactly (after trim and NFC). */
    readonly topics: Map<string, Topic>;
    readonly members: Map<string, Member>;
    /** Members in the grace period, in the order their grace ends. */
    readonly ghosts: Queue<Member>;
    constructor(store: MessageStore);
    /** The topic of that name, created (as a new incarnation) if there is none. */
    topic(name: string, lastIssuedId: number): Topic;
    add(conn: ConnKey, topic: Topic, username: string, requested: string): Member;
    /** A new connection in an old member's place: same name, same place in the list. */
    replace(old: Member, conn: ConnKey): Member;
    remove(member: Member): void;
    /** Starts a member's grace period: listed, but nothing reaches it. */
    startGrace(member: Member, until: number): void;
    deleteTopic(topic: Topic): void;
    /** A process's members in connection order (the same on every replica, whatever their history). */
    ofProcess(process: string): Member[];
    view(member: Member): MemberView;
    all(): MemberView[];
    /** The `/list` reply: the most populated topics first, at most `max`, cached until membership changes. */
    topicsFrame(max: number): string;
    digest(now: number): string;
}
