// The dashboard: Erysta's live balance (degrading to a warning when Erysta cannot answer), today's
// deliveries, what is in progress and what needs the merchant, each linking to the filtered order list.
import { findOrCreateShop } from "~/models/shop.server";
import { countMappings } from "~/models/mapping.server";
import type { AdminDeps } from "./deps";
import { readBalance } from "./erysta-connection.server";
import { filterWhere, insufficientFundsDeliveries } from "./orders.server";
import type { OrderFilter } from "./status";

export const ATTENTION_CARDS: { filter: OrderFilter; label: string; help: string }[] = [
  {
    filter: "FAILED_TO_PLACE",
    label: "Failed to place",
    help: "Erysta refused the order; nothing was charged.",
  },
  {
    filter: "NEEDS_REVIEW",
    label: "Needs review",
    help: "The outcome at Erysta is unknown; check before retrying.",
  },
  { filter: "late", label: "Late", help: "Still waiting for keys after your late threshold." },
  { filter: "PARTIALLY_DELIVERED", label: "Partially delivered", help: "Some keys could not be delivered." },
  { filter: "ON_HOLD", label: "On hold", help: "Waiting for your approval." },
];

export async function loadDashboard(
  deps: Pick<AdminDeps, "db" | "clock" | "erystaFor">,
  input: { shop: string },
) {
  const shop = await findOrCreateShop(deps.db, input.shop);
  const now = deps.clock.now();
  const startOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const count = (filter: OrderFilter) =>
    deps.db.delivery.count({ where: { AND: [{ shop: input.shop }, filterWhere(filter)] } });

  const [balance, receivedToday, deliveredToday, inProgress, attention, mappings, waitingForFunds] =
    await Promise.all([
      readBalance(deps, shop),
      deps.db.delivery.count({ where: { shop: input.shop, createdAt: { gte: startOfDay } } }),
      deps.db.deliveryEvent.count({
        where: { shop: input.shop, type: "delivered", createdAt: { gte: startOfDay } },
      }),
      count("in_progress"),
      Promise.all(ATTENTION_CARDS.map(async (card) => ({ ...card, count: await count(card.filter) }))),
      countMappings(deps.db, input.shop),
      insufficientFundsDeliveries(deps.db, input.shop),
    ]);

  return {
    shop: input.shop,
    connected: !!shop.erystaApiKeyCiphertext,
    keyLast4: shop.erystaApiKeyLast4,
    balance,
    today: { received: receivedToday, delivered: deliveredToday },
    inProgress,
    attention,
    attentionTotal: attention.reduce((n, a) => n + a.count, 0),
    mappings,
    waitingForFunds: waitingForFunds.length,
    autoFulfill: shop.autoFulfill,
  };
}
