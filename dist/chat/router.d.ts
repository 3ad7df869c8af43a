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
import type { ConnId, LocalEffect, NodeConn } from './local-effects.ts';
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
export declare class EffectRouter {
    #private;
    constructor(host: RouterHost);
    /** `noAckFor`: the sender of a write reported `unavailable`, which must get no ack. */
    route(effect: Effect, command: Command, noAckFor: ConnKey | undefined): void;
}
