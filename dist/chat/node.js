import { randomBytes } from 'node:crypto';
import { processOf } from "./commands.js";
import { ChatReplica, seconds } from "./core.js";
import { ChatEdge, toCommand } from "./edge.js";
import { errorFrame, leftFrame } from "./frames.js";
import { ConnRecords } from "./conn-records.js";
import { ConnDeadlines } from "./deadlines.js";
import { LocalFanout } from "./fanout.js";
import { missedChangeFrames, othersIn, OutageBook } from "./outage.js";
import { ChatCloseCode } from "./wire.js";
import { EffectRouter } from "./router.js";
import { NodeConn } from "./local-effects.js";
export class ChatNode {
    processId;
    edge;
    #replica;
    #replicaOptions;
    #log;
    #randomToken;
    #conns;
    #fanout = new LocalFanout();
    #deadlines;
    #outage = new OutageBook();
    #restoreNeeded = false;
    #router;
    #noAckFor;
    #out;
    onEffects = () => { };
    constructor(options, log) {
        this.processId = options.processId;
        this.#conns = new ConnRecords(this.processId);
        this.#replicaOptions = options.replica ?? {};
        this.#replica = new ChatReplica(this.#replicaOptions);
        this.edge = new ChatEdge(options.edge ?? {});
        this.#deadlines = new ConnDeadlines(this.edge.options.idleTimeoutMs);
        const node = this;
        this.#router = new EffectRouter({
            processId: this.processId,
            record: (key) => this.#conns.byKey(key),
            isOpen: (id) => this.#conns.isOpen(id),
            reachableOn: (topic) => this.#replica.reachableOn(topic, this.processId),
            fanout: this.#fanout,
            outage: this.#outage,
            deadlines: this.#deadlines,
            get restoreNeeded() {
                return node.#restoreNeeded;
            },
            set restoreNeeded(value) {
                node.#restoreNeeded = value;
            },
            emit: (effect) => this.#emit(effect),
        });
        this.#log = log;
        this.#randomToken = options.randomToken ?? (() => randomBytes(24).toString('base64url'));
    }
    get replica() {
        return this.#replica;
    }
    trackedConnections = () => this.#conns.tracked;
    get clustered() {
        return !this.#log.local;
    }
    localStoredMessages() {
        let count = 0;
        for (const topic of this.#fanout.topics())
            count += this.#replica.storedIn(topic);
        return count;
    }
    load(snapshot) {
        return this.#call(() => {
            const local = this.#conns.usersByTopic();
            const before = othersIn(this.#replica.members(), this.processId, local);
            this.#replica = ChatReplica.restore(snapshot, this.#replicaOptions);
            this.#fanout.clear();
            for (const c of this.#conns.values()) {
                const member = this.#replica.memberOf(c.key);
                if (member !== undefined && member.topic === c.topic) {
                    this.#fanout.add(member.topic, c.id);
                }
                else if (c.topic !== undefined) {
                    this.#restoreNeeded = true;
                }
            }
            if (this.#restoreNeeded && this.#log.available)
                this.#restore(true);
            const after = othersIn(this.#replica.members(), this.processId, local);
            for (const { to, frame } of missedChangeFrames(local, before, after, seconds(this.#replica.now))) {
                this.#emit({ type: 'broadcast', to, except: undefined, frame });
            }
        });
    }
    connect(id, now) {
        return this.#call(() => {
            if (this.#conns.isOpen(id))
                return;
            const c = new NodeConn(id, `${this.processId}.${id}`, this.edge.options, now);
            this.#conns.add(c);
            this.#startJoinTimeout(c, now);
        });
    }
    receiveText(id, text, now) {
        return this.#call(() => {
            const c = this.#conns.get(id);
            if (c === undefined || c.closing)
                return;
            const joined = c.topic !== undefined || c.joinInFlight;
            for (const intent of this.edge.receiveText(c, text, joined, now))
                this.#carryOut(c, intent, now);
            if (c.topic !== undefined)
                this.#deadlines.noteActivity(now);
        });
    }
    receiveBinary(id, now) {
        return this.#call(() => {
            const c = this.#conns.get(id);
            if (c === undefined || c.closing)
                return;
            for (const intent of this.edge.receiveBinary(c, now))
                this.#carryOut(c, intent, now);
        });
    }
    disconnect(id, why, detail, now) {
        return this.#call(() => {
            const c = this.#conns.get(id);
            if (c === undefined)
                return;
            this.#forget(c);
            if (c.topic !== undefined || c.joinInFlight)
                this.#appendLeave(c, why, detail);
            this.#conns.release(c);
        });
    }
    tick(now) {
        return this.#call(() => {
            for (const id of this.#deadlines.takeJoinDue(now)) {
                const c = this.#conns.get(id);
                if (c !== undefined && c.topic === undefined && !c.joinInFlight)
                    this.#closeByServer(c, ChatCloseCode.POLICY, 'join timeout');
            }
            this.#closeIdle(now);
            const due = this.#replica.nextDeadline();
            if (this.#log.local && due !== undefined && due <= now)
                this.#append(undefined, { v: 1, t: 'tick', p: this.processId });
        });
    }
    nextDeadline() {
        const replica = this.#log.local ? this.#replica.nextDeadline() : undefined;
        const own = this.#deadlines.next();
        return replica === undefined ? own : own === undefined ? replica : Math.min(replica, own);
    }
    stats(now) {
        if (now !== undefined && this.#log.local)
            this.#replica.expireMessages(now);
        return { ...this.#replica.stats(), connections: this.#conns.size, localTopics: this.#fanout.size };
    }
    apply(command, now) {
        return this.#call(() => {
            const own = 'c' in command ? this.#conns.byKey(command.c) : undefined;
            if (own !== undefined && own.inFlight > 0)
                own.inFlight--;
            if (own !== undefined && (command.t === 'join' || command.t === 'move'))
                own.joinInFlight = false;
            this.#noAckFor = own !== undefined && (command.t === 'say' || command.t === 'dm') && this.#outage.wasRefused(command) ? own.key : undefined;
            for (const effect of this.#replica.apply(command, now))
                this.#router.route(effect, command, this.#noAckFor);
            this.#noAckFor = undefined;
            if (own !== undefined && (command.t === 'join' || command.t === 'move') && this.#replica.memberOf(own.key) !== undefined)
                own.token = command.token;
            if (own !== undefined) {
                this.#flushWaiting(own);
                this.#conns.release(own);
            }
            if (this.#restoreNeeded && this.#log.available)
                this.#restore(true);
            const unrestored = this.#outage.reconcileDue(now);
            if (unrestored !== undefined)
                this.#announceUnrestored(unrestored, now);
        });
    }
    reset() {
        return this.#call(() => {
            this.#outage.reset(this.#replica.members().filter((m) => processOf(m.conn) !== this.processId));
            this.#replica = new ChatReplica(this.#replicaOptions);
            this.#fanout.clear();
            this.#restore(false);
        });
    }
    resume() {
        return this.#call(() => {
            for (const command of this.#outage.takeUnsent())
                this.#append(undefined, command);
            if (this.#restoreNeeded)
                this.#restore(true);
        });
    }
    stop() {
        return this.#call(() => this.#append(undefined, { v: 1, t: 'stop', p: this.processId }));
    }
    #carryOut(c, intent, now) {
        switch (intent.kind) {
            case 'reply':
                this.#reply(c, { kind: 'reply', frame: intent.frame });
                return;
            case 'list':
            case 'who':
                this.#reply(c, { kind: intent.kind });
                return;
            case 'quit':
                if (c.topic !== undefined || c.joinInFlight)
                    this.#appendLeave(c, 'quit', 'quit');
                this.#emit({ type: 'close', conn: c.id, code: ChatCloseCode.NORMAL, reason: 'quit' });
                c.closing = true;
                this.#forget(c);
                this.#conns.release(c);
                return;
            case 'close':
                this.#closeByServer(c, intent.code, intent.reason, intent.detail);
                return;
            case 'rate_limited':
                this.#emit(intent.firstOfRun ? { type: 'event', event: 'rate_limited', conn: c.id, reason: 'first' } : { type: 'event', event: 'rate_limited', conn: c.id });
                return;
            case 'command': {
                const command = intent.command;
                let token = '';
                if (command.t === 'join' || command.t === 'move') {
                    token = this.#randomToken();
                    c.joinInFlight = true;
                    this.#deadlines.cancelJoin(c.id);
                }
                if (command.t === 'leave' && c.topic === undefined && !c.joinInFlight) {
                    this.#reply(c, { kind: 'reply', frame: errorFrame('not_joined', '/leave needs a topic: join one first') });
                    return;
                }
                if (command.t === 'leave')
                    this.#startJoinTimeout(c, now);
                this.#append(c, toCommand(command, c.key, token));
                return;
            }
        }
    }
    #append(c, command) {
        if (c !== undefined)
            c.inFlight++;
        if (command.t === 'say' || command.t === 'dm')
            this.#outage.number(command);
        this.#log.append(command, () => this.#failed(c, command));
    }
    #failed(c, command) {
        if (command.t === 'say' || command.t === 'dm')
            this.#outage.refused(command);
        const run = () => {
            if (c === undefined)
                return;
            if (command.t === 'leave')
                this.#leaveLocally(c, command);
            c.inFlight = Math.max(0, c.inFlight - 1);
            if (!this.#conns.isOpen(c.id)) {
                this.#conns.release(c);
                return;
            }
            if (command.t === 'join' || command.t === 'move') {
                c.joinInFlight = false;
                if (c.topic === undefined)
                    this.#startJoinTimeout(c, c.lastActivity);
            }
            if (command.t !== 'typing' && command.t !== 'leave') {
                (c.waiting ??= []).unshift({ kind: 'reply', frame: errorFrame('unavailable', 'the chat cluster cannot be reached right now; not sent, try again shortly') });
            }
            this.#flushWaiting(c);
        };
        if (this.#out !== undefined)
            run();
        else
            this.onEffects(this.#call(run));
    }
    #leaveLocally(c, command) {
        const topic = c.topic;
        if (topic !== undefined) {
            this.#fanout.drop(topic, c.id);
            const to = this.#fanout.handOut(topic);
            if (to.length > 0)
                this.#emit({ type: 'broadcast', to, except: undefined, frame: leftFrame(c.username, topic, seconds(c.lastActivity)) });
            if (command.why === 'leave' && this.#conns.isOpen(c.id)) {
                this.#emit({ type: 'send', to: c.id, frame: leftFrame(c.username, topic, seconds(c.lastActivity)) });
            }
            c.topic = undefined;
        }
        this.#outage.leftLocally(c.key, command);
    }
    #announceUnrestored(previous, now) {
        for (const gone of previous) {
            if (this.#replica.memberOf(gone.conn) !== undefined)
                continue;
            const to = this.#fanout.handOut(gone.topic);
            if (to.length === 0)
                continue;
            this.#emit({ type: 'broadcast', to, except: undefined, frame: leftFrame(gone.username, gone.topic, seconds(now)) });
        }
    }
    #appendLeave(c, why, detail) {
        this.#append(c, { v: 1, t: 'leave', c: c.key, why, detail });
    }
    #reply(c, item) {
        if (c.inFlight > 0)
            (c.waiting ??= []).push(item);
        else
            this.#emitReply(c, item);
    }
    #flushWaiting(c) {
        const waiting = c.waiting;
        if (waiting === undefined)
            return;
        while (c.inFlight === 0 && waiting.length > 0)
            this.#emitReply(c, waiting.shift());
        if (waiting.length === 0)
            c.waiting = undefined;
    }
    #emitReply(c, item) {
        if (!this.#conns.isOpen(c.id))
            return;
        let frame;
        if (item.kind === 'reply')
            frame = item.frame;
        else if (item.kind === 'list')
            frame = this.#replica.topicsFrame();
        else
            frame = this.#replica.usersFrame(c.key) ?? errorFrame('not_joined', '/who needs a topic: join one first');
        this.#emit({ type: 'send', to: c.id, frame });
    }
    #restore(announce) {
        this.#restoreNeeded = false;
        const members = [];
        for (const c of this.#conns.values()) {
            if (c.topic !== undefined && !c.closing)
                members.push({ c: c.key, topic: c.topic, name: c.username, token: c.token });
        }
        if (members.length > 0 || !announce)
            this.#append(undefined, { v: 1, t: 'restore', p: this.processId, members, announce });
    }
    #closeByServer(c, code, reason, detail = reason) {
        if (c.topic !== undefined || c.joinInFlight)
            this.#appendLeave(c, 'server', detail);
        c.closing = true;
        this.#forget(c);
        this.#conns.release(c);
        this.#emit({ type: 'close', conn: c.id, code, reason });
    }
    #forget(c) {
        this.#conns.close(c);
        this.#deadlines.cancelJoin(c.id);
        if (c.topic !== undefined)
            this.#fanout.drop(c.topic, c.id);
    }
    #startJoinTimeout(c, now) {
        this.#deadlines.startJoin(c.id, this.edge.joinDeadline(now));
    }
    #closeIdle(now) {
        if (!this.#deadlines.idleScanDue(now))
            return;
        let earliest;
        for (const c of [...this.#conns.values()]) {
            if (c.topic === undefined)
                continue;
            const deadline = this.edge.idleDeadline(c) ?? Infinity;
            if (deadline <= now)
                this.#closeByServer(c, ChatCloseCode.NORMAL, 'idle');
            else if (earliest === undefined || deadline < earliest)
                earliest = deadline;
        }
        this.#deadlines.scanned(now, earliest);
    }
    #emit(effect) {
        if (this.#out !== undefined)
            this.#out.push(effect);
        else
            this.onEffects([effect]);
    }
    #call(body) {
        if (this.#out !== undefined) {
            body();
            return [];
        }
        const out = [];
        this.#out = out;
        try {
            body();
        }
        finally {
            this.#out = undefined;
            this.#fanout.endCall();
        }
        return out;
    }
}
