// The demo shop, seeded on both sides: products in the Shopify simulator, and in the app's database the
// shop's settings (with its Erysta key encrypted), its offline session and its product mappings.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { encrypt, parseKeyring } from "../../app/security/encryption.server";
import { DEMO_PRODUCTS } from "../../simulators/erysta";
import type { ShopifySimulatorClient } from "../../simulators/shopify";

export const DEMO_SHOP = "erysta-demo.myshopify.com";
export const DEMO_ACCESS_TOKEN = "shpat_local_demo_token";
export const DEMO_ERYSTA_KEY = "erysta-demo-api-key";
export const DEMO_ALERT_EMAIL = "owner@erysta-demo.example";

/** The demo catalog: Shopify products, each variant mapped to an Erysta product (or physical). */
export const DEMO_CATALOG = [
  {
    handle: "instantKey",
    title: "Starfall Odyssey — Steam key",
    erysta: DEMO_PRODUCTS.textInstant,
    price: "19.99",
  },
  { handle: "qrGiftCard", title: "Arcade Gift Card €25 (QR)", erysta: DEMO_PRODUCTS.qrImage, price: "25.00" },
  { handle: "secondsKey", title: "Nebula Racer — key", erysta: DEMO_PRODUCTS.textSeconds, price: "9.99" },
  {
    handle: "slowKey",
    title: "Rare Collector's Key (slow source)",
    erysta: DEMO_PRODUCTS.slowMinutes,
    price: "39.00",
  },
  {
    handle: "slow20Key",
    title: "Import Key (15–20 min source)",
    erysta: DEMO_PRODUCTS.slow20min,
    price: "29.00",
  },
  {
    handle: "partialBundle",
    title: "Bundle of keys (partly available)",
    erysta: DEMO_PRODUCTS.partial,
    price: "15.00",
  },
  {
    handle: "failingKey",
    title: "Region-locked key (supplier fails)",
    erysta: DEMO_PRODUCTS.failed,
    price: "12.00",
  },
  { handle: "soldOutKey", title: "Sold-out key", erysta: DEMO_PRODUCTS.outOfStock, price: "59.00" },
  { handle: "tshirt", title: "Erysta T-shirt (physical)", erysta: null, price: "22.00" },
] as const;
export type DemoHandle = (typeof DEMO_CATALOG)[number]["handle"];

export interface SeededShop {
  shop: string;
  /** Shopify variant legacy id per demo product. */
  variants: Record<DemoHandle, number>;
}

export async function seedDemoShop(input: {
  shopify: ShopifySimulatorClient;
  databaseUrl: string;
  encryptionKeys: string;
  scopes: string;
  shop?: string;
  accessToken?: string;
  erystaApiKey?: string;
  settings?: Partial<{
    autoFulfill: boolean;
    holdHighRisk: boolean;
    mapBySku: boolean;
    notifyCustomerWhenLate: boolean;
    refundUndelivered: boolean;
    lateAfterMinutes: number;
  }>;
}): Promise<SeededShop> {
  const shop = input.shop ?? DEMO_SHOP;
  const accessToken = input.accessToken ?? DEMO_ACCESS_TOKEN;
  await input.shopify.createShop({
    domain: shop,
    accessToken,
    name: "Erysta Demo Games",
    email: DEMO_ALERT_EMAIL,
    currencyCode: "EUR",
  });

  const variants = {} as Record<DemoHandle, number>;
  const mappings: { variantId: string; erystaProductId: string; productTitle: string; sku: string | null }[] =
    [];
  for (const item of DEMO_CATALOG) {
    const product = await input.shopify.createProduct({
      shop,
      title: item.title,
      variants: [
        {
          title: "Default Title",
          sku: item.erysta ? `KEY-${item.handle.toUpperCase()}` : "TEE-M",
          price: item.price,
          requiresShipping: !item.erysta,
        },
      ],
    });
    const variant = product.variants[0]!;
    variants[item.handle] = variant.legacyId;
    if (item.erysta)
      mappings.push({
        variantId: variant.id,
        erystaProductId: item.erysta,
        productTitle: item.title,
        sku: variant.sku,
      });
  }

  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: input.databaseUrl, max: 2 }) });
  try {
    const keyring = parseKeyring(input.encryptionKeys);
    const erystaKey = input.erystaApiKey ?? DEMO_ERYSTA_KEY;
    const shopData = {
      erystaApiKeyCiphertext: encrypt(keyring, erystaKey, shop),
      erystaApiKeyLast4: erystaKey.slice(-4),
      erystaConnectedAt: new Date(),
      alertEmail: DEMO_ALERT_EMAIL,
      senderName: "Erysta Demo Games",
      replyTo: "support@erysta-demo.example",
      ...input.settings,
    };
    await db.shop.upsert({
      where: { shop },
      create: { shop, ...shopData },
      update: { ...shopData, uninstalledAt: null },
    });
    await db.session.upsert({
      where: { id: `offline_${shop}` },
      create: { id: `offline_${shop}`, shop, state: "", isOnline: false, scope: input.scopes, accessToken },
      update: { accessToken, scope: input.scopes },
    });
    for (const m of mappings) {
      await db.productMapping.upsert({
        where: { shop_variantId: { shop, variantId: m.variantId } },
        create: { shop, ...m },
        update: { erystaProductId: m.erystaProductId, productTitle: m.productTitle, sku: m.sku },
      });
    }
  } finally {
    await db.$disconnect();
  }
  return { shop, variants };
}
