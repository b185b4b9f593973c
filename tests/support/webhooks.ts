// Sends a webhook to the app the way Shopify does: raw JSON body, HMAC-SHA256 of it with the app secret.
import { createHmac, randomUUID } from "node:crypto";
import { TEST_API_SECRET } from "./test-env";

export function signWebhookBody(body: string, secret = TEST_API_SECRET): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export async function postWebhook(
  appOrigin: string,
  {
    topic,
    shop,
    payload,
    webhookId = randomUUID(),
    secret = TEST_API_SECRET,
    hmac,
  }: {
    topic: string;
    shop: string;
    payload: unknown;
    webhookId?: string;
    secret?: string;
    hmac?: string;
  },
): Promise<Response> {
  const body = JSON.stringify(payload);
  return fetch(`${appOrigin}/webhooks/${topic}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-Webhook-Id": webhookId,
      "X-Shopify-Event-Id": randomUUID(),
      "X-Shopify-API-Version": "2026-07",
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-Hmac-Sha256": hmac ?? signWebhookBody(body, secret),
    },
    body,
  });
}
