import { processOf } from "./commands.js";
import { joinedFrame, leftFrame } from "./frames.js";
const RECONCILE_AFTER_MS = 3000;
export class OutageBook {
    #announcedLocally = new Set();
    #unsent = [];
    #refused = new Set();
    #writes = 0;
    #reconcile;
    number(command) {
        command.n = ++this.#writes;
    }
    refused(command) {
        if (command.n !== undefined)
            this.#refused.add(command.n);
    }
    wasRefused(command) {
        return command.n !== undefined && this.#refused.delete(command.n);
    }
    leftLocally(conn, command) {
        this.#announcedLocally.add(conn);
        this.#unsent.push(command);
    }
    alreadyAnnounced(conn) {
        return this.#announcedLocally.delete(conn);
    }
    takeUnsent() {
        const unsent = this.#unsent;
        this.#unsent = [];
        return unsent;
    }
    reset(previous) {
        this.#unsent = [];
        this.#announcedLocally.clear();
        this.#reconcile = { previous, after: undefined };
    }
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
export function othersIn(members, processId, topics) {
    const out = new Map();
    for (const m of members)
        if (processOf(m.conn) !== processId && topics.has(m.topic))
            out.set(m.conn, m);
    return out;
}
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
