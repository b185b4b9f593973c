// Settings: the Erysta connection (see erysta-connection.server.ts) and the delivery options.
import { z } from "zod";
import { findOrCreateShop, updateShopSettings, type ShopSettingsInput } from "~/models/shop.server";
import type { AdminDeps } from "./deps";
import { checkbox, optionalText } from "./forms.server";

const email = z.email({ message: "Enter a valid email address, e.g. orders@yourshop.com" }).max(254);

export const settingsSchema = z.object({
  autoFulfill: checkbox,
  holdHighRisk: checkbox,
  mapBySku: checkbox,
  lateAfterMinutes: z.coerce
    .number({ message: "Enter a number of minutes" })
    .int({ message: "Enter whole minutes" })
    .min(1, { message: "At least 1 minute" })
    .max(1440, { message: "At most 1440 minutes (24 hours)" }),
  notifyCustomerWhenLate: checkbox,
  refundUndelivered: checkbox,
  alertEmail: optionalText(email),
  senderName: optionalText(
    z
      .string()
      .max(60, { message: "At most 60 characters" })
      .regex(/^[^\r\n<>"]*$/, { message: 'Line breaks, <, > and " are not allowed' }),
  ),
  replyTo: optionalText(email),
}) satisfies z.ZodType<ShopSettingsInput, unknown>;

export interface SettingsView {
  shop: string;
  erysta: { connected: boolean; last4: string | null; connectedAt: string | null };
  options: ShopSettingsInput;
}

export async function loadSettings(deps: Pick<AdminDeps, "db">, shop: string): Promise<SettingsView> {
  const row = await findOrCreateShop(deps.db, shop);
  return {
    shop,
    erysta: {
      connected: !!row.erystaApiKeyCiphertext,
      last4: row.erystaApiKeyLast4,
      connectedAt: row.erystaConnectedAt?.toISOString() ?? null,
    },
    options: {
      autoFulfill: row.autoFulfill,
      holdHighRisk: row.holdHighRisk,
      mapBySku: row.mapBySku,
      lateAfterMinutes: row.lateAfterMinutes,
      notifyCustomerWhenLate: row.notifyCustomerWhenLate,
      refundUndelivered: row.refundUndelivered,
      alertEmail: row.alertEmail,
      senderName: row.senderName,
      replyTo: row.replyTo,
    },
  };
}

export async function saveSettings(
  deps: Pick<AdminDeps, "db">,
  input: { shop: string; settings: ShopSettingsInput },
) {
  await findOrCreateShop(deps.db, input.shop);
  await updateShopSettings(deps.db, input.shop, input.settings);
}
