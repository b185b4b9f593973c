// The job runner on real pg-boss and this file's PostgreSQL: how a worker shares its concurrency between
// queues, and that jobs which come due later (a scheduled poll) are all picked up, by every loop.
import { afterAll, describe, expect, it } from "vitest";
import { createBoss, enqueue, startBoss } from "~/jobs/boss.server";
import { QUEUE_CONCURRENCY_SHARE, QUEUES } from "~/jobs/queues";
import { runHandlers } from "~/jobs/runner.server";
import { createLogger } from "~/logger.server";
import { waitFor } from "../support/wait";

const logger = createLogger({ level: "silent", pretty: false });
const shop = "runner-test.myshopify.com";

/** Handlers that hold every job until released, counting how many of each queue run at once. */
function gatedHandlers() {
  const running = { intake: 0, poll: 0 };
  const most = { intake: 0, poll: 0 };
  const done = { intake: 0, poll: 0 };
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const gated = (kind: "intake" | "poll") => async () => {
    running[kind] += 1;
    most[kind] = Math.max(most[kind], running[kind]);
    await released;
    running[kind] -= 1;
    done[kind] += 1;
  };
  return {
    handlers: { [QUEUES.intake]: gated("intake"), [QUEUES.poll]: gated("poll") },
    running,
    most,
    done,
    release,
  };
}

describe("job runner", () => {
  const producer = createBoss(process.env.DATABASE_URL!, "web");
  const consumer = createBoss(process.env.DATABASE_URL!, "worker");
  afterAll(async () => {
    await consumer.stop({ graceful: false, close: true });
    await producer.stop({ graceful: false, close: true });
  });

  it("finishes orders before starting new ones: polls use the whole concurrency, intake a quarter of it", async () => {
    await startBoss(producer);
    await startBoss(consumer);
    const concurrency = 8;
    const intakeSlots = concurrency * QUEUE_CONCURRENCY_SHARE[QUEUES.intake]!;
    expect(intakeSlots).toBe(2);
    const gate = gatedHandlers();
    await runHandlers(consumer, gate.handlers, { concurrency, logger });

    // Intake jobs are there first and due at once; the polls come due a moment later, as scheduled
    // polls do (nothing announces them: only the runner's own looks find them).
    for (let i = 0; i < 8; i++) await enqueue(producer, QUEUES.intake, { shop, webhookId: `w${i}` });
    for (let i = 0; i < 8; i++)
      await enqueue(producer, QUEUES.poll, { shop, deliveryId: `d${i}` }, { startAfter: 300 });

    await waitFor(() => gate.running.poll === concurrency && gate.running.intake === intakeSlots, {
      what: "every poll and the intake share to be running",
    });
    const queued = await producer.findJobs(QUEUES.intake, { data: { shop }, queued: true });
    expect(queued).toHaveLength(8 - intakeSlots);

    gate.release();
    await waitFor(() => gate.done.intake === 8 && gate.done.poll === 8, { what: "all 16 jobs to finish" });
    expect(gate.most).toEqual({ intake: intakeSlots, poll: concurrency });
  });
});
