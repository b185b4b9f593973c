// Optional (shop setting, off by default): refund the customer for what Erysta did not deliver.
// Amounts come from Shopify's own suggestedRefund; refundCreate carries an idempotency key derived from
// the delivery, so a retried job can never refund twice.
import { errorMessage, isRetryable } from "~/errors.server";
import { createRefund, refundInputFromSuggestion, suggestRefund } from "~/shopify-admin/index.server";
import type { FulfillmentDeps } from "./deps";
import { recordEvent } from "./events.server";
import { loadDelivery } from "./load.server";
import { lineItemGid } from "./shopify-sync.server";

export async function refundUndelivered(deps: FulfillmentDeps, job: { shop: string; deliveryId: string }) {
  const loaded = await loadDelivery(deps.db, job.shop, job.deliveryId);
  if (!loaded || loaded.delivery.refundedAt || !loaded.shop.refundUndelivered)
    return "nothing_to_do" as const;
  const { delivery } = loaded;
  const lines = delivery.lines
    .map((l) => ({
      lineItemId: lineItemGid(l.shopifyLineItemId),
      quantity: l.quantity - l.deliveredQuantity,
    }))
    .filter((l) => l.quantity > 0);
  if (lines.length === 0) return "nothing_to_do" as const;
  try {
    const gateway = await deps.shopifyFor(job.shop);
    const suggestion = await suggestRefund(gateway, delivery.orderGid, lines);
    const refund = await createRefund(
      gateway,
      refundInputFromSuggestion(suggestion, { note: "Items not delivered by the supplier", notify: true }),
      `erysta-refund-${delivery.id}`,
    );
    await deps.db.$transaction(async (tx) => {
      await tx.delivery.updateMany({
        where: { id: delivery.id, shop: delivery.shop },
        data: { refundedAt: deps.clock.now() },
      });
      await recordEvent(tx, delivery, {
        type: "refunded_undelivered",
        message: `Refunded ${refund.totalRefunded.presentmentMoney.amount} ${refund.totalRefunded.presentmentMoney.currencyCode} for ${lines.reduce((n, l) => n + l.quantity, 0)} undelivered unit(s).`,
        data: { refundId: refund.id },
      });
    });
    return "refunded" as const;
  } catch (err) {
    if (isRetryable(err)) throw err;
    await recordEvent(deps.db, delivery, {
      type: "refund_failed",
      message: `Could not refund the undelivered items: ${errorMessage(err)}`,
    });
    return "failed" as const;
  }
}
