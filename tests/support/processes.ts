// Starts the app's own entry points as real child processes (worker, web) for tests and tools.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Runs a TypeScript entry point in ONE process (Node 22 with tsx as a loader, not the tsx CLI, which
 * would put a second process in between): a test's SIGKILL then really kills the worker.
 */
export function spawnTsx(entry: string, env: Record<string, string | undefined>): Spawned {
  const child = spawn(path.join(ROOT, "node_modules/.bin/node"), ["--import", "tsx", entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}
