// orders/paid → a Delivery, in two steps so the webhook answers fast even during a flash sale:
// 1. acceptPaidOrder (web, inside the webhook request): one short transaction stores the payload in a
//    WebhookReceipt and queues the intake job (app/webhooks/inbox.server.ts). No Erysta call, no
//    mapping, nothing that can be slow.
//    Once Shopify has its 200, the order cannot be lost: the receipt and its job commit together.
// 2. intakePaidOrder (worker): one transaction creates the delivery with its mapped lines and first
//    event, queues the placement job and clears the stored payload.
// Unique keys make duplicates harmless: a re-delivered webhook (same id) finds its receipt taken, and a
// second webhook for the same order (another id) finds the delivery taken; neither creates anything.
import { Prisma, type DeliveryStatus } from "@prisma/client";
import type { PgBoss } from "pg-boss";
import { checkoutTokenDigest } from "~/customer/buyer-proof.server";
import type { Db, Tx } from "~/db.server";
import { errorMessage } from "~/errors.server";
import { enqueue } from "~/jobs/boss.server";
import { QUEUES } from "~/jobs/queues";
import { ensureShop } from "~/models/shop.server";
import { storeWebhookForIntake, type InboxDeps } from "~/webhooks/inbox.server";
import { recordEvent } from "./events.server";
import { mapOrderLines, paidOrderPayload, variantGid, type MappedLine } from "./mapping";

export type AcceptOutcome =
  { kind: "accepted" } | { kind: "duplicate" } | { kind: "unreadable"; reason: string };

/**
 * Stores a verified orders/paid webhook and queues its intake. Only a payload without an order id is
 * refused (nothing could ever be delivered for it); everything else is judged by the intake job, which
 * keeps a surprising payload for review instead of losing it.
 */
export async function acceptPaidOrder(
  deps: InboxDeps,
  webhook: { shop: string; webhookId: string; topic: string; rawBody: string; payload: unknown },
): Promise<AcceptOutcome> {
  if (!readOrderId(webhook.payload)) return { kind: "unreadable", reason: "the payload has no order id" };
  return (await storeWebhookForIntake(deps, webhook)) ? { kind: "accepted" } : { kind: "duplicate" };
}

export type IntakeOutcome =
  | { kind: "done" }
  | { kind: "duplicate" }
  | { kind: "created"; deliveryId: string; status: DeliveryStatus }
  | { kind: "unreadable"; reason: string; deliveryId: string };

/** The intake job: the stored payload of one webhook → a Delivery (or nothing, for a duplicate). */
export async function intakePaidOrder(
  deps: { db: Db; boss: PgBoss; clock: { now(): Date } },
  input: { shop: string; webhookId: string; lastAttempt?: boolean },
): Promise<IntakeOutcome> {
  const receipt = await deps.db.webhookReceipt.findUnique({
    where: { shop_webhookId: { shop: input.shop, webhookId: input.webhookId } },
  });
  // Gone (shop/redact ran) or already turned into a delivery by an earlier run of this job.
  if (!receipt || receipt.processedAt) return { kind: "done" };
  const markProcessed = (tx: Db | Tx) =>
    tx.webhookReceipt.update({
      where: { id: receipt.id },
      data: { payload: Prisma.DbNull, processedAt: deps.clock.now() },
    });

  const parsed = paidOrderPayload.safeParse(receipt.payload);
  try {
    return await deps.db.$transaction(async (tx) => {
      const shop = await ensureShop(tx, input.shop);
      await markProcessed(tx);

      if (!parsed.success) {
        // Never lose an order because its payload surprised us: keep it for review with the reason.
        const reason = parsed.error.issues
          .map((i) => `${i.path.join(".") || "payload"}: ${i.message}`)
          .join("; ");
        const deliveryId = await keepForReview(tx, input.shop, receipt.payload, {
          type: "payload_unreadable",
          reason: `The orders/paid payload could not be read (${reason}). Check the order in Shopify and retry placement if it contains Erysta products.`,
        });
        return { kind: "unreadable" as const, reason, deliveryId };
      }

      const order = parsed.data;
      // Only the mappings of this order's variants: a shop may map thousands.
      const variantGids = order.line_items.flatMap((l) => (l.variant_id ? [variantGid(l.variant_id)] : []));
      const mappings = new Map(
        (
          await tx.productMapping.findMany({
            where: { shop: input.shop, variantId: { in: variantGids } },
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
        data: { webhookId: input.webhookId, receivedAt: receipt.receivedAt.toISOString() },
      });
      if (status === "RECEIVED") {
        await enqueue(deps.boss, QUEUES.place, { shop: input.shop, deliveryId: delivery.id }, { tx });
      }
      return { kind: "created" as const, deliveryId: delivery.id, status };
    });
  } catch (err) {
    // Another webhook for the same order (another webhook id) made the delivery first.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      await markProcessed(deps.db);
      return { kind: "duplicate" };
    }
    if (!input.lastAttempt) throw err;
    // Every retry failed (hours of them): rather than leave the order unseen in the inbox, show it to
    // the merchant with the error, as a payload we cannot read would be.
    const reason = errorMessage(err);
    const deliveryId = await deps.db.$transaction(async (tx) => {
      await ensureShop(tx, input.shop);
      await markProcessed(tx);
      return keepForReview(tx, input.shop, receipt.payload, {
        type: "intake_failed",
        reason: `The paid order could not be taken in (${reason}). Check the order in Shopify and retry placement if it contains Erysta products.`,
      });
    });
    return { kind: "unreadable", reason, deliveryId };
  }
}

/** A delivery in NEEDS_REVIEW for an order the app could not take in normally; the reason says why. */
async function keepForReview(
  tx: Tx,
  shop: string,
  payload: unknown,
  problem: { type: string; reason: string },
): Promise<string> {
  const orderId = readOrderId(payload)!;
  const delivery = await tx.delivery.create({
    data: {
      shop,
      shopifyOrderId: orderId,
      orderGid: `gid://shopify/Order/${orderId}`,
      orderName: readString(payload, "name") ?? `Order ${orderId}`,
      referenceId: orderId,
      status: "NEEDS_REVIEW",
      statusReason: problem.reason,
    },
  });
  await recordEvent(tx, delivery, { type: problem.type, message: problem.reason, to: "NEEDS_REVIEW" });
  return delivery.id;
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
