/**
 * The ordered log of a single process: a command is applied the moment it
 * is appended, with the clock's time (never going back). The server keeps
 * one code path for one process and many: the same commands reach the same
 * `apply`, only without a round trip.
 */
import type { Command } from '../chat/commands.ts';
import type { CommandLog } from '../chat/node.ts';

export class MemoryLog implements CommandLog {
  readonly local = true;
  readonly available = true;
  readonly #clock: () => number;
  #apply: (command: Command, now: number) => void = () => {};
  #now = 0;

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  /** Where appended commands go (the node's `apply`). */
  subscribe(apply: (command: Command, now: number) => void): void {
    this.#apply = apply;
  }

  append(command: Command): void {
    this.#now = Math.max(this.#now, this.#clock());
    this.#apply(command, this.#now);
  }
}
