/**
 * What one process remembers while its log (Redis) is away, so that the
 * others hear the truth once it is back and its own users never hear a
 * thing twice: leaves already announced locally and still to be sent, the
 * writes reported `unavailable` (no ack may follow them), and, after the
 * log lost its data, whom to announce as gone once everyone registered again.
 */
import type { Command, ConnKey } from './commands.ts';
import type { MemberView } from './membership.ts';
type Write = Extract<Command, {
    t: 'say' | 'dm';
}>;
export declare class OutageBook {
    #private;
    /** Numbers a write so that a late arrival of a refused one can be recognised. */
    number(command: Write): void;
    refused(command: Write): void;
    /** True (once) when this write was reported `unavailable`: its sender gets no ack. */
    wasRefused(command: Write): boolean;
    leftLocally(conn: ConnKey, command: Command): void;
    /** True (once) when this leave was already announced to local users. */
    alreadyAnnounced(conn: ConnKey): boolean;
    takeUnsent(): Command[];
    /** The log lost its data: remember the other processes' members as they were. */
    reset(previous: MemberView[]): void;
    /** Once enough log time has passed after a reset: the members to check (then forgotten). */
    reconcileDue(now: number): MemberView[] | undefined;
}
/**
 * Who left and who joined between two views of the same topics (by
 * connection key; a member whose name or topic changed did both): what a
 * process's users missed when it skipped part of the log. Leaves first.
 */
export declare function missedChanges(before: ReadonlyMap<ConnKey, MemberView>, after: ReadonlyMap<ConnKey, MemberView>): {
    member: MemberView;
    joined: boolean;
}[];
export {};
