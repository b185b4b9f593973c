// Queue names, payloads and retry policies: the one list of background work the app does.
// Every payload carries `shop` so a shop's pending jobs can be found (and stopped on uninstall).
import type { QueueOptions } from "pg-boss";

export const QUEUES = {
  /** Turn a stored orders/paid payload into a Delivery (the webhook itself only stores and queues). */
  intake: "order-intake",
  /** Place the one Erysta order of a delivery. Re-runs are safe: the use case refuses to place twice. */
  place: "delivery-place",
  /** Ask Erysta for the keys of a placed order; reschedules itself until a terminal status. */
  poll: "delivery-poll",
  /** Metafield, tags and fulfillment on the Shopify order, after the keys are stored. */
  syncShopify: "delivery-sync-shopify",
  /** Optional refund of undelivered items (shop setting). */
  refund: "delivery-refund",
  /** Send one outbox email (customer keys, "on the way", merchant alert). */
  sendEmail: "email-send",
  /** A no-op used by health checks and tests to prove a worker is consuming. */
  ping: "system-ping",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface DeliveryJob {
  shop: string;
  deliveryId: string;
}

export interface JobPayloads {
  [QUEUES.intake]: { shop: string; webhookId: string };
  [QUEUES.place]: DeliveryJob;
  [QUEUES.poll]: DeliveryJob;
  [QUEUES.syncShopify]: DeliveryJob;
  [QUEUES.refund]: DeliveryJob;
  [QUEUES.sendEmail]: { shop: string; emailId: string };
  [QUEUES.ping]: { shop?: string; token: string };
}

// Retries are for our own crashes and for retryable outages; what is final is decided by the use cases
// (they complete the job after recording the failure). expireInSeconds bounds how long a crashed
// worker holds a job before another worker picks it up.
export const QUEUE_OPTIONS: Record<QueueName, QueueOptions> = {
  // Database work only; a retry is always safe (the receipt and the delivery's unique key dedupe).
  [QUEUES.intake]: {
    retryLimit: 20,
    retryDelay: 2,
    retryBackoff: true,
    retryDelayMax: 300,
    expireInSeconds: 60,
  },
  // Long enough for a wait on the shared Erysta budget during a flash sale plus the call itself.
  [QUEUES.place]: {
    retryLimit: 8,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 300,
    expireInSeconds: 300,
  },
  [QUEUES.poll]: {
    retryLimit: 20,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 300,
    expireInSeconds: 120,
  },
  [QUEUES.syncShopify]: {
    retryLimit: 25,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 900,
    expireInSeconds: 300,
  },
  [QUEUES.refund]: {
    retryLimit: 10,
    retryDelay: 30,
    retryBackoff: true,
    retryDelayMax: 3600,
    expireInSeconds: 300,
  },
  [QUEUES.sendEmail]: {
    retryLimit: 25,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 1800,
    expireInSeconds: 120,
  },
  [QUEUES.ping]: { retryLimit: 0, expireInSeconds: 30 },
};

// The share of a worker's concurrency (WORKER_CONCURRENCY) each queue may use; 1 when not listed.
// Finishing an order comes before starting the next: when a flash sale keeps every core busy, a paid
// order waits in the durable intake queue (its webhook is long answered), while keys that Erysta has
// ready go out at once instead of queueing for CPU behind new orders. Measured with `npm run bench`:
// fast-order lag p50 2.2–2.9 s with every queue at full concurrency, 1.6–1.8 s with these shares, for
// the same time from payment to email (bench/README.md).
export const QUEUE_CONCURRENCY_SHARE: Partial<Record<QueueName, number>> = {
  [QUEUES.intake]: 0.25,
  [QUEUES.place]: 0.5,
  [QUEUES.syncShopify]: 0.5,
  [QUEUES.refund]: 0.25,
};
