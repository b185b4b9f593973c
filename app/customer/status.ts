// What a customer is told about a delivery, from its internal state. Pure. Internal detail (Erysta,
// review reasons, who is at fault) never reaches the customer; the message stays honest: still coming,
// delayed, here, partly here, or not coming without the shop's help.
import type { DeliveryStatus } from "@prisma/client";
import type { CustomerDeliveryStatus } from "./order-keys-contract";

export function customerStatusOf(
  status: DeliveryStatus,
  lines: { quantity: number; deliveredQuantity: number }[] = [],
): CustomerDeliveryStatus {
  switch (status) {
    case "RECEIVED":
    case "PLACING":
    case "WAITING":
      return "pending";
    case "DELIVERING":
      // Keys stored, email on its way: the page shows them now, not after the mail server answers.
      return lines.some((l) => l.deliveredQuantity < l.quantity) ? "partial" : "delivered";
    case "NEEDS_REVIEW":
    case "ON_HOLD":
      return "delayed";
    case "DELIVERED":
      return "delivered";
    case "PARTIALLY_DELIVERED":
      return "partial";
    case "FAILED_TO_PLACE":
    case "FAILED":
      return "failed";
    case "REFUNDED":
      return "refunded";
    case "SKIPPED":
      return "not_digital";
  }
}
