/**
 * One process's part of the chat: its connections' edge state, its replica
 * of the shared state, and the ordered log that joins them. Everything that
 * concerns more than one connection goes to the log as a command and comes
 * back, in log order, to `apply` on every process; this process then carries
 * out the effects for its own connections. With one process the log is in
 * memory and applies at once; in a cluster it is a Redis stream. One code
 * path either way.
 *
 * Still pure: no sockets and no clock (time comes with each call), and the
 * only randomness, the resume token, comes from an injected function.
 * Effects come out as `LocalEffect`s addressed to this process's connection
 * numbers: returned from the call that caused them, or, for commands the
 * log delivers later, handed to `onEffects`.
 */
import { randomBytes } from 'node:crypto';
import { processOf } from "./commands.js";
import { ChatReplica } from "./core.js";
import { ChatEdge, toCommand } from "./edge.js";
import { ackFrame, errorFrame, leftFrame } from "./frames.js";
import { seconds } from "./core.js";
/** Log time after a reset before unregistered members are announced as gone. */
const RECONCILE_AFTER_MS = 3000;
/** Idle scans run at most this often (each scan walks every connection). */
const IDLE_SCAN_GRANULARITY_MS = 1000;
export class ChatNode {
    processId;
    edge;
    #replica;
    #replicaOptions;
    #log;
    #randomToken;
    #conns = new Map();
    #byKey = new Map();
    /** This process's connections per topic, in join order: the fan-out lists. */
    #localByTopic = new Map();
    /** Lobby connections' join deadlines, in insertion (= deadline) order. */
    #joinDeadlines = new Map();
    #idleCheckAt;
    /** Leaves announced to local users while the log was away: not announced twice. */
    #announcedLocally = new Set();
    /** Leaves that could not be appended, to append once the log is back. */
    #unsentLeaves = [];
    #restoreNeeded = false;
    /** Numbers of this process's writes that were reported `unavailable`. */
    #refused = new Set();
    #writes = 0;
    /** While applying a refused write: its sender gets no ack. */
    #noAckFor;
    /** After the log lost its data: who to announce as gone once the others have registered again. */
    #reconcile;
    #out;
    /** Fan-out lists handed out in effects of the current call: copied before they change. */
    #handedOut = new Set();
    /** Where effects of commands applied outside a call go. */
    onEffects = () => { };
    constructor(options, log) {
        this.processId = options.processId;
        this.#replicaOptions = options.replica ?? {};
        this.#replica = new ChatReplica(this.#replicaOptions);
        this.edge = new ChatEdge(options.edge ?? {});
        this.#log = log;
        this.#randomToken = options.randomToken ?? (() => randomBytes(24).toString('base64url'));
    }
    get replica() {
        return this.#replica;
    }
    /** True in a cluster: figures are then this process's own view. */
    get clustered() {
        return !this.#log.local;
    }
    /** Unexpired messages of the topics this process's users are in. */
    localStoredMessages() {
        let count = 0;
        for (const topic of this.#localByTopic.keys())
            count += this.#replica.storedIn(topic);
        return count;
    }
    /**
     * Starts over from a snapshot of the shared state (a new process, or one
     * whose place in the log is gone). Members of this process that the
     * snapshot lacks are registered again.
     */
    load(snapshot) {
        return this.#call(() => {
            this.#replica = ChatReplica.restore(snapshot, this.#replicaOptions);
            this.#localByTopic.clear();
            for (const c of this.#conns.values()) {
                const member = this.#replica.memberOf(c.key);
                if (member !== undefined && member.topic === c.topic) {
                    let list = this.#localByTopic.get(member.topic);
                    if (list === undefined)
                        this.#localByTopic.set(member.topic, (list = []));
                    list.push(c.id);
                }
                else if (c.topic !== undefined) {
                    this.#restoreNeeded = true;
                }
            }
            if (this.#restoreNeeded && this.#log.available)
                this.#restore(true);
        });
    }
    // ---- calls from the server ------------------------------------------------------
    connect(id, now) {
        return this.#call(() => {
            if (this.#conns.has(id))
                return;
            const c = {
                id,
                key: `${this.processId}.${id}`,
                edge: this.edge.newConn(now),
                topic: undefined,
                username: '',
                token: '',
                pendingToken: undefined,
                joinInFlight: false,
                inFlight: 0,
                waiting: [],
                closing: false,
            };
            this.#conns.set(id, c);
            this.#byKey.set(c.key, c);
            this.#startJoinTimeout(c, now);
        });
    }
    receiveText(id, text, now) {
        return this.#call(() => {
            const c = this.#conns.get(id);
            if (c === undefined || c.closing)
                return;
            const joined = c.topic !== undefined || c.joinInFlight;
            for (const intent of this.edge.receiveText(c.edge, text, joined, now))
                this.#carryOut(c, intent, now);
            if (c.topic !== undefined)
                this.#scheduleIdleCheck(now);
        });
    }
    receiveBinary(id, now) {
        return this.#call(() => {
            const c = this.#conns.get(id);
            if (c === undefined || c.closing)
                return;
            for (const intent of this.edge.receiveBinary(c.edge, now))
                this.#carryOut(c, intent, now);
        });
    }
    /**
     * The connection has ended. `why` says whose idea it was: the client's
     * close frame (`close`), a drop without one (`drop`), or the server
     * (`server`, for a close the server started).
     */
    disconnect(id, why, detail, now) {
        return this.#call(() => {
            const c = this.#conns.get(id);
            if (c === undefined)
                return;
            this.#forget(c);
            if (c.topic !== undefined || c.joinInFlight)
                this.#appendLeave(c, why, detail);
        });
    }
    /** Timers: join and idle timeouts, and (one process) the replica's expiry and grace deadlines. */
    tick(now) {
        return this.#call(() => {
            for (const [id, deadline] of this.#joinDeadlines) {
                if (deadline > now)
                    break;
                this.#joinDeadlines.delete(id);
                const c = this.#conns.get(id);
                if (c !== undefined && c.topic === undefined && !c.joinInFlight)
                    this.#closeByServer(c, 1008, 'join timeout');
            }
            this.#closeIdle(now);
            const due = this.#replica.nextDeadline();
            if (this.#log.local && due !== undefined && due <= now)
                this.#append(undefined, { v: 1, t: 'tick', p: this.processId });
        });
    }
    nextDeadline() {
        let deadline = this.#log.local ? this.#replica.nextDeadline() : undefined;
        for (const joinDeadline of this.#joinDeadlines.values()) {
            if (deadline === undefined || joinDeadline < deadline)
                deadline = joinDeadline;
            break; // the first is the earliest
        }
        if (this.#idleCheckAt !== undefined && (deadline === undefined || this.#idleCheckAt < deadline))
            deadline = this.#idleCheckAt;
        return deadline;
    }
    /** Connections, and the replica's figures (in a cluster: this process's own view of topics and messages). */
    stats(now) {
        // One process: a message past its time is gone even if its timer has not fired yet.
        if (now !== undefined && this.#log.local)
            this.#replica.expireMessages(now);
        return { ...this.#replica.stats(), connections: this.#conns.size, localTopics: this.#localByTopic.size };
    }
    // ---- calls from the log ---------------------------------------------------------
    /** Applies one command from the log, with its log time. */
    apply(command, now) {
        return this.#call(() => {
            const own = 'c' in command ? this.#byKey.get(command.c) : undefined;
            if (own !== undefined && own.inFlight > 0)
                own.inFlight--;
            if (own !== undefined && (command.t === 'join' || command.t === 'move')) {
                own.joinInFlight = false;
                if (own.pendingToken === command.token)
                    own.pendingToken = undefined;
            }
            this.#noAckFor = own !== undefined && (command.t === 'say' || command.t === 'dm') && command.n !== undefined && this.#refused.delete(command.n) ? own.key : undefined;
            for (const effect of this.#replica.apply(command, now))
                this.#localize(effect, command);
            this.#noAckFor = undefined;
            if (own !== undefined && (command.t === 'join' || command.t === 'move') && this.#replica.memberOf(own.key) !== undefined)
                own.token = command.token;
            if (own !== undefined)
                this.#flushWaiting(own);
            if (this.#restoreNeeded && this.#log.available)
                this.#restore(true);
            if (this.#reconcile !== undefined)
                this.#announceUnrestored(now);
        });
    }
    /**
     * The log lost its data (or this process starts over): forget the shared
     * state, then register this process's members again without telling anyone.
     */
    reset() {
        return this.#call(() => {
            // Members of other processes as we knew them: those nobody registers again left meanwhile.
            const previous = this.#replica.members().filter((m) => processOf(m.conn) !== this.processId);
            this.#reconcile = { previous, after: undefined };
            this.#replica = new ChatReplica(this.#replicaOptions);
            this.#localByTopic.clear();
            this.#unsentLeaves = [];
            this.#announcedLocally.clear();
            this.#restore(false);
        });
    }
    /** The log is back: send what could not be sent, and re-register if needed. */
    resume() {
        return this.#call(() => {
            const leaves = this.#unsentLeaves;
            this.#unsentLeaves = [];
            for (const command of leaves)
                this.#append(undefined, command);
            if (this.#restoreNeeded)
                this.#restore(true);
        });
    }
    /** A graceful stop: one command takes every member of this process out at once. */
    stop() {
        return this.#call(() => this.#append(undefined, { v: 1, t: 'stop', p: this.processId }));
    }
    // ---- intents ----------------------------------------------------------------------
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
                this.#emit({ type: 'close', conn: c.id, code: 1000, reason: 'quit' });
                c.closing = true;
                this.#forget(c);
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
                    c.pendingToken = token;
                    c.joinInFlight = true;
                    this.#joinDeadlines.delete(c.id);
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
            command.n = ++this.#writes;
        this.#log.append(command, () => this.#failed(c, command));
    }
    /** The log refused a command (Redis unavailable): say so, in order, and undo the bookkeeping. */
    #failed(c, command) {
        // Told `unavailable`, the client must never see an ack for it (it may still arrive, at most once).
        if ((command.t === 'say' || command.t === 'dm') && command.n !== undefined)
            this.#refused.add(command.n);
        const run = () => {
            if (command.t === 'leave' && c !== undefined)
                this.#leaveLocally(c, command);
            if (c === undefined || !this.#conns.has(c.id))
                return;
            c.inFlight = Math.max(0, c.inFlight - 1);
            if (command.t === 'join' || command.t === 'move') {
                c.joinInFlight = false;
                c.pendingToken = undefined;
                // The join timeout runs again from the refused join (the frame's time, not the log's).
                if (c.topic === undefined)
                    this.#startJoinTimeout(c, c.edge.lastActivity);
            }
            if (command.t !== 'typing' && command.t !== 'leave') {
                c.waiting.unshift({ kind: 'reply', frame: errorFrame('unavailable', 'the chat cluster cannot be reached right now; not sent, try again shortly') });
            }
            this.#flushWaiting(c);
        };
        if (this.#out !== undefined)
            run();
        else
            this.onEffects(this.#call(run));
    }
    /**
     * A leave while the log is away: this process's users hear of it at once;
     * the others when the log is back (the command is kept to send then).
     */
    #leaveLocally(c, command) {
        const topic = c.topic;
        if (topic !== undefined) {
            this.#dropLocal(c.id, topic);
            this.#announcedLocally.add(c.key);
            const to = this.#localByTopic.get(topic);
            if (to !== undefined && to.length > 0) {
                this.#handedOut.add(to);
                this.#emit({ type: 'broadcast', to, except: undefined, frame: leftFrame(c.username, topic, seconds(c.edge.lastActivity)) });
            }
            if (command.why === 'leave' && this.#conns.has(c.id)) {
                this.#emit({ type: 'send', to: c.id, frame: leftFrame(c.username, topic, seconds(c.edge.lastActivity)) });
            }
            c.topic = undefined;
        }
        this.#unsentLeaves.push(command);
    }
    /**
     * Some log time after a reset (every live process has registered its
     * members again by then), members of other processes that nobody
     * registered left during the outage: tell this process's users.
     */
    #announceUnrestored(now) {
        const reconcile = this.#reconcile;
        if (reconcile.after === undefined)
            reconcile.after = now + RECONCILE_AFTER_MS;
        if (now < reconcile.after)
            return;
        this.#reconcile = undefined;
        for (const gone of reconcile.previous) {
            if (this.#replica.memberOf(gone.conn) !== undefined)
                continue;
            const to = this.#localByTopic.get(gone.topic);
            if (to === undefined || to.length === 0)
                continue;
            this.#handedOut.add(to);
            this.#emit({ type: 'broadcast', to, except: undefined, frame: leftFrame(gone.username, gone.topic, seconds(now)) });
        }
    }
    #appendLeave(c, why, detail) {
        this.#append(c, { v: 1, t: 'leave', c: c.key, why, detail });
    }
    #reply(c, item) {
        if (c.inFlight > 0)
            c.waiting.push(item);
        else
            this.#emitReply(c, item);
    }
    #flushWaiting(c) {
        while (c.inFlight === 0 && c.waiting.length > 0)
            this.#emitReply(c, c.waiting.shift());
    }
    #emitReply(c, item) {
        if (!this.#conns.has(c.id))
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
    // ---- effects of the replica ----------------------------------------------------
    #localize(effect, command) {
        switch (effect.type) {
            case 'send': {
                if (effect.to === this.#noAckFor && effect.frame.startsWith('{"type":"ack"'))
                    return;
                const c = this.#byKey.get(effect.to);
                if (c !== undefined && this.#conns.has(c.id))
                    this.#emit({ type: 'send', to: c.id, frame: effect.frame });
                return;
            }
            case 'deliver': {
                if (effect.leaver !== undefined && this.#skipLeave(effect.leaver))
                    return;
                const to = this.#localByTopic.get(effect.topic) ?? [];
                const sender = effect.except === undefined ? undefined : this.#byKey.get(effect.except);
                const except = sender?.id;
                let ack;
                if (effect.ack !== undefined && sender !== undefined && this.#conns.has(sender.id) && sender.key !== this.#noAckFor) {
                    let remote = 0;
                    for (const [process, count] of effect.ack.othersByProcess)
                        if (process !== this.processId)
                            remote += count;
                    ack = { to: sender.id, id: effect.ack.id, ref: effect.ack.ref, timestamp: effect.ack.timestamp, remote, acceptedAt: effect.ack.acceptedAt };
                }
                const reaches = to.length > (except !== undefined && to.includes(except) ? 1 : 0);
                if (!reaches) {
                    // Nobody here to write to: the ack alone, counting the other processes.
                    if (ack !== undefined)
                        this.#emit({ type: 'send', to: ack.to, frame: ackFrame(ack.id, ack.ref, ack.timestamp, ack.remote) });
                    return;
                }
                this.#handedOut.add(to);
                const broadcast = { type: 'broadcast', to, except, frame: effect.frame };
                if (ack !== undefined)
                    broadcast.ack = ack;
                this.#emit(broadcast);
                return;
            }
            case 'close': {
                const c = this.#byKey.get(effect.conn);
                if (c === undefined || !this.#conns.has(c.id))
                    return;
                c.topic = undefined;
                c.closing = true;
                this.#emit({ type: 'close', conn: c.id, code: effect.code, reason: effect.reason });
                return;
            }
            case 'member':
                this.#memberChanged(effect, command);
                return;
            case 'event': {
                const c = this.#byKey.get(effect.conn);
                if (c === undefined)
                    return;
                const event = { type: 'event', event: effect.event, conn: c.id, username: effect.username, topic: effect.topic };
                if (effect.reason !== undefined)
                    event.reason = effect.reason;
                this.#emit(event);
                return;
            }
            case 'process_down':
                this.#emit({ type: 'event', event: 'process_down', reason: effect.process, count: effect.members });
                return;
        }
    }
    #memberChanged(effect, command) {
        const c = this.#byKey.get(effect.conn);
        if (c === undefined)
            return;
        if (effect.evicted) {
            // The cluster took this process for dead; its connections are still here.
            if (this.#conns.has(c.id))
                this.#restoreNeeded = true;
            if (c.topic !== undefined)
                this.#dropLocal(c.id, c.topic);
            return;
        }
        if (c.topic !== undefined)
            this.#dropLocal(c.id, c.topic);
        c.topic = effect.topic;
        c.username = effect.username;
        if (effect.topic === undefined)
            return;
        if (!this.#conns.has(c.id))
            return;
        if (command.t === 'restore')
            c.token = command.members.find((m) => m.c === c.key)?.token ?? c.token;
        let list = this.#ownList(effect.topic);
        if (list === undefined)
            this.#localByTopic.set(effect.topic, (list = []));
        list.push(c.id);
        this.#joinDeadlines.delete(c.id);
    }
    /** True when a `left` is about a local connection that did not really leave, or was announced already. */
    #skipLeave(leaver) {
        if (this.#announcedLocally.delete(leaver))
            return true;
        const c = this.#byKey.get(leaver);
        return c !== undefined && this.#conns.has(c.id) && c.topic !== undefined && this.#restoreNeeded;
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
    // ---- connections ------------------------------------------------------------------
    #closeByServer(c, code, reason, detail = reason) {
        if (c.topic !== undefined || c.joinInFlight)
            this.#appendLeave(c, 'server', detail);
        c.closing = true;
        this.#forget(c);
        this.#emit({ type: 'close', conn: c.id, code, reason });
    }
    /** Local bookkeeping of a connection that is gone (its leave, if any, goes through the log). */
    #forget(c) {
        this.#conns.delete(c.id);
        this.#joinDeadlines.delete(c.id);
        if (c.topic !== undefined)
            this.#dropLocal(c.id, c.topic);
        // Keep the key until the leave is applied, so its effects still find the connection's record.
    }
    /** The fan-out list of `topic`, safe to change (a copy if an effect of this call holds it). */
    #ownList(topic) {
        let list = this.#localByTopic.get(topic);
        if (list !== undefined && this.#handedOut.has(list)) {
            list = list.slice();
            this.#localByTopic.set(topic, list);
        }
        return list;
    }
    #dropLocal(id, topic) {
        const list = this.#ownList(topic);
        if (list === undefined)
            return;
        const index = list.indexOf(id);
        if (index >= 0)
            list.splice(index, 1);
        if (list.length === 0)
            this.#localByTopic.delete(topic);
    }
    #startJoinTimeout(c, now) {
        const deadline = this.edge.joinDeadline(now);
        if (deadline === undefined)
            return;
        // Delete first so re-insertion moves it to the end (deadline order).
        this.#joinDeadlines.delete(c.id);
        this.#joinDeadlines.set(c.id, deadline);
    }
    #scheduleIdleCheck(now) {
        const timeout = this.edge.options.idleTimeoutMs;
        if (timeout <= 0)
            return;
        const at = now + timeout;
        if (this.#idleCheckAt === undefined || at < this.#idleCheckAt)
            this.#idleCheckAt = at;
    }
    #closeIdle(now) {
        const timeout = this.edge.options.idleTimeoutMs;
        if (timeout <= 0 || this.#idleCheckAt === undefined || now < this.#idleCheckAt)
            return;
        let earliest = Infinity;
        for (const c of [...this.#conns.values()]) {
            if (c.topic === undefined)
                continue;
            const deadline = this.edge.idleDeadline(c.edge) ?? Infinity;
            if (deadline <= now)
                this.#closeByServer(c, 1000, 'idle');
            else if (deadline < earliest)
                earliest = deadline;
        }
        // Not earlier than the granularity, so a stream of staggered deadlines
        // cannot make every tick walk every connection.
        this.#idleCheckAt = earliest === Infinity ? undefined : Math.max(earliest, now + Math.min(IDLE_SCAN_GRANULARITY_MS, timeout));
    }
    // ---- output ------------------------------------------------------------------------
    #emit(effect) {
        if (this.#out !== undefined)
            this.#out.push(effect);
        else
            this.onEffects([effect]);
    }
    /** Runs `body` collecting effects; nested calls (the in-memory log applies inside append) share the outer list. */
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
            this.#handedOut.clear();
        }
        return out;
    }
}
