// Deliveries in any state, written straight to the test database (the admin reads them; the fulfillment
// use cases that normally write them have their own tests). Keys are sealed exactly as the app seals them.
import type { DeliveryStatus, KeyType, Prisma, PrismaClient } from "@prisma/client";
import QRCode from "qrcode";
import { encrypt, parseKeyring } from "../../app/security/encryption.server";
import { TEST_ENCRYPTION_KEYS } from "./test-env";

const keyring = parseKeyring(TEST_ENCRYPTION_KEYS);
let orderNumber = 1000;

export const TEXT_PRODUCT = "69ae19b4397b2e44c02853f5";
export const QR_PRODUCT = "69ae19b4397b2e44c0285401";

export function qrDataUrl(text = "GIFT-CARD-0001") {
  return QRCode.toDataURL(text, { margin: 1, width: 120 });
}

export interface DeliveryFixture {
  status: DeliveryStatus;
  email?: string | null;
  firstName?: string;
  orderName?: string;
  createdAt?: Date;
  lateAlertedAt?: Date | null;
  statusReason?: string | null;
  erystaOrderId?: string | null;
  placeAttempts?: number;
  keys?: { type: KeyType; value: string }[];
  /** Extra timeline events (after "received"). */
  events?: { type: string; message?: string; data?: Prisma.InputJsonValue; toStatus?: DeliveryStatus }[];
}

export async function createDelivery(db: PrismaClient, shop: string, fixture: DeliveryFixture) {
  orderNumber += 1;
  const shopifyOrderId = String(5_000_000_000_000 + orderNumber);
  const keys = fixture.keys ?? [];
  const delivery = await db.delivery.create({
    data: {
      shop,
      shopifyOrderId,
      orderGid: `gid://shopify/Order/${shopifyOrderId}`,
      orderName: fixture.orderName ?? `#${orderNumber}`,
      customerEmail: fixture.email === undefined ? `buyer${orderNumber}@example.com` : fixture.email,
      customerFirstName: fixture.firstName ?? "Ada",
      customerLastName: "Lovelace",
      status: fixture.status,
      statusReason: fixture.statusReason ?? null,
      referenceId: shopifyOrderId,
      erystaOrderId: fixture.erystaOrderId ?? null,
      placeAttempts: fixture.placeAttempts ?? 0,
      lateAlertedAt: fixture.lateAlertedAt ?? null,
      createdAt: fixture.createdAt,
      lines: {
        create: [
          {
            shop,
            shopifyLineItemId: `${shopifyOrderId}1`,
            title: "Starfall Odyssey — Steam key",
            sku: "KEY-STARFALL",
            quantity: Math.max(1, keys.filter((k) => k.type === "TEXT").length),
            erystaProductId: TEXT_PRODUCT,
            deliveredQuantity: keys.filter((k) => k.type === "TEXT").length,
          },
          ...(keys.some((k) => k.type === "IMAGE")
            ? [
                {
                  shop,
                  shopifyLineItemId: `${shopifyOrderId}2`,
                  title: "Arcade Gift Card €25 (QR)",
                  quantity: keys.filter((k) => k.type === "IMAGE").length,
                  erystaProductId: QR_PRODUCT,
                  deliveredQuantity: keys.filter((k) => k.type === "IMAGE").length,
                },
              ]
            : []),
        ],
      },
      events: {
        create: [
          {
            shop,
            type: "received",
            message: "Paid order received.",
            toStatus: "RECEIVED",
            createdAt: new Date(),
          },
          ...(fixture.events ?? []).map((e, i) => ({
            shop,
            // In order, a millisecond apart (like events of successive attempts).
            createdAt: new Date(Date.now() + i + 1),
            type: e.type,
            message: e.message ?? e.type,
            data: e.data,
            toStatus: e.toStatus,
          })),
        ],
      },
    },
    include: { lines: true },
  });
  let position = 0;
  for (const key of keys) {
    const line = delivery.lines.find(
      (l) => l.erystaProductId === (key.type === "IMAGE" ? QR_PRODUCT : TEXT_PRODUCT),
    );
    await db.deliveredKey.create({
      data: {
        shop,
        deliveryId: delivery.id,
        lineId: line?.id,
        erystaProductId: line!.erystaProductId,
        position: position++,
        type: key.type,
        valueCiphertext: encrypt(keyring, key.value, shop),
      },
    });
  }
  return delivery;
}

/** A shop row (and its offline session) without going through Shopify. */
export async function createShop(
  db: PrismaClient,
  shop: string,
  data: Partial<Prisma.ShopCreateInput> = {},
  scope = process.env.SCOPES ?? "",
) {
  await db.session.upsert({
    where: { id: `offline_${shop}` },
    create: {
      id: `offline_${shop}`,
      shop,
      state: "",
      isOnline: false,
      scope,
      accessToken: `shpat_${shop.split(".")[0]}`,
    },
    update: {},
  });
  return db.shop.upsert({ where: { shop }, create: { shop, ...data }, update: data });
}

export function sealFor(shop: string, value: string) {
  return encrypt(keyring, value, shop);
}
