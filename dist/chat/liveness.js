export class Liveness {
    now = 0;
    liveNow = 0;
    lastSeen = new Map();
    #maxGapMs;
    constructor(maxGapMs) {
        this.#maxGapMs = maxGapMs;
    }
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
    lowest() {
        let lowest;
        for (const process of this.lastSeen.keys())
            if (lowest === undefined || process < lowest)
                lowest = process;
        return lowest;
    }
}
