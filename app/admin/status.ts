// How delivery states read in the admin: labels, badge tones and the list filters. Shared by the server
// (filters → Prisma where) and the pages (badges, tabs).
import type { DeliveryStatus } from "@prisma/client";

export type BadgeTone = "info" | "success" | "warning" | "critical" | "attention" | "new" | undefined;

export const STATUS_LABELS: Record<DeliveryStatus, string> = {
  RECEIVED: "Received",
  PLACING: "Placing",
  WAITING: "Waiting for keys",
  DELIVERING: "Delivering",
  DELIVERED: "Delivered",
  PARTIALLY_DELIVERED: "Partially delivered",
  FAILED_TO_PLACE: "Failed to place",
  FAILED: "Failed at Erysta",
  REFUNDED: "Refunded by Erysta",
  NEEDS_REVIEW: "Needs review",
  ON_HOLD: "On hold",
  SKIPPED: "Nothing to deliver",
};

export const STATUS_TONES: Record<DeliveryStatus, BadgeTone> = {
  RECEIVED: "info",
  PLACING: "info",
  WAITING: "info",
  DELIVERING: "info",
  DELIVERED: "success",
  PARTIALLY_DELIVERED: "warning",
  FAILED_TO_PLACE: "critical",
  FAILED: "critical",
  REFUNDED: "warning",
  NEEDS_REVIEW: "critical",
  ON_HOLD: "attention",
  SKIPPED: undefined,
};

/** The order list's tabs; each is a `status` query value. */
export const ORDER_FILTERS = [
  { id: "all", label: "All" },
  { id: "attention", label: "Needs attention" },
  { id: "in_progress", label: "In progress" },
  { id: "late", label: "Late" },
  { id: "FAILED_TO_PLACE", label: "Failed to place" },
  { id: "NEEDS_REVIEW", label: "Needs review" },
  { id: "PARTIALLY_DELIVERED", label: "Partially delivered" },
  { id: "ON_HOLD", label: "On hold" },
  { id: "DELIVERED", label: "Delivered" },
] as const;
export type OrderFilter = (typeof ORDER_FILTERS)[number]["id"];
export const ORDER_FILTER_IDS = ORDER_FILTERS.map((f) => f.id) as [OrderFilter, ...OrderFilter[]];

/** "merchant:123" → "Staff member 123"; "system" → "Erysta Fulfillment". */
export function actorLabel(actor: string): string {
  if (actor === "system") return "Erysta Fulfillment";
  if (actor === "customer") return "Customer";
  const staff = /^merchant:(.+)$/.exec(actor);
  return staff ? `Staff member ${staff[1]}` : actor;
}
