/**
 * What one process remembers while its log (Redis) is away, so that the
 * others hear the truth once it is back and its own users never hear a
 * thing twice: leaves already announced locally and still to be sent, the
 * writes reported `unavailable` (no ack may follow them), and, after the
 * log lost its data, whom to announce as gone once everyone registered again.
 */
import { type Command, type ConnKey } from './commands.ts';
import type { ConnId } from './local-effects.ts';
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
/** Other processes' members in `topics`, by connection key: what a reload from a snapshot compares. */
export declare function othersIn(members: readonly MemberView[], processId: string, topics: ReadonlyMap<string, unknown>): Map<ConnKey, MemberView>;
/**
 * After a reload from a snapshot (this process's place in the log was
 * gone), what its users missed of the comings and goings in their topics:
 * `left` for those no longer there, `joined` for newcomers (a member whose
 * name or topic changed did both), leaves first. `local` is this process's
 * users per topic: the frames go to the connections themselves, since a
 * user the snapshot lacks is back in the fan-out lists only once its
 * re-registration is applied. The messages they missed are not replayed.
 */
export declare function missedChangeFrames(local: ReadonlyMap<string, readonly ConnId[]>, before: ReadonlyMap<ConnKey, MemberView>, after: ReadonlyMap<ConnKey, MemberView>, timestamp: number): {
    to: readonly ConnId[];
    frame: string;
}[];
export {};
