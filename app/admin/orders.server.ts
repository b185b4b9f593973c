// The order list and the order page's view model. Every query is scoped by shop; an id of another shop
// is simply not found.
import type { DeliveryStatus, Prisma } from "@prisma/client";
import { readKeys } from "~/fulfillment/keys.server";
import { ATTENTION_STATUSES, IN_PROGRESS_STATUSES, transition } from "~/fulfillment/status";
import type { AdminDeps } from "./deps";
import { actorLabel, STATUS_LABELS, type OrderFilter } from "./status";

export const ORDERS_PAGE_SIZE = 25;

const LATE: Prisma.DeliveryWhereInput = { status: "WAITING", lateAlertedAt: { not: null } };

/** The statuses the dashboard and the "Needs attention" tab count (FAILED/REFUNDED are final outcomes). */
const ATTENTION: DeliveryStatus[] = ["FAILED_TO_PLACE", "NEEDS_REVIEW", "PARTIALLY_DELIVERED", "ON_HOLD"];

export function filterWhere(filter: OrderFilter): Prisma.DeliveryWhereInput {
  switch (filter) {
    case "all":
      return {};
    case "attention":
      return { OR: [{ status: { in: ATTENTION } }, LATE] };
    case "in_progress":
      return { status: { in: IN_PROGRESS_STATUSES }, NOT: LATE };
    case "late":
      return LATE;
    default:
      return { status: filter };
  }
}

function searchWhere(query: string | null): Prisma.DeliveryWhereInput {
  const q = query?.trim();
  if (!q) return {};
  const bare = q.replace(/^#/, "");
  return {
    OR: [
      { orderName: { contains: q, mode: "insensitive" } },
      { orderName: { equals: `#${bare}`, mode: "insensitive" } },
      { shopifyOrderId: bare },
      { customerEmail: { contains: q, mode: "insensitive" } },
    ],
  };
}

export interface OrderRow {
  id: string;
  orderName: string;
  createdAt: string;
  customer: string;
  customerEmail: string | null;
  status: DeliveryStatus;
  late: boolean;
  units: number;
  delivered: number;
  reason: string | null;
  erystaOrderId: string | null;
}

export async function listOrders(
  deps: Pick<AdminDeps, "db">,
  input: { shop: string; filter: OrderFilter; query: string | null; page: number },
) {
  const where: Prisma.DeliveryWhereInput = {
    AND: [{ shop: input.shop }, filterWhere(input.filter), searchWhere(input.query)],
  };
  const [total, rows] = await Promise.all([
    deps.db.delivery.count({ where }),
    deps.db.delivery.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (input.page - 1) * ORDERS_PAGE_SIZE,
      take: ORDERS_PAGE_SIZE,
      include: { lines: { select: { quantity: true, deliveredQuantity: true } } },
    }),
  ]);
  const orders: OrderRow[] = rows.map((d) => ({
    id: d.id,
    orderName: d.orderName,
    createdAt: d.createdAt.toISOString(),
    customer: [d.customerFirstName, d.customerLastName].filter(Boolean).join(" "),
    customerEmail: d.customerEmail,
    status: d.status,
    late: d.status === "WAITING" && d.lateAlertedAt !== null,
    units: d.lines.reduce((n, l) => n + l.quantity, 0),
    delivered: d.lines.reduce((n, l) => n + l.deliveredQuantity, 0),
    reason: d.statusReason,
    erystaOrderId: d.erystaOrderId,
  }));
  return {
    orders,
    total,
    page: input.page,
    hasPrevious: input.page > 1,
    hasNext: input.page * ORDERS_PAGE_SIZE < total,
  };
}

/** FAILED_TO_PLACE deliveries whose latest refusal was "insufficient funds": what a top-up fixes. */
export async function insufficientFundsDeliveries(db: AdminDeps["db"], shop: string) {
  const failed = await db.delivery.findMany({
    where: { shop, status: "FAILED_TO_PLACE" },
    select: {
      id: true,
      orderName: true,
      events: {
        where: { type: { in: ["place_rejected", "place_unreachable"] } },
        orderBy: { createdAt: "desc" },
        take: 1,
        select: { data: true },
      },
    },
    orderBy: { createdAt: "asc" },
  });
  return failed.filter((d) => {
    const data = d.events[0]?.data as { reason?: unknown } | null | undefined;
    return data?.reason === "insufficient_funds";
  });
}

export interface MaskedKey {
  id: string;
  type: "TEXT" | "IMAGE";
  productTitle: string;
  lineId: string | null;
  /** Text keys: every character but the last 4 hidden. Images: null (shown after Reveal). */
  masked: string | null;
}

export interface TimelineEntry {
  id: string;
  type: string;
  message: string;
  actor: string;
  fromStatus: DeliveryStatus | null;
  toStatus: DeliveryStatus | null;
  createdAt: string;
}

export async function loadOrder(deps: Pick<AdminDeps, "db">, input: { shop: string; deliveryId: string }) {
  const delivery = await deps.db.delivery.findFirst({
    where: { id: input.deliveryId, shop: input.shop },
    include: {
      lines: { orderBy: { shopifyLineItemId: "asc" } },
      events: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      emails: { orderBy: { createdAt: "desc" } },
      shopRef: { select: { erystaApiKeyCiphertext: true } },
    },
  });
  if (!delivery) return null;
  const keys = await readKeys(deps.db, input.shop, delivery.id);
  const titleOf = (lineId: string | null, fallback: string | null) =>
    delivery.lines.find((l) => l.id === lineId)?.title ?? fallback ?? "Erysta product";
  const maskedKeys: MaskedKey[] = keys.map((k) => ({
    id: k.id,
    type: k.type,
    productTitle: titleOf(k.lineId, k.productTitle),
    lineId: k.lineId,
    masked: k.type === "TEXT" ? maskKey(k.value) : null,
  }));

  const previousErystaOrders = [
    ...new Set(
      delivery.events
        .map((e) => (e.data as { erystaOrderId?: unknown } | null)?.erystaOrderId)
        .filter((id): id is string => typeof id === "string" && id !== delivery.erystaOrderId),
    ),
  ];
  const traceIds = [
    ...new Set(
      [
        delivery.placeTraceId,
        delivery.lastTraceId,
        ...delivery.events.map((e) => (e.data as { traceId?: unknown } | null)?.traceId),
      ].filter((t): t is string => typeof t === "string" && t !== ""),
    ),
  ];
  const failures = delivery.events
    .filter((e) =>
      [
        "place_rejected",
        "place_unreachable",
        "needs_review",
        "erysta_failed",
        "erysta_refunded",
        "gave_up",
      ].includes(e.type),
    )
    .map((e) => ({ at: e.createdAt.toISOString(), message: e.message }));
  const s = delivery.status;
  const connected = !!delivery.shopRef.erystaApiKeyCiphertext;

  return {
    id: delivery.id,
    orderName: delivery.orderName,
    shopifyOrderId: delivery.shopifyOrderId,
    createdAt: delivery.createdAt.toISOString(),
    status: s,
    statusLabel: STATUS_LABELS[s],
    late: s === "WAITING" && delivery.lateAlertedAt !== null,
    statusReason: delivery.statusReason,
    customer: {
      name: [delivery.customerFirstName, delivery.customerLastName].filter(Boolean).join(" "),
      email: delivery.customerEmail,
      locale: delivery.customerLocale,
    },
    erysta: {
      orderId: delivery.erystaOrderId,
      status: delivery.erystaStatus,
      referenceId: delivery.referenceId,
      placeTraceId: delivery.placeTraceId,
      lastTraceId: delivery.lastTraceId,
      traceIds,
      previousOrderIds: previousErystaOrders,
      placeAttempts: delivery.placeAttempts,
      placedAt: delivery.placedAt?.toISOString() ?? null,
      lastPolledAt: delivery.lastPolledAt?.toISOString() ?? null,
      nextPollAt: delivery.nextPollAt?.toISOString() ?? null,
      totalDebit: delivery.totalDebit?.toString() ?? null,
    },
    lines: delivery.lines.map((l) => ({
      id: l.id,
      title: l.title,
      sku: l.sku,
      quantity: l.quantity,
      delivered: l.deliveredQuantity,
      erystaProductId: l.erystaProductId,
    })),
    keys: maskedKeys,
    timeline: delivery.events.map((e): TimelineEntry => ({
      id: e.id,
      type: e.type,
      message: e.message,
      actor: actorLabel(e.actor),
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      createdAt: e.createdAt.toISOString(),
    })),
    emails: delivery.emails
      .filter((m) => m.kind !== "MERCHANT_ALERT")
      .map((m) => ({
        id: m.id,
        kind: m.kind,
        recipient: m.recipient,
        status: m.status,
        sentAt: m.sentAt?.toISOString() ?? null,
        createdAt: m.createdAt.toISOString(),
        lastError: m.lastError,
      })),
    failures,
    connected,
    can: {
      retry: transition(s, "retry_placement") !== null,
      link: transition(s, "link_erysta_order") !== null,
      resolve: transition(s, "mark_resolved") !== null,
      approve: transition(s, "approve") !== null,
      poll: s === "WAITING" && !!delivery.erystaOrderId,
      resend: keys.length > 0,
      reveal: keys.length > 0,
    },
    attention: ATTENTION_STATUSES.includes(s),
  };
}
export type OrderView = NonNullable<Awaited<ReturnType<typeof loadOrder>>>;

export function maskKey(value: string): string {
  const visible = value.length > 8 ? value.slice(-4) : "";
  const hidden = value.slice(0, value.length - visible.length).replace(/[^\s-]/g, "•");
  return `${hidden}${visible}`.slice(-64);
}
