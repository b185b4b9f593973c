// The job worker, in-process, for tests that need orders to really be placed, polled and emailed. App
// modules are imported when it starts (after the test's environment points at the simulators).
export async function startAdminWorker(options: { concurrency?: number } = {}) {
  const { prisma } = await import("~/db.server");
  const { getEnv } = await import("~/env.server");
  const { createBoss, startBoss } = await import("~/jobs/boss.server");
  const { buildFulfillmentDeps } = await import("~/fulfillment/deps.server");
  const { buildJobHandlers } = await import("~/jobs/handlers.server");
  const { runHandlers } = await import("~/jobs/runner.server");
  const { createLogger } = await import("~/logger.server");
  const env = getEnv();
  const logger = createLogger({ level: env.LOG_LEVEL, pretty: false });
  const boss = await startBoss(createBoss(env.DATABASE_URL, "worker"));
  const deps = buildFulfillmentDeps({ env, db: prisma, boss, logger });
  await runHandlers(boss, buildJobHandlers(deps), { concurrency: options.concurrency ?? 4, logger });
  return {
    boss,
    async stop() {
      await boss.stop({ graceful: false, close: true });
      deps.mail.close();
    },
  };
}
