import { TopicHistory } from "./history.js";
import { nameKey } from "./validate.js";
const MAX_DM_NAME_PREFIX = 256;
const MAX_DM_NAME_BOUNDARIES = 40;
export class Topic {
    name;
    nameJson;
    members = [];
    byKey = new Map();
    history;
    ghosts = 0;
    #reachableOn = new Map();
    constructor(name, lastIssuedId) {
        this.name = name;
        this.nameJson = JSON.stringify(name);
        this.history = new TopicHistory(lastIssuedId);
    }
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
    markGhost(member, until) {
        member.ghostUntil = until;
        this.ghosts++;
        this.#count(member.process, -1);
    }
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
