/**
 * The chat node's types: what it hands to the server (effects addressed to
 * this process's connection numbers), what it needs from the ordered log,
 * its options, and what it keeps per connection.
 */
import type { Command, ConnKey } from './commands.ts';
import type { ReplicaOptions } from './core.ts';
import { EdgeConn, type EdgeOptions } from './edge.ts';
import type { Ref } from './wire.ts';

export type ConnId = number;

export type LocalEffect =
  | { type: 'send'; to: ConnId; frame: string }
  /**
   * One frame for many connections (skipping `except`). `to` is this
   * process's live list for the topic: use it before the next call. With
   * `ack`, the sender then gets an ack counting `remote` plus the
   * connections the frame was really queued to.
   */
  | { type: 'broadcast'; to: readonly ConnId[]; except: ConnId | undefined; frame: string; ack?: LocalAck }
  | { type: 'close'; conn: ConnId; code: number; reason: string }
  | { type: 'event'; event: string; conn?: ConnId; username?: string; topic?: string; reason?: string; count?: number };

export interface LocalAck {
  to: ConnId;
  id: number;
  ref: Ref | undefined;
  timestamp: number;
  /** Recipients on other processes. */
  remote: number;
  /** Log time (ms) when the message was accepted. */
  acceptedAt: number;
}

/** The ordered log of commands (see lib/log/). */
export interface CommandLog {
  /** True for the in-memory log of a single process: it applies at once and needs explicit ticks. */
  readonly local: boolean;
  /** Whether appends can succeed right now. */
  readonly available: boolean;
  /**
   * Appends a command. The log later hands it, with its log time, to the
   * subscriber (the in-memory log does so before returning). `onFailed` is
   * called if the command was not appended (it may still have been, after a
   * stall: at most once).
   */
  append(command: Command, onFailed: () => void): void;
}

export interface NodeOptions {
  /** This process's id in the cluster: letters and digits, no dot. */
  processId: string;
  replica?: Partial<ReplicaOptions>;
  edge?: Partial<EdgeOptions>;
  /** The resume-token source (at least 128 random bits). */
  randomToken?: () => string;
}

/**
 * One connection as the node keeps it: the edge's own state (rate limit,
 * typing throttle, activity) plus this process's view of its membership.
 * One object per connection, not two (memory per connection).
 */
export class NodeConn extends EdgeConn {
  readonly id: ConnId;
  readonly key: ConnKey;
  /** This process's view of the membership (kept through an outage of the log). */
  topic: string | undefined = undefined;
  username = '';
  token = '';
  joinInFlight = false;
  /** Commands appended but not applied yet; local replies wait behind them. */
  inFlight = 0;
  /** Local replies waiting behind `inFlight` commands (made when the first one waits). */
  waiting: Waiting[] | undefined = undefined;
  closing = false;

  constructor(id: ConnId, key: ConnKey, edgeOptions: EdgeOptions, now: number) {
    super(edgeOptions, now);
    this.id = id;
    this.key = key;
  }
}

export type Waiting = { kind: 'reply'; frame: string } | { kind: 'list' } | { kind: 'who' };
