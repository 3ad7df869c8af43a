/**
 * Builders of server frames as JSON text. Field order follows the wire
 * contract. Hot frames (message, ack, joined, left, typing) are assembled
 * from pre-serialised pieces so a fan-out costs one string per message.
 */
import type { ErrorCode, Ref, TopicSummary } from './wire.ts';
export type { ErrorCode, Ref, TopicSummary } from './wire.ts';
/** What a welcome says about resuming (see wire.ts WelcomeFrame). */
export interface WelcomeResume {
    resumeToken?: string;
    resumed?: boolean;
    recovered?: boolean;
}
/**
 * `history` holds already-serialised message frames (the stored strings),
 * so the welcome is built by concatenation rather than re-serialisation.
 */
export declare function welcomeFrame(username: string, topic: string, messageTtlSeconds: number, users: readonly string[], history: readonly string[], resume?: WelcomeResume): string;
export declare function joinedFrame(username: string, topic: string, timestamp: number): string;
export declare function leftFrame(username: string, topic: string, timestamp: number): string;
/** `topicJson` and `usernameJson` are the names already passed through JSON.stringify. */
export declare function messageFrameFromJson(id: number, topicJson: string, usernameJson: string, message: string, timestamp: number): string;
export declare function messageFrame(id: number, topic: string, username: string, message: string, timestamp: number): string;
/** `ref` is omitted when undefined; `to` is present only for DM acks. */
export declare function ackFrame(id: number, ref: Ref | undefined, timestamp: number, recipients: number, to?: string): string;
export declare function dmFrame(id: number, from: string, to: string, message: string, timestamp: number): string;
/**
 * The `/list` reply: structured list plus the human text of the contract.
 * `total` is how many topics there are when `topics` shows only part of them.
 */
export declare function topicsFrame(topics: readonly TopicSummary[], total?: number): string;
export declare function usersFrame(topic: string, users: readonly string[]): string;
export declare function typingFrame(username: string, topic: string): string;
export declare const HELP_TEXT: string;
export declare function helpFrame(text?: string): string;
export declare function errorFrame(code: ErrorCode, message: string): string;
