/**
 * What one process remembers while its log (Redis) is away, so that the
 * others hear the truth once it is back and its own users never hear a
 * thing twice: leaves already announced locally and still to be sent, the
 * writes reported `unavailable` (no ack may follow them), and, after the
 * log lost its data, whom to announce as gone once everyone registered again.
 */
import { processOf, type Command, type ConnKey } from './commands.ts';
import { joinedFrame, leftFrame } from './frames.ts';
import type { ConnId } from './local-effects.ts';
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

/** Other processes' members in `topics`, by connection key: what a reload from a snapshot compares. */
export function othersIn(members: readonly MemberView[], processId: string, topics: ReadonlyMap<string, unknown>): Map<ConnKey, MemberView> {
  const out = new Map<ConnKey, MemberView>();
  for (const m of members) if (processOf(m.conn) !== processId && topics.has(m.topic)) out.set(m.conn, m);
  return out;
}

/**
 * After a reload from a snapshot (this process's place in the log was
 * gone), what its users missed of the comings and goings in their topics:
 * `left` for those no longer there, `joined` for newcomers (a member whose
 * name or topic changed did both), leaves first. `local` is this process's
 * users per topic: the frames go to the connections themselves, since a
 * user the snapshot lacks is back in the fan-out lists only once its
 * re-registration is applied. The messages they missed are not replayed.
 */
export function missedChangeFrames(
  local: ReadonlyMap<string, readonly ConnId[]>,
  before: ReadonlyMap<ConnKey, MemberView>,
  after: ReadonlyMap<ConnKey, MemberView>,
  timestamp: number,
): { to: readonly ConnId[]; frame: string }[] {
  const same = (a: MemberView, b: MemberView | undefined): boolean => b !== undefined && a.topic === b.topic && a.username === b.username;
  const out: { to: readonly ConnId[]; frame: string }[] = [];
  const tell = (m: MemberView, frame: string): void => {
    const to = local.get(m.topic);
    if (to !== undefined && to.length > 0) out.push({ to, frame });
  };
  for (const [conn, m] of before) if (!same(m, after.get(conn))) tell(m, leftFrame(m.username, m.topic, timestamp));
  for (const [conn, m] of after) if (!same(m, before.get(conn))) tell(m, joinedFrame(m.username, m.topic, timestamp));
  return out;
}
