// The outside world of the merchant admin, in-process: the Erysta and Shopify simulators and an SMTP
// capture, with the app's environment pointed at them. Call `startAdminStack()` BEFORE importing any app
// module (they read the environment once, when first imported): test files import app modules with
// `await import(...)` after it.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { seedDemoShop, type SeededShop } from "../../scripts/lib/demo-shop";
import { startErystaSimulator, type ErystaSimulator } from "../../simulators/erysta";
import { startShopifySimulator, type RunningShopifySimulator } from "../../simulators/shopify";
import { startSmtpCapture, type SmtpCapture } from "./smtp-capture";
import { TEST_API_SECRET, TEST_ENCRYPTION_KEYS } from "./test-env";

/** A key Erysta accepts (1000 EUR balance). */
export const GOOD_ERYSTA_KEY = "erysta-good-key-7Q2f";
/** A valid key used from an IP address that is not on its allow-list (403). */
export const BLOCKED_ERYSTA_KEY = "erysta-ipblocked-key-9XbR";
/** The key of the seeded shops. */
export const SHOP_ERYSTA_KEY = "erysta-shop-key-A1b2";
export const ADMIN_SCOPES =
  "read_orders,write_orders,read_products,write_merchant_managed_fulfillment_orders";

export interface AdminStack {
  erysta: ErystaSimulator;
  shopify: RunningShopifySimulator;
  smtp: SmtpCapture;
  /** A Prisma client of the test's database, independent of the app's module graph. */
  db: PrismaClient;
  /** Seeds a shop as the demo does (products, mappings, offline session, Erysta connected). */
  seedShop(
    shop: string,
    options?: { connected?: boolean; mapped?: boolean; alertEmail?: string | null },
  ): Promise<SeededShop>;
  close(): Promise<void>;
}

export async function startAdminStack(options: { appUrl?: string } = {}): Promise<AdminStack> {
  const erysta = await startErystaSimulator({
    accounts: [
      { apiKey: GOOD_ERYSTA_KEY, balance: 1000 },
      { apiKey: SHOP_ERYSTA_KEY, balance: 1000, creditLimit: 50 },
      { apiKey: BLOCKED_ERYSTA_KEY, ipAllowListed: false },
    ],
  });
  const smtp = await startSmtpCapture();
  const shopify = await startShopifySimulator({
    apiSecret: TEST_API_SECRET,
    appUrl: options.appUrl ?? "http://127.0.0.1:3999",
  });
  Object.assign(process.env, {
    ERYSTA_API_URL: erysta.url,
    SHOPIFY_ADMIN_API_ORIGIN: shopify.origin,
    SMTP_URL: smtp.url,
    SCOPES: ADMIN_SCOPES,
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    POLL_FIRST_DELAY_MS: "200",
    POLL_MAX_INTERVAL_MS: "1000",
    POLL_SLOW_INTERVAL_MS: "1000",
  });
  const db = new PrismaClient({
    adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL!, max: 2 }),
  });

  return {
    erysta,
    shopify,
    smtp,
    db,
    async seedShop(shop, seedOptions = {}) {
      const seeded = await seedDemoShop({
        shopify: shopify.control,
        databaseUrl: process.env.DATABASE_URL!,
        encryptionKeys: TEST_ENCRYPTION_KEYS,
        scopes: ADMIN_SCOPES,
        shop,
        accessToken: `shpat_${shop.split(".")[0]!.replace(/-/g, "_")}`,
        erystaApiKey: SHOP_ERYSTA_KEY,
      });
      if (seedOptions.connected === false)
        await db.shop.update({
          where: { shop },
          data: { erystaApiKeyCiphertext: null, erystaApiKeyLast4: null, erystaConnectedAt: null },
        });
      if (seedOptions.mapped === false) await db.productMapping.deleteMany({ where: { shop } });
      if (seedOptions.alertEmail !== undefined)
        await db.shop.update({ where: { shop }, data: { alertEmail: seedOptions.alertEmail } });
      return seeded;
    },
    async close() {
      await db.$disconnect();
      await Promise.allSettled([erysta.close(), smtp.stop(), shopify.close()]);
    },
  };
}
