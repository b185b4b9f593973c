// shopify.app.toml and the code must agree: one API version, and a route for every subscription.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "~/shopify-admin/api-version";
import { ROOT } from "../support/processes";

const toml = readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8");

describe("shopify.app.toml", () => {
  it("pins the same Admin API version as the code", () => {
    expect(toml).toMatch(new RegExp(`api_version = "${ADMIN_API_VERSION}"`));
  });

  it("subscribes to orders/paid, app/uninstalled and the three compliance topics, each with its route file", () => {
    const subscriptions = [
      ...toml.matchAll(/(compliance_topics|topics) = \[ "([^"]+)" \]\s+uri = "([^"]+)"/g),
    ].map((m) => ({
      topic: m[2]!,
      uri: m[3]!,
    }));
    expect(subscriptions.map((s) => s.topic).sort()).toEqual(
      ["app/uninstalled", "customers/data_request", "customers/redact", "orders/paid", "shop/redact"].sort(),
    );
    for (const { topic, uri } of subscriptions) {
      expect(uri).toBe(`/webhooks/${topic}`);
      const route = path.join(ROOT, "app/routes", `webhooks.${topic.replace("/", ".")}.tsx`);
      expect(existsSync(route), `${route} handles ${topic}`).toBe(true);
      expect(toml).toContain(`# app/routes/webhooks.${topic.replace("/", ".")}.tsx`);
    }
  });

  it("declares the app-owned order metafield the sync job writes, readable by the merchant", () => {
    expect(toml).toMatch(
      /\[order\.metafields\.app\.erysta_delivery\][^[]*type = "json"[^[]*access\.admin = "merchant_read"/s,
    );
  });
});
