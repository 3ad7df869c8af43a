import { EdgeConn } from "./edge.js";
export class NodeConn extends EdgeConn {
    id;
    key;
    topic = undefined;
    username = '';
    token = '';
    joinInFlight = false;
    inFlight = 0;
    waiting = undefined;
    closing = false;
    constructor(id, key, edgeOptions, now) {
        super(edgeOptions, now);
        this.id = id;
        this.key = key;
    }
}
