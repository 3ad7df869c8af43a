/**
 * What one process remembers while its log (Redis) is away, so that the
 * others hear the truth once it is back and its own users never hear a
 * thing twice: leaves already announced locally and still to be sent, the
 * writes reported `unavailable` (no ack may follow them), and, after the
 * log lost its data, whom to announce as gone once everyone registered again.
 */
import type { Command, ConnKey } from './commands.ts';
import type { MemberView } from './membership.ts';

/** Log time after a reset before unregistered members are announced as gone. */
const RECONCILE_AFTER_MS = 3000;

type Write = Extract<Command, { t: 'say' | 'dm' }>;

export class OutageBook {
  /** Leaves announced to local users while the log was away: not announced twice. */
  readonly #announcedLocally = new Set<ConnKey>();
  /** Leaves that could not be appended, to append once the log is back. */
  #unsent: Command[] = [];
  /** Numbers of this process's writes that were reported `unavailable`. */
  readonly #refused = new Set<number>();
  #writes = 0;
  #reconcile: { previous: MemberView[]; after: number | undefined } | undefined;

  /** Numbers a write so that a late arrival of a refused one can be recognised. */
  number(command: Write): void {
    command.n = ++this.#writes;
  }

  refused(command: Write): void {
    if (command.n !== undefined) this.#refused.add(command.n);
  }

  /** True (once) when this write was reported `unavailable`: its sender gets no ack. */
  wasRefused(command: Write): boolean {
    return command.n !== undefined && this.#refused.delete(command.n);
  }

  leftLocally(conn: ConnKey, command: Command): void {
    this.#announcedLocally.add(conn);
    this.#unsent.push(command);
  }

  /** True (once) when this leave was already announced to local users. */
  alreadyAnnounced(conn: ConnKey): boolean {
    return this.#announcedLocally.delete(conn);
  }

  takeUnsent(): Command[] {
    const unsent = this.#unsent;
    this.#unsent = [];
    return unsent;
  }

  /** The log lost its data: remember the other processes' members as they were. */
  reset(previous: MemberView[]): void {
    this.#unsent = [];
    this.#announcedLocally.clear();
    this.#reconcile = { previous, after: undefined };
  }

  /** Once enough log time has passed after a reset: the members to check (then forgotten). */
  reconcileDue(now: number): MemberView[] | undefined {
    const reconcile = this.#reconcile;
    if (reconcile === undefined) return undefined;
    reconcile.after ??= now + RECONCILE_AFTER_MS;
    if (now < reconcile.after) return undefined;
    this.#reconcile = undefined;
    return reconcile.previous;
  }
}

/**
 * Who left and who joined between two views of the same topics (by
 * connection key; a member whose name or topic changed did both): what a
 * process's users missed when it skipped part of the log. Leaves first.
 */
export function missedChanges(before: ReadonlyMap<ConnKey, MemberView>, after: ReadonlyMap<ConnKey, MemberView>): { member: MemberView; joined: boolean }[] {
  const same = (a: MemberView, b: MemberView | undefined): boolean => b !== undefined && a.topic === b.topic && a.username === b.username;
  const changes: { member: MemberView; joined: boolean }[] = [];
  for (const [conn, member] of before) if (!same(member, after.get(conn))) changes.push({ member, joined: false });
  for (const [conn, member] of after) if (!same(member, before.get(conn))) changes.push({ member, joined: true });
  return changes;
}
