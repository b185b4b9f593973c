// Merchant alerts: an outbox email to the shop's alert address (when it has one), queued in the same
// transaction as the state change that caused it, so an alert is never lost nor sent twice.
import type { Delivery, Shop } from "@prisma/client";
import type { PgBoss } from "pg-boss";
import type { Tx } from "~/db.server";
import { queueEmail } from "~/email/outbox.server";
import type { AlertKind } from "~/email/templates/index";
import { enqueue } from "~/jobs/boss.server";
import { QUEUES } from "~/jobs/queues";
import { moveDelivery } from "./events.server";
import type { DeliveryEventType } from "./status";

export interface AlertInput {
  kind: AlertKind;
  reason: string;
  /** Distinguishes repeated alerts of the same kind (e.g. each placement attempt). */
  occurrence?: string | number;
  traceId?: string | null;
}

export async function alertMerchant(tx: Tx, boss: PgBoss, shop: Shop, delivery: Delivery, alert: AlertInput) {
  if (!shop.alertEmail) return null;
  const email = await queueEmail(tx, {
    shop: shop.shop,
    deliveryId: delivery.id,
    kind: "MERCHANT_ALERT",
    recipient: shop.alertEmail,
    idempotencyKey: `alert:${delivery.id}:${alert.kind}:${alert.occurrence ?? 0}`,
    payload: {
      kind: alert.kind,
      reason: alert.reason,
      traceId: alert.traceId ?? delivery.placeTraceId ?? null,
    },
  });
  await enqueue(boss, QUEUES.sendEmail, { shop: shop.shop, emailId: email.id }, { tx });
  return email;
}

/** The Shopify order follows the delivery (tag, metafield, fulfillment) through its own job. */
export function enqueueShopifySync(tx: Tx, boss: PgBoss, delivery: Pick<Delivery, "id" | "shop">) {
  return enqueue(boss, QUEUES.syncShopify, { shop: delivery.shop, deliveryId: delivery.id }, { tx });
}

/**
 * A move the merchant must hear about: the state change, the alert and the Shopify order's tag, in one
 * transaction. Nothing is alerted when the move does not apply (another run made it first).
 */
export async function moveAndAlert(
  tx: Tx,
  boss: PgBoss,
  shop: Shop,
  delivery: Delivery,
  event: DeliveryEventType,
  details: Parameters<typeof moveDelivery>[3],
  alert: AlertInput,
) {
  const moved = await moveDelivery(tx, delivery, event, details);
  if (moved) {
    await alertMerchant(tx, boss, shop, moved, alert);
    await enqueueShopifySync(tx, boss, moved);
  }
  return moved;
}
