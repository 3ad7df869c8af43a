/**
 * The chat replica: the state every process of a cluster must share (topics,
 * members, names, history, ids, resume tokens, which processes are alive)
 * and the rules that change it. `apply(command, now)` is the only way in:
 * pure, no sockets, no timers, no clock, no randomness. The time comes with
 * each command (from the log), ids are derived from it, and the effects come
 * out addressed to connections (`<process>.<n>`) or to a topic. Every
 * process applies the same commands in the same order and so computes the
 * same state; each carries out only the effects for its own connections.
 *
 * What belongs to one connection (parsing, rate limits, timers, the lobby)
 * is not here: see edge.ts.
 */
import { processOf } from "./commands.js";
import { ackFrame, dmFrame, errorFrame, joinedFrame, leftFrame, messageFrameFromJson, topicsFrame, typingFrame, usersFrame, welcomeFrame } from "./frames.js";
import { MessageStore } from "./history.js";
import { TokenBook } from "./resume.js";
import { Topic, findDmTarget } from "./rooms.js";
import { checkMessageText } from "./validate.js";
import { Queue } from "./queue.js";
export const DEFAULT_REPLICA_OPTIONS = Object.freeze({
    messageTtlMs: 30_000,
    maxMessageLength: 2000,
    maxStoredPerTopic: 1000,
    maxStoredBytesPerTopic: 512 * 1024,
    resumeWindowMs: 60_000,
    resumeGraceMs: 0,
    processDeadAfterMs: 0,
    maxLiveGapMs: 2000,
    maxListedTopics: 100,
});
export class ChatReplica {
    options;
    /** Topics in creation order. Names are compared exactly (after trim and NFC). */
    #topics = new Map();
    #members = new Map();
    #byProcess = new Map();
    #store;
    #tokens;
    /** Members in the grace period, in the order their grace ends. */
    #ghosts = new Queue();
    /** Live log time at each process's last command. */
    #lastSeen = new Map();
    #now = 0;
    #liveNow = 0;
    #lastId = 0;
    #messagesTotal = 0;
    /** Bumped on every membership change: `/list` is cached against it. */
    #version = 0;
    #listCache;
    constructor(options = {}) {
        this.options = { ...DEFAULT_REPLICA_OPTIONS, ...definedOnly(options) };
        this.#store = new MessageStore({
            messageTtlMs: this.options.messageTtlMs,
            maxMessages: this.options.maxStoredPerTopic,
            maxBytes: this.options.maxStoredBytesPerTopic,
        });
        this.#tokens = new TokenBook(this.options.resumeWindowMs);
    }
    // ---- reads (any process, from its own replica) ----------------------------
    memberOf(conn) {
        const member = this.#members.get(conn);
        return member === undefined ? undefined : { topic: member.topic.name, username: member.username };
    }
    usersFrame(conn) {
        const member = this.#members.get(conn);
        return member === undefined ? undefined : usersFrame(member.topic.name, member.topic.usernames());
    }
    /** The `/list` reply: the most populated topics first, bounded, cached until membership changes. */
    topicsFrame() {
        if (this.#listCache?.version === this.#version)
            return this.#listCache.frame;
        const all = [...this.#topics.values()];
        const max = this.options.maxListedTopics;
        // A stable sort keeps creation order among equals.
        const shown = all.length > 1 ? all.sort((a, b) => b.members.length - a.members.length).slice(0, max) : all;
        const frame = topicsFrame(shown.map((t) => ({ topic: t.name, users: t.members.length })), all.length);
        this.#listCache = { version: this.#version, frame };
        return frame;
    }
    /** Connections of `process` in `topic` that messages reach. */
    membersOn(topic, process) {
        const t = this.#topics.get(topic);
        if (t === undefined)
            return [];
        const out = [];
        for (const m of t.members)
            if (m.process === process && m.ghostUntil === undefined)
                out.push(m.conn);
        return out;
    }
    /** Every member (for comparing with a later state). */
    members() {
        return [...this.#members.values()].map((m) => ({ conn: m.conn, topic: m.topic.name, username: m.username }));
    }
    /** Members of `process` (for re-registering them). */
    membersOf(process) {
        const set = this.#byProcess.get(process);
        return set === undefined ? [] : [...set].map((m) => ({ conn: m.conn, topic: m.topic.name, username: m.username }));
    }
    stats() {
        return {
            topics: this.#topics.size,
            storedMessages: this.#store.count,
            messagesTotal: this.#messagesTotal,
            members: this.#members.size,
            processes: this.#lastSeen.size,
        };
    }
    /** The log time of the last command applied. */
    get now() {
        return this.#now;
    }
    get lastId() {
        return this.#lastId;
    }
    /** When something time-driven is next due (expiry, the end of a grace period). */
    nextDeadline() {
        let deadline = this.#store.nextExpiry();
        const ghost = this.#ghosts.peek();
        if (ghost?.ghostUntil !== undefined && (deadline === undefined || ghost.ghostUntil < deadline))
            deadline = ghost.ghostUntil;
        return deadline;
    }
    /** A digest of the shared state, to compare replicas in tests and logs. */
    digest() {
        const parts = [String(this.#lastId)];
        for (const t of this.#topics.values()) {
            parts.push(t.name, t.members.map((m) => `${m.conn}=${m.username}${m.ghostUntil === undefined ? '' : '~'}`).join(','));
            parts.push(t.history.framesAfter(0, this.#now).length + ':' + t.history.goneUpToId + ':' + t.history.createdAfterId);
        }
        return parts.join('|');
    }
    /** Drops expired messages now (one process only: replicas in a cluster expire in log order). */
    expireMessages(now) {
        this.#store.expire(Math.max(now, this.#now));
    }
    /** The live process with the lowest id: the one that writes snapshots. */
    lowestLiveProcess() {
        let lowest;
        for (const process of this.#lastSeen.keys())
            if (lowest === undefined || process < lowest)
                lowest = process;
        return lowest;
    }
    /** Unexpired messages stored for `topic`. */
    storedIn(topic) {
        return this.#topics.get(topic)?.history.messages.size ?? 0;
    }
    // ---- snapshot and restore -------------------------------------------------
    /**
     * The whole shared state as plain JSON-able data: a new process, or one
     * whose place in the log was trimmed away, starts from it and applies the
     * log from the entry it reflects. `restore(snapshot())` gives a replica
     * whose future effects are the same.
     */
    snapshot() {
        this.#store.expire(this.#now);
        return {
            version: 1,
            now: this.#now,
            liveNow: this.#liveNow,
            lastId: this.#lastId,
            messagesTotal: this.#messagesTotal,
            lastSeen: [...this.#lastSeen],
            topics: [...this.#topics.values()].map((t) => ({
                name: t.name,
                createdAfterId: t.history.createdAfterId,
                goneUpToId: t.history.goneUpToId,
                members: t.members.map((m) => [m.conn, m.username, m.requested, m.ghostUntil ?? null]),
                messages: [...t.history.messages].map((m) => [m.id, m.expiresAt, m.json]),
            })),
            tokens: this.#tokens.records().map((r) => [r.token, r.conn, r.topic, r.username, r.endedAt ?? null]),
        };
    }
    static restore(snapshot, options = {}) {
        const replica = new ChatReplica(options);
        replica.#now = snapshot.now;
        replica.#liveNow = snapshot.liveNow;
        replica.#lastId = snapshot.lastId;
        replica.#messagesTotal = snapshot.messagesTotal;
        for (const [process, seenAt] of snapshot.lastSeen)
            replica.#lastSeen.set(process, seenAt);
        for (const t of snapshot.topics) {
            const topic = new Topic(t.name, t.createdAfterId);
            topic.history.goneUpToId = t.goneUpToId;
            replica.#topics.set(t.name, topic);
            for (const [conn, username, requested, ghostUntil] of t.members) {
                const member = replica.#addMember(conn, topic, username, requested);
                if (ghostUntil !== null) {
                    member.ghostUntil = ghostUntil;
                    topic.ghosts++;
                }
            }
            for (const [id, expiresAt, json] of t.messages)
                replica.#store.restore(topic.history, id, json, expiresAt);
        }
        const ghosts = [...replica.#members.values()].filter((m) => m.ghostUntil !== undefined);
        ghosts.sort((a, b) => a.ghostUntil - b.ghostUntil);
        for (const ghost of ghosts)
            replica.#ghosts.push(ghost);
        for (const [token, conn, topic, username, endedAt] of snapshot.tokens)
            replica.#tokens.load({ token, conn, topic, username, endedAt: endedAt ?? undefined });
        return replica;
    }
    // ---- apply ----------------------------------------------------------------
    apply(command, now) {
        const out = [];
        this.#advance(now, out);
        now = this.#now;
        switch (command.t) {
            case 'tick':
                this.#seen(command.p);
                break;
            case 'stop':
                this.#lastSeen.delete(command.p);
                this.#dropProcess(command.p, 'process stopped', false, out);
                break;
            case 'restore':
                this.#seen(command.p);
                for (const member of command.members)
                    this.#restore(member, command.announce, out);
                break;
            default: {
                this.#seen(processOf(command.c));
                this.#applyConnCommand(command, now, out);
            }
        }
        return out;
    }
    #applyConnCommand(command, now, out) {
        const member = this.#members.get(command.c);
        switch (command.t) {
            case 'join':
                // A join from a connection that is already a member (a retry that did get through) changes nothing.
                if (member !== undefined)
                    return;
                this.#join(command.c, command.name, command.topic, command.token, command.resume, command.since, now, out);
                return;
            case 'leave':
                if (member === undefined) {
                    if (command.why === 'leave')
                        out.push(errorEffect(command.c, 'not_joined', '/leave needs a topic: join one first'));
                    return;
                }
                this.#leave(member, command.why, command.detail, now, out);
                if (command.why === 'leave')
                    out.push({ type: 'send', to: command.c, frame: leftFrame(member.username, member.topic.name, seconds(now)) });
                return;
        }
        if (member === undefined) {
            if (command.t !== 'typing')
                out.push(errorEffect(command.c, 'not_joined', 'join a topic first: send {"username": "<name>", "topic": "<topic>"}'));
            return;
        }
        switch (command.t) {
            case 'move':
                if (command.topic === member.topic.name) {
                    // Already there: a fresh welcome (and token), nothing for the others.
                    this.#tokens.issue(member.conn, member.topic.name, member.username, command.token);
                    const topic = member.topic;
                    const history = topic.history.framesAfter(0, now);
                    const frame = welcomeFrame(member.username, topic.name, this.options.messageTtlMs / 1000, topic.usernames(), history, { resumeToken: command.token });
                    out.push({ type: 'send', to: member.conn, frame });
                    return;
                }
                this.#leave(member, 'leave', 'join', now, out);
                this.#join(command.c, member.requested, command.topic, command.token, undefined, undefined, now, out);
                return;
            case 'say':
                this.#say(member, command.text, command.ref, command.ttl, now, out);
                return;
            case 'dm':
                this.#dm(member, command.args, command.ref, now, out);
                return;
            case 'typing':
                if (member.topic.reachable > 1) {
                    out.push({ type: 'deliver', topic: member.topic.name, except: member.conn, frame: typingFrame(member.username, member.topic.name) });
                }
                return;
        }
    }
    // ---- joining, resuming and leaving ------------------------------------------
    #join(conn, requested, topicName, token, resume, since, now, out) {
        const record = resume === undefined ? undefined : this.#tokens.find(resume, topicName, now);
        let topic = this.#topics.get(topicName);
        if (topic === undefined) {
            topic = new Topic(topicName, this.#lastId);
            this.#topics.set(topicName, topic);
        }
        let member;
        let seamless = false;
        const old = record === undefined ? undefined : this.#members.get(record.conn);
        if (record !== undefined)
            this.#tokens.consume(record);
        if (old !== undefined && old.topic === topic) {
            // The old connection is still a member (open, or dropped and in its
            // grace period): the new one takes its place, unseen by the others.
            seamless = true;
            if (old.ghostUntil === undefined)
                out.push({ type: 'close', conn: old.conn, code: 4000, reason: 'replaced' });
            out.push({ type: 'member', conn: old.conn, topic: undefined, username: old.username });
            member = this.#replaceMember(old, conn);
        }
        else {
            const name = record !== undefined && topic.isFree(record.username) ? record.username : topic.freeName(requested);
            member = this.#addMember(conn, topic, name, requested);
        }
        const username = member.username;
        this.#tokens.issue(conn, topic.name, username, token);
        const history = topic.history.framesAfter(since ?? 0, now);
        const resumeFields = { resumeToken: token };
        if (resume !== undefined || since !== undefined)
            resumeFields.resumed = record !== undefined;
        if (since !== undefined)
            resumeFields.recovered = topic.history.isCompleteAfter(since);
        out.push({ type: 'member', conn, topic: topic.name, username });
        out.push({
            type: 'send',
            to: conn,
            frame: welcomeFrame(username, topic.name, this.options.messageTtlMs / 1000, topic.usernames(), history, resumeFields),
        });
        if (!seamless && topic.members.length > 1) {
            out.push({ type: 'deliver', topic: topic.name, except: conn, frame: joinedFrame(member.username, topic.name, seconds(now)) });
        }
        out.push({ type: 'event', event: record === undefined ? 'join' : 'resume', conn, username, topic: topic.name });
    }
    #leave(member, why, detail, now, out) {
        const onPurpose = why !== 'drop' && why !== 'server';
        this.#tokens.end(member.conn, onPurpose, now);
        out.push({ type: 'member', conn: member.conn, topic: undefined, username: member.username });
        if (why === 'drop' && this.options.resumeGraceMs > 0) {
            // Kept for the grace period: listed, but nothing reaches it.
            member.ghostUntil = now + this.options.resumeGraceMs;
            member.topic.ghosts++;
            this.#ghosts.push(member);
            return;
        }
        this.#removeMember(member);
        this.#announceLeave(member, detail, now, out);
    }
    #announceLeave(member, detail, now, out) {
        const topic = member.topic;
        if (topic.members.length === 0) {
            this.#deleteTopic(topic);
        }
        else {
            out.push({ type: 'deliver', topic: topic.name, except: undefined, frame: leftFrame(member.username, topic.name, seconds(now)), leaver: member.conn });
        }
        out.push({ type: 'event', event: 'leave', conn: member.conn, username: member.username, topic: topic.name, reason: detail });
    }
    #restore(restored, announce, out) {
        const existing = this.#members.get(restored.c);
        if (existing !== undefined && existing.topic.name === restored.topic)
            return;
        if (existing !== undefined)
            this.#removeMember(existing);
        let topic = this.#topics.get(restored.topic);
        if (topic === undefined) {
            topic = new Topic(restored.topic, this.#lastId);
            this.#topics.set(restored.topic, topic);
        }
        if (!topic.isFree(restored.name)) {
            // Someone got the name while this member's process was cut off.
            out.push({ type: 'member', conn: restored.c, topic: undefined, username: restored.name });
            out.push({ type: 'close', conn: restored.c, code: 1012, reason: 'name taken while this server was cut off; join again' });
            if (topic.members.length === 0)
                this.#deleteTopic(topic);
            return;
        }
        const member = this.#addMember(restored.c, topic, restored.name, restored.name);
        this.#tokens.issue(restored.c, topic.name, restored.name, restored.token);
        out.push({ type: 'member', conn: restored.c, topic: topic.name, username: restored.name });
        if (announce && topic.members.length > 1) {
            out.push({ type: 'deliver', topic: topic.name, except: member.conn, frame: joinedFrame(member.username, topic.name, seconds(this.#now)) });
        }
    }
    #addMember(conn, topic, username, requested) {
        const member = this.#newMember(conn, topic, username, requested);
        topic.add(member);
        return member;
    }
    /** A new connection in an old member's place: same name, same place in the list. */
    #replaceMember(old, conn) {
        const member = this.#newMember(conn, old.topic, old.username, old.requested);
        old.topic.replace(old, member);
        old.ghostUntil = undefined;
        if (this.#members.get(old.conn) === old)
            this.#members.delete(old.conn);
        this.#byProcess.get(old.process)?.delete(old);
        if (this.#byProcess.get(old.process)?.size === 0)
            this.#byProcess.delete(old.process);
        return member;
    }
    #newMember(conn, topic, username, requested) {
        const process = processOf(conn);
        const member = { conn, process, topic, username, usernameJson: JSON.stringify(username), requested, ghostUntil: undefined };
        this.#members.set(conn, member);
        let set = this.#byProcess.get(process);
        if (set === undefined)
            this.#byProcess.set(process, (set = new Set()));
        set.add(member);
        this.#version++;
        return member;
    }
    #removeMember(member) {
        member.topic.remove(member);
        if (this.#members.get(member.conn) === member)
            this.#members.delete(member.conn);
        const set = this.#byProcess.get(member.process);
        set?.delete(member);
        if (set?.size === 0)
            this.#byProcess.delete(member.process);
        member.ghostUntil = undefined;
        this.#version++;
    }
    #deleteTopic(topic) {
        if (this.#topics.get(topic.name) === topic)
            this.#topics.delete(topic.name);
        this.#store.dropTopic(topic.history);
        this.#version++;
    }
    #dropProcess(process, detail, evicted, out) {
        const set = this.#byProcess.get(process);
        if (set === undefined)
            return;
        out.push({ type: 'process_down', process, members: set.size });
        // In connection order, not set order: a replica restored from a snapshot must do the same.
        for (const member of [...set].sort((a, b) => (a.conn < b.conn ? -1 : a.conn > b.conn ? 1 : 0))) {
            this.#tokens.end(member.conn, false, this.#now);
            out.push({ type: 'member', conn: member.conn, topic: undefined, username: member.username, evicted });
            this.#removeMember(member);
            this.#announceLeave(member, detail, this.#now, out);
        }
    }
    // ---- messages ----------------------------------------------------------------
    #say(member, text, ref, ttlMs, now, out) {
        const topic = member.topic;
        const id = this.#issueId(now);
        this.#messagesTotal++;
        const timestamp = seconds(now);
        const frame = messageFrameFromJson(id, topic.nameJson, member.usernameJson, text, timestamp);
        out.push({
            type: 'deliver',
            topic: topic.name,
            except: member.conn,
            frame,
            ack: { to: member.conn, id, ref, timestamp, othersByProcess: this.#othersByProcess(topic, member), acceptedAt: now },
        });
        this.#store.store(topic.history, id, frame, now, ttlMs);
    }
    #dm(member, args, ref, now, out) {
        const topic = member.topic;
        const target = findDmTarget(topic, args);
        if (target === 'not_found' || (target !== 'no_text' && target.member.ghostUntil !== undefined)) {
            out.push(errorEffect(member.conn, 'user_not_found', `no user in ${topic.name} matches the start of "${truncate(args, 40)}"`));
            return;
        }
        if (target === 'no_text') {
            out.push(errorEffect(member.conn, 'empty_message', 'usage: /dm <username> <text>; the text is missing'));
            return;
        }
        const check = checkMessageText(target.text, this.options.maxMessageLength);
        if (!check.ok) {
            out.push(errorEffect(member.conn, check.code, check.problem));
            return;
        }
        const id = this.#issueId(now);
        this.#messagesTotal++;
        const timestamp = seconds(now);
        const recipient = target.member;
        out.push({ type: 'send', to: recipient.conn, frame: dmFrame(id, member.username, recipient.username, target.text, timestamp) });
        out.push({ type: 'send', to: member.conn, frame: ackFrame(id, ref, timestamp, 1, recipient.username) });
    }
    #othersByProcess(topic, sender) {
        const counts = new Map();
        for (const m of topic.members) {
            if (m === sender || m.ghostUntil !== undefined)
                continue;
            counts.set(m.process, (counts.get(m.process) ?? 0) + 1);
        }
        return counts;
    }
    /**
     * Ids come from the log time in microseconds, or the last id plus one if
     * that is higher: unique, increasing in log order, identical on every
     * replica, and above every earlier id even after the log lost its data
     * (as long as the log's clock does not go back).
     */
    #issueId(now) {
        this.#lastId = Math.max(this.#lastId + 1, now * 1000);
        return this.#lastId;
    }
    // ---- time ----------------------------------------------------------------------
    /** Moves log time forward and carries out whatever is due: expiry, ends of grace, dead processes. */
    #advance(now, out) {
        if (now > this.#now) {
            if (this.#now > 0)
                this.#liveNow += Math.min(now - this.#now, this.options.maxLiveGapMs);
            this.#now = now;
        }
        now = this.#now;
        this.#store.expire(now);
        this.#tokens.sweep(now);
        for (let ghost = this.#ghosts.peek(); ghost !== undefined; ghost = this.#ghosts.peek()) {
            if (ghost.ghostUntil !== undefined && ghost.ghostUntil > now && this.#members.get(ghost.conn) === ghost)
                break;
            this.#ghosts.shift();
            if (ghost.ghostUntil === undefined || this.#members.get(ghost.conn) !== ghost)
                continue; // resumed or gone
            this.#removeMember(ghost);
            this.#announceLeave(ghost, 'drop', now, out);
        }
        const deadAfter = this.options.processDeadAfterMs;
        if (deadAfter > 0) {
            for (const [process, seenAt] of this.#lastSeen) {
                if (this.#liveNow - seenAt <= deadAfter)
                    continue;
                this.#lastSeen.delete(process);
                this.#dropProcess(process, 'process unreachable', true, out);
            }
        }
    }
    #seen(process) {
        this.#lastSeen.set(process, this.#liveNow);
    }
}
function errorEffect(to, code, message) {
    return { type: 'send', to, frame: errorFrame(code, message) };
}
export function seconds(now) {
    return Math.floor(now / 1000);
}
function truncate(text, max) {
    return text.length <= max ? text : text.slice(0, max) + '…';
}
/** Only the numbers that are set: `undefined` or NaN must not override a default. */
function definedOnly(options) {
    const out = {};
    for (const key of Object.keys(options)) {
        const value = options[key];
        if (typeof value === 'number' && !Number.isNaN(value))
            out[key] = value;
    }
    return out;
}
