// Spawns bin/echo-server.js as a child process for black-box conformance
// tests. One server per test file (see useEchoServer()).

import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { before, after } from "node:test";
import type { TestContext } from "node:test";
import { connect } from "./raw-client.ts";
import type { HandshakeOptions, WsRawClient } from "./raw-client.ts";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
// WSCHAT_ECHO_SERVER_BIN may point at another server script that takes the
// same arguments and prints the same ready line (used to calibrate the suite).
export const ECHO_SERVER_BIN = process.env["WSCHAT_ECHO_SERVER_BIN"] ?? path.join(REPO_ROOT, "bin", "echo-server.js");

const READY_LINE = /^echo server listening on ws:\/\/127\.0\.0\.1:(\d+)$/;

export interface EchoServer {
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything the server wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Exit code/signal if the server process has exited, else undefined. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  stop(): Promise<void>;
}

export function startEchoServer(opts: { timeoutMs?: number; extraArgs?: string[] } = {}): Promise<EchoServer> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  if (!existsSync(ECHO_SERVER_BIN)) {
    return Promise.reject(new Error(`${ECHO_SERVER_BIN} does not exist (build the project first)`));
  }
  const child = spawn(
    process.execPath,
    [ECHO_SERVER_BIN, "--port", "0", "--host", "127.0.0.1", ...(opts.extraArgs ?? [])],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  let stdout = "";
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exitInfo = { code, signal };
      resolve();
    });
  });
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (d: string) => {
    // Bounded: keep the last 64 KiB only.
    stderr = (stderr + d).slice(-65536);
  });

  return new Promise<EchoServer>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      fail(new Error(`echo server did not print its ready line within ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${err.message}\nstdout: ${JSON.stringify(stdout.slice(0, 2000))}\nstderr: ${stderr.slice(-2000)}`));
    };
    child.once("error", (e) => fail(e));
    child.once("exit", (code, signal) => fail(new Error(`echo server exited early (code ${code}, signal ${signal})`)));
    child.stdout?.setEncoding("utf8");
    const onStdout = (d: string): void => {
      if (settled) return;
      stdout += d;
      const nl = stdout.indexOf("\n");
      if (nl < 0) {
        if (stdout.length > 4096) fail(new Error("echo server's first stdout line is too long"));
        return;
      }
      const line = stdout.slice(0, nl).replace(/\r$/, "");
      const m = READY_LINE.exec(line);
      if (!m) {
        fail(new Error(`unexpected first stdout line from echo server: ${JSON.stringify(line)}`));
        return;
      }
      settled = true;
      clearTimeout(timer);
      // Keep draining stdout so the child never blocks on a full pipe.
      child.stdout?.removeListener("data", onStdout);
      child.stdout?.resume();
      const port = Number(m[1]);
      resolve({
        port,
        child,
        stderr: () => stderr,
        exited: () => exitInfo,
        async stop(): Promise<void> {
          if (exitInfo) return;
          child.kill("SIGTERM");
          const t = setTimeout(() => child.kill("SIGKILL"), 3_000);
          await exitPromise;
          clearTimeout(t);
        },
      });
    };
    child.stdout?.on("data", onStdout);
  });
}

export interface EchoServerFixture {
  readonly port: number;
  readonly server: EchoServer;
  /** Open a WebSocket connection; it is destroyed when the test ends. */
  connect(t: TestContext, opts?: HandshakeOptions): Promise<WsRawClient>;
}

/**
 * Register file-level before/after hooks that start one echo server for the
 * whole test file and stop it at the end.
 */
export function useEchoServer(): EchoServerFixture {
  let server: EchoServer | undefined;
  before(async () => {
    server = await startEchoServer();
  });
  after(async () => {
    await server?.stop();
  });
  const get = (): EchoServer => {
    if (!server) throw new Error("echo server not started");
    const ex = server.exited();
    if (ex) throw new Error(`echo server has exited (code ${ex.code}, signal ${ex.signal}); stderr:\n${server.stderr().slice(-2000)}`);
    return server;
  };
  return {
    get port(): number {
      return get().port;
    },
    get server(): EchoServer {
      return get();
    },
    async connect(t: TestContext, opts?: HandshakeOptions): Promise<WsRawClient> {
      const c = await connect(get().port, opts);
      t.after(() => c.destroy());
      return c;
    },
  };
}
