// Loading a delivery with its shop, always by (shop, id): a job or request for one shop can never
// reach another shop's delivery.
import type { Db, Tx } from "~/db.server";

export async function loadDelivery(db: Db | Tx, shop: string, deliveryId: string) {
  const delivery = await db.delivery.findFirst({
    where: { id: deliveryId, shop },
    include: { lines: { orderBy: { shopifyLineItemId: "asc" } }, shopRef: true },
  });
  if (!delivery) return null;
  const { shopRef, ...rest } = delivery;
  return { delivery: rest, shop: shopRef };
}
export type LoadedDelivery = NonNullable<Awaited<ReturnType<typeof loadDelivery>>>;
