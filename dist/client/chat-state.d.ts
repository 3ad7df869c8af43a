/**
 * What the terminal client knows about its chat, shared by both front ends
 * (interactive and script): who we are, which topic to rejoin, the latest
 * resume token, the highest message id seen per topic, which messages were
 * already shown, and our own messages waiting for their ack. Pure: no I/O,
 * no timers, so every rule is unit tested without a server.
 *
 * Resuming (wire contract, "Resuming after a dropped connection"): after a
 * drop the client joins with the name the server gave it, the latest token
 * of that topic as `resume`, and the highest id it has seen as `since`; the
 * server then sends only newer messages. A message is still shown at most
 * once (remembered by id), because a server may not know `since`.
 */
import type { JoinPayload, MessageFrame } from '../chat/wire.ts';
import type { ServerFrame } from './format.ts';
export interface Update {
    /**
     * The frame to pass on: the one received, or a copy whose `history` lost
     * messages already shown; undefined for a message already shown.
     */
    frame: ServerFrame | undefined;
    /** For an ack of our own chat message: that message as the others got it. */
    sent?: MessageFrame;
    /** For a welcome: how it came about, and the history left to show (by id). */
    welcome?: {
        reconnect: boolean;
        resumed: boolean;
        history: MessageFrame[];
    };
    /** Things the user should be told (messages may be missing, a send may be lost). */
    notes: string[];
}
/** A `message` frame (or history entry) with the fields we rely on, else undefined. */
export declare function asMessage(value: unknown): MessageFrame | undefined;
export declare class ChatState {
    #private;
    /** The name the user asked for; the server may give a deduplicated one (`self`). */
    requested: string;
    /** The topic to (re)join on connect; undefined in the lobby. */
    topic: string | undefined;
    /** Our name as the server gave it in the last welcome. */
    self: string | undefined;
    joined: boolean;
    constructor(requested: string, topic: string | undefined);
    /** The highest message id seen in `topic` (history, live messages, our acks). */
    highestId(topic: string): number | undefined;
    /** True when this client holds a resume token for `topic`. */
    hasToken(topic: string): boolean;
    /** The join to send on connect, or undefined in the lobby. */
    joinPayload(): JoinPayload | undefined;
    /** The frame for one chat message, remembered until its ack; `markSent(ref)` once it is written. */
    chatMessage(text: string): {
        text: string;
        ref: number;
    };
    markSent(ref: number): void;
    /**
     * The connection dropped: acks of what was in flight will never come.
     * What was not written yet still goes out (and is acked) after the rejoin.
     */
    connectionLost(): void;
    receive(frame: ServerFrame): Update;
}
/** Frames the server sends to us in answer to one of ours (one each). */
export declare function isReply(frame: ServerFrame, self: string | undefined): boolean;
export declare function commandName(line: string): string;
