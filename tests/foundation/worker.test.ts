import { afterAll, describe, expect, it } from "vitest";
import { createBoss, enqueue, startBoss } from "~/jobs/boss.server";
import { QUEUES } from "~/jobs/queues";
import { spawnTsx } from "../support/processes";
import { waitFor } from "../support/wait";

describe("worker process", () => {
  const boss = createBoss(process.env.DATABASE_URL!, "web");
  afterAll(() => boss.stop({ graceful: false, close: true }));

  it("starts, processes a trivial job and stops on SIGTERM with exit code 0", async () => {
    await startBoss(boss);
    const worker = spawnTsx("app/jobs/worker.ts", { LOG_LEVEL: "info" });
    const jobId = await enqueue(boss, QUEUES.ping, { token: "hello" });
    const job = await waitFor(
      async () => {
        const found = await boss.getJobById(QUEUES.ping, jobId!);
        return found?.state === "completed" ? found : undefined;
      },
      { what: "the ping job to complete", timeoutMs: 30_000 },
    );
    expect(job.output).toMatchObject({ pong: "hello" });

    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain("worker stopped");
  });

  it("refuses to start with a message naming the missing variable", async () => {
    const worker = spawnTsx("app/jobs/worker.ts", { SMTP_URL: "" });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(/SMTP_URL/);
  });
});
