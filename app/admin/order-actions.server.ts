// What a merchant can do to one order (or a selection) from the admin. Each action is one transaction:
// the state change through the state machine (moveDelivery), its audit event naming who asked, and the
// job that carries it out (enqueued in the same transaction, so a failed commit leaves nothing behind).
import type { Delivery } from "@prisma/client";
import { ErystaRejectedError } from "~/erysta/index.server";
import { moveDelivery, recordEvent } from "~/fulfillment/events.server";
import { readKeys } from "~/fulfillment/keys.server";
import { enqueue } from "~/jobs/boss.server";
import { QUEUES } from "~/jobs/queues";
import type { Actor, AdminDeps } from "./deps";
import { explainErystaFailure } from "./erysta-connection.server";
import { insufficientFundsDeliveries } from "./orders.server";
import { actorLabel, STATUS_LABELS } from "./status";

export type ActionResult<T = object> =
  ({ ok: true; message: string } & T) | { ok: false; message: string; field?: string };

const notFound = { ok: false as const, message: "Order not found." };

function findDelivery(deps: Pick<AdminDeps, "db">, shop: string, deliveryId: string) {
  return deps.db.delivery.findFirst({ where: { id: deliveryId, shop } });
}

const stale = (d: Delivery, what: string) => ({
  ok: false as const,
  message: `This order is ${STATUS_LABELS[d.status].toLowerCase()} now, so it cannot be ${what}. Reload to see its latest state.`,
});

// ---- keys ------------------------------------------------------------------------------------------

export interface RevealedKey {
  id: string;
  type: "TEXT" | "IMAGE";
  productTitle: string;
  /** Text key, or a data:image/...;base64 URL for image keys (shown in an <img>). */
  value: string;
}

const IMAGE_DATA_URL = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$/;

/** Decrypts the order's keys for the merchant and records who looked, and when. */
export async function revealKeys(
  deps: Pick<AdminDeps, "db">,
  input: { shop: string; deliveryId: string; actor: Actor },
): Promise<ActionResult<{ keys: RevealedKey[] }>> {
  const delivery = await deps.db.delivery.findFirst({
    where: { id: input.deliveryId, shop: input.shop },
    include: { lines: { select: { id: true, title: true } } },
  });
  if (!delivery) return notFound;
  const keys = await readKeys(deps.db, input.shop, delivery.id);
  if (keys.length === 0) return { ok: false, message: "This order has no keys yet." };
  await recordEvent(deps.db, delivery, {
    type: "keys_revealed",
    actor: input.actor,
    message: `${actorLabel(input.actor)} revealed ${keys.length} key(s) in the admin.`,
    data: { keyIds: keys.map((k) => k.id) },
  });
  return {
    ok: true,
    message: "Keys revealed. This was recorded in the timeline.",
    keys: keys.map((k) => ({
      id: k.id,
      // An image key that is not an image data URL is shown as text, never put in an <img>.
      type: k.type === "IMAGE" && IMAGE_DATA_URL.test(k.value.trim()) ? "IMAGE" : "TEXT",
      productTitle:
        delivery.lines.find((l) => l.id === k.lineId)?.title ?? k.productTitle ?? "Erysta product",
      value: k.type === "IMAGE" ? k.value.trim() : k.value,
    })),
  };
}

/**
 * Queues one keys email for this click: the outbox row is unique per (shop, "resend:<requestId>"), so a
 * re-submitted form (double click, network retry) finds its row taken and sends nothing more.
 */
export async function resendKeys(
  deps: Pick<AdminDeps, "db" | "boss">,
  input: { shop: string; deliveryId: string; actor: Actor; recipient: string | null; requestId: string },
): Promise<ActionResult<{ duplicate?: boolean }>> {
  const delivery = await findDelivery(deps, input.shop, input.deliveryId);
  if (!delivery) return notFound;
  const recipient = (input.recipient ?? delivery.customerEmail)?.trim();
  if (!recipient)
    return { ok: false, field: "recipient", message: "This order has no customer email: enter an address." };
  const keyCount = await deps.db.deliveredKey.count({ where: { shop: input.shop, deliveryId: delivery.id } });
  if (keyCount === 0) return { ok: false, message: "This order has no keys to send yet." };

  const boss = await deps.boss();
  const idempotencyKey = `resend:${input.requestId}`;
  const created = await deps.db.$transaction(async (tx) => {
    const { count } = await tx.emailMessage.createMany({
      data: [{ shop: input.shop, deliveryId: delivery.id, kind: "KEYS", recipient, idempotencyKey }],
      skipDuplicates: true,
    });
    if (count === 0) return false;
    const email = await tx.emailMessage.findUniqueOrThrow({
      where: { shop_idempotencyKey: { shop: input.shop, idempotencyKey } },
    });
    await recordEvent(tx, delivery, {
      type: "keys_resend_requested",
      actor: input.actor,
      message: `${actorLabel(input.actor)} resent the keys to ${recipient}.`,
      data: {
        emailId: email.id,
        requestId: input.requestId,
        toCustomer: recipient === delivery.customerEmail,
      },
    });
    await enqueue(boss, QUEUES.sendEmail, { shop: input.shop, emailId: email.id }, { tx });
    return true;
  });
  return created
    ? { ok: true, message: `Keys sent to ${recipient}.` }
    : { ok: true, duplicate: true, message: `Keys already sent to ${recipient} for this request.` };
}

export async function bulkResend(
  deps: Pick<AdminDeps, "db" | "boss">,
  input: { shop: string; deliveryIds: string[]; actor: Actor; requestId: string },
): Promise<ActionResult<{ sent: number; skipped: { orderName: string; reason: string }[] }>> {
  let sent = 0;
  const skipped: { orderName: string; reason: string }[] = [];
  for (const deliveryId of input.deliveryIds) {
    const delivery = await findDelivery(deps, input.shop, deliveryId);
    if (!delivery) {
      skipped.push({ orderName: deliveryId, reason: "not found" });
      continue;
    }
    const result = await resendKeys(deps, {
      shop: input.shop,
      deliveryId,
      actor: input.actor,
      recipient: null,
      requestId: `${input.requestId}:${deliveryId}`,
    });
    if (result.ok) sent++;
    else skipped.push({ orderName: delivery.orderName, reason: result.message });
  }
  const message =
    sent === 0
      ? "No keys were resent."
      : `Keys resent for ${sent} order${sent === 1 ? "" : "s"}${skipped.length ? `; ${skipped.length} skipped` : ""}.`;
  return sent === 0 && skipped.length > 0
    ? { ok: false, message: `${message} ${skipped.map((s) => `${s.orderName}: ${s.reason}`).join(" ")}` }
    : { ok: true, message, sent, skipped };
}

// ---- placement -------------------------------------------------------------------------------------

/**
 * A new Erysta order for a delivery whose placement failed, was refused or is in doubt: RECEIVED again,
 * with an audit event naming who asked, and one placement job (which places at most once).
 */
export async function retryPlacement(
  deps: Pick<AdminDeps, "db" | "boss">,
  input: { shop: string; deliveryId: string; actor: Actor },
): Promise<ActionResult> {
  const delivery = await findDelivery(deps, input.shop, input.deliveryId);
  if (!delivery) return notFound;
  const boss = await deps.boss();
  const moved = await deps.db.$transaction(async (tx) => {
    const next = await moveDelivery(tx, delivery, "retry_placement", {
      type: "retry_requested",
      actor: input.actor,
      message: `${actorLabel(input.actor)} asked for a new Erysta order (attempt ${delivery.placeAttempts + 1}).${delivery.statusReason ? ` Before: ${delivery.statusReason}` : ""}`,
      update: {
        statusReason: null,
        erystaOrderId: null,
        erystaStatus: null,
        placeStartedAt: null,
        placedAt: null,
        pollCount: 0,
        lastPolledAt: null,
        nextPollAt: null,
        lateAlertedAt: null,
        erystaFinishedAt: null,
      },
      data: {
        previousStatus: delivery.status,
        previousReason: delivery.statusReason,
        ...(delivery.erystaOrderId ? { erystaOrderId: delivery.erystaOrderId } : {}),
      },
    });
    if (next) await enqueue(boss, QUEUES.place, { shop: input.shop, deliveryId: delivery.id }, { tx });
    return next;
  });
  if (!moved) return stale(delivery, "placed again");
  return { ok: true, message: `Placing ${delivery.orderName} with Erysta again.` };
}

export async function bulkRetryInsufficientFunds(
  deps: Pick<AdminDeps, "db" | "boss">,
  input: { shop: string; actor: Actor },
): Promise<ActionResult<{ retried: number }>> {
  const candidates = await insufficientFundsDeliveries(deps.db, input.shop);
  let retried = 0;
  for (const c of candidates) {
    const result = await retryPlacement(deps, { shop: input.shop, deliveryId: c.id, actor: input.actor });
    if (result.ok) retried++;
  }
  if (retried === 0) return { ok: false, message: "No order is waiting for a top-up." };
  return {
    ok: true,
    retried,
    message: `Placing ${retried} order${retried === 1 ? "" : "s"} with Erysta again.`,
  };
}

/** On-hold order approved by the merchant: RECEIVED, then placed (the risk check does not hold it again). */
export async function approveOrder(
  deps: Pick<AdminDeps, "db" | "boss">,
  input: { shop: string; deliveryId: string; actor: Actor },
): Promise<ActionResult> {
  const delivery = await deps.db.delivery.findFirst({
    where: { id: input.deliveryId, shop: input.shop },
    include: { shopRef: { select: { erystaApiKeyCiphertext: true } } },
  });
  if (!delivery) return notFound;
  if (!delivery.shopRef.erystaApiKeyCiphertext)
    return { ok: false, message: "Connect Erysta in Settings first, then approve this order." };
  const boss = await deps.boss();
  const moved = await deps.db.$transaction(async (tx) => {
    const next = await moveDelivery(tx, delivery, "approve", {
      type: "approved",
      actor: input.actor,
      message: `${actorLabel(input.actor)} approved the order for delivery.`,
      update: { statusReason: null },
    });
    if (next) await enqueue(boss, QUEUES.place, { shop: input.shop, deliveryId: delivery.id }, { tx });
    return next;
  });
  if (!moved) return stale(delivery, "approved");
  return { ok: true, message: `${delivery.orderName} approved; placing it with Erysta.` };
}

// ---- needs review ----------------------------------------------------------------------------------

/**
 * Links the Erysta order support confirmed for a delivery in doubt. The id is checked with Erysta first
 * (one read), so a typo cannot make the app poll an order that does not exist.
 */
export async function linkErystaOrder(
  deps: Pick<AdminDeps, "db" | "boss" | "clock" | "erystaFor">,
  input: { shop: string; deliveryId: string; actor: Actor; erystaOrderId: string },
): Promise<ActionResult> {
  const delivery = await deps.db.delivery.findFirst({
    where: { id: input.deliveryId, shop: input.shop },
    include: { shopRef: true },
  });
  if (!delivery) return notFound;
  if (delivery.status !== "NEEDS_REVIEW") return stale(delivery, "linked");
  const erysta = deps.erystaFor(delivery.shopRef);
  if (!erysta) return { ok: false, message: "Connect Erysta in Settings first." };
  let erystaStatus: string;
  try {
    erystaStatus = (await erysta.getOrderKeys(input.erystaOrderId, { signal: AbortSignal.timeout(8_000) }))
      .data.status;
  } catch (err) {
    if (err instanceof ErystaRejectedError && err.reason === "order_not_found")
      return {
        ok: false,
        field: "erystaOrderId",
        message: `Erysta does not know order ${input.erystaOrderId} for this API key. Check the id support gave you.`,
      };
    const failure = explainErystaFailure(err);
    return {
      ok: false,
      message: `Could not check the order with Erysta: ${failure.title}. ${failure.message}`,
    };
  }
  const now = deps.clock.now();
  const boss = await deps.boss();
  const moved = await deps.db.$transaction(async (tx) => {
    const next = await moveDelivery(tx, delivery, "link_erysta_order", {
      type: "erysta_order_linked",
      actor: input.actor,
      message: `${actorLabel(input.actor)} linked Erysta order ${input.erystaOrderId} (Erysta reports ${erystaStatus}); waiting for keys.`,
      update: {
        erystaOrderId: input.erystaOrderId,
        erystaStatus,
        placedAt: now,
        pollCount: 0,
        nextPollAt: now,
        lateAlertedAt: null,
        statusReason: null,
      },
      data: { erystaOrderId: input.erystaOrderId, erystaStatus },
    });
    if (next) await enqueue(boss, QUEUES.poll, { shop: input.shop, deliveryId: delivery.id }, { tx });
    return next;
  });
  if (!moved) return stale(delivery, "linked");
  return { ok: true, message: `Linked Erysta order ${input.erystaOrderId}; checking it for keys.` };
}

export async function markResolved(
  deps: Pick<AdminDeps, "db">,
  input: { shop: string; deliveryId: string; actor: Actor; note: string | null },
): Promise<ActionResult> {
  const delivery = await findDelivery(deps, input.shop, input.deliveryId);
  if (!delivery) return notFound;
  const note = input.note ? ` Note: ${input.note}` : "";
  const moved = await deps.db.$transaction((tx) =>
    moveDelivery(tx, delivery, "mark_resolved", {
      type: "resolved",
      actor: input.actor,
      message: `${actorLabel(input.actor)} marked the order as resolved outside the app.${note}`,
      update: { statusReason: `Resolved by the merchant.${note}` },
      data: { note: input.note },
    }),
  );
  if (!moved) return stale(delivery, "marked as resolved");
  return { ok: true, message: `${delivery.orderName} marked as resolved.` };
}

/** Asks Erysta for the keys now instead of at the next scheduled poll (the poll chain stays single). */
export async function pollNow(
  deps: Pick<AdminDeps, "db" | "boss">,
  input: { shop: string; deliveryId: string; actor: Actor },
): Promise<ActionResult> {
  const delivery = await findDelivery(deps, input.shop, input.deliveryId);
  if (!delivery) return notFound;
  if (delivery.status !== "WAITING" || !delivery.erystaOrderId) return stale(delivery, "checked with Erysta");
  const boss = await deps.boss();
  await deps.db.$transaction(async (tx) => {
    await recordEvent(tx, delivery, {
      type: "poll_requested",
      actor: input.actor,
      message: `${actorLabel(input.actor)} asked to check Erysta order ${delivery.erystaOrderId} now.`,
    });
    await enqueue(boss, QUEUES.poll, { shop: input.shop, deliveryId: delivery.id }, { tx });
  });
  return { ok: true, message: "Checking Erysta for keys now." };
}
