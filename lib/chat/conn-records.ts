/**
 * This process's connection records: the open ones by connection number,
 * and the gone ones whose commands are still on their way through the log
 * (each stays findable by its key until the last of them is applied).
 * Found by key without a map of keys: a key is `<processId>.<number>`.
 */
import type { ConnKey } from './commands.ts';
import type { ConnId, NodeConn } from './local-effects.ts';

export class ConnRecords {
  readonly #open = new Map<ConnId, NodeConn>();
  readonly #gone = new Map<ConnId, NodeConn>();
  /** `<processId>.`: the start of this process's connection keys. */
  readonly #keyPrefix: string;

  constructor(processId: string) {
    this.#keyPrefix = `${processId}.`;
  }

  /** Open connections. */
  get size(): number {
    return this.#open.size;
  }

  /** Records still held: open ones, and gone ones with commands in flight. */
  get tracked(): number {
    return this.#open.size + this.#gone.size;
  }

  add(c: NodeConn): void {
    this.#open.set(c.id, c);
  }

  /** An open connection's record. */
  get(id: ConnId): NodeConn | undefined {
    return this.#open.get(id);
  }

  isOpen(id: ConnId): boolean {
    return this.#open.has(id);
  }

  /** Open connections, in the order they came. */
  values(): IterableIterator<NodeConn> {
    return this.#open.values();
  }

  /** The connection is over; its record stays while its commands are in flight (see release). */
  close(c: NodeConn): void {
    this.#open.delete(c.id);
    this.#gone.set(c.id, c);
  }

  /** Forgets a gone connection once the last of its commands is applied. */
  release(c: NodeConn): void {
    if (!this.#open.has(c.id) && c.inFlight === 0) this.#gone.delete(c.id);
  }

  /** The record for a connection key of this process (open, or gone with commands in flight). */
  byKey(key: ConnKey): NodeConn | undefined {
    if (!key.startsWith(this.#keyPrefix)) return undefined;
    const id = Number(key.slice(this.#keyPrefix.length));
    const c = this.#open.get(id) ?? this.#gone.get(id);
    return c?.key === key ? c : undefined;
  }

  /** Open connections per topic, as this process sees them (a reload from a snapshot does not change this). */
  usersByTopic(): Map<string, ConnId[]> {
    const byTopic = new Map<string, ConnId[]>();
    for (const c of this.#open.values()) {
      if (c.topic === undefined || c.closing) continue;
      const list = byTopic.get(c.topic);
      if (list === undefined) byTopic.set(c.topic, [c.id]);
      else list.push(c.id);
    }
    return byTopic;
  }
}
