export declare class ConnDeadlines<Id> {
    #private;
    constructor(idleTimeoutMs: number);
    startJoin(id: Id, deadline: number | undefined): void;
    cancelJoin(id: Id): void;
    /** Connections whose join deadline has passed (removed from the list). */
    takeJoinDue(now: number): Id[];
    /** Activity at `now`: an idle scan is due no later than a timeout from now. */
    noteActivity(now: number): void;
    idleScanDue(now: number): boolean;
    /**
     * After a scan: the next one at the earliest remaining idle deadline, but
     * not sooner than the granularity, so staggered deadlines cannot make
     * every tick walk every connection.
     */
    scanned(now: number, earliest: number | undefined): void;
    next(): number | undefined;
}
