import type { ConnKey } from './commands.ts';
export interface TokenRecord {
    readonly token: string;
    readonly conn: ConnKey;
    readonly topic: string;
    readonly username: string;
    /** When the connection ended (log time); undefined while it is open. */
    endedAt: number | undefined;
}
export declare class TokenBook {
    #private;
    constructor(windowMs: number);
    get size(): number;
    /** Gives `conn` a new token for its membership; any older token of `conn` stops working. */
    issue(conn: ConnKey, topic: string, username: string, token: string): void;
    /** The membership ended; on purpose the token is gone, otherwise the window starts. */
    end(conn: ConnKey, onPurpose: boolean, now: number): void;
    revoke(conn: ConnKey): void;
    /** The valid record for `token` in `topic`, if any. Does not use it up. */
    find(token: string, topic: string, now: number): TokenRecord | undefined;
    /** Uses a token up. */
    consume(record: TokenRecord): void;
    /** Every live record, ended ones in end order last (for a snapshot). */
    records(): TokenRecord[];
    /** Puts back a record from a snapshot. */
    load(record: TokenRecord): void;
    /** Forgets tokens whose window has passed. */
    sweep(now: number): void;
}
