// The Prisma client, Rust-free: the WASM query compiler talks to PostgreSQL through @prisma/adapter-pg.
// One client per process (kept on globalThis so Vite's dev reloads do not leak pools).
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { getEnv } from "~/env.server";

declare global {
  var __prisma: PrismaClient | undefined;
}

export function createPrismaClient(databaseUrl: string, poolSize = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }) });
}

export const prisma: PrismaClient = (globalThis.__prisma ??= createPrismaClient(getEnv().DATABASE_URL));
export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
