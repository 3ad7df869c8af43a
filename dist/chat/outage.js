/**
 * What one process remembers while its log (Redis) is away, so that the
 * others hear the truth once it is back and its own users never hear a
 * thing twice: leaves already announced locally and still to be sent, the
 * writes reported `unavailable` (no ack may follow them), and, after the
 * log lost its data, whom to announce as gone once everyone registered again.
 */
import { processOf } from "./commands.js";
import { joinedFrame, leftFrame } from "./frames.js";
/** Log time after a reset before unregistered members are announced as gone. */
const RECONCILE_AFTER_MS = 3000;
export class OutageBook {
    /** Leaves announced to local users while the log was away: not announced twice. */
    #announcedLocally = new Set();
    /** Leaves that could not be appended, to append once the log is back. */
    #unsent = [];
    /** Numbers of this process's writes that were reported `unavailable`. */
    #refused = new Set();
    #writes = 0;
    #reconcile;
    /** Numbers a write so that a late arrival of a refused one can be recognised. */
    number(command) {
        command.n = ++this.#writes;
    }
    refused(command) {
        if (command.n !== undefined)
            this.#refused.add(command.n);
    }
    /** True (once) when this write was reported `unavailable`: its sender gets no ack. */
    wasRefused(command) {
        return command.n !== undefined && this.#refused.delete(command.n);
    }
    leftLocally(conn, command) {
        this.#announcedLocally.add(conn);
        this.#unsent.push(command);
    }
    /** True (once) when this leave was already announced to local users. */
    alreadyAnnounced(conn) {
        return this.#announcedLocally.delete(conn);
    }
    takeUnsent() {
        const unsent = this.#unsent;
        this.#unsent = [];
        return unsent;
    }
    /** The log lost its data: remember the other processes' members as they were. */
    reset(previous) {
        this.#unsent = [];
        this.#announcedLocally.clear();
        this.#reconcile = { previous, after: undefined };
    }
    /** Once enough log time has passed after a reset: the members to check (then forgotten). */
    reconcileDue(now) {
        const reconcile = this.#reconcile;
        if (reconcile === undefined)
            return undefined;
        reconcile.after ??= now + RECONCILE_AFTER_MS;
        if (now < reconcile.after)
            return undefined;
        this.#reconcile = undefined;
        return reconcile.previous;
    }
}
/** Other processes' members in `topics`, by connection key: what a reload from a snapshot compares. */
export function othersIn(members, processId, topics) {
    const out = new Map();
    for (const m of members)
        if (processOf(m.conn) !== processId && topics.has(m.topic))
            out.set(m.conn, m);
    return out;
}
/**
 * After a reload from a snapshot (this process's place in the log was
 * gone), what its users missed of the comings and goings in their topics:
 * `left` for those no longer there, `joined` for newcomers (a member whose
 * name or topic changed did both), leaves first. `local` is this process's
 * users per topic: the frames go to the connections themselves, since a
 * user the snapshot lacks is back in the fan-out lists only once its
 * re-registration is applied. The messages they missed are not replayed.
 */
export function missedChangeFrames(local, before, after, timestamp) {
    const same = (a, b) => b !== undefined && a.topic === b.topic && a.username === b.username;
    const out = [];
    const tell = (m, frame) => {
        const to = local.get(m.topic);
        if (to !== undefined && to.length > 0)
            out.push({ to, frame });
    };
    for (const [conn, m] of before)
        if (!same(m, after.get(conn)))
            tell(m, leftFrame(m.username, m.topic, timestamp));
    for (const [conn, m] of after)
        if (!same(m, before.get(conn)))
            tell(m, joinedFrame(m.username, m.topic, timestamp));
    return out;
}
