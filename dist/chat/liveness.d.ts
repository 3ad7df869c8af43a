/**
 * Which processes of a cluster are alive, judged in log time so that every
 * replica judges alike. Only *live* time counts: every process heartbeats
 * every second, so a gap of several seconds between two consecutive log
 * entries is an outage of the log itself (Redis), not the silence of one
 * process, and counts as at most `maxGapMs`. An outage of Redis therefore
 * never makes processes declare each other dead, however long it lasts.
 */
export declare class Liveness {
    #private;
    /** The log time of the latest entry. */
    now: number;
    /** Log time with every gap capped. */
    liveNow: number;
    /** Live time of each process's latest entry. */
    readonly lastSeen: Map<string, number>;
    constructor(maxGapMs: number);
    /** Moves log time forward (never back). */
    advance(now: number): void;
    seen(process: string): void;
    forget(process: string): void;
    /** Processes silent for more than `deadAfterMs` of live time; they are forgotten. */
    takeDead(deadAfterMs: number): string[];
    /** The live process with the lowest id: the one that writes snapshots. */
    lowest(): string | undefined;
}
