// Storing delivered keys: the commit point of a delivery. Keys are encrypted (bound to the shop) and
// assigned to the order lines of their product, in line order; per-line delivered quantities say what
// is missing after a partial delivery.
import type { DeliveryLine, KeyType } from "@prisma/client";
import type { Tx } from "~/db.server";
import type { ErystaOrderKeys } from "~/erysta/index.server";
import { openSecret, sealSecret } from "~/security/secrets.server";

export interface StoredKeysSummary {
  delivered: number;
  ordered: number;
  partial: boolean;
}

export async function storeKeys(
  tx: Tx,
  delivery: { id: string; shop: string },
  lines: DeliveryLine[],
  order: ErystaOrderKeys,
): Promise<StoredKeysSummary> {
  const linesByProduct = new Map<string, DeliveryLine[]>();
  for (const line of lines) {
    const list = linesByProduct.get(line.erystaProductId) ?? [];
    list.push(line);
    linesByProduct.set(line.erystaProductId, list);
  }
  const deliveredPerLine = new Map<string, number>();
  const rows: {
    deliveryId: string;
    shop: string;
    lineId: string | null;
    erystaProductId: string;
    productTitle: string | null;
    position: number;
    type: KeyType;
    valueCiphertext: string;
  }[] = [];

  for (const product of order.products) {
    const productLines = linesByProduct.get(product.id) ?? [];
    let lineIndex = 0;
    let usedOnLine = 0;
    product.keys.forEach((key, position) => {
      // Fill lines of this product in order; surplus keys (more than ordered) stay unassigned but kept.
      while (lineIndex < productLines.length && usedOnLine >= productLines[lineIndex]!.quantity) {
        lineIndex++;
        usedOnLine = 0;
      }
      const line = productLines[lineIndex];
      if (line) {
        usedOnLine++;
        deliveredPerLine.set(line.id, (deliveredPerLine.get(line.id) ?? 0) + 1);
      }
      rows.push({
        deliveryId: delivery.id,
        shop: delivery.shop,
        lineId: line?.id ?? null,
        erystaProductId: product.id,
        productTitle: product.title ?? line?.title ?? null,
        position,
        type: key.type === "image" ? "IMAGE" : "TEXT",
        valueCiphertext: sealSecret(key.value, delivery.shop),
      });
    });
  }

  // Idempotent: a re-run after a crash finds the same (delivery, product, position) rows.
  await tx.deliveredKey.createMany({ data: rows, skipDuplicates: true });
  for (const line of lines) {
    await tx.deliveryLine.update({
      where: { id: line.id },
      data: { deliveredQuantity: Math.min(line.quantity, deliveredPerLine.get(line.id) ?? 0) },
    });
  }
  const ordered = lines.reduce((n, l) => n + l.quantity, 0);
  const delivered = lines.reduce((n, l) => n + Math.min(l.quantity, deliveredPerLine.get(l.id) ?? 0), 0);
  return { delivered, ordered, partial: delivered < ordered };
}

export interface PlainKey {
  id: string;
  lineId: string | null;
  erystaProductId: string;
  productTitle: string | null;
  position: number;
  type: KeyType;
  value: string;
}

/** Decrypts a delivery's keys for a customer email, the Shopify metafield or a merchant's reveal. */
export async function readKeys(
  db: Tx | { deliveredKey: Tx["deliveredKey"] },
  shop: string,
  deliveryId: string,
): Promise<PlainKey[]> {
  const rows = await db.deliveredKey.findMany({
    where: { shop, deliveryId },
    orderBy: [{ erystaProductId: "asc" }, { position: "asc" }],
  });
  return rows.map(({ valueCiphertext, ...row }) => ({ ...row, value: openSecret(valueCiphertext, shop) }));
}
