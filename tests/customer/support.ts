// Shared by the customer-surface tests: session tokens as Shopify mints them for UI extensions, and
// deliveries with stored (encrypted) keys.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import QRCode from "qrcode";
import type { DeliveryStatus, Prisma } from "@prisma/client";
import { checkoutTokenDigest } from "~/customer/buyer-proof.server";
import { prisma } from "~/db.server";
import { sealSecret } from "~/security/secrets.server";
import { TEST_API_KEY, TEST_API_SECRET } from "../support/test-env";

export const SHOP_A = "pixel-keys.myshopify.com";
export const SHOP_B = "other-shop.myshopify.com";
/** Where Shopify runs UI extensions: every request to the app is cross-origin. */
export const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";
/** The extension runs in the buyer's browser; Shopify's helper answers 410 to bot user agents. */
export const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

/** A UI extension session token: HS256 with the app secret, aud = API key, dest = shop. */
export async function mintSessionToken(
  claims: {
    shop?: string;
    sub?: string;
    aud?: string;
    secret?: string;
    /** Seconds from now; negative for an expired token. */
    expiresIn?: number;
  } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const shop = claims.shop ?? SHOP_A;
  const expiresIn = claims.expiresIn ?? 300;
  const jwt = new SignJWT({ dest: shop, ...(claims.sub ? { sub: claims.sub } : {}) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(`https://${shop}/checkouts`)
    .setAudience(claims.aud ?? TEST_API_KEY)
    .setJti(randomUUID())
    .setIssuedAt(Math.min(now, now + expiresIn - 60))
    .setNotBefore(Math.min(now, now + expiresIn - 60))
    .setExpirationTime(now + expiresIn);
  return jwt.sign(new TextEncoder().encode(claims.secret ?? TEST_API_SECRET));
}

export async function qrPngDataUrl(text: string): Promise<string> {
  return QRCode.toDataURL(text, { margin: 1, width: 120 });
}

export interface SeedInput {
  shop?: string;
  orderId: string;
  status?: DeliveryStatus;
  customerId?: string | null;
  checkoutToken?: string | null;
  createdAt?: Date;
  /** Any other column of the delivery (locale, order status URL, ...). */
  extra?: Partial<Prisma.DeliveryUncheckedCreateInput>;
  lines: { title: string; quantity: number; keys: { type: "TEXT" | "IMAGE"; value: string }[] }[];
}

export async function seedDelivery(input: SeedInput) {
  const shop = input.shop ?? SHOP_A;
  await prisma.shop.upsert({ where: { shop }, create: { shop }, update: {} });
  const delivery = await prisma.delivery.create({
    data: {
      shop,
      shopifyOrderId: input.orderId,
      orderGid: `gid://shopify/Order/${input.orderId}`,
      orderName: `#${input.orderId}`,
      customerEmail: "anna@example.com",
      customerId: input.customerId === undefined ? "77" : input.customerId,
      checkoutTokenHash: input.checkoutToken ? checkoutTokenDigest(input.checkoutToken) : null,
      status: input.status ?? "DELIVERED",
      referenceId: input.orderId,
      createdAt: input.createdAt,
      ...input.extra,
    },
  });
  for (const [index, line] of input.lines.entries()) {
    const productId = `69ae19b4397b2e44c02853f${index}`;
    const row = await prisma.deliveryLine.create({
      data: {
        deliveryId: delivery.id,
        shop,
        shopifyLineItemId: `${input.orderId}${index}`,
        title: line.title,
        quantity: line.quantity,
        erystaProductId: productId,
        deliveredQuantity: line.keys.length,
      },
    });
    for (const [position, key] of line.keys.entries()) {
      await prisma.deliveredKey.create({
        data: {
          deliveryId: delivery.id,
          shop,
          lineId: row.id,
          erystaProductId: productId,
          productTitle: line.title,
          position,
          type: key.type,
          valueCiphertext: sealSecret(key.value, shop),
        },
      });
    }
  }
  return delivery;
}

export async function truncateAll() {
  await prisma.$executeRawUnsafe(
    `TRUNCATE "Shop", "Session", "ProductMapping", "Delivery", "EmailMessage", "WebhookReceipt" CASCADE`,
  );
}
