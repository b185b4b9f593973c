// Shared set-up of the Shopify Admin tests: a simulator started in-process, one shop with a digital and a
// physical product, and gateways pointed at it.
import { createAdminGateway, type AdminGatewayOptions } from "../../app/shopify-admin/gateway.server";
import { ThrottleBudget } from "../../app/shopify-admin/throttle";
import {
  startShopifySimulator,
  type RunningShopifySimulator,
  type ShopifySimulatorOptions,
} from "../support/shopify-sim";
import { TEST_API_SECRET } from "../support/test-env";

export const SHOP = "erysta-test.myshopify.com";
export const TOKEN = "shpat_test_token_0001";

export function startSimulator(
  options: Partial<ShopifySimulatorOptions> = {},
): Promise<RunningShopifySimulator> {
  return startShopifySimulator({ apiSecret: TEST_API_SECRET, ...options });
}

export async function seedShop(sim: RunningShopifySimulator) {
  await sim.control.reset();
  const shop = await sim.control.createShop({
    domain: SHOP,
    accessToken: TOKEN,
    name: "Erysta Test",
    email: "owner@erysta-test.example",
    currencyCode: "EUR",
  });
  const gameKey = await sim.control.createProduct({
    shop: SHOP,
    title: "Space Game",
    imageUrl: "https://cdn.example.com/space-game.png",
    variants: [
      { title: "Steam key", sku: "GAME-STEAM", price: "19.99", requiresShipping: false },
      { title: "Deluxe", sku: "GAME-DELUXE", price: "29.99", requiresShipping: false },
    ],
  });
  const poster = await sim.control.createProduct({
    shop: SHOP,
    title: "Poster",
    variants: [{ sku: "POSTER-A2", price: "9.50", requiresShipping: true }],
  });
  return {
    shop,
    digital: gameKey.variants[0]!,
    deluxe: gameKey.variants[1]!,
    physical: poster.variants[0]!,
  };
}

export function gatewayFor(sim: RunningShopifySimulator, options: Partial<AdminGatewayOptions> = {}) {
  return createAdminGateway({
    shop: SHOP,
    accessToken: TOKEN,
    origin: sim.origin,
    budget: new ThrottleBudget(),
    ...options,
  });
}
