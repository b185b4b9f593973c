// The Shopify side of a delivery, as its own idempotent job with its own retries: the order tag that
// says where it stands, and once keys are stored, the app-owned metafield summarising what was
// delivered and a fulfillment of exactly the delivered quantities of the digital lines.
import type { DeliveryLine } from "@prisma/client";
import { errorMessage, isRetryable } from "~/errors.server";
import {
  addOrderTags,
  createFulfillment,
  deliveryMetafield,
  getOrderForFulfillment,
  removeOrderTags,
  setOrderMetafield,
  type FulfillmentOrderLineItemsInput,
  type OrderForFulfillment,
} from "~/shopify-admin/index.server";
import type { FulfillmentDeps } from "./deps";
import { recordEvent } from "./events.server";
import { readKeys, type PlainKey } from "./keys.server";
import { loadDelivery } from "./load.server";
import { ALL_ORDER_TAGS, orderTagFor } from "./status";

/** Keep the metafield well under Shopify's limits; past this, text keys are left to the app's order page. */
export const METAFIELD_MAX_BYTES = 60_000;

export const lineItemGid = (id: string) => (id.startsWith("gid://") ? id : `gid://shopify/LineItem/${id}`);

export async function syncDeliveryToShopify(
  deps: FulfillmentDeps,
  job: { shop: string; deliveryId: string },
) {
  const loaded = await loadDelivery(deps.db, job.shop, job.deliveryId);
  if (!loaded) return "nothing_to_do" as const;
  const { delivery } = loaded;
  try {
    const gateway = await deps.shopifyFor(job.shop);
    const tag = orderTagFor(delivery.status);
    if (tag) {
      await addOrderTags(gateway, delivery.orderGid, [tag]);
      const stale = ALL_ORDER_TAGS.filter((t) => t !== tag);
      await removeOrderTags(gateway, delivery.orderGid, stale);
    }
    let fulfilledUnits = 0;
    if (delivery.keysStoredAt) {
      const keys = await readKeys(deps.db, delivery.shop, delivery.id);
      await setOrderMetafield(gateway, delivery.orderGid, {
        namespace: deliveryMetafield.namespace,
        key: deliveryMetafield.key,
        type: "json",
        value: metafieldSummary(delivery, delivery.lines, keys),
      });
      const order = await getOrderForFulfillment(gateway, delivery.orderGid);
      const plan = planDigitalFulfillment(order, delivery.lines);
      if (plan.length) {
        await createFulfillment(gateway, { lineItemsByFulfillmentOrder: plan, notifyCustomer: false });
        fulfilledUnits = plan.reduce(
          (n, fo) => n + fo.fulfillmentOrderLineItems.reduce((m, l) => m + l.quantity, 0),
          0,
        );
      }
    }
    await deps.db.$transaction(async (tx) => {
      await tx.delivery.updateMany({
        where: { id: delivery.id, shop: delivery.shop },
        data: { shopifySyncedAt: deps.clock.now() },
      });
      await recordEvent(tx, delivery, {
        type: "shopify_synced",
        message: `Shopify order updated${tag ? `: tagged ${tag}` : ""}${delivery.keysStoredAt ? `, keys recorded in the order metafield` : ""}${fulfilledUnits ? `, ${fulfilledUnits} digital unit(s) fulfilled` : ""}.`,
      });
    });
    return "synced" as const;
  } catch (err) {
    if (isRetryable(err)) throw err; // the queue retries with backoff (throttling, outages)
    await recordEvent(deps.db, delivery, {
      type: "shopify_sync_failed",
      message: `Could not update the Shopify order: ${errorMessage(err)}`,
    });
    return "failed" as const;
  }
}

/**
 * Fulfill exactly what was delivered of each digital line, minus what is already fulfilled, only on
 * fulfillment orders that allow it. Physical lines are never in the plan.
 */
export function planDigitalFulfillment(
  order: Pick<OrderForFulfillment, "fulfillmentOrders">,
  lines: Pick<DeliveryLine, "shopifyLineItemId" | "deliveredQuantity">[],
): FulfillmentOrderLineItemsInput[] {
  const alreadyFulfilled = new Map<string, number>();
  for (const fo of order.fulfillmentOrders) {
    for (const l of fo.lineItems) {
      alreadyFulfilled.set(
        l.lineItemId,
        (alreadyFulfilled.get(l.lineItemId) ?? 0) + (l.totalQuantity - l.remainingQuantity),
      );
    }
  }
  const toFulfill = new Map<string, number>();
  for (const line of lines) {
    const gid = lineItemGid(line.shopifyLineItemId);
    const wanted = line.deliveredQuantity - (alreadyFulfilled.get(gid) ?? 0);
    if (wanted > 0) toFulfill.set(gid, wanted);
  }
  const plan: FulfillmentOrderLineItemsInput[] = [];
  for (const fo of order.fulfillmentOrders) {
    if (!fo.supportedActions.includes("CREATE_FULFILLMENT")) continue;
    const items: { id: string; quantity: number }[] = [];
    for (const l of fo.lineItems) {
      const wanted = toFulfill.get(l.lineItemId) ?? 0;
      const quantity = Math.min(wanted, l.remainingQuantity);
      if (quantity <= 0) continue;
      items.push({ id: l.id, quantity });
      toFulfill.set(l.lineItemId, wanted - quantity);
    }
    if (items.length) plan.push({ fulfillmentOrderId: fo.id, fulfillmentOrderLineItems: items });
  }
  return plan;
}

/** What the merchant reads on the order: products, quantities and text keys; images by reference. */
export function metafieldSummary(
  delivery: { status: string; erystaOrderId: string | null; keysStoredAt: Date | null },
  lines: Pick<DeliveryLine, "id" | "title" | "quantity" | "deliveredQuantity" | "erystaProductId">[],
  keys: PlainKey[],
) {
  // Most detailed form that fits: text keys listed; else key references only; else counts only.
  type Detail = "text" | "refs" | "counts";
  const build = (detail: Detail) => ({
    status: delivery.status,
    erysta_order_id: delivery.erystaOrderId,
    delivered_at: delivery.keysStoredAt?.toISOString() ?? null,
    lines: lines.map((line) => ({
      title: line.title,
      erysta_product_id: line.erystaProductId,
      ordered: line.quantity,
      delivered: line.deliveredQuantity,
      ...(detail === "counts"
        ? {}
        : {
            keys: keys
              .filter((k) => k.lineId === line.id)
              .map((k) =>
                k.type === "IMAGE" || detail === "refs"
                  ? { type: k.type.toLowerCase(), ref: `key:${k.id}` }
                  : { type: "text", value: k.value },
              ),
          }),
    })),
    ...(detail === "text"
      ? {}
      : { note: "Too many keys to list here: open the order in Erysta Fulfillment to see them." }),
  });
  const fits = (value: object) => Buffer.byteLength(JSON.stringify(value)) <= METAFIELD_MAX_BYTES;
  const full = build("text");
  if (fits(full)) return full;
  const refs = build("refs");
  return fits(refs) ? refs : build("counts");
}
