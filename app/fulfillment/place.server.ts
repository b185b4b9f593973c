// The placement job: at most ONE Erysta place-order call per delivery, unless the merchant explicitly
// asks again (which moves the delivery back to RECEIVED with an audit event).
//
// Safety argument: the call is only made after a conditional update RECEIVED → PLACING has committed.
// A second job (duplicate, retry, another worker) can therefore never call Erysta for the same delivery;
// it finds PLACING and, if the first attempt is older than the call's timeout, concludes that the worker
// died mid-call: the outcome is unknown, so the delivery goes to NEEDS_REVIEW — never a blind re-place.
import type { Delivery } from "@prisma/client";
import { errorMessage } from "~/errors.server";
import {
  ErystaAmbiguousError,
  ErystaAuthError,
  ErystaError,
  ErystaRejectedError,
} from "~/erysta/index.server";
import { enqueue } from "~/jobs/boss.server";
import { QUEUE_OPTIONS, QUEUES } from "~/jobs/queues";
import { getOrderRisk } from "~/shopify-admin/index.server";
import { moveAndAlert } from "./alerts.server";
import type { FulfillmentDeps } from "./deps";
import { moveDelivery } from "./events.server";
import { loadDelivery, type LoadedDelivery } from "./load.server";
import { mergeByProduct } from "./mapping";
import { nextPollDelayMs } from "./schedule";

/**
 * A placement runs inside one job, and pg-boss aborts (signal) and re-delivers a job that stays active
 * longer than the queue's expireInSeconds. So a PLACING row older than that, plus a margin, belongs to a
 * worker that died; a younger one may still be in flight (waiting for the rate budget or for Erysta).
 */
const ABANDONED_AFTER_MS = (QUEUE_OPTIONS[QUEUES.place].expireInSeconds ?? 900) * 1000 + 30_000;

export type PlaceOutcome =
  | "placed"
  | "rejected"
  | "needs_review"
  | "on_hold"
  | "postponed"
  | "in_progress_elsewhere"
  | "nothing_to_do";

export class PlacementInProgressError extends Error {
  constructor(deliveryId: string) {
    super(`placement of ${deliveryId} is in progress in another worker; checking again later`);
  }
}

export async function placeDelivery(
  deps: FulfillmentDeps,
  job: { shop: string; deliveryId: string; lastAttempt?: boolean; signal?: AbortSignal },
): Promise<PlaceOutcome> {
  const loaded = await loadDelivery(deps.db, job.shop, job.deliveryId);
  if (!loaded) return "nothing_to_do";
  const { delivery, shop } = loaded;
  const log = deps.logger.child({ shop: job.shop, deliveryId: delivery.id, order: delivery.orderName });

  if (delivery.status === "PLACING") return resolveInterruptedPlacement(deps, loaded);
  if (delivery.status !== "RECEIVED") return "nothing_to_do";

  const erysta = deps.erystaFor(shop);
  if (!erysta) {
    await deps.db.$transaction((tx) =>
      moveDelivery(tx, delivery, "hold", {
        type: "held",
        message: "Erysta is not connected: add your Erysta API key in Settings, then approve this order.",
        update: { statusReason: "Erysta is not connected." },
      }),
    );
    return "on_hold";
  }

  if (shop.holdHighRisk && !(await wasApproved(deps, delivery)) && (await isHighRisk(deps, delivery))) {
    await deps.db.$transaction((tx) =>
      moveAndAlert(
        tx,
        deps.boss,
        shop,
        delivery,
        "hold",
        {
          type: "held",
          message: "Shopify rates this order high risk: approve it in the app to place it with Erysta.",
          update: { statusReason: "High-risk order held for approval." },
        },
        { kind: "on_hold", reason: "Shopify rates this order high risk." },
      ),
    );
    return "on_hold";
  }

  const items = mergeByProduct(delivery.lines);
  const now = deps.clock.now();
  const placing = await deps.db.$transaction((tx) =>
    moveDelivery(tx, delivery, "start_placing", {
      type: "placing",
      message: `Placing one Erysta order for ${items.reduce((n, i) => n + i.quantity, 0)} unit(s), reference ${delivery.referenceId}.`,
      update: { placeAttempts: { increment: 1 }, placeStartedAt: now, statusReason: null },
      data: { items, referenceId: delivery.referenceId },
    }),
  );
  if (!placing) return "nothing_to_do"; // another job moved it first

  try {
    const result = await erysta.placeOrder(items, delivery.referenceId, { signal: job.signal });
    await recordPlaced(deps, placing, result.data.orderId, result.traceId);
    log.info({ erystaOrderId: result.data.orderId, traceId: result.traceId }, "Erysta order placed");
    return "placed";
  } catch (err) {
    return recordPlacementFailure(
      deps,
      { shop, delivery: { ...placing, lines: delivery.lines } },
      err,
      job.lastAttempt ?? false,
    );
  }
}

async function recordPlaced(
  deps: FulfillmentDeps,
  delivery: Delivery,
  erystaOrderId: string,
  traceId: string | null,
) {
  const now = deps.clock.now();
  const firstPollIn = nextPollDelayMs(0, deps.config.poll);
  await deps.db.$transaction(async (tx) => {
    const moved = await moveDelivery(tx, delivery, "placed", {
      type: "placed",
      message: `Erysta order ${erystaOrderId} placed${traceId ? ` (trace ${traceId})` : ""}; waiting for keys.`,
      update: {
        erystaOrderId,
        placeTraceId: traceId,
        lastTraceId: traceId,
        placedAt: now,
        nextPollAt: new Date(now.getTime() + firstPollIn),
        statusReason: null,
      },
      data: { erystaOrderId, traceId },
    });
    if (!moved) throw new Error(`delivery ${delivery.id} left PLACING while its order was being placed`);
    await enqueue(
      deps.boss,
      QUEUES.poll,
      { shop: delivery.shop, deliveryId: delivery.id },
      { tx, startAfter: firstPollIn },
    );
  });
}

async function recordPlacementFailure(
  deps: FulfillmentDeps,
  { delivery, shop }: LoadedDelivery,
  err: unknown,
  lastAttempt: boolean,
): Promise<PlaceOutcome> {
  const traceId = err instanceof ErystaError ? (err.traceId ?? null) : null;

  if (err instanceof ErystaRejectedError || err instanceof ErystaAuthError) {
    const reason = err.message;
    await deps.db.$transaction((tx) =>
      moveAndAlert(
        tx,
        deps.boss,
        shop,
        delivery,
        "place_rejected",
        {
          type: "place_rejected",
          message: `Erysta refused the order: ${reason}`,
          update: { statusReason: reason, lastTraceId: traceId },
          data: { reason: err.reason, traceId },
        },
        { kind: "failed_to_place", reason, occurrence: delivery.placeAttempts, traceId },
      ),
    );
    return "rejected";
  }

  if (err instanceof ErystaError && err.retryable && !(err instanceof ErystaAmbiguousError)) {
    // The request provably never reached Erysta (rate limited, unreachable before sending): nothing was
    // ordered, so going back to RECEIVED and trying again later is safe.
    if (lastAttempt) {
      const reason = `Erysta could not be reached after several attempts (${err.message}). Nothing was ordered; retry placement when Erysta is available.`;
      await deps.db.$transaction((tx) =>
        moveAndAlert(
          tx,
          deps.boss,
          shop,
          delivery,
          "place_rejected",
          { type: "place_unreachable", message: reason, update: { statusReason: reason } },
          { kind: "failed_to_place", reason, occurrence: delivery.placeAttempts },
        ),
      );
      return "rejected";
    }
    await deps.db.$transaction((tx) =>
      moveDelivery(tx, delivery, "place_postponed", {
        type: "place_postponed",
        message: `Erysta was not reached (${err.message}); nothing was ordered. Trying again shortly.`,
        update: { placeAttempts: { decrement: 1 } },
      }),
    );
    throw err; // the job's retry (with backoff) tries again
  }

  // Ambiguous (sent, answer lost) or anything unexpected after the call started: never re-place.
  const reason =
    err instanceof ErystaAmbiguousError
      ? `Erysta may or may not have created the order (${err.message}). Ask Erysta support about reference ${delivery.referenceId}${traceId ? ` / trace ${traceId}` : ""}, then link the Erysta order id or retry placement.`
      : `Placement stopped unexpectedly (${errorMessage(err)}); the order may exist at Erysta. Ask Erysta support about reference ${delivery.referenceId}, then link the Erysta order id or retry placement.`;
  await markNeedsReview(deps, { delivery, shop }, reason, traceId);
  return "needs_review";
}

async function markNeedsReview(
  deps: FulfillmentDeps,
  { delivery, shop }: LoadedDelivery,
  reason: string,
  traceId: string | null,
) {
  await deps.db.$transaction((tx) =>
    moveAndAlert(
      tx,
      deps.boss,
      shop,
      delivery,
      "place_ambiguous",
      {
        type: "needs_review",
        message: reason,
        update: { statusReason: reason, lastTraceId: traceId ?? undefined },
        data: { referenceId: delivery.referenceId, traceId },
      },
      { kind: "needs_review", reason, occurrence: delivery.placeAttempts, traceId },
    ),
  );
}

/** A job found the delivery PLACING: either another worker is mid-call, or one died mid-call. */
async function resolveInterruptedPlacement(
  deps: FulfillmentDeps,
  loaded: LoadedDelivery,
): Promise<PlaceOutcome> {
  const { delivery } = loaded;
  const startedAt = delivery.placeStartedAt?.getTime() ?? 0;
  if (deps.clock.now().getTime() - startedAt < ABANDONED_AFTER_MS) {
    throw new PlacementInProgressError(delivery.id); // retried later by the queue
  }
  await markNeedsReview(
    deps,
    loaded,
    `The worker placing this order stopped before recording Erysta's answer; the order may exist at Erysta. Ask Erysta support about reference ${delivery.referenceId}, then link the Erysta order id or retry placement.`,
    null,
  );
  return "needs_review";
}

/** The merchant approved this order in the admin (ON_HOLD → RECEIVED): the risk check has had its say. */
async function wasApproved(deps: FulfillmentDeps, delivery: Delivery): Promise<boolean> {
  const approvals = await deps.db.deliveryEvent.count({
    where: { deliveryId: delivery.id, shop: delivery.shop, type: "approved" },
  });
  return approvals > 0;
}

async function isHighRisk(deps: FulfillmentDeps, delivery: Delivery): Promise<boolean> {
  try {
    const recommendation = await getOrderRisk(await deps.shopifyFor(delivery.shop), delivery.orderGid);
    return recommendation === "CANCEL" || recommendation === "INVESTIGATE";
  } catch (err) {
    // Risk is advisory: if Shopify cannot tell us now, we do not block a paid order on it.
    deps.logger.warn({ err, deliveryId: delivery.id }, "could not read the order's risk; placing anyway");
    return false;
  }
}
