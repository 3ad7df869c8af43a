/**
 * Which processes of a cluster are alive, judged in log time so that every
 * replica judges alike. Only *live* time counts: every process heartbeats
 * every second, so a gap of several seconds between two consecutive log
 * entries is an outage of the log itself (Redis), not the silence of one
 * process, and counts as at most `maxGapMs`. An outage of Redis therefore
 * never makes processes declare each other dead, however long it lasts.
 */
export class Liveness {
    /** The log time of the latest entry. */
    now = 0;
    /** Log time with every gap capped. */
    liveNow = 0;
    /** Live time of each process's latest entry. */
    lastSeen = new Map();
    #maxGapMs;
    constructor(maxGapMs) {
        this.#maxGapMs = maxGapMs;
    }
    /** Moves log time forward (never back). */
    advance(now) {
        if (now <= this.now)
            return;
        if (this.now > 0)
            this.liveNow += Math.min(now - this.now, this.#maxGapMs);
        this.now = now;
    }
    seen(process) {
        this.lastSeen.set(process, this.liveNow);
    }
    forget(process) {
        this.lastSeen.delete(process);
    }
    /** Processes silent for more than `deadAfterMs` of live time; they are forgotten. */
    takeDead(deadAfterMs) {
        const dead = [];
        for (const [process, seenAt] of this.lastSeen) {
            if (this.liveNow - seenAt > deadAfterMs)
                dead.push(process);
        }
        for (const process of dead)
            this.lastSeen.delete(process);
        return dead;
    }
    /** The live process with the lowest id: the one that writes snapshots. */
    lowest() {
        let lowest;
        for (const process of this.lastSeen.keys())
            if (lowest === undefined || process < lowest)
                lowest = process;
        return lowest;
    }
}
