// The Erysta integration's public surface. Use cases take an ErystaClient as an argument; the web
// server and the worker build one per shop with `createErystaClientForShopKey`.
import type { PrismaClient } from "@prisma/client";
import { getEnv, type Env } from "~/env.server";
import type { Logger } from "~/logger.server";
import { createErystaClient, type ErystaClient } from "./client.server";
import { createRateBudget } from "./rate-budget.server";

export * from "./client.server";
export * from "./errors";
export * from "./rate-budget.server";
export * from "./schemas";

/** A client for one decrypted API key, with the database-backed budget every process shares for that key. */
export function createErystaClientForShopKey(input: {
  apiKey: string;
  prisma: PrismaClient;
  logger?: Logger;
  env?: Pick<
    Env,
    "ERYSTA_API_URL" | "ERYSTA_RATE_LIMIT_PER_MINUTE" | "ERYSTA_CONNECT_TIMEOUT_MS" | "ERYSTA_TIMEOUT_MS"
  >;
}): ErystaClient {
  const env = input.env ?? getEnv();
  return createErystaClient({
    baseUrl: env.ERYSTA_API_URL,
    apiKey: input.apiKey,
    connectTimeoutMs: env.ERYSTA_CONNECT_TIMEOUT_MS,
    timeoutMs: env.ERYSTA_TIMEOUT_MS,
    logger: input.logger,
    rateBudget: createRateBudget({
      prisma: input.prisma,
      apiKey: input.apiKey,
      limit: env.ERYSTA_RATE_LIMIT_PER_MINUTE,
      // The budget counts when we send, Erysta when a request arrives: a 1 s guard keeps network
      // jitter from ever putting more than the limit into any 60 s window on Erysta's side.
      windowMs: 61_000,
      logger: input.logger,
    }),
  });
}
