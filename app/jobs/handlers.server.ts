// Maps each queue to the use case that handles it. The use cases receive their dependencies here.
import { QUEUES } from "./queues";
import type { JobHandlers } from "./runner.server";

export function buildJobHandlers(): JobHandlers {
  return {
    [QUEUES.ping]: async ({ token }) => ({ pong: token, pid: process.pid }),
  };
}
