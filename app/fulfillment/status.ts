// The states of a delivery and the one pure function that says which moves are allowed.
// Use cases ask `transition(from, event)`; an event that does not apply to the current state is refused,
// which is how a re-run job or a stale request knows to do nothing.
import type { DeliveryStatus } from "@prisma/client";

export type { DeliveryStatus };

export type DeliveryEventType =
  | "hold" // shop not connected, automatic fulfillment off, or high-risk order
  | "skip" // no mapped line
  | "approve" // merchant approves an on-hold order
  | "start_placing"
  | "placed"
  | "place_rejected" // Erysta said no (stock, funds, key): nothing was charged
  | "place_ambiguous" // sent, outcome unknown: a human must look
  | "place_postponed" // Erysta unreachable before the request was sent: safe to try again
  | "keys_arrived" // COMPLETED / PARTIAL_COMPLETED, keys stored
  | "erysta_failed"
  | "erysta_refunded"
  | "gave_up" // no terminal status within the maximum wait
  | "customer_notified" // keys email accepted by SMTP (or no email to send)
  | "retry_placement" // merchant explicitly asks for a new Erysta order
  | "link_erysta_order" // merchant links the Erysta order support confirmed
  | "mark_resolved"; // merchant settled it outside the app

const MOVES: Partial<Record<DeliveryStatus, Partial<Record<DeliveryEventType, DeliveryStatus>>>> = {
  RECEIVED: { hold: "ON_HOLD", skip: "SKIPPED", start_placing: "PLACING" },
  ON_HOLD: { approve: "RECEIVED", mark_resolved: "SKIPPED" },
  PLACING: {
    placed: "WAITING",
    place_rejected: "FAILED_TO_PLACE",
    place_ambiguous: "NEEDS_REVIEW",
    place_postponed: "RECEIVED",
  },
  WAITING: {
    keys_arrived: "DELIVERING",
    erysta_failed: "FAILED",
    erysta_refunded: "REFUNDED",
    gave_up: "NEEDS_REVIEW",
  },
  DELIVERING: { customer_notified: "DELIVERED" },
  FAILED_TO_PLACE: { retry_placement: "RECEIVED", mark_resolved: "SKIPPED" },
  FAILED: { retry_placement: "RECEIVED", mark_resolved: "SKIPPED" },
  REFUNDED: { retry_placement: "RECEIVED", mark_resolved: "SKIPPED" },
  NEEDS_REVIEW: {
    retry_placement: "RECEIVED",
    link_erysta_order: "WAITING",
    // A placement whose answer was lost may still come back with its id (see place.server.ts).
    placed: "WAITING",
    mark_resolved: "SKIPPED",
  },
};

export function transition(from: DeliveryStatus, event: DeliveryEventType): DeliveryStatus | null {
  return MOVES[from]?.[event] ?? null;
}

/** DELIVERING resolves to DELIVERED or PARTIALLY_DELIVERED depending on what arrived. */
export function deliveredStatus(partial: boolean): DeliveryStatus {
  return partial ? "PARTIALLY_DELIVERED" : "DELIVERED";
}

/** States in which nothing will happen without the merchant. */
export const ATTENTION_STATUSES: DeliveryStatus[] = [
  "FAILED_TO_PLACE",
  "NEEDS_REVIEW",
  "PARTIALLY_DELIVERED",
  "ON_HOLD",
  "FAILED",
  "REFUNDED",
];

/** Final, or waiting for the merchant: nothing more happens on its own (demo and bench wait for these). */
export const SETTLED_STATUSES: DeliveryStatus[] = [
  "DELIVERED",
  "PARTIALLY_DELIVERED",
  "FAILED_TO_PLACE",
  "FAILED",
  "REFUNDED",
  "NEEDS_REVIEW",
  "SKIPPED",
  "ON_HOLD",
];

/** States in which the app is still working on its own. */
export const IN_PROGRESS_STATUSES: DeliveryStatus[] = ["RECEIVED", "PLACING", "WAITING", "DELIVERING"];

/** The order tag that tells the merchant, in Shopify's order list, where each order stands. */
export function orderTagFor(status: DeliveryStatus): string | null {
  switch (status) {
    case "DELIVERED":
      return "erysta-delivered";
    case "PARTIALLY_DELIVERED":
      return "erysta-partial";
    case "FAILED":
    case "FAILED_TO_PLACE":
    case "REFUNDED":
      return "erysta-failed";
    case "NEEDS_REVIEW":
    case "ON_HOLD":
      return "erysta-review";
    default:
      return null;
  }
}
export const ALL_ORDER_TAGS = ["erysta-delivered", "erysta-partial", "erysta-failed", "erysta-review"];
