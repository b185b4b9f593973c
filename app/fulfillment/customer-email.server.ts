// Emails about a delivery: the customer's keys (text inline, images as CID attachments), the "on the
// way" note for late orders, and merchant alerts. Queued as outbox rows inside the state change's
// transaction; sent by the email job with its own retries, so an SMTP outage delays but never drops.
import type { Delivery, EmailKind, EmailMessage } from "@prisma/client";
import type { Tx } from "~/db.server";
import { queueEmail, sendQueuedEmail } from "~/email/outbox.server";
import {
  renderKeysEmail,
  renderMerchantAlertEmail,
  renderOnTheWayEmail,
  type AlertKind,
  type ProductForEmail,
} from "~/email/templates/index";
import { EmailTemplateError, renderLiquidKeysEmail } from "~/email/templates/liquid";
import { fromHeader } from "~/email/transport.server";
import { SmtpRejectedError } from "~/email/errors";
import { errorMessage } from "~/errors.server";
import { enqueue } from "~/jobs/boss.server";
import { QUEUES } from "~/jobs/queues";
import { alertMerchant, enqueueShopifySync } from "./alerts.server";
import type { FulfillmentDeps } from "./deps";
import { moveDelivery, recordEvent } from "./events.server";
import { readKeys } from "./keys.server";
import { deliveredStatus } from "./status";

/** Queues a customer email for a delivery; without an address, keys stay on the Shopify order. */
export async function queueCustomerEmail(
  tx: Tx,
  deps: Pick<FulfillmentDeps, "boss">,
  delivery: Delivery,
  kind: Extract<EmailKind, "KEYS" | "ON_THE_WAY">,
  idempotencyKey: string,
  recipient = delivery.customerEmail,
) {
  if (!recipient) {
    await recordEvent(tx, delivery, {
      type: "no_customer_email",
      message: "The order has no customer email address; the keys are on the Shopify order only.",
    });
    if (kind === "KEYS")
      await completeDelivery(tx, deps, delivery, "No customer email to send; keys are on the Shopify order.");
    return null;
  }
  const email = await queueEmail(tx, {
    shop: delivery.shop,
    deliveryId: delivery.id,
    kind,
    recipient,
    idempotencyKey,
  });
  await enqueue(deps.boss, QUEUES.sendEmail, { shop: delivery.shop, emailId: email.id }, { tx });
  return email;
}

/** DELIVERING → DELIVERED / PARTIALLY_DELIVERED once the customer has been told; the order tag follows. */
async function completeDelivery(
  tx: Tx,
  deps: Pick<FulfillmentDeps, "boss">,
  delivery: Delivery,
  message: string,
) {
  const lines = await tx.deliveryLine.findMany({ where: { deliveryId: delivery.id, shop: delivery.shop } });
  const partial = lines.some((l) => l.deliveredQuantity < l.quantity);
  const current = await tx.delivery.findFirstOrThrow({ where: { id: delivery.id, shop: delivery.shop } });
  const moved = await moveDelivery(tx, current, "customer_notified", {
    type: "delivered",
    message,
    to: deliveredStatus(partial),
  });
  if (moved) await enqueueShopifySync(tx, deps.boss, moved);
  return moved;
}

/** The email job. */
export async function sendDeliveryEmail(deps: FulfillmentDeps, job: { shop: string; emailId: string }) {
  const email = await deps.db.emailMessage.findFirst({ where: { id: job.emailId, shop: job.shop } });
  if (!email) return "nothing_to_do" as const;
  const shop = await deps.db.shop.findUniqueOrThrow({ where: { shop: job.shop } });
  const delivery = email.deliveryId
    ? await deps.db.delivery.findFirst({
        where: { id: email.deliveryId, shop: job.shop },
        include: { lines: true },
      })
    : null;
  const shopName = shop.senderName ?? shopNameOf(job.shop);

  let outcome: Awaited<ReturnType<typeof sendQueuedEmail>>["outcome"];
  try {
    ({ outcome } = await sendQueuedEmail({
      db: deps.db,
      transport: deps.mail,
      shop: job.shop,
      emailId: email.id,
      from: fromHeader(deps.config.emailFrom, shopName),
      replyTo: email.kind === "MERCHANT_ALERT" ? null : shop.replyTo,
      logger: deps.logger,
      render: () =>
        render(deps, email, delivery, shopName, shop.replyTo, {
          subject: shop.emailSubjectTemplate,
          body: shop.emailBodyTemplate,
        }),
    }));
  } catch (err) {
    if (!(err instanceof SmtpRejectedError) || !delivery || email.kind === "MERCHANT_ALERT") throw err;
    // The mail server refused the customer's address for good: the keys are still stored and on the
    // Shopify order; the merchant is told so they can resend to a corrected address.
    const reason = `The customer's email was rejected by the mail server (${errorMessage(err)}). Resend the keys to a corrected address.`;
    await deps.db.$transaction(async (tx) => {
      await recordEvent(tx, delivery, {
        type: "email_rejected",
        message: reason,
        data: { emailId: email.id },
      });
      await alertMerchant(tx, deps.boss, shop, delivery, {
        kind: "needs_review",
        reason,
        occurrence: `email:${email.id}`,
      });
      if (email.kind === "KEYS")
        await completeDelivery(tx, deps, delivery, "Keys stored; the customer email could not be delivered.");
    });
    return "rejected" as const;
  }

  if (delivery && outcome !== "already_failed") {
    await deps.db.$transaction(async (tx) => {
      if (email.kind === "KEYS") {
        // Also on "already_sent": a previous run sent the email but died before this step.
        const done = await completeDelivery(tx, deps, delivery, "Keys emailed to the customer.");
        if (!done && outcome === "sent") {
          await recordEvent(tx, delivery, {
            type: "keys_emailed",
            message: "Keys emailed again.",
            data: { emailId: email.id },
          });
        }
      } else if (email.kind === "ON_THE_WAY" && outcome === "sent") {
        await recordEvent(tx, delivery, {
          type: "customer_notified_late",
          message: "Customer told their keys are on the way.",
        });
      }
    });
  }
  return outcome;
}

async function render(
  deps: FulfillmentDeps,
  email: EmailMessage,
  delivery:
    | (Delivery & { lines: { id: string; title: string; quantity: number; deliveredQuantity: number }[] })
    | null,
  shopName: string,
  replyTo: string | null,
  template: { subject: string | null; body: string | null },
) {
  const common = {
    locale: delivery?.customerLocale,
    shopName,
    orderName: delivery?.orderName ?? "",
    customerFirstName: delivery?.customerFirstName,
    orderStatusUrl: delivery?.orderStatusUrl,
    replyTo,
  };
  if (email.kind === "MERCHANT_ALERT") {
    const payload = (email.payload ?? {}) as { kind?: AlertKind; reason?: string; traceId?: string | null };
    return renderMerchantAlertEmail({
      shopName,
      orderName: delivery?.orderName ?? "",
      adminOrderUrl: delivery
        ? `https://admin.shopify.com/store/${shopHandle(delivery.shop)}/apps/${encodeURIComponent("erysta-fulfillment")}/app/orders/${delivery.id}`
        : null,
      kind: payload.kind ?? "needs_review",
      reason: payload.reason ?? delivery?.statusReason ?? "",
      erystaOrderId: delivery?.erystaOrderId,
      traceId: payload.traceId ?? delivery?.placeTraceId,
      referenceId: delivery?.referenceId,
    });
  }
  if (!delivery) throw new Error(`email ${email.id} (${email.kind}) has no delivery`);
  if (email.kind === "ON_THE_WAY") return renderOnTheWayEmail(common);

  const keys = await readKeys(deps.db, delivery.shop, delivery.id);
  const products: ProductForEmail[] = delivery.lines.map((line) => {
    const lineKeys = keys.filter((k) => k.lineId === line.id);
    return {
      title: line.title,
      quantityOrdered: line.quantity,
      keys: lineKeys.map((k) => ({
        type: k.type === "IMAGE" ? ("image" as const) : ("text" as const),
        value: k.value,
      })),
      missingCount: Math.max(0, line.quantity - lineKeys.length),
    };
  });
  const input = { ...common, products, partial: products.some((p) => (p.missingCount ?? 0) > 0) };
  if (template.subject !== null || template.body !== null) {
    // The shop's own (Liquid) template; one that fails at send time falls back to the default, so a
    // template mistake never holds keys back.
    try {
      return await renderLiquidKeysEmail({
        ...input,
        template,
        shopDomain: delivery.shop,
        customerLastName: delivery.customerLastName,
        customerEmail: delivery.customerEmail,
      });
    } catch (err) {
      if (!(err instanceof EmailTemplateError)) throw err;
      deps.logger.warn(
        { deliveryId: delivery.id, problem: err.problem },
        "custom email template failed; default used",
      );
    }
  }
  return renderKeysEmail(input);
}

const shopNameOf = (shop: string) =>
  shopHandle(shop)
    .replace(/-/g, " ")
    .replace(/\b\w/g, (c) => c.toUpperCase());
const shopHandle = (shop: string) => shop.replace(/\.myshopify\.com$/, "");
