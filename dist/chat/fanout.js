export class LocalFanout {
    #byTopic = new Map();
    #handedOut = new Set();
    get size() {
        return this.#byTopic.size;
    }
    topics() {
        return this.#byTopic.keys();
    }
    handOut(topic) {
        const list = this.#byTopic.get(topic);
        if (list === undefined)
            return [];
        this.#handedOut.add(list);
        return list;
    }
    peek(topic) {
        return this.#byTopic.get(topic);
    }
    add(topic, id) {
        const list = this.#own(topic);
        if (list === undefined)
            this.#byTopic.set(topic, [id]);
        else
            list.push(id);
    }
    drop(topic, id) {
        const list = this.#own(topic);
        if (list === undefined)
            return;
        const index = list.indexOf(id);
        if (index >= 0)
            list.splice(index, 1);
        if (list.length === 0)
            this.#byTopic.delete(topic);
    }
    clear() {
        this.#byTopic.clear();
    }
    endCall() {
        this.#handedOut.clear();
    }
    #own(topic) {
        let list = this.#byTopic.get(topic);
        if (list !== undefined && this.#handedOut.has(list)) {
            list = list.slice();
            this.#byTopic.set(topic, list);
        }
        return list;
    }
}
