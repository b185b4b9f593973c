// The Prisma client, Rust-free: the WASM query compiler talks to PostgreSQL through @prisma/adapter-pg.
// One client per process (kept on globalThis so Vite's dev reloads do not leak pools). Its pg pool is
// shared with the few hot paths that skip Prisma's per-query compilation (see app/webhooks/inbox.server.ts).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { getEnv } from "~/env.server";

declare global {
  var __database: { prisma: PrismaClient; pool: pg.Pool } | undefined;
}

export function createPrismaClient(databaseUrl: string, poolSize = 10): PrismaClient {
  return createDatabase(databaseUrl, poolSize).prisma;
}

function createDatabase(databaseUrl: string, poolSize = 10) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // `$disconnect()` ends the pool, as it did when Prisma owned it.
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // Prisma's 5 s default for interactive transactions is shorter than a transaction can take when a
  // flash sale keeps every core busy: it would roll back work that was about to commit, and the retry
  // only adds load. (Transactions hold database work only: network calls happen outside them.)
  const transactionOptions = { maxWait: 10_000, timeout: 20_000 };
  return { prisma: new PrismaClient({ adapter, transactionOptions }), pool };
}

const database = (globalThis.__database ??= createDatabase(getEnv().DATABASE_URL));
export const prisma: PrismaClient = database.prisma;
/** The same connections as `prisma`, for plain SQL. */
export const pgPool: pg.Pool = database.pool;
export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
