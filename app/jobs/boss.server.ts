// pg-boss on the app's PostgreSQL. The web process only enqueues (no maintenance, no polling); the worker
// process consumes. Enqueueing can join a Prisma transaction, so a webhook records its rows and its job
// atomically: either both exist or neither does.
import type { ClientBase } from "pg";
import { PgBoss, fromPrisma, type SendOptions } from "pg-boss";
import type { Tx } from "~/db.server";
import { logger } from "~/logger.server";
import { QUEUES, QUEUE_OPTIONS, type JobPayloads, type QueueName } from "./queues";

export type Boss = PgBoss;

export function createBoss(databaseUrl: string, role: "web" | "worker"): PgBoss {
  const consuming = role === "worker";
  const boss = new PgBoss({
    connectionString: databaseUrl,
    max: consuming ? 10 : 4,
    application_name: `erysta-${role}`,
    supervise: consuming,
    schedule: false,
    useListenNotify: consuming,
  });
  // pg-boss emits "error" for background failures (e.g. a dropped connection). An EventEmitter error
  // without a listener would crash the process; we log it and let pg-boss reconnect.
  boss.on("error", (err) => logger.error({ err, role }, "job queue error"));
  return boss;
}

/** Starts pg-boss (installing or migrating its schema) and makes sure every queue exists. */
export async function startBoss(boss: PgBoss): Promise<PgBoss> {
  await boss.start({ attempts: 3 });
  const existing = new Set((await boss.getQueues()).map((q) => q.name));
  for (const name of Object.values(QUEUES)) {
    if (!existing.has(name)) await boss.createQueue(name, { ...QUEUE_OPTIONS[name], notify: true });
  }
  return boss;
}

export interface EnqueueOptions {
  /** Join this Prisma transaction: the job exists only if the transaction commits. */
  tx?: Tx;
  /** Or join the open transaction of this plain pg client (the hot paths that skip Prisma). */
  client?: ClientBase;
  startAfter?: Date | number;
  singletonKey?: string;
}

export async function enqueue<Q extends QueueName>(
  boss: PgBoss,
  queue: Q,
  data: JobPayloads[Q],
  options: EnqueueOptions = {},
): Promise<string | null> {
  const send: SendOptions = {};
  if (options.tx) send.db = fromPrisma(options.tx);
  const client = options.client;
  if (client) send.db = { executeSql: (text, values) => client.query(text, values) };
  if (options.startAfter !== undefined) {
    // pg-boss reads a number as seconds; we speak milliseconds and dates.
    send.startAfter =
      typeof options.startAfter === "number" ? new Date(Date.now() + options.startAfter) : options.startAfter;
  }
  if (options.singletonKey) send.singletonKey = options.singletonKey;
  return boss.send(queue, data as object, send);
}

/** Cancels every queued (not yet running) job of a shop, e.g. after the app is uninstalled. */
export async function cancelShopJobs(boss: PgBoss, shop: string): Promise<number> {
  let cancelled = 0;
  for (const queue of Object.values(QUEUES)) {
    const jobs = await boss.findJobs(queue, { data: { shop }, queued: true });
    if (jobs.length === 0) continue;
    await boss.cancel(
      queue,
      jobs.map((j) => j.id),
    );
    cancelled += jobs.length;
  }
  return cancelled;
}

// The web process' enqueue-only instance, started lazily on first use.
declare global {
  var __webBoss: Promise<PgBoss> | undefined;
}
export function webBoss(databaseUrl: string): Promise<PgBoss> {
  globalThis.__webBoss ??= startBoss(createBoss(databaseUrl, "web")).catch((err) => {
    globalThis.__webBoss = undefined;
    throw err;
  });
  return globalThis.__webBoss;
}
