// Product mappings (Shopify variant → Erysta product id). Every function takes the shop domain.
import type { Db, Tx } from "~/db.server";

export interface MappingInput {
  variantId: string;
  erystaProductId: string;
  productTitle?: string | null;
  variantTitle?: string | null;
  sku?: string | null;
}

export function listMappings(db: Db | Tx, shop: string, variantIds?: string[]) {
  return db.productMapping.findMany({
    where: { shop, ...(variantIds ? { variantId: { in: variantIds } } : {}) },
    orderBy: [{ productTitle: "asc" }, { variantId: "asc" }],
  });
}

export function countMappings(db: Db | Tx, shop: string) {
  return db.productMapping.count({ where: { shop } });
}

export function upsertMapping(db: Db | Tx, shop: string, input: MappingInput) {
  const details = {
    erystaProductId: input.erystaProductId,
    productTitle: input.productTitle ?? null,
    variantTitle: input.variantTitle ?? null,
    sku: input.sku ?? null,
  };
  return db.productMapping.upsert({
    where: { shop_variantId: { shop, variantId: input.variantId } },
    create: { shop, variantId: input.variantId, ...details },
    update: details,
  });
}

export function deleteMapping(db: Db | Tx, shop: string, variantId: string) {
  return db.productMapping.deleteMany({ where: { shop, variantId } });
}
