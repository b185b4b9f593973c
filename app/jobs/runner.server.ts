// Runs job handlers on a pg-boss instance, and stops them gracefully: on SIGTERM a worker stops fetching,
// lets in-flight jobs finish (up to a timeout), and any job it could not finish is released by pg-boss'
// expiry to another worker. Handlers must therefore be safe to run again, which the use cases are.
import type { PgBoss } from "pg-boss";
import type { Logger } from "~/logger.server";
import { QUEUES, type JobPayloads, type QueueName } from "./queues";

export type JobHandler<Q extends QueueName> = (
  data: JobPayloads[Q],
  job: { id: string; retryCount: number; signal: AbortSignal },
) => Promise<unknown>;

export type JobHandlers = { [Q in QueueName]?: JobHandler<Q> };

export interface RunnerOptions {
  concurrency: number;
  logger: Logger;
  /** Seconds between fetches when idle; NOTIFY wakes workers earlier for new jobs. */
  pollingIntervalSeconds?: number;
}

export async function runHandlers(
  boss: PgBoss,
  handlers: JobHandlers,
  options: RunnerOptions,
): Promise<void> {
  for (const queue of Object.values(QUEUES) as QueueName[]) {
    const handler = handlers[queue] as JobHandler<QueueName> | undefined;
    if (!handler) continue;
    await boss.work<JobPayloads[QueueName]>(
      queue,
      {
        localConcurrency: options.concurrency,
        batchSize: 1,
        // NOTIFY wakes workers for new jobs, but not when a delayed job (a scheduled poll) comes due:
        // polling must stay fast even while NOTIFY is active, or a first look waits 30 s.
        pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5,
        notifyPollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5,
      },
      async ([job]) => {
        if (!job) return;
        const log = options.logger.child({
          queue,
          jobId: job.id,
          shop: (job.data as { shop?: string }).shop,
        });
        const started = Date.now();
        try {
          const result = await handler(job.data, {
            id: job.id,
            retryCount: job.retryCount,
            signal: job.signal,
          });
          log.debug({ ms: Date.now() - started }, "job done");
          return result;
        } catch (err) {
          log.warn({ err, ms: Date.now() - started, retryCount: job.retryCount }, "job failed");
          throw err;
        }
      },
    );
  }
}

export async function stopGracefully(boss: PgBoss, timeoutMs = 30_000): Promise<void> {
  await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
}
