import { prisma } from "~/db.server";
import { getEnv } from "~/env.server";
import { webBoss } from "~/jobs/boss.server";
import { QUEUES } from "~/jobs/queues";

const TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`${what} did not answer within ${TIMEOUT_MS} ms`)),
        TIMEOUT_MS,
      ).unref(),
    ),
  ]);
}

async function probe(what: string, fn: () => Promise<unknown>) {
  try {
    await withTimeout(fn(), what);
    return { ok: true as const };
  } catch (err) {
    return { ok: false as const, error: err instanceof Error ? err.message : String(err) };
  }
}

export async function checkHealth() {
  const [database, queue] = await Promise.all([
    probe("database", () => prisma.$queryRaw`SELECT 1`),
    probe("queue", async () => (await webBoss(getEnv().DATABASE_URL)).getQueue(QUEUES.ping)),
  ]);
  return { ok: database.ok && queue.ok, database, queue };
}
