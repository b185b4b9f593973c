// Which lines of a Shopify order are Erysta products, and what to order. Pure.
import { z } from "zod";

const ERYSTA_PRODUCT_ID = /^[a-f0-9]{24}$/i;

export interface OrderLineInput {
  lineItemId: string;
  variantGid: string | null;
  sku: string | null;
  title: string;
  quantity: number;
}

export interface MappedLine extends OrderLineInput {
  erystaProductId: string;
}

export function isErystaProductId(value: string | null | undefined): value is string {
  return !!value && ERYSTA_PRODUCT_ID.test(value.trim());
}

/**
 * Lines mapped by the shop's ProductMapping (variant gid → Erysta product id); when the shop enables it,
 * a variant SKU that is itself an Erysta product id maps too. Everything else (physical goods,
 * unmapped products) is left to the merchant.
 */
export function mapOrderLines(
  lines: OrderLineInput[],
  mappings: Map<string, string>,
  options: { mapBySku: boolean },
): MappedLine[] {
  const mapped: MappedLine[] = [];
  for (const line of lines) {
    if (line.quantity <= 0) continue;
    const byVariant = line.variantGid ? mappings.get(line.variantGid) : undefined;
    const bySku =
      options.mapBySku && isErystaProductId(line.sku) ? line.sku!.trim().toLowerCase() : undefined;
    const erystaProductId = byVariant ?? bySku;
    if (erystaProductId) mapped.push({ ...line, erystaProductId });
  }
  return mapped;
}

/** Erysta's behaviour for a product listed twice is undocumented: merge by product, sum quantities. */
export function mergeByProduct(lines: { erystaProductId: string; quantity: number }[]) {
  const totals = new Map<string, number>();
  for (const line of lines)
    totals.set(line.erystaProductId, (totals.get(line.erystaProductId) ?? 0) + line.quantity);
  return [...totals].map(([id, quantity]) => ({ id, quantity }));
}

export const variantGid = (variantId: string | number) => `gid://shopify/ProductVariant/${variantId}`;

/** The orders/paid payload fields we use (REST order JSON). Ids may be numbers or strings. */
const restId = z.union([z.number(), z.string()]).transform(String);
export const paidOrderPayload = z.object({
  id: restId,
  admin_graphql_api_id: z.string().optional(),
  name: z.string(),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  currency: z.string().nullish(),
  customer_locale: z.string().nullish(),
  order_status_url: z.string().nullish(),
  // Proves the buyer on the Thank you / Order status pages (app/customer/buyer-proof.server.ts).
  checkout_token: z.string().nullish(),
  customer: z
    .object({
      id: restId.nullish(),
      email: z.string().nullish(),
      first_name: z.string().nullish(),
      last_name: z.string().nullish(),
    })
    .nullish(),
  line_items: z.array(
    z.object({
      id: restId,
      variant_id: restId.nullish(),
      sku: z.string().nullish(),
      title: z.string(),
      name: z.string().nullish(),
      quantity: z.number().int(),
    }),
  ),
});
export type PaidOrderPayload = z.infer<typeof paidOrderPayload>;
