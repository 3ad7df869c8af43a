import { EdgeConn } from "./edge.js";
/**
 * One connection as the node keeps it: the edge's own state (rate limit,
 * typing throttle, activity) plus this process's view of its membership.
 * One object per connection, not two (memory per connection).
 */
export class NodeConn extends EdgeConn {
    id;
    key;
    /** This process's view of the membership (kept through an outage of the log). */
    topic = undefined;
    username = '';
    token = '';
    joinInFlight = false;
    /** Commands appended but not applied yet; local replies wait behind them. */
    inFlight = 0;
    /** Local replies waiting behind `inFlight` commands (made when the first one waits). */
    waiting = undefined;
    closing = false;
    constructor(id, key, edgeOptions, now) {
        super(edgeOptions, now);
        this.id = id;
        this.key = key;
    }
}
