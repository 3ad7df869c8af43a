import { processOf } from "./commands.js";
import { ackFrame, dmFrame, errorFrame, joinedFrame, leftFrame, messageFrameFromJson, typingFrame, usersFrame, welcomeFrame } from "./frames.js";
import { MessageStore } from "./history.js";
import { Liveness } from "./liveness.js";
import { Membership } from "./membership.js";
import { TokenBook } from "./resume.js";
import { findDmTarget } from "./rooms.js";
import { captureSnapshot, restoreSnapshot, takeSnapshot } from "./snapshot.js";
import { checkMessageText } from "./validate.js";
import { ChatCloseCode } from "./wire.js";
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
    #store;
    #rooms;
    #tokens;
    #live;
    #lastId = 0;
    #messagesTotal = 0;
    constructor(options = {}) {
        this.options = { ...DEFAULT_REPLICA_OPTIONS, ...definedOnly(options) };
        this.#store = new MessageStore({
            messageTtlMs: this.options.messageTtlMs,
            maxMessages: this.options.maxStoredPerTopic,
            maxBytes: this.options.maxStoredBytesPerTopic,
        });
        this.#rooms = new Membership(this.#store);
        this.#tokens = new TokenBook(this.options.resumeWindowMs);
        this.#live = new Liveness(this.options.maxLiveGapMs);
    }
    memberOf(conn) {
        const member = this.#rooms.members.get(conn);
        return member === undefined ? undefined : { topic: member.topic.name, username: member.username };
    }
    usersFrame(conn) {
        const member = this.#rooms.members.get(conn);
        return member === undefined ? undefined : usersFrame(member.topic.name, member.topic.usernames());
    }
    topicsFrame() {
        return this.#rooms.topicsFrame(this.options.maxListedTopics);
    }
    members() {
        return this.#rooms.all();
    }
    stats() {
        return {
            topics: this.#rooms.topics.size,
            storedMessages: this.#store.count,
            messagesTotal: this.#messagesTotal,
            members: this.#rooms.members.size,
            processes: this.#live.lastSeen.size,
        };
    }
    get now() {
        return this.#live.now;
    }
    get lastId() {
        return this.#lastId;
    }
    nextDeadline() {
        let deadline = this.#store.nextExpiry();
        const ghost = this.#rooms.ghosts.peek();
        if (ghost?.ghostUntil !== undefined && (deadline === undefined || ghost.ghostUntil < deadline))
            deadline = ghost.ghostUntil;
        return deadline;
    }
    digest() {
        return `${this.#lastId}|${this.#rooms.digest(this.#live.now)}`;
    }
    expireMessages(now) {
        this.#store.expire(Math.max(now, this.#live.now));
    }
    lowestLiveProcess() {
        return this.#live.lowest();
    }
    reachableOn(topic, process) {
        return this.#rooms.topics.get(topic)?.reachableOn(process) ?? 0;
    }
    storedIn(topic) {
        return this.#rooms.topics.get(topic)?.history.messages.size ?? 0;
    }
    snapshot() {
        return takeSnapshot(this.#parts());
    }
    captureSnapshot() {
        return captureSnapshot(this.#parts());
    }
    #parts() {
        return { membership: this.#rooms, store: this.#store, tokens: this.#tokens, liveness: this.#live, lastId: this.#lastId, messagesTotal: this.#messagesTotal };
    }
    static restore(snapshot, options = {}) {
        const replica = new ChatReplica(options);
        const counters = restoreSnapshot(snapshot, { membership: replica.#rooms, store: replica.#store, tokens: replica.#tokens, liveness: replica.#live });
        replica.#lastId = counters.lastId;
        replica.#messagesTotal = counters.messagesTotal;
        return replica;
    }
    apply(command, now) {
        const out = [];
        this.#advance(now, out);
        now = this.#live.now;
        switch (command.t) {
            case 'tick':
                this.#live.seen(command.p);
                break;
            case 'stop':
                this.#live.forget(command.p);
                this.#dropProcess(command.p, 'process stopped', false, out);
                break;
            case 'restore':
                this.#live.seen(command.p);
                for (const member of command.members)
                    this.#restore(member, command.announce, out);
                break;
            default: {
                this.#live.seen(processOf(command.c));
                this.#applyConnCommand(command, now, out);
            }
        }
        return out;
    }
    #applyConnCommand(command, now, out) {
        const member = this.#rooms.members.get(command.c);
        switch (command.t) {
            case 'join':
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
    #join(conn, requested, topicName, token, resume, since, now, out) {
        const record = resume === undefined ? undefined : this.#tokens.find(resume, topicName, now);
        const topic = this.#rooms.topic(topicName, this.#lastId);
        let member;
        let seamless = false;
        const old = record === undefined ? undefined : this.#rooms.members.get(record.conn);
        if (record !== undefined)
            this.#tokens.consume(record);
        if (old !== undefined && old.topic === topic) {
            seamless = true;
            if (old.ghostUntil === undefined)
                out.push({ type: 'close', conn: old.conn, code: ChatCloseCode.REPLACED, reason: 'replaced' });
            out.push({ type: 'member', conn: old.conn, topic: undefined, username: old.username });
            member = this.#rooms.replace(old, conn);
        }
        else {
            const name = record !== undefined && topic.isFree(record.username) ? record.username : topic.freeName(requested);
            member = this.#rooms.add(conn, topic, name, requested);
        }
        const username = member.username;
        this.#tokens.issue(conn, topic.name, username, token);
        const history = topic.history.framesAfter(since ?? 0, now);
        const resumeFields = { resumeToken: token };
        if (resume !== undefined || since !== undefined)
            resumeFields.resumed = record !== undefined;
        if (since !== undefined)
            resumeFields.recovered = topic.history.isCompleteAfter(since, now);
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
            this.#rooms.startGrace(member, now + this.options.resumeGraceMs);
            return;
        }
        this.#rooms.remove(member);
        this.#announceLeave(member, detail, now, out);
    }
    #announceLeave(member, detail, now, out) {
        const topic = member.topic;
        if (topic.members.length === 0) {
            this.#rooms.deleteTopic(topic);
        }
        else {
            out.push({ type: 'deliver', topic: topic.name, except: undefined, frame: leftFrame(member.username, topic.name, seconds(now)), leaver: member.conn });
        }
        out.push({ type: 'event', event: 'leave', conn: member.conn, username: member.username, topic: topic.name, reason: detail });
    }
    #restore(restored, announce, out) {
        const existing = this.#rooms.members.get(restored.c);
        if (existing !== undefined && existing.topic.name === restored.topic)
            return;
        if (existing !== undefined)
            this.#rooms.remove(existing);
        const topic = this.#rooms.topic(restored.topic, this.#lastId);
        if (!topic.isFree(restored.name)) {
            out.push({ type: 'member', conn: restored.c, topic: undefined, username: restored.name });
            out.push({ type: 'close', conn: restored.c, code: ChatCloseCode.SERVICE_RESTART, reason: 'name taken while this server was cut off; join again' });
            if (topic.members.length === 0)
                this.#rooms.deleteTopic(topic);
            return;
        }
        const member = this.#rooms.add(restored.c, topic, restored.name, restored.name);
        this.#tokens.issue(restored.c, topic.name, restored.name, restored.token);
        out.push({ type: 'member', conn: restored.c, topic: topic.name, username: restored.name });
        if (announce && topic.members.length > 1) {
            out.push({ type: 'deliver', topic: topic.name, except: member.conn, frame: joinedFrame(member.username, topic.name, seconds(this.#live.now)) });
        }
    }
    #dropProcess(process, detail, evicted, out) {
        const members = this.#rooms.ofProcess(process);
        if (members.length === 0)
            return;
        out.push({ type: 'process_down', process, members: members.length });
        const now = this.#live.now;
        for (const member of members) {
            this.#tokens.end(member.conn, false, now);
            out.push({ type: 'member', conn: member.conn, topic: undefined, username: member.username, evicted });
            this.#rooms.remove(member);
            this.#announceLeave(member, detail, now, out);
        }
    }
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
            ack: { to: member.conn, id, ref, timestamp, others: topic.reachable - 1, acceptedAt: now },
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
    #issueId(now) {
        this.#lastId = Math.max(this.#lastId + 1, now * 1000);
        return this.#lastId;
    }
    #advance(now, out) {
        this.#live.advance(now);
        now = this.#live.now;
        this.#store.expire(now);
        this.#tokens.sweep(now);
        const { ghosts, members } = this.#rooms;
        for (let ghost = ghosts.peek(); ghost !== undefined; ghost = ghosts.peek()) {
            if (ghost.ghostUntil !== undefined && ghost.ghostUntil > now && members.get(ghost.conn) === ghost)
                break;
            ghosts.shift();
            if (ghost.ghostUntil === undefined || members.get(ghost.conn) !== ghost)
                continue;
            this.#rooms.remove(ghost);
            this.#announceLeave(ghost, 'drop', now, out);
        }
        const deadAfter = this.options.processDeadAfterMs;
        if (deadAfter > 0) {
            for (const process of this.#live.takeDead(deadAfter))
                this.#dropProcess(process, 'process unreachable', true, out);
        }
    }
}
function errorEffect(to, code, message) {
    return { type: 'send', to, frame: errorFrame(code, message) };
}
export function seconds(now) {
    return Math.floor(now / 1000);
}
function truncate(text, max) {
    return text.length <= max ? text : text.slice(0, max) + '\u2026';
}
function definedOnly(options) {
    const out = {};
    for (const key of Object.keys(options)) {
        const value = options[key];
        if (typeof value === 'number' && !Number.isNaN(value))
            out[key] = value;
    }
    return out;
}
