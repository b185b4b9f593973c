// Runs job handlers on a pg-boss instance, and stops them gracefully: on SIGTERM a worker stops fetching,
// lets in-flight jobs finish (up to a timeout), and any job it could not finish is released by pg-boss'
// expiry to another worker. Handlers must therefore be safe to run again, which the use cases are.
import type { Job, PgBoss } from "pg-boss";
import type { Logger } from "~/logger.server";
import { QUEUE_CONCURRENCY_SHARE, QUEUE_OPTIONS, QUEUES, type JobPayloads, type QueueName } from "./queues";

export type JobHandler<Q extends QueueName> = (
  data: JobPayloads[Q],
  /** `lastAttempt`: pg-boss will not retry this job if it fails (its queue's retryLimit is used up). */
  job: { id: string; retryCount: number; lastAttempt: boolean; signal: AbortSignal },
) => Promise<unknown>;

export type JobHandlers = { [Q in QueueName]?: JobHandler<Q> };

export interface RunnerOptions {
  /** Jobs of one queue this process runs at once (some queues get a share of it: QUEUE_CONCURRENCY_SHARE). */
  concurrency: number;
  logger: Logger;
  /** Seconds between fetches of an idle queue; NOTIFY wakes workers earlier for new jobs. */
  pollingIntervalSeconds?: number;
}

// How a queue's `concurrency` fetch loops share the work (pg-boss runs one loop per `work()` call):
// - pg-boss waits out the polling interval after every fetch, even one that returned a job, so a loop
//   would run at most two jobs a second however much is due. In a flash sale, polls that came due
//   queued for seconds behind that pause (bench/README.md). A loop that ran a job fetches again at once.
// - NOTIFY wakes every loop when a job is queued, but nothing wakes them when a delayed job (a scheduled
//   poll, a retry) comes due: only polling finds those. Every `pollingIntervalSeconds` one idle loop is
//   woken to look (pg-boss' own polling is only a backstop); a loop that finds a job wakes the next
//   one, so a backlog brings every loop up within a few fetches. An idle worker thus costs two fetches
//   a second per queue, not two per loop, and a due job never waits for a busy loop.
export async function runHandlers(
  boss: PgBoss,
  handlers: JobHandlers,
  options: RunnerOptions,
): Promise<void> {
  const lookEveryMs = (options.pollingIntervalSeconds ?? 0.5) * 1000;
  const concurrency = Math.max(1, options.concurrency);
  for (const queue of Object.values(QUEUES) as QueueName[]) {
    const handler = handlers[queue] as JobHandler<QueueName> | undefined;
    if (!handler) continue;
    const loops = new LoopSet(boss);
    const slots = Math.max(1, Math.round(concurrency * (QUEUE_CONCURRENCY_SHARE[queue] ?? 1)));
    for (let slot = 0; slot < slots; slot++) {
      const loopId = await boss.work<JobPayloads[QueueName]>(
        queue,
        {
          batchSize: 1,
          pollingIntervalSeconds: BACKSTOP_SECONDS,
          notifyPollingIntervalSeconds: BACKSTOP_SECONDS,
        },
        async ([job]) => {
          if (!job) return;
          loops.busy(slot);
          loops.wakeOneIdle();
          try {
            return await runJob(queue, handler, job, options.logger);
          } finally {
            loops.idle(slot);
            loops.wake(slot);
          }
        },
      );
      loops.add(loopId);
    }
    const ticker = setInterval(() => loops.wakeOneIdle(), lookEveryMs);
    ticker.unref();
    boss.once("stopped", () => clearInterval(ticker));
  }
}

/** pg-boss' own poll of each loop, in case a wake-up is missed; the ticker below does the looking. */
const BACKSTOP_SECONDS = 30;

/** A queue's fetch loops in this process: which are running a job, and a round-robin wake-up. */
class LoopSet {
  private readonly ids: string[] = [];
  private readonly running = new Set<number>();
  private next = 0;
  constructor(private readonly boss: PgBoss) {}
  add(id: string) {
    this.ids.push(id);
  }
  busy(slot: number) {
    this.running.add(slot);
  }
  idle(slot: number) {
    this.running.delete(slot);
  }
  wake(slot: number) {
    const id = this.ids[slot];
    if (id) this.boss.notifyWorker(id);
  }
  /** Wakes the next loop that is not running a job, if any: it fetches now instead of sleeping on. */
  wakeOneIdle() {
    for (let tried = 0; tried < this.ids.length; tried++) {
      const slot = this.next;
      this.next = (this.next + 1) % this.ids.length;
      if (!this.running.has(slot)) return this.wake(slot);
    }
  }
}

async function runJob(
  queue: QueueName,
  handler: JobHandler<QueueName>,
  job: Job<JobPayloads[QueueName]>,
  logger: Logger,
): Promise<unknown> {
  const log = logger.child({ queue, jobId: job.id, shop: (job.data as { shop?: string }).shop });
  const started = Date.now();
  try {
    const lastAttempt = job.retryCount >= (QUEUE_OPTIONS[queue].retryLimit ?? 0);
    const result = await handler(job.data, {
      id: job.id,
      retryCount: job.retryCount,
      lastAttempt,
      signal: job.signal,
    });
    log.debug({ ms: Date.now() - started }, "job done");
    return result;
  } catch (err) {
    log.warn({ err, ms: Date.now() - started, retryCount: job.retryCount }, "job failed");
    throw err;
  }
}

export async function stopGracefully(boss: PgBoss, timeoutMs = 30_000): Promise<void> {
  await boss.stop({ graceful: true, timeout: timeoutMs, close: true });
}
