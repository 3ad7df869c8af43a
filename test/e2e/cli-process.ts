/**
 * Spawned terminal clients for the e2e tests: `node bin/client.js` (built
 * dist/) in script mode, its stdout parsed as one JSON frame per line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Frame = any;

export const children = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

/** Resolves when `check` returns true, re-checked on every `poke`; rejects after `ms`. */
export function waitUntil(check: () => boolean, subscribe: (poke: () => void) => () => void, what: string, ms = 8000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const unsubscribe = subscribe(() => {
      if (!check()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}

export class Client {
  readonly process: ChildProcess;
  readonly frames: Frame[] = [];
  /** Raw stdout lines, to check that nothing but JSON frames is printed. */
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  readonly #listeners = new Set<() => void>();
  #partial = '';

  constructor(args: string[]) {
    this.process = track(spawn(process.execPath, ['bin/client.js', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] }));
    this.process.stdout?.setEncoding('utf8');
    this.process.stdout?.on('data', (chunk: string) => {
      const parts = (this.#partial + chunk).split('\n');
      this.#partial = parts.pop() ?? '';
      for (const line of parts) {
        this.lines.push(line);
        try {
          this.frames.push(JSON.parse(line));
        } catch {
          this.frames.push({ notJson: line }); // --help, or a bug the stdout check reports
        }
      }
      this.#poke();
    });
    this.process.stderr?.setEncoding('utf8');
    this.process.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk;
      this.#poke();
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code) => {
      this.#poke();
      resolve(code);
    }));
  }

  #poke(): void {
    for (const poke of this.#listeners) poke();
  }

  #subscribe = (poke: () => void): (() => void) => {
    this.#listeners.add(poke);
    return () => this.#listeners.delete(poke);
  };

  write(line: string): void {
    this.process.stdin?.write(line + '\n');
  }

  end(): void {
    this.process.stdin?.end();
  }

  /** The first frame at or after index `from` that matches. */
  async frame(match: (f: Frame) => boolean, what: string, from = 0): Promise<Frame> {
    let found: Frame;
    await waitUntil(() => (found = this.frames.slice(from).find(match)) !== undefined, this.#subscribe, `${what}; got ${JSON.stringify(this.frames)} / stderr ${this.stderr}`);
    return found;
  }

  async stderrMatches(pattern: RegExp, what: string, ms?: number): Promise<void> {
    await waitUntil(() => pattern.test(this.stderr), this.#subscribe, `${what}; stderr: ${this.stderr}`, ms);
  }

  /** Every chat message this client printed, live or in a welcome's history, in order. */
  messages(): Frame[] {
    return this.frames.flatMap((f) => (f.type === 'message' ? [f] : f.type === 'welcome' && Array.isArray(f.history) ? f.history : []));
  }

  welcome(from = 0): Promise<Frame> {
    return this.frame((f) => f.type === 'welcome', 'a welcome', from);
  }
}

