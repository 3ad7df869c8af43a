/**
 * The chat wire protocol, typed: every frame a client may send and every
 * frame the server sends, the error codes and the application close codes.
 * One description shared by the server, the terminal client and the web
 * page (whose JSDoc imports these types), so that the three cannot drift.
 * Types only, plus the code tables: nothing here runs on a hot path.
 */
/** Error codes of `{"type": "error"}` frames; the connection stays open. */
export declare const ERROR_CODES: readonly ["invalid_json", "invalid_join", "invalid_message", "not_joined", "empty_message", "message_too_long", "unknown_command", "user_not_found", "rate_limited", "unsupported_data", "unavailable"];
export type ErrorCode = (typeof ERROR_CODES)[number];
/**
 * Close codes the chat server uses (RFC 6455 §7.4.1 for 1000-1013; 4000-4999
 * are for applications, §7.4.2).
 */
export declare const ChatCloseCode: {
    /** `/quit`, or the idle timeout (reason `idle`). */
    readonly NORMAL: 1000;
    /** Server shutting down. */
    readonly GOING_AWAY: 1001;
    /** Join timeout, rate limit. */
    readonly POLICY: 1008;
    /** Cluster mode: cut off from Redis long enough that the name went to someone else. */
    readonly SERVICE_RESTART: 1012;
    /** Slow consumer. */
    readonly TRY_AGAIN_LATER: 1013;
    /** Another connection resumed this session: do not reconnect. */
    readonly REPLACED: 4000;
};
/** A value echoed as `ref` in an ack: a short string or a finite number. */
export type Ref = string | number;
export interface JoinPayload {
    username: string;
    topic: string;
    /** The latest `resumeToken` this client was given in the topic. */
    resume?: string;
    /** The highest message id this client has seen in the topic. */
    since?: number;
}
export interface ChatMessagePayload {
    message: string;
    ref?: Ref;
}
export interface TypingPayload {
    typing: boolean;
}
export interface MessageFrame {
    type: 'message';
    id: number;
    topic: string;
    username: string;
    message: string;
    timestamp: number;
}
export interface WelcomeFrame {
    type: 'welcome';
    username: string;
    topic: string;
    /** Seconds a message is kept. */
    messageTtl: number;
    users: string[];
    /** Unexpired messages of the topic (above `since` when the join had one), oldest first. */
    history: MessageFrame[];
    /** Present the new secret to resume this membership after a drop. */
    resumeToken: string;
    /** Present when the join had `resume` or `since`: the old membership was taken over. */
    resumed?: boolean;
    /** Present when the join had `since`: true when no message above `since` can be missing. */
    recovered?: boolean;
}
export interface AckFrame {
    type: 'ack';
    id: number;
    ref?: Ref;
    timestamp: number;
    recipients: number;
    /** DMs only: the recipient. */
    to?: string;
}
export interface DmFrame {
    type: 'dm';
    id: number;
    from: string;
    to: string;
    message: string;
    timestamp: number;
}
export interface JoinedFrame {
    type: 'joined';
    username: string;
    topic: string;
    timestamp: number;
}
export interface LeftFrame {
    type: 'left';
    username: string;
    topic: string;
    timestamp: number;
}
export interface TypingFrame {
    type: 'typing';
    username: string;
    topic: string;
}
export interface TopicSummary {
    topic: string;
    users: number;
}
export interface TopicsFrame {
    type: 'topics';
    /** The most active topics first (at most a bounded number of them). */
    topics: TopicSummary[];
    text: string;
    /** How many topics have users in all (present when `topics` was cut). */
    total?: number;
    /** True when `topics` lists only part of them. */
    truncated?: boolean;
}
export interface UsersFrame {
    type: 'users';
    topic: string;
    users: string[];
}
export interface HelpFrame {
    type: 'help';
    text: string;
}
export interface ErrorFrame {
    type: 'error';
    code: ErrorCode;
    message: string;
}
export type ServerFrame = WelcomeFrame | MessageFrame | AckFrame | DmFrame | JoinedFrame | LeftFrame | TypingFrame | TopicsFrame | UsersFrame | HelpFrame | ErrorFrame;
