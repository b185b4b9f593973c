// Webhook origin check: HMAC of the raw body with the app secret, headers Shopify always sends.
import { describe, expect, it } from "vitest";
import { verifyShopifyWebhook } from "~/webhooks/verify.server";
import { signWebhookBody } from "../support/webhooks";

const SECRET = "verify-test-secret";
const body = JSON.stringify({ id: 1, note: "ünïcode survives" });
const headers = (overrides: Record<string, string | null> = {}) => {
  const all: Record<string, string | null> = {
    "X-Shopify-Hmac-Sha256": signWebhookBody(body, SECRET),
    "X-Shopify-Shop-Domain": "verify.myshopify.com",
    "X-Shopify-Topic": "orders/paid",
    "X-Shopify-Webhook-Id": "wh-1",
    "X-Shopify-API-Version": "2026-07",
    ...overrides,
  };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null));
};
const request = (h: Record<string, string>, init: { method?: string; body?: string } = {}) =>
  new Request("https://app.example/webhooks/orders/paid", {
    method: init.method ?? "POST",
    headers: h,
    body: init.method === "GET" ? undefined : (init.body ?? body),
  });
const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (r: unknown) => (r as Response).status,
  );

describe("verifyShopifyWebhook", () => {
  it("accepts a correctly signed webhook and returns who sent what, with the raw body", async () => {
    const verified = await verifyShopifyWebhook(request(headers()), SECRET);
    expect(verified).toEqual({
      shop: "verify.myshopify.com",
      topic: "orders/paid",
      webhookId: "wh-1",
      apiVersion: "2026-07",
      rawBody: body,
    });
  });

  it("refuses a wrong, missing or truncated signature, or a body changed after signing, with 401", async () => {
    expect(await status(verifyShopifyWebhook(request(headers()), "another-secret"))).toBe(401);
    expect(
      await status(verifyShopifyWebhook(request(headers({ "X-Shopify-Hmac-Sha256": null })), SECRET)),
    ).toBe(401);
    const truncated = signWebhookBody(body, SECRET).slice(0, 20);
    expect(
      await status(verifyShopifyWebhook(request(headers({ "X-Shopify-Hmac-Sha256": truncated })), SECRET)),
    ).toBe(401);
    expect(
      await status(verifyShopifyWebhook(request(headers(), { body: body.replace("1", "2") }), SECRET)),
    ).toBe(401);
  });

  it("refuses a signed request without a shop domain, topic or webhook id with 400, and a GET with 405", async () => {
    for (const missing of ["X-Shopify-Shop-Domain", "X-Shopify-Topic", "X-Shopify-Webhook-Id"]) {
      expect(await status(verifyShopifyWebhook(request(headers({ [missing]: null })), SECRET))).toBe(400);
    }
    expect(
      await status(
        verifyShopifyWebhook(request(headers({ "X-Shopify-Shop-Domain": "evil.example.com" })), SECRET),
      ),
    ).toBe(400);
    expect(await status(verifyShopifyWebhook(request(headers(), { method: "GET" }), SECRET))).toBe(405);
  });
});
