// Product mappings in the admin: the shop's Shopify variants (live, from its offline session) next to
// their Erysta product ids; inline edits, auto-match by SKU, CSV import with a row-by-row report, export.
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { isErystaProductId } from "~/fulfillment/mapping";
import { deleteMapping, listMappings, upsertMapping } from "~/models/mapping.server";
import { findOrCreateShop } from "~/models/shop.server";
import {
  listVariants,
  MAX_VARIANTS_PAGE_SIZE,
  ShopifyAdminError,
  type VariantSummary,
} from "~/shopify-admin/index.server";
import type { AdminDeps } from "./deps";

export const VARIANTS_PAGE_SIZE = 25;
/** Auto-match and import read the whole catalog, up to this many variants. */
const MAX_SCANNED_VARIANTS = 10_000;
export const MAX_IMPORT_ROWS = 5_000;

export interface VariantRow {
  variantId: string;
  legacyId: string;
  productTitle: string;
  variantTitle: string;
  sku: string | null;
  requiresShipping: boolean;
  imageUrl: string | null;
  erystaProductId: string | null;
  /** Digital (no shipping) and not mapped: paid orders of it will not be delivered. */
  needsMapping: boolean;
}

export const legacyIdOf = (gid: string) => gid.replace(/^gid:\/\/shopify\/ProductVariant\//, "");
export const variantGidOf = (id: string) =>
  /^gid:\/\/shopify\/ProductVariant\/\d+$/.test(id) ? id : `gid://shopify/ProductVariant/${id}`;

export function normalizeErystaId(value: string) {
  return value.trim().toLowerCase();
}

export async function listVariantMappings(
  deps: Pick<AdminDeps, "db" | "shopifyFor">,
  input: { shop: string; query: string | null; after: string | null; digitalOnly: boolean },
) {
  await findOrCreateShop(deps.db, input.shop);
  const query = [input.query?.trim(), input.digitalOnly ? "requires_shipping:false" : null]
    .filter(Boolean)
    .join(" ");
  try {
    const gateway = await deps.shopifyFor(input.shop);
    const page = await listVariants(gateway, {
      first: VARIANTS_PAGE_SIZE,
      after: input.after,
      query: query || null,
    });
    const mappings = await listMappings(
      deps.db,
      input.shop,
      page.variants.map((v) => v.id),
    );
    const byVariant = new Map(mappings.map((m) => [m.variantId, m.erystaProductId]));
    const rows: VariantRow[] = page.variants.map((v) => {
      const erystaProductId = byVariant.get(v.id) ?? null;
      return {
        variantId: v.id,
        legacyId: legacyIdOf(v.id),
        productTitle: v.productTitle,
        variantTitle: v.title,
        sku: v.sku,
        requiresShipping: v.requiresShipping,
        imageUrl: v.imageUrl,
        erystaProductId,
        needsMapping: !erystaProductId && !v.requiresShipping,
      };
    });
    const mappedTotal = await deps.db.productMapping.count({ where: { shop: input.shop } });
    return { ok: true as const, rows, pageInfo: page.pageInfo, mappedTotal };
  } catch (err) {
    if (!(err instanceof ShopifyAdminError)) throw err;
    return {
      ok: false as const,
      message: `Shopify did not return your products (${err.message}). Try again in a moment.`,
    };
  }
}

async function findVariant(deps: Pick<AdminDeps, "shopifyFor">, shop: string, variantId: string) {
  const gateway = await deps.shopifyFor(shop);
  const page = await listVariants(gateway, { first: 1, query: `id:${legacyIdOf(variantId)}` });
  return page.variants.find((v) => v.id === variantId) ?? null;
}

/** Inline edit of one variant's mapping; an empty id removes it. */
export async function saveMapping(
  deps: Pick<AdminDeps, "db" | "shopifyFor">,
  input: { shop: string; variantId: string; erystaProductId: string | null },
): Promise<{ ok: true; message: string } | { ok: false; message: string; field?: string }> {
  await findOrCreateShop(deps.db, input.shop);
  if (!input.erystaProductId) {
    await deleteMapping(deps.db, input.shop, input.variantId);
    return { ok: true, message: "Mapping removed." };
  }
  const variant = await findVariant(deps, input.shop, input.variantId);
  if (!variant) return { ok: false, message: "This variant no longer exists in your store." };
  await upsertMapping(deps.db, input.shop, mappingOf(variant, normalizeErystaId(input.erystaProductId)));
  return { ok: true, message: `${variant.displayName} mapped.` };
}

function mappingOf(v: VariantSummary, erystaProductId: string) {
  return {
    variantId: v.id,
    erystaProductId,
    productTitle: v.productTitle,
    variantTitle: v.title,
    sku: v.sku,
  };
}

async function scanVariants(deps: Pick<AdminDeps, "shopifyFor">, shop: string) {
  const gateway = await deps.shopifyFor(shop);
  const variants: VariantSummary[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await listVariants(gateway, { first: MAX_VARIANTS_PAGE_SIZE, after });
    variants.push(...page.variants);
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor || variants.length >= MAX_SCANNED_VARIANTS)
      break;
    after = page.pageInfo.endCursor;
  }
  return variants;
}

/** Maps every unmapped variant whose SKU is itself an Erysta product id (24 hex characters). */
export async function autoMatchBySku(
  deps: Pick<AdminDeps, "db" | "shopifyFor">,
  input: { shop: string },
): Promise<{ ok: true; matched: number; message: string } | { ok: false; message: string }> {
  await findOrCreateShop(deps.db, input.shop);
  let variants: VariantSummary[];
  try {
    variants = await scanVariants(deps, input.shop);
  } catch (err) {
    if (!(err instanceof ShopifyAdminError)) throw err;
    return { ok: false, message: `Shopify did not return your products (${err.message}).` };
  }
  const mapped = new Set((await listMappings(deps.db, input.shop)).map((m) => m.variantId));
  let matched = 0;
  for (const v of variants) {
    if (mapped.has(v.id) || !isErystaProductId(v.sku)) continue;
    await upsertMapping(deps.db, input.shop, mappingOf(v, normalizeErystaId(v.sku!)));
    matched++;
  }
  return {
    ok: true,
    matched,
    message:
      matched === 0
        ? "No unmapped variant has an Erysta product id as its SKU."
        : `Mapped ${matched} variant${matched === 1 ? "" : "s"} by SKU.`,
  };
}

export interface ImportRowReport {
  row: number;
  input: string;
  status: "mapped" | "updated" | "unchanged" | "error";
  message: string;
}

const HEADER_ALIASES: Record<string, "variant" | "sku" | "erysta"> = {
  variant_id: "variant",
  variantid: "variant",
  variant: "variant",
  "variant id": "variant",
  sku: "sku",
  erysta_product_id: "erysta",
  "erysta product id": "erysta",
  erysta_id: "erysta",
  erysta: "erysta",
  erystaproductid: "erysta",
};

/**
 * CSV with columns (variant id or SKU, Erysta product id), with or without a header row (our export
 * is a valid import). Each row is checked against the shop's variants; nothing is mapped on a bad row.
 */
export async function importMappingsCsv(
  deps: Pick<AdminDeps, "db" | "shopifyFor">,
  input: { shop: string; csv: string },
): Promise<
  | {
      ok: true;
      message: string;
      report: ImportRowReport[];
      counts: Record<ImportRowReport["status"], number>;
    }
  | { ok: false; message: string }
> {
  await findOrCreateShop(deps.db, input.shop);
  let records: string[][];
  try {
    records = parse(input.csv.replace(/^\uFEFF/, ""), {
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      delimiter: [",", ";", "\t"],
    }) as string[][];
  } catch (err) {
    return { ok: false, message: `The file is not valid CSV: ${(err as Error).message}` };
  }
  if (records.length === 0) return { ok: false, message: "The file is empty." };

  const first = records[0]!.map((h) => h.toLowerCase().trim());
  const roles = first.map((h) => HEADER_ALIASES[h]);
  const hasHeader = roles.some((r) => r === "erysta");
  const column = (role: "variant" | "sku" | "erysta") => (hasHeader ? roles.indexOf(role) : -1);
  const variantCol = column("variant");
  const skuCol = column("sku");
  const erystaCol = hasHeader ? column("erysta") : 1;
  const rows = hasHeader ? records.slice(1) : records;
  if (rows.length > MAX_IMPORT_ROWS)
    return { ok: false, message: `At most ${MAX_IMPORT_ROWS} rows per import; split the file.` };

  let variants: VariantSummary[];
  try {
    variants = await scanVariants(deps, input.shop);
  } catch (err) {
    if (!(err instanceof ShopifyAdminError)) throw err;
    return {
      ok: false,
      message: `Shopify did not return your products (${err.message}). Nothing was imported.`,
    };
  }
  const byId = new Map(variants.map((v) => [v.id, v]));
  const bySku = new Map<string, VariantSummary[]>();
  for (const v of variants) {
    if (!v.sku) continue;
    const key = v.sku.trim().toLowerCase();
    bySku.set(key, [...(bySku.get(key) ?? []), v]);
  }
  const existing = new Map(
    (await listMappings(deps.db, input.shop)).map((m) => [m.variantId, m.erystaProductId]),
  );

  const report: ImportRowReport[] = [];
  for (const [index, cells] of rows.entries()) {
    const row = index + 1 + (hasHeader ? 1 : 0);
    const at = (col: number) => (col >= 0 ? (cells[col] ?? "").trim() : "");
    // Without a header: first column is a variant id (number or gid) or else a SKU.
    const ref = hasHeader ? at(variantCol) || at(skuCol) : at(0);
    const byVariantId = hasHeader
      ? !!at(variantCol)
      : /^(\d+|gid:\/\/shopify\/ProductVariant\/\d+)$/.test(ref);
    const erystaId = normalizeErystaId(at(erystaCol));
    const fail = (message: string) =>
      report.push({ row, input: ref || cells.join(","), status: "error", message });

    if (!ref) {
      fail("No variant id or SKU.");
      continue;
    }
    if (!isErystaProductId(erystaId)) {
      fail(`"${at(erystaCol)}" is not an Erysta product id (24 hexadecimal characters).`);
      continue;
    }
    let targets: VariantSummary[];
    if (byVariantId) {
      if (!/^(\d+|gid:\/\/shopify\/ProductVariant\/\d+)$/.test(ref)) {
        fail(`"${ref}" is not a variant id.`);
        continue;
      }
      const variant = byId.get(variantGidOf(ref));
      if (!variant) {
        fail(`No variant ${legacyIdOf(ref)} in this store.`);
        continue;
      }
      targets = [variant];
    } else {
      targets = bySku.get(ref.toLowerCase()) ?? [];
      if (targets.length === 0) {
        fail(`No variant with SKU "${ref}" in this store.`);
        continue;
      }
    }
    let status: ImportRowReport["status"] = "unchanged";
    for (const v of targets) {
      const before = existing.get(v.id);
      if (before === erystaId) continue;
      await upsertMapping(deps.db, input.shop, mappingOf(v, erystaId));
      existing.set(v.id, erystaId);
      status = before ? "updated" : status === "updated" ? "updated" : "mapped";
    }
    const names = targets.map((v) => v.displayName).join(", ");
    report.push({
      row,
      input: ref,
      status,
      message: status === "unchanged" ? `${names}: already mapped to ${erystaId}.` : `${names} → ${erystaId}`,
    });
  }
  const counts = { mapped: 0, updated: 0, unchanged: 0, error: 0 };
  for (const r of report) counts[r.status]++;
  const changed = counts.mapped + counts.updated;
  return {
    ok: true,
    report,
    counts,
    message: `Imported ${changed} mapping${changed === 1 ? "" : "s"}${counts.error ? `; ${counts.error} row${counts.error === 1 ? "" : "s"} with errors` : ""}.`,
  };
}

/** Spreadsheet apps run cells starting with = + - @ as formulas: such values are prefixed with '. */
const safeCell = (value: string | null) => {
  const v = value ?? "";
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
};

export async function exportMappingsCsv(deps: Pick<AdminDeps, "db">, input: { shop: string }) {
  const mappings = await listMappings(deps.db, input.shop);
  return stringify(
    mappings.map((m) => [
      legacyIdOf(m.variantId),
      safeCell(m.sku),
      safeCell(m.productTitle),
      safeCell(m.variantTitle),
      m.erystaProductId,
    ]),
    { header: true, columns: ["variant_id", "sku", "product_title", "variant_title", "erysta_product_id"] },
  );
}
