// orders/paid → a Delivery. Runs inside the webhook request: no Erysta call, one transaction that
// records the webhook receipt, the delivery with its mapped lines and first event, and the placement
// job. Unique keys make duplicates harmless: a re-delivered webhook (same id) or a second webhook for
// the same order (another id) finds its row taken and creates nothing.
import { Prisma, type DeliveryStatus } from "@prisma/client";
import type { PgBoss } from "pg-boss";
import { checkoutTokenDigest } from "~/customer/buyer-proof.server";
import type { Db } from "~/db.server";
import { enqueue } from "~/jobs/boss.server";
import { QUEUES } from "~/jobs/queues";
import { ensureShop } from "~/models/shop.server";
import { recordEvent } from "./events.server";
import { mapOrderLines, paidOrderPayload, variantGid, type MappedLine } from "./mapping";

export type IntakeOutcome =
  | { kind: "duplicate" }
  | { kind: "created"; deliveryId: string; status: DeliveryStatus }
  | { kind: "unreadable"; reason: string; deliveryId?: string };

export async function intakePaidOrder(
  deps: { db: Db; boss: PgBoss },
  input: { shop: string; webhookId: string; topic: string; payload: unknown },
): Promise<IntakeOutcome> {
  const parsed = paidOrderPayload.safeParse(input.payload);
  try {
    return await deps.db.$transaction(async (tx) => {
      await tx.webhookReceipt.create({
        data: { shop: input.shop, webhookId: input.webhookId, topic: input.topic },
      });
      const shop = await ensureShop(tx, input.shop);

      if (!parsed.success) {
        // Never lose an order because its payload surprised us: if we can tell which order it is,
        // keep it for review with the reason; otherwise the caller reports the payload as unreadable.
        const reason = parsed.error.issues
          .map((i) => `${i.path.join(".") || "payload"}: ${i.message}`)
          .join("; ");
        const orderId = readOrderId(input.payload);
        if (!orderId) return { kind: "unreadable" as const, reason };
        const delivery = await tx.delivery.create({
          data: {
            shop: input.shop,
            shopifyOrderId: orderId,
            orderGid: `gid://shopify/Order/${orderId}`,
            orderName: readString(input.payload, "name") ?? `Order ${orderId}`,
            referenceId: orderId,
            status: "NEEDS_REVIEW",
            statusReason: `The orders/paid payload could not be read (${reason}). Check the order in Shopify and retry placement if it contains Erysta products.`,
          },
        });
        await recordEvent(tx, delivery, {
          type: "payload_unreadable",
          message: delivery.statusReason!,
          to: "NEEDS_REVIEW",
        });
        return { kind: "unreadable" as const, reason, deliveryId: delivery.id };
      }

      const order = parsed.data;
      const mappings = new Map(
        (
          await tx.productMapping.findMany({
            where: { shop: input.shop },
            select: { variantId: true, erystaProductId: true },
          })
        ).map((m) => [m.variantId, m.erystaProductId]),
      );
      const lines: MappedLine[] = mapOrderLines(
        order.line_items.map((l) => ({
          lineItemId: l.id,
          variantGid: l.variant_id ? variantGid(l.variant_id) : null,
          sku: l.sku ?? null,
          title: l.name ?? l.title,
          quantity: l.quantity,
        })),
        mappings,
        { mapBySku: shop.mapBySku },
      );

      const { status, reason } = initialStatus(lines.length, shop);
      const delivery = await tx.delivery.create({
        data: {
          shop: input.shop,
          shopifyOrderId: order.id,
          orderGid: order.admin_graphql_api_id ?? `gid://shopify/Order/${order.id}`,
          orderName: order.name,
          customerEmail: order.email || order.contact_email || order.customer?.email || null,
          customerFirstName: order.customer?.first_name ?? null,
          customerLastName: order.customer?.last_name ?? null,
          customerId: order.customer?.id ?? null,
          customerLocale: order.customer_locale ?? null,
          orderStatusUrl: order.order_status_url ?? null,
          checkoutTokenHash: order.checkout_token ? checkoutTokenDigest(order.checkout_token) : null,
          currency: order.currency ?? null,
          referenceId: order.id,
          status,
          statusReason: reason,
          lines: {
            create: lines.map((l) => ({
              shop: input.shop,
              shopifyLineItemId: l.lineItemId,
              variantId: l.variantGid,
              sku: l.sku,
              title: l.title,
              quantity: l.quantity,
              erystaProductId: l.erystaProductId,
            })),
          },
        },
      });
      const units = lines.reduce((n, l) => n + l.quantity, 0);
      await recordEvent(tx, delivery, {
        type: "received",
        message:
          status === "SKIPPED"
            ? "Paid order received; no line is mapped to an Erysta product, nothing to deliver."
            : `Paid order received with ${units} Erysta unit(s) on ${lines.length} line(s).${reason ? ` On hold: ${reason}` : ""}`,
        to: status,
        data: { webhookId: input.webhookId },
      });
      if (status === "RECEIVED") {
        await enqueue(deps.boss, QUEUES.place, { shop: input.shop, deliveryId: delivery.id }, { tx });
      }
      return { kind: "created" as const, deliveryId: delivery.id, status };
    });
  } catch (err) {
    // The unique index on the receipt or on (shop, order) was taken by an earlier or concurrent copy.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")
      return { kind: "duplicate" };
    throw err;
  }
}

function initialStatus(
  mappedLines: number,
  shop: { erystaApiKeyCiphertext: string | null; autoFulfill: boolean },
): { status: DeliveryStatus; reason: string | null } {
  if (mappedLines === 0) return { status: "SKIPPED", reason: "No line is mapped to an Erysta product." };
  if (!shop.erystaApiKeyCiphertext) {
    return {
      status: "ON_HOLD",
      reason: "Erysta is not connected: add your Erysta API key in Settings, then approve this order.",
    };
  }
  if (!shop.autoFulfill) {
    return {
      status: "ON_HOLD",
      reason: "Automatic fulfillment is off: approve this order to place it with Erysta.",
    };
  }
  return { status: "RECEIVED", reason: null };
}

function readOrderId(payload: unknown): string | null {
  const id = (payload as { id?: unknown } | null)?.id;
  return typeof id === "number" || (typeof id === "string" && /^\d+$/.test(id)) ? String(id) : null;
}

function readString(payload: unknown, key: string): string | null {
  const value = (payload as Record<string, unknown> | null)?.[key];
  return typeof value === "string" ? value : null;
}
