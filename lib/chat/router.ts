/**
 * The replica's effects, made this process's: effects addressed to its own
 * connections become `LocalEffect`s with connection numbers, a topic's
 * delivery becomes a broadcast over this process's fan-out list with an ack
 * that counts the other processes, and membership changes keep this
 * process's view of its connections (and its fan-out lists) in step.
 */
import type { Command, ConnKey } from './commands.ts';
import type { ConnDeadlines } from './deadlines.ts';
import type { Effect } from './effects.ts';
import type { LocalFanout } from './fanout.ts';
import { ackFrame } from './frames.ts';
import type { ConnId, LocalAck, LocalEffect, NodeConn } from './local-effects.ts';
import type { OutageBook } from './outage.ts';

/** What the router may see and change of its node. */
export interface RouterHost {
  readonly processId: string;
  /** The record of a connection of this process (open or not yet forgotten), by key. */
  record(key: ConnKey): NodeConn | undefined;
  isOpen(id: ConnId): boolean;
  readonly fanout: LocalFanout<ConnId>;
  readonly outage: OutageBook;
  readonly deadlines: ConnDeadlines<ConnId>;
  /** This process's members of a topic that messages reach, as the replica has them now. */
  reachableOn(topic: string): number;
  /** Set when the cluster took this process for dead: its members must be registered again. */
  restoreNeeded: boolean;
  emit(effect: LocalEffect): void;
}

export class EffectRouter {
  readonly #host: RouterHost;

  constructor(host: RouterHost) {
    this.#host = host;
  }

  /** `noAckFor`: the sender of a write reported `unavailable`, which must get no ack. */
  route(effect: Effect, command: Command, noAckFor: ConnKey | undefined): void {
    switch (effect.type) {
      case 'send': {
        if (effect.to === noAckFor && effect.frame.startsWith('{"type":"ack"')) return;
        const c = this.#host.record(effect.to);
        if (c !== undefined && this.#host.isOpen(c.id)) this.#host.emit({ type: 'send', to: c.id, frame: effect.frame });
        return;
      }
      case 'deliver': {
        if (effect.leaver !== undefined && this.#skipLeave(effect.leaver)) return;
        const to = this.#host.fanout.peek(effect.topic) ?? [];
        const sender = effect.except === undefined ? undefined : this.#host.record(effect.except);
        const except = sender?.id;
        let ack: LocalAck | undefined;
        if (effect.ack !== undefined && sender !== undefined && this.#host.isOpen(sender.id) && sender.key !== noAckFor) {
          // The others on other processes: all of them but this process's own (the sender is one of those).
          const remote = effect.ack.others - (this.#host.reachableOn(effect.topic) - 1);
          ack = { to: sender.id, id: effect.ack.id, ref: effect.ack.ref, timestamp: effect.ack.timestamp, remote, acceptedAt: effect.ack.acceptedAt };
        }
        // The sender, when it is here, is one of `to`: someone else is there if there are two.
        const reaches = to.length > 1 || (to.length === 1 && to[0] !== except);
        if (!reaches) {
          // Nobody here to write to: the ack alone, counting the other processes.
          if (ack !== undefined) this.#host.emit({ type: 'send', to: ack.to, frame: ackFrame(ack.id, ack.ref, ack.timestamp, ack.remote) });
          return;
        }
        const broadcast: LocalEffect = { type: 'broadcast', to: this.#host.fanout.handOut(effect.topic), except, frame: effect.frame };
        if (ack !== undefined) broadcast.ack = ack;
        this.#host.emit(broadcast);
        return;
      }
      case 'close': {
        const c = this.#host.record(effect.conn);
        if (c === undefined || !this.#host.isOpen(c.id)) return;
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
        if (c === undefined) return;
        const event: LocalEffect = { type: 'event', event: effect.event, conn: c.id, username: effect.username, topic: effect.topic };
        if (effect.reason !== undefined) event.reason = effect.reason;
        this.#host.emit(event);
        return;
      }
      case 'process_down':
        this.#host.emit({ type: 'event', event: 'process_down', reason: effect.process, count: effect.members });
        return;
    }
  }

  #memberChanged(effect: Extract<Effect, { type: 'member' }>, command: Command): void {
    const c = this.#host.record(effect.conn);
    if (c === undefined) return;
    if (effect.evicted) {
      // The cluster took this process for dead; its connections are still here.
      if (this.#host.isOpen(c.id)) this.#host.restoreNeeded = true;
      if (c.topic !== undefined) this.#host.fanout.drop(c.topic, c.id);
      return;
    }
    if (c.topic !== undefined) this.#host.fanout.drop(c.topic, c.id);
    c.topic = effect.topic;
    c.username = effect.username;
    if (effect.topic === undefined) return;
    if (!this.#host.isOpen(c.id)) return;
    if (command.t === 'restore') c.token = command.members.find((m) => m.c === c.key)?.token ?? c.token;
    this.#host.fanout.add(effect.topic, c.id);
    // A member's idle clock runs from its last frame, also when the join is applied later (a cluster).
    this.#host.deadlines.noteActivity(c.lastActivity);
    this.#host.deadlines.cancelJoin(c.id);
  }

  /** True when a `left` is about a local connection that did not really leave, or was announced already. */
  #skipLeave(leaver: ConnKey): boolean {
    if (this.#host.outage.alreadyAnnounced(leaver)) return true;
    const c = this.#host.record(leaver);
    return c !== undefined && this.#host.isOpen(c.id) && c.topic !== undefined && this.#host.restoreNeeded;
  }
}
