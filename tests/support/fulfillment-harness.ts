// Everything a fulfillment test needs, for real: the Erysta and Shopify simulators and an SMTP capture
// over HTTP/SMTP, the Remix app serving webhooks, and an in-process worker running the real job
// handlers on this file's PostgreSQL. Import this module FIRST in a test file: it points the app's
// environment at the simulators (top-level await) before any app module reads it.
import { startErystaSimulator } from "../../simulators/erysta";
import { startShopifySimulator } from "../../simulators/shopify";
import { startSmtpCapture } from "../../simulators/smtp/capture";
import { DEMO_ERYSTA_KEY, seedDemoShop, type DemoHandle } from "../../scripts/lib/demo-shop";
import { freePort } from "../../scripts/lib/database";
import { TEST_API_SECRET, TEST_ENCRYPTION_KEYS } from "./test-env";

const appPort = await freePort();
const appOrigin = `http://127.0.0.1:${appPort}`;
export const erysta = await startErystaSimulator({ apiKey: DEMO_ERYSTA_KEY, timeScale: 60 });
export const shopify = await startShopifySimulator({ apiSecret: TEST_API_SECRET, appUrl: appOrigin });
export const smtp = await startSmtpCapture();
export const SCOPES =
  "read_orders,write_orders,read_products,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders,read_customers";

Object.assign(process.env, {
  SHOPIFY_APP_URL: appOrigin,
  SCOPES,
  ERYSTA_API_URL: erysta.url,
  SHOPIFY_ADMIN_API_ORIGIN: shopify.origin,
  SMTP_URL: smtp.url,
  POLL_FIRST_DELAY_MS: "200",
  POLL_MAX_INTERVAL_MS: "2000",
  POLL_SLOW_INTERVAL_MS: "2000",
});

const { prisma } = await import("~/db.server");
const { getEnv } = await import("~/env.server");
const { createBoss, startBoss } = await import("~/jobs/boss.server");
const { buildJobHandlers } = await import("~/jobs/handlers.server");
const { runHandlers } = await import("~/jobs/runner.server");
const { buildFulfillmentDeps } = await import("~/fulfillment/deps.server");
const { intakePaidOrder } = await import("~/fulfillment/intake.server");
const { createLogger } = await import("~/logger.server");
const { startAppServer } = await import("./app-server");

/** A clock the test can move forward (late alerts, maximum wait, abandoned placements). */
export const clock = {
  offsetMs: 0,
  now: () => new Date(Date.now() + clock.offsetMs),
  advance(ms: number) {
    clock.offsetMs += ms;
  },
};

export const logger = createLogger({ level: process.env.LOG_LEVEL ?? "silent", pretty: false });
export const boss = await startBoss(createBoss(getEnv().DATABASE_URL, "worker"));
export const deps = buildFulfillmentDeps({ env: getEnv(), db: prisma, boss, logger, clock });

export async function startWorker() {
  await runHandlers(boss, buildJobHandlers(deps), { concurrency: 4, logger });
}

export const app = await startAppServer({ port: appPort });

export async function seedShop(shop: string, settings: Parameters<typeof seedDemoShop>[0]["settings"] = {}) {
  return seedDemoShop({
    shopify: shopify.control,
    databaseUrl: getEnv().DATABASE_URL,
    encryptionKeys: TEST_ENCRYPTION_KEYS,
    scopes: SCOPES,
    shop,
    accessToken: `shpat_${shop.split(".")[0]}`,
    settings,
  });
}

/** Creates a paid order in the Shopify simulator, which sends its signed orders/paid webhook to the app. */
export async function placeShopifyOrder(
  seeded: Awaited<ReturnType<typeof seedShop>>,
  lines: { handle: DemoHandle; quantity: number }[],
  options: {
    email?: string | null;
    locale?: string;
    send?: boolean;
    risk?: "ACCEPT" | "CANCEL" | "INVESTIGATE" | "NONE";
  } = {},
) {
  return shopify.control.createOrder({
    shop: seeded.shop,
    lines: lines.map((l) => ({ variantId: seeded.variants[l.handle], quantity: l.quantity })),
    customer:
      options.email === null
        ? null
        : { firstName: "Ada", lastName: "Buyer", email: options.email ?? "ada@example.com" },
    email: options.email === null ? null : undefined,
    customerLocale: options.locale ?? "en",
    riskRecommendation: options.risk,
    sendPaidWebhook: options.send ?? true,
  });
}

/**
 * What a worker's intake job does with the shop's stored orders/paid webhooks, for tests that run the
 * use cases themselves instead of a worker. Returns the order's delivery.
 */
export async function takeIn(shop: string, orderId: string | number) {
  const pending = await prisma.webhookReceipt.findMany({ where: { shop, processedAt: null } });
  for (const receipt of pending) await intakePaidOrder(deps, { shop, webhookId: receipt.webhookId });
  return deliveryOf(shop, orderId);
}

export function deliveryOf(shop: string, orderId: string | number) {
  return prisma.delivery.findUnique({
    where: { shop_shopifyOrderId: { shop, shopifyOrderId: String(orderId) } },
    include: { lines: true, events: { orderBy: { createdAt: "asc" } }, emails: true, keys: true },
  });
}

export async function stopHarness() {
  await boss.stop({ graceful: false, close: true });
  await app.close();
  await Promise.all([erysta.close(), shopify.close(), smtp.stop()]);
}

export { prisma };
