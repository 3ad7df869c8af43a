/**
 * One process's fan-out lists: per topic, this process's connections in it,
 * in join order. A broadcast hands out the live list (no copy per message);
 * a list handed out during the current call is copied before it changes, so
 * an effect never sees its recipients change under it.
 */
export declare class LocalFanout<Id> {
    #private;
    get size(): number;
    topics(): IterableIterator<string>;
    /** The live list of `topic` for an effect of this call (empty if none). */
    handOut(topic: string): readonly Id[];
    peek(topic: string): readonly Id[] | undefined;
    add(topic: string, id: Id): void;
    drop(topic: string, id: Id): void;
    clear(): void;
    /** The call is over: its effects have been carried out. */
    endCall(): void;
}
