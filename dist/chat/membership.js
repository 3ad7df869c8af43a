import { topicsFrame } from "./frames.js";
import { Queue } from "./queue.js";
import { Topic } from "./rooms.js";
import { processOf } from "./commands.js";
export class Membership {
    topics = new Map();
    members = new Map();
    #byProcess = new Map();
    ghosts = new Queue();
    #store;
    #version = 0;
    #listCache;
    constructor(store) {
        this.#store = store;
    }
    topic(name, lastIssuedId) {
        let topic = this.topics.get(name);
        if (topic === undefined) {
            topic = new Topic(name, lastIssuedId);
            this.topics.set(name, topic);
        }
        return topic;
    }
    add(conn, topic, username, requested) {
        const member = this.#register(conn, topic, username, requested);
        topic.add(member);
        return member;
    }
    replace(old, conn) {
        const member = this.#register(conn, old.topic, old.username, old.requested);
        old.topic.replace(old, member);
        old.ghostUntil = undefined;
        this.#unregister(old);
        return member;
    }
    remove(member) {
        member.topic.remove(member);
        this.#unregister(member);
        member.ghostUntil = undefined;
    }
    startGrace(member, until) {
        member.topic.markGhost(member, until);
        this.ghosts.push(member);
    }
    deleteTopic(topic) {
        if (this.topics.get(topic.name) === topic)
            this.topics.delete(topic.name);
        this.#store.dropTopic(topic.history);
        this.#version++;
    }
    ofProcess(process) {
        const set = this.#byProcess.get(process)?.members;
        return set === undefined ? [] : [...set].sort((a, b) => (a.conn < b.conn ? -1 : a.conn > b.conn ? 1 : 0));
    }
    view(member) {
        return { conn: member.conn, topic: member.topic.name, username: member.username };
    }
    all() {
        return [...this.members.values()].map((m) => this.view(m));
    }
    topicsFrame(max) {
        if (this.#listCache?.version === this.#version)
            return this.#listCache.frame;
        const all = [...this.topics.values()];
        const shown = all.length > 1 ? all.sort((a, b) => b.members.length - a.members.length).slice(0, max) : all;
        const frame = topicsFrame(shown.map((t) => ({ topic: t.name, users: t.members.length })), all.length);
        this.#listCache = { version: this.#version, frame };
        return frame;
    }
    digest(now) {
        const parts = [];
        for (const t of this.topics.values()) {
            parts.push(t.name, t.members.map((m) => `${m.conn}=${m.username}${m.ghostUntil === undefined ? '' : '~'}`).join(','));
            parts.push(t.history.framesAfter(0, now).length + ':' + t.history.goneUpToId + ':' + t.history.createdAfterId);
        }
        return parts.join('|');
    }
    #register(conn, topic, username, requested) {
        const process = processOf(conn);
        let own = this.#byProcess.get(process);
        if (own === undefined) {
            own = { process, members: new Set() };
            this.#byProcess.set(process, own);
        }
        const member = { conn, process: own.process, topic, username, usernameJson: JSON.stringify(username), requested, ghostUntil: undefined };
        this.members.set(conn, member);
        own.members.add(member);
        this.#version++;
        return member;
    }
    #unregister(member) {
        if (this.members.get(member.conn) === member)
            this.members.delete(member.conn);
        const set = this.#byProcess.get(member.process)?.members;
        set?.delete(member);
        if (set?.size === 0)
            this.#byProcess.delete(member.process);
        this.#version++;
    }
}
