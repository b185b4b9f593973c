// Maps each queue to the use case that handles it; the use cases receive their dependencies here.
import { sendDeliveryEmail } from "~/fulfillment/customer-email.server";
import type { FulfillmentDeps } from "~/fulfillment/deps";
import { intakePaidOrder } from "~/fulfillment/intake.server";
import { placeDelivery } from "~/fulfillment/place.server";
import { pollDelivery } from "~/fulfillment/poll.server";
import { refundUndelivered } from "~/fulfillment/refund.server";
import { syncDeliveryToShopify } from "~/fulfillment/shopify-sync.server";
import { QUEUE_OPTIONS, QUEUES } from "./queues";
import type { JobHandlers } from "./runner.server";

export function buildJobHandlers(deps: FulfillmentDeps): JobHandlers {
  const placeRetryLimit = QUEUE_OPTIONS[QUEUES.place].retryLimit ?? 0;
  const intakeRetryLimit = QUEUE_OPTIONS[QUEUES.intake].retryLimit ?? 0;
  return {
    [QUEUES.intake]: (data, job) =>
      intakePaidOrder(deps, { ...data, lastAttempt: job.retryCount >= intakeRetryLimit }),
    [QUEUES.place]: (data, job) =>
      placeDelivery(deps, { ...data, signal: job.signal, lastAttempt: job.retryCount >= placeRetryLimit }),
    [QUEUES.poll]: (data, job) => pollDelivery(deps, { ...data, signal: job.signal }),
    [QUEUES.syncShopify]: (data) => syncDeliveryToShopify(deps, data),
    [QUEUES.refund]: (data) => refundUndelivered(deps, data),
    [QUEUES.sendEmail]: (data) => sendDeliveryEmail(deps, data),
    [QUEUES.ping]: async ({ token }) => ({ pong: token, pid: process.pid }),
  };
}
