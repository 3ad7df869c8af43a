import { TopicHistory } from "./history.js";
import { nameKey } from "./validate.js";
/** A `/dm` name prefix longer than this (UTF-16 units) cannot be a member name. */
const MAX_DM_NAME_PREFIX = 256;
/** At most this many white-space boundaries are tried as the end of a `/dm` name. */
const MAX_DM_NAME_BOUNDARIES = 40;
export class Topic {
    name;
    nameJson;
    /** In join order (what `welcome.users` and `/who` show). */
    members = [];
    /** nameKey(username) -> member. */
    byKey = new Map();
    history;
    /** Members in the grace period: listed, but nothing is delivered to them. */
    ghosts = 0;
    /** Reachable members (not in the grace period) per process: what an ack counts, without a walk. */
    #reachableOn = new Map();
    constructor(name, lastIssuedId) {
        this.name = name;
        this.nameJson = JSON.stringify(name);
        this.history = new TopicHistory(lastIssuedId);
    }
    /** Members a message reaches (the sender excluded by the caller). */
    get reachable() {
        return this.members.length - this.ghosts;
    }
    usernames() {
        return this.members.map((m) => m.username);
    }
    add(member) {
        this.members.push(member);
        this.byKey.set(nameKey(member.username), member);
        this.#count(member.process, 1);
    }
    /** Puts `next` where `old` was (same place in the list, same name). */
    replace(old, next) {
        const index = this.members.indexOf(old);
        if (index >= 0)
            this.members[index] = next;
        else
            this.members.push(next);
        if (old.ghostUntil !== undefined)
            this.ghosts--;
        else
            this.#count(old.process, -1);
        this.byKey.set(nameKey(next.username), next);
        this.#count(next.process, 1);
    }
    remove(member) {
        const index = this.members.indexOf(member);
        if (index >= 0)
            this.members.splice(index, 1);
        if (this.byKey.get(nameKey(member.username)) === member)
            this.byKey.delete(nameKey(member.username));
        if (member.ghostUntil !== undefined)
            this.ghosts--;
        else
            this.#count(member.process, -1);
    }
    /** A member's connection dropped: it stays listed but is no longer reached. */
    markGhost(member, until) {
        member.ghostUntil = until;
        this.ghosts++;
        this.#count(member.process, -1);
    }
    /** Reachable members on one process. */
    reachableOn(process) {
        return this.#reachableOn.get(process) ?? 0;
    }
    #count(process, delta) {
        const next = (this.#reachableOn.get(process) ?? 0) + delta;
        if (next > 0)
            this.#reachableOn.set(process, next);
        else
            this.#reachableOn.delete(process);
    }
    isFree(name) {
        return !this.byKey.has(nameKey(name));
    }
    /** The requested name if free, else `name#k` with the lowest free k >= 2. */
    freeName(requested) {
        if (this.isFree(requested))
            return requested;
        for (let k = 2;; k++) {
            const candidate = `${requested}#${k}`;
            if (this.isFree(candidate))
                return candidate;
        }
    }
    lookup(typed) {
        const name = typed.normalize('NFC').trim();
        if (name === '')
            return undefined;
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
export function findDmTarget(topic, args) {
    const boundaries = [];
    const whiteSpace = /\s+/g;
    for (let match = whiteSpace.exec(args); match !== null; match = whiteSpace.exec(args)) {
        if (match.index > MAX_DM_NAME_PREFIX || boundaries.length >= MAX_DM_NAME_BOUNDARIES)
            break;
        boundaries.push({ start: match.index, end: match.index + match[0].length });
    }
    let nameOnly = args.length <= MAX_DM_NAME_PREFIX && topic.lookup(args) !== undefined;
    for (let i = boundaries.length - 1; i >= 0; i--) {
        const { start, end } = boundaries[i];
        const member = topic.lookup(args.slice(0, start));
        if (member === undefined)
            continue;
        const text = args.slice(end);
        if (text.length > 0)
            return { member, text };
        nameOnly = true;
    }
    return nameOnly ? 'no_text' : 'not_found';
}
