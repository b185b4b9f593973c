// The polling job: asks Erysta for the keys of a placed order on an adaptive schedule (fast first looks,
// then ~30 s), inside the shared rate budget the Erysta client enforces. Each run does one call and
// schedules the next run itself, so a crash loses nothing: the job is simply delivered again.
import type { Delivery, Shop } from "@prisma/client";
import { isRetryable, retryAfterMs } from "~/errors.server";
import { isKnownErystaOrderStatus, type ErystaOrderKeys } from "~/erysta/index.server";
import { enqueue } from "~/jobs/boss.server";
import { QUEUES } from "~/jobs/queues";
import { alertMerchant, enqueueShopifySync, moveAndAlert } from "./alerts.server";
import { queueCustomerEmail } from "./customer-email.server";
import type { FulfillmentDeps } from "./deps";
import { moveDelivery, recordEvent } from "./events.server";
import { storeKeys } from "./keys.server";
import { loadDelivery } from "./load.server";
import { delayAfterFailureMs, nextPollDelayMs } from "./schedule";

export type PollOutcome = "waiting" | "delivering" | "failed" | "refunded" | "needs_review" | "nothing_to_do";

export async function pollDelivery(
  deps: FulfillmentDeps,
  job: { shop: string; deliveryId: string; signal?: AbortSignal },
): Promise<PollOutcome> {
  const loaded = await loadDelivery(deps.db, job.shop, job.deliveryId);
  if (!loaded || loaded.delivery.status !== "WAITING" || !loaded.delivery.erystaOrderId)
    return "nothing_to_do";
  const { delivery, shop } = loaded;
  const erystaOrderId = loaded.delivery.erystaOrderId;
  const now = deps.clock.now();
  const waitedMs = now.getTime() - (delivery.placedAt ?? delivery.createdAt).getTime();

  if (waitedMs > deps.config.maxWaitMinutes * 60_000) {
    const reason = `No keys from Erysta after ${Math.round(waitedMs / 60_000)} minutes (last status ${delivery.erystaStatus ?? "unknown"}). Ask Erysta support about order ${delivery.erystaOrderId}.`;
    await deps.db.$transaction((tx) =>
      moveAndAlert(
        tx,
        deps.boss,
        shop,
        delivery,
        "gave_up",
        { type: "gave_up", message: reason, update: { statusReason: reason } },
        { kind: "needs_review", reason, occurrence: "gave_up" },
      ),
    );
    return "needs_review";
  }

  if (!delivery.lateAlertedAt && waitedMs > shop.lateAfterMinutes * 60_000)
    await flagLate(deps, shop, delivery, waitedMs);

  const erysta = deps.erystaFor(shop);
  let order: ErystaOrderKeys;
  let traceId: string | null = null;
  try {
    if (!erysta) throw new Error("Erysta is not connected for this shop anymore");
    const result = await erysta.getOrderKeys(erystaOrderId, { signal: job.signal });
    order = result.data;
    traceId = result.traceId;
  } catch (err) {
    // Polling never gives up on a retryable failure; a final one (e.g. the key was revoked) is recorded
    // once and polled slowly, since the merchant can fix it and the order keeps existing at Erysta.
    const final = !isRetryable(err);
    const delay = final
      ? deps.config.poll.maxIntervalMs
      : delayAfterFailureMs(delivery.pollCount, deps.config.poll, waitedMs, retryAfterMs(err));
    await deps.db.$transaction(async (tx) => {
      if (final && delivery.statusReason !== String((err as Error).message)) {
        await recordEvent(tx, delivery, {
          type: "poll_failed",
          message: `Could not read the Erysta order: ${(err as Error).message}`,
        });
        await alertMerchant(tx, deps.boss, shop, delivery, {
          kind: "needs_review",
          reason: (err as Error).message,
          occurrence: `poll:${(err as Error).name}`,
        });
      }
      await scheduleNextPoll(tx, deps, delivery, delay, {
        statusReason: final ? (err as Error).message : delivery.statusReason,
      });
    });
    deps.logger.warn({ err, deliveryId: delivery.id }, "poll failed; rescheduled");
    return "waiting";
  }

  switch (order.status) {
    case "PENDING":
    case "PROCESSING":
      await deps.db.$transaction(async (tx) => {
        if (order.status !== delivery.erystaStatus) {
          await recordEvent(tx, delivery, {
            type: "erysta_status",
            message: `Erysta reports ${order.status}.`,
            data: { status: order.status, traceId },
          });
        }
        await scheduleNextPoll(
          tx,
          deps,
          delivery,
          nextPollDelayMs(delivery.pollCount + 1, deps.config.poll, waitedMs),
          {
            erystaStatus: order.status,
            lastTraceId: traceId,
          },
        );
      });
      return "waiting";
    case "COMPLETED":
    case "PARTIAL_COMPLETED":
      return deliverKeys(deps, shop, loaded.delivery, loaded.delivery.lines, order, traceId);
    case "FAILED":
    case "REFUNDED":
      return recordErystaEnd(deps, shop, delivery, order, traceId);
    default: {
      // Not a status Erysta documents: keep the order, tell the merchant once, keep polling.
      const unknown = String(order.status);
      await deps.db.$transaction(async (tx) => {
        if (!isKnownErystaOrderStatus(unknown) && unknown !== delivery.erystaStatus) {
          await recordEvent(tx, delivery, {
            type: "erysta_unknown_status",
            message: `Erysta reports an undocumented status "${unknown}"; still polling.`,
            data: { status: unknown, traceId },
          });
          await alertMerchant(tx, deps.boss, shop, delivery, {
            kind: "unknown_status",
            reason: `Erysta reports the undocumented status "${unknown}".`,
            occurrence: unknown,
            traceId,
          });
        }
        await scheduleNextPoll(tx, deps, delivery, deps.config.poll.maxIntervalMs, {
          erystaStatus: unknown,
          lastTraceId: traceId,
        });
      });
      return "waiting";
    }
  }
}

async function scheduleNextPoll(
  tx: Parameters<Parameters<FulfillmentDeps["db"]["$transaction"]>[0]>[0],
  deps: FulfillmentDeps,
  delivery: Delivery,
  delayMs: number,
  update: { erystaStatus?: string; lastTraceId?: string | null; statusReason?: string | null },
) {
  const now = deps.clock.now();
  const { count } = await tx.delivery.updateMany({
    where: { id: delivery.id, shop: delivery.shop, status: "WAITING", pollCount: delivery.pollCount },
    data: {
      ...update,
      pollCount: { increment: 1 },
      lastPolledAt: now,
      nextPollAt: new Date(now.getTime() + delayMs),
    },
  });
  // Only the run that advanced the counter schedules the next one: duplicates die out here.
  if (count === 1)
    await enqueue(
      deps.boss,
      QUEUES.poll,
      { shop: delivery.shop, deliveryId: delivery.id },
      { tx, startAfter: delayMs },
    );
}

async function deliverKeys(
  deps: FulfillmentDeps,
  shop: Shop,
  delivery: Delivery,
  lines: Parameters<typeof storeKeys>[2],
  order: ErystaOrderKeys,
  traceId: string | null,
): Promise<PollOutcome> {
  const now = deps.clock.now();
  await deps.db.$transaction(
    async (tx) => {
      const moved = await moveDelivery(tx, delivery, "keys_arrived", {
        type: "keys_stored",
        message: `Erysta reports ${order.status}; keys stored (encrypted).`,
        update: {
          erystaStatus: order.status,
          lastTraceId: traceId,
          erystaFinishedAt: now,
          keysStoredAt: now,
          lastPolledAt: now,
          pollCount: { increment: 1 },
          totalDebit: order.totalDebit ?? undefined,
        },
        data: { status: order.status, traceId, totalDebit: order.totalDebit ?? null },
      });
      if (!moved) return; // another run delivered first
      const summary = await storeKeys(tx, delivery, lines, order);
      if (summary.partial) {
        const missing = summary.ordered - summary.delivered;
        const reason = `Erysta delivered ${summary.delivered} of ${summary.ordered} key(s); ${missing} missing.`;
        await recordEvent(tx, moved, { type: "partial", message: reason, data: { ...summary } });
        await tx.delivery.update({ where: { id: delivery.id }, data: { statusReason: reason } });
        await alertMerchant(tx, deps.boss, shop, moved, { kind: "partial", reason, traceId });
        if (shop.refundUndelivered)
          await enqueue(deps.boss, QUEUES.refund, { shop: shop.shop, deliveryId: delivery.id }, { tx });
      }
      await queueCustomerEmail(tx, deps, moved, "KEYS", `keys:${delivery.id}`);
      await enqueueShopifySync(tx, deps.boss, moved);
    },
    { timeout: 30_000 },
  );
  return "delivering";
}

async function recordErystaEnd(
  deps: FulfillmentDeps,
  shop: Shop,
  delivery: Delivery,
  order: ErystaOrderKeys,
  traceId: string | null,
) {
  const failed = order.status === "FAILED";
  const reason = failed
    ? "Erysta could not fulfil the order; no funds were deducted."
    : "Erysta cancelled the order after payment and returned the funds.";
  await deps.db.$transaction(async (tx) => {
    const moved = await moveAndAlert(
      tx,
      deps.boss,
      shop,
      delivery,
      failed ? "erysta_failed" : "erysta_refunded",
      {
        type: failed ? "erysta_failed" : "erysta_refunded",
        message: reason,
        update: {
          erystaStatus: order.status,
          lastTraceId: traceId,
          erystaFinishedAt: deps.clock.now(),
          statusReason: reason,
        },
        data: { status: order.status, traceId },
      },
      { kind: failed ? "failed" : "refunded", reason, traceId },
    );
    if (moved && shop.refundUndelivered) {
      await enqueue(deps.boss, QUEUES.refund, { shop: shop.shop, deliveryId: delivery.id }, { tx });
    }
  });
  return failed ? ("failed" as const) : ("refunded" as const);
}

async function flagLate(deps: FulfillmentDeps, shop: Shop, delivery: Delivery, waitedMs: number) {
  const minutes = Math.round(waitedMs / 60_000);
  await deps.db.$transaction(async (tx) => {
    const { count } = await tx.delivery.updateMany({
      where: { id: delivery.id, shop: delivery.shop, lateAlertedAt: null },
      data: { lateAlertedAt: deps.clock.now() },
    });
    if (count === 0) return;
    const reason = `Keys not delivered after ${minutes} minutes (Erysta status ${delivery.erystaStatus ?? "PENDING"}); still polling.`;
    await recordEvent(tx, delivery, { type: "late", message: reason });
    await alertMerchant(tx, deps.boss, shop, delivery, { kind: "late", reason });
    if (shop.notifyCustomerWhenLate)
      await queueCustomerEmail(tx, deps, delivery, "ON_THE_WAY", `on-the-way:${delivery.id}`);
  });
}
