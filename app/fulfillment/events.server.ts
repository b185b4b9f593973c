// Every state change of a delivery goes through `moveDelivery`: a conditional update (only from the
// state we read, so concurrent jobs cannot both win) plus a DeliveryEvent for the timeline and audit.
import type { Delivery, DeliveryStatus, Prisma } from "@prisma/client";
import type { Tx } from "~/db.server";
import { transition, type DeliveryEventType } from "./status";

export interface EventInput {
  type: string;
  message: string;
  actor?: string;
  data?: Prisma.InputJsonValue;
}

export class StaleDeliveryError extends Error {
  constructor(
    readonly deliveryId: string,
    readonly expected: DeliveryStatus,
  ) {
    super(`delivery ${deliveryId} is no longer ${expected}`);
  }
}

/**
 * Applies `event` to a delivery in state `from`. Returns the updated row, or null when the transition
 * is not allowed or another process moved the delivery first (nothing is written then).
 */
export async function moveDelivery(
  tx: Tx,
  delivery: Pick<Delivery, "id" | "shop" | "status">,
  event: DeliveryEventType,
  details: EventInput & { update?: Prisma.DeliveryUpdateManyMutationInput; to?: DeliveryStatus },
): Promise<Delivery | null> {
  const allowed = transition(delivery.status, event);
  if (!allowed) return null;
  // `to` refines the target where the table has one answer for two outcomes (DELIVERED vs PARTIALLY_DELIVERED).
  const to = details.to ?? allowed;
  const { count } = await tx.delivery.updateMany({
    where: { id: delivery.id, shop: delivery.shop, status: delivery.status },
    data: { ...details.update, status: to },
  });
  if (count === 0) return null;
  await recordEvent(tx, delivery, { ...details, from: delivery.status, to });
  return tx.delivery.findUniqueOrThrow({ where: { id: delivery.id } });
}

export function recordEvent(
  tx: Tx,
  delivery: Pick<Delivery, "id" | "shop">,
  event: EventInput & { from?: DeliveryStatus; to?: DeliveryStatus },
) {
  return tx.deliveryEvent.create({
    data: {
      deliveryId: delivery.id,
      shop: delivery.shop,
      type: event.type,
      fromStatus: event.from,
      toStatus: event.to,
      message: event.message,
      actor: event.actor ?? "system",
      data: event.data,
    },
  });
}
