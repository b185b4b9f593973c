// The one Shopify app configuration: auth (embedded, token exchange), session storage in PostgreSQL,
// the pinned Admin API version, and what happens after a merchant installs.
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { prisma } from "~/db.server";
import { getEnv } from "~/env.server";
import { ensureShop } from "~/models/shop.server";
import { logger } from "~/logger.server";
import { ADMIN_API_VERSION } from "~/shopify-admin/api-version";
import { createAdminGatewayForSession, getShop } from "~/shopify-admin/index.server";

const env = getEnv();

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: ADMIN_API_VERSION as ApiVersion,
  scopes: env.SCOPES.split(",").map((s) => s.trim()),
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  future: {
    // Shopify-managed installation + token exchange: no OAuth redirects inside the admin.
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    afterAuth: async ({ session }) => {
      const shop = await ensureShop(prisma, session.shop);
      if (!shop.alertEmail) await defaultAlertEmail(session);
    },
  },
});

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const sessionStorage = shopify.sessionStorage;

/** Merchant alerts go to the shop's contact email until the merchant chooses another address. */
async function defaultAlertEmail(session: { shop: string; accessToken?: string }) {
  try {
    const gateway = createAdminGatewayForSession(session, { origin: env.SHOPIFY_ADMIN_API_ORIGIN });
    const info = await getShop(gateway);
    if (info.email) {
      await prisma.shop.updateMany({
        where: { shop: session.shop, alertEmail: null },
        data: { alertEmail: info.email },
      });
    }
  } catch (err) {
    logger.warn({ err, shop: session.shop }, "could not read the shop's email for alerts");
  }
}
