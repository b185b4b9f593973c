// Maps each queue to the use case that handles it; the use cases receive their dependencies here.
import { sendDeliveryEmail } from "~/fulfillment/customer-email.server";
import type { FulfillmentDeps } from "~/fulfillment/deps";
import { intakePaidOrder } from "~/fulfillment/intake.server";
import { placeDelivery } from "~/fulfillment/place.server";
import { pollDelivery } from "~/fulfillment/poll.server";
import { refundUndelivered } from "~/fulfillment/refund.server";
import { syncDeliveryToShopify } from "~/fulfillment/shopify-sync.server";
import { QUEUES } from "./queues";
import type { JobHandlers } from "./runner.server";

export function buildJobHandlers(deps: FulfillmentDeps): JobHandlers {
  return {
    [QUEUES.intake]: (data, job) => intakePaidOrder(deps, { ...data, lastAttempt: job.lastAttempt }),
    [QUEUES.place]: (data, job) =>
      placeDelivery(deps, { ...data, signal: job.signal, lastAttempt: job.lastAttempt }),
    [QUEUES.poll]: (data, job) => pollDelivery(deps, { ...data, signal: job.signal }),
    [QUEUES.syncShopify]: (data) => syncDeliveryToShopify(deps, data),
    [QUEUES.refund]: (data) => refundUndelivered(deps, data),
    [QUEUES.sendEmail]: (data) => sendDeliveryEmail(deps, data),
    [QUEUES.ping]: async ({ token }) => ({ pong: token, pid: process.pid }),
  };
}
