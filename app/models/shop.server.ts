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

/** The shop's row, created on first use (an admin request can come before the afterAuth hook ran). */
export async function findOrCreateShop(db: Db | Tx, shop: string) {
  return (await db.shop.findUnique({ where: { shop } })) ?? ensureShop(db, shop);
}

export interface ShopSettingsInput {
  autoFulfill: boolean;
  holdHighRisk: boolean;
  mapBySku: boolean;
  lateAfterMinutes: number;
  notifyCustomerWhenLate: boolean;
  refundUndelivered: boolean;
  alertEmail: string | null;
  senderName: string | null;
  replyTo: string | null;
}

export function updateShopSettings(db: Db | Tx, shop: string, settings: ShopSettingsInput) {
  return db.shop.update({ where: { shop }, data: settings });
}

/** Stores an Erysta API key already sealed for this shop (`sealSecret(key, shop)`). */
export function setErystaKey(
  db: Db | Tx,
  shop: string,
  sealed: { ciphertext: string; last4: string; at: Date },
) {
  return db.shop.update({
    where: { shop },
    data: {
      erystaApiKeyCiphertext: sealed.ciphertext,
      erystaApiKeyLast4: sealed.last4,
      erystaConnectedAt: sealed.at,
    },
  });
}

export function clearErystaKey(db: Db | Tx, shop: string) {
  return db.shop.update({
    where: { shop },
    data: { erystaApiKeyCiphertext: null, erystaApiKeyLast4: null, erystaConnectedAt: null },
  });
}

/** null for both: back to the built-in (localized) keys email. */
export function setEmailTemplate(
  db: Db | Tx,
  shop: string,
  template: { subject: string | null; body: string | null },
) {
  return db.shop.update({
    where: { shop },
    data: { emailSubjectTemplate: template.subject, emailBodyTemplate: template.body },
  });
}
