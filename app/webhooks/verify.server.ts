// Proves a webhook came from Shopify: HMAC-SHA256 of the raw body with the app's secret, compared in
// constant time, as https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify
// describes. We do this ourselves rather than through `authenticate.webhook` because that helper also
// loads (and may refresh) the shop's offline session on every call: a database query, sometimes a
// network call, that no webhook here needs and that a flash sale of orders/paid cannot afford.
import { createHmac, timingSafeEqual } from "node:crypto";
import { getEnv } from "~/env.server";

export interface VerifiedWebhook {
  shop: string;
  topic: string;
  webhookId: string;
  apiVersion: string | null;
  rawBody: string;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** The verified webhook, or a thrown Response: 405 not a POST, 401 bad signature, 400 missing headers. */
export async function verifyShopifyWebhook(
  request: Request,
  secret = getEnv().SHOPIFY_API_SECRET,
): Promise<VerifiedWebhook> {
  if (request.method !== "POST") throw new Response(null, { status: 405, statusText: "Method not allowed" });
  const rawBody = await request.text();
  const signature = request.headers.get("x-shopify-hmac-sha256") ?? "";
  if (!validSignature(rawBody, signature, secret)) {
    throw new Response(null, { status: 401, statusText: "Unauthorized" });
  }
  const shop = request.headers.get("x-shopify-shop-domain")?.toLowerCase() ?? "";
  const topic = request.headers.get("x-shopify-topic") ?? "";
  const webhookId = request.headers.get("x-shopify-webhook-id") ?? "";
  if (!SHOP_DOMAIN.test(shop) || !topic || !webhookId) {
    throw new Response("Missing or invalid X-Shopify-Shop-Domain, X-Shopify-Topic or X-Shopify-Webhook-Id", {
      status: 400,
    });
  }
  return { shop, topic, webhookId, apiVersion: request.headers.get("x-shopify-api-version"), rawBody };
}

function validSignature(rawBody: string, signature: string, secret: string): boolean {
  const expected = createHmac("sha256", secret).update(rawBody, "utf8").digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The body as JSON, or a 400 naming the problem (a body that is not JSON is never Shopify's). */
export function parseJsonBody(webhook: VerifiedWebhook): unknown {
  try {
    return JSON.parse(webhook.rawBody);
  } catch {
    throw new Response(`The ${webhook.topic} body is not JSON`, { status: 400 });
  }
}
