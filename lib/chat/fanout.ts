/**
 * One process's fan-out lists: per topic, this process's connections in it,
 * in join order. A broadcast hands out the live list (no copy per message);
 * a list handed out during the current call is copied before it changes, so
 * an effect never sees its recipients change under it.
 */
export class LocalFanout<Id> {
  readonly #byTopic = new Map<string, Id[]>();
  readonly #handedOut = new Set<Id[]>();

  get size(): number {
    return this.#byTopic.size;
  }

  topics(): IterableIterator<string> {
    return this.#byTopic.keys();
  }

  /** The live list of `topic` for an effect of this call (empty if none). */
  handOut(topic: string): readonly Id[] {
    const list = this.#byTopic.get(topic);
    if (list === undefined) return [];
    this.#handedOut.add(list);
    return list;
  }

  peek(topic: string): readonly Id[] | undefined {
    return this.#byTopic.get(topic);
  }

  add(topic: string, id: Id): void {
    const list = this.#own(topic);
    if (list === undefined) this.#byTopic.set(topic, [id]);
    else list.push(id);
  }

  drop(topic: string, id: Id): void {
    const list = this.#own(topic);
    if (list === undefined) return;
    const index = list.indexOf(id);
    if (index >= 0) list.splice(index, 1);
    if (list.length === 0) this.#byTopic.delete(topic);
  }

  clear(): void {
    this.#byTopic.clear();
  }

  /** The call is over: its effects have been carried out. */
  endCall(): void {
    this.#handedOut.clear();
  }

  #own(topic: string): Id[] | undefined {
    let list = this.#byTopic.get(topic);
    if (list !== undefined && this.#handedOut.has(list)) {
      list = list.slice();
      this.#byTopic.set(topic, list);
    }
    return list;
  }
}
