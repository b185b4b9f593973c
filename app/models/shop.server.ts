// Shop rows: per-shop settings. Every function takes the shop domain; nothing reads across shops.
import type { Db, Tx } from "~/db.server";

export async function ensureShop(db: Db | Tx, shop: string) {
  return db.shop.upsert({
    where: { shop },
    create: { shop },
    update: { uninstalledAt: null },
  });
}

export function getShop(db: Db | Tx, shop: string) {
  return db.shop.findUnique({ where: { shop } });
}

export function markUninstalled(db: Db | Tx, shop: string, at: Date) {
  return db.shop.updateMany({ where: { shop }, data: { uninstalledAt: at } });
}
