/**
 * The pure chat code: the replicated state (core.ts), what stays with one
 * connection (edge.ts), one process's composition of both over an ordered
 * log (node.ts), the command format, validation and frame builders.
 */
export { ChatReplica, DEFAULT_REPLICA_OPTIONS } from './core.ts';
export type { Effect, PendingAck, ReplicaOptions, ReplicaStats } from './core.ts';
export { ChatEdge, DEFAULT_EDGE_OPTIONS } from './edge.ts';
export type { EdgeOptions, Intent } from './edge.ts';
export { ChatNode } from './node.ts';
export type { CommandLog, ConnId, LocalAck, LocalEffect, NodeOptions } from './node.ts';
export { COMMAND_VERSION, decodeCommand, processOf } from './commands.ts';
export type { Command, ConnKey, LeaveWhy, RestoredMember } from './commands.ts';
export { Queue } from './queue.ts';
export { MAX_REF_LENGTH, MAX_TOPIC_LENGTH, MAX_USERNAME_LENGTH, checkMessageText, codePointLength, isValidRef, nameKey, normalizeTopic, normalizeUsername, parseClientFrame, parseCommand, } from './validate.ts';
export type { ClientFrame, MessageCheck, NameCheck } from './validate.ts';
export * as frames from './frames.ts';
export { ERROR_CODES, ChatCloseCode } from './wire.ts';
export type * from './wire.ts';
