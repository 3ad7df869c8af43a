import { ackFrame } from "./frames.js";
export class EffectRouter {
    #host;
    constructor(host) {
        this.#host = host;
    }
    route(effect, command, noAckFor) {
        switch (effect.type) {
            case 'send': {
                if (effect.to === noAckFor && effect.frame.startsWith('{"type":"ack"'))
                    return;
                const c = this.#host.record(effect.to);
                if (c !== undefined && this.#host.isOpen(c.id))
                    this.#host.emit({ type: 'send', to: c.id, frame: effect.frame });
                return;
            }
            case 'deliver': {
                if (effect.leaver !== undefined && this.#skipLeave(effect.leaver))
                    return;
                const to = this.#host.fanout.peek(effect.topic) ?? [];
                const sender = effect.except === undefined ? undefined : this.#host.record(effect.except);
                const except = sender?.id;
                let ack;
                if (effect.ack !== undefined && sender !== undefined && this.#host.isOpen(sender.id) && sender.key !== noAckFor) {
                    const remote = effect.ack.others - (this.#host.reachableOn(effect.topic) - 1);
                    ack = { to: sender.id, id: effect.ack.id, ref: effect.ack.ref, timestamp: effect.ack.timestamp, remote, acceptedAt: effect.ack.acceptedAt };
                }
                const reaches = to.length > 1 || (to.length === 1 && to[0] !== except);
                if (!reaches) {
                    if (ack !== undefined)
                        this.#host.emit({ type: 'send', to: ack.to, frame: ackFrame(ack.id, ack.ref, ack.timestamp, ack.remote) });
                    return;
                }
                const broadcast = { type: 'broadcast', to: this.#host.fanout.handOut(effect.topic), except, frame: effect.frame };
                if (ack !== undefined)
                    broadcast.ack = ack;
                this.#host.emit(broadcast);
                return;
            }
            case 'close': {
                const c = this.#host.record(effect.conn);
                if (c === undefined || !this.#host.isOpen(c.id))
                    return;
                c.topic = undefined;
                c.closing = true;
                this.#host.emit({ type: 'close', conn: c.id, code: effect.code, reason: effect.reason });
                return;
            }
            case 'member':
                this.#memberChanged(effect, command);
                return;
            case 'event': {
                const c = this.#host.record(effect.conn);
                if (c === undefined)
                    return;
                const event = { type: 'event', event: effect.event, conn: c.id, username: effect.username, topic: effect.topic };
                if (effect.reason !== undefined)
                    event.reason = effect.reason;
                this.#host.emit(event);
                return;
            }
            case 'process_down':
                this.#host.emit({ type: 'event', event: 'process_down', reason: effect.process, count: effect.members });
                return;
        }
    }
    #memberChanged(effect, command) {
        const c = this.#host.record(effect.conn);
        if (c === undefined)
            return;
        if (effect.evicted) {
            if (this.#host.isOpen(c.id))
                this.#host.restoreNeeded = true;
            if (c.topic !== undefined)
                this.#host.fanout.drop(c.topic, c.id);
            return;
        }
        if (c.topic !== undefined)
            this.#host.fanout.drop(c.topic, c.id);
        c.topic = effect.topic;
        c.username = effect.username;
        if (effect.topic === undefined)
            return;
        if (!this.#host.isOpen(c.id))
            return;
        if (command.t === 'restore')
            c.token = command.members.find((m) => m.c === c.key)?.token ?? c.token;
        this.#host.fanout.add(effect.topic, c.id);
        this.#host.deadlines.noteActivity(c.lastActivity);
        this.#host.deadlines.cancelJoin(c.id);
    }
    #skipLeave(leaver) {
        if (this.#host.outage.alreadyAnnounced(leaver))
            return true;
        const c = this.#host.record(leaver);
        return c !== undefined && this.#host.isOpen(c.id) && c.topic !== undefined && this.#host.restoreNeeded;
    }
}
