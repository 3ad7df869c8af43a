/**
 * This process's connection records: the open ones by connection number,
 * and the gone ones whose commands are still on their way through the log
 * (each stays findable by its key until the last of them is applied).
 * Found by key without a map of keys: a key is `<processId>.<number>`.
 */
import type { ConnKey } from './commands.ts';
import type { ConnId, NodeConn } from './local-effects.ts';
export declare class ConnRecords {
    #private;
    constructor(processId: string);
    /** Open connections. */
    get size(): number;
    /** Records still held: open ones, and gone ones with commands in flight. */
    get tracked(): number;
    add(c: NodeConn): void;
    /** An open connection's record. */
    get(id: ConnId): NodeConn | undefined;
    isOpen(id: ConnId): boolean;
    /** Open connections, in the order they came. */
    values(): IterableIterator<NodeConn>;
    /** The connection is over; its record stays while its commands are in flight (see release). */
    close(c: NodeConn): void;
    /** Forgets a gone connection once the last of its commands is applied. */
    release(c: NodeConn): void;
    /** The record for a connection key of this process (open, or gone with commands in flight). */
    byKey(key: ConnKey): NodeConn | undefined;
    /** Open connections per topic, as this process sees them (a reload from a snapshot does not change this). */
    usersByTopic(): Map<string, ConnId[]>;
}
