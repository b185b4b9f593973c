// Product mappings: variants live from the Shopify simulator, inline save with validation, auto-match
// by SKU, CSV import with a row-by-row report, CSV export.
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_PRODUCTS } from "../../simulators/erysta";
import { call } from "../support/admin-routes";
import { startAdminStack } from "../support/admin-stack";

const stack = await startAdminStack();
const { db } = stack;
const route = await import("~/routes/app.mappings._index");
const exportRoute = await import("~/routes/app.mappings.export");
type Data = Extract<Awaited<ReturnType<typeof route.loader>>, { ok: true }> & { query: string };

const SHOP = "mappings-shop.myshopify.com";
const seeded = await stack.seedShop(SHOP, { mapped: false });
const gid = (legacyId: number) => `gid://shopify/ProductVariant/${legacyId}`;
// A variant whose SKU is an Erysta product id, and one whose title would be a spreadsheet formula.
const hexSku = await stack.shopify.control.createProduct({
  shop: SHOP,
  title: "Steam Wallet 20",
  variants: [
    {
      title: "Default Title",
      sku: DEMO_PRODUCTS.textSeconds.toUpperCase(),
      price: "20.00",
      requiresShipping: false,
    },
  ],
});
const formula = await stack.shopify.control.createProduct({
  shop: SHOP,
  title: '=HYPERLINK("http://evil")',
  variants: [{ title: "Default Title", sku: "FORMULA-1", price: "1.00", requiresShipping: false }],
});

afterAll(async () => {
  await stack.close();
});

const load = (query = "") => call<Data>(route.loader, `/app/mappings${query}`, { shop: SHOP });
type Result = {
  ok: boolean;
  message: string;
  field?: string;
  report?: { row: number; status: string; message: string }[];
  counts?: Record<string, number>;
  matched?: number;
};
const act = (form: Record<string, string>) =>
  call<Result>(route.action, "/app/mappings", { shop: SHOP, form });

describe("listing", () => {
  it("lists the shop's variants with their mapping, unmapped digital ones flagged", async () => {
    const { data } = await load();
    expect(data.ok).toBe(true);
    expect(data.rows).toHaveLength(11);
    const tshirt = data.rows.find((r) => r.sku === "TEE-M")!;
    const key = data.rows.find((r) => r.sku === "KEY-INSTANTKEY")!;
    expect(tshirt).toMatchObject({ requiresShipping: true, needsMapping: false, erystaProductId: null });
    expect(key).toMatchObject({ requiresShipping: false, needsMapping: true, erystaProductId: null });
  });

  it("searches, filters to digital variants, and pages with cursors", async () => {
    expect((await load("?q=Nebula")).data.rows.map((r) => r.sku)).toEqual(["KEY-SECONDSKEY"]);
    const digital = (await load("?digital=1")).data.rows;
    expect(digital.every((r) => !r.requiresShipping)).toBe(true);
    expect(digital).toHaveLength(10);
    for (let i = 0; i < 20; i++)
      await stack.shopify.control.createProduct({
        shop: SHOP,
        title: `Bulk key ${i}`,
        variants: [{ title: "Default Title", sku: `BULK-${i}`, price: "1.00", requiresShipping: false }],
      });
    const first = await load();
    expect(first.data.rows).toHaveLength(25);
    expect(first.data.pageInfo.hasNextPage).toBe(true);
    const second = await load(`?after=${encodeURIComponent(first.data.pageInfo.endCursor!)}&prev=~`);
    expect(second.data.rows).toHaveLength(6);
    expect(second.data.pageInfo.hasNextPage).toBe(false);
  });
});

describe("inline edit", () => {
  it("saves a valid Erysta id with the variant's details from Shopify", async () => {
    const res = await act({
      intent: "save",
      variantId: gid(seeded.variants.instantKey),
      erystaProductId: DEMO_PRODUCTS.textInstant.toUpperCase(),
    });
    expect(res.data.ok).toBe(true);
    const mapping = await db.productMapping.findUniqueOrThrow({
      where: { shop_variantId: { shop: SHOP, variantId: gid(seeded.variants.instantKey) } },
    });
    expect(mapping).toMatchObject({
      erystaProductId: DEMO_PRODUCTS.textInstant,
      productTitle: "Starfall Odyssey — Steam key",
      sku: "KEY-INSTANTKEY",
    });
    const row = (await load("?q=Starfall")).data.rows[0]!;
    expect(row).toMatchObject({ erystaProductId: DEMO_PRODUCTS.textInstant, needsMapping: false });
  });

  it("refuses an id that is not 24 hex characters, a foreign variant, or a malformed variant id", async () => {
    for (const erystaProductId of ["abc", "69ae19b4397b2e44c02853fz", "69ae19b4397b2e44c02853f5a"]) {
      const res = await act({ intent: "save", variantId: gid(seeded.variants.qrGiftCard), erystaProductId });
      expect(res).toMatchObject({ status: 422, data: { ok: false, field: "erystaProductId" } });
    }
    const foreign = await act({
      intent: "save",
      variantId: gid(987654321),
      erystaProductId: DEMO_PRODUCTS.qrImage,
    });
    expect(foreign).toMatchObject({
      status: 422,
      data: { message: "This variant no longer exists in your store." },
    });
    const malformed = await act({
      intent: "save",
      variantId: "gid://shopify/Order/1",
      erystaProductId: DEMO_PRODUCTS.qrImage,
    });
    expect(malformed).toMatchObject({ status: 422, data: { field: "variantId" } });
    expect(
      await db.productMapping.count({
        where: { shop: SHOP, variantId: { not: gid(seeded.variants.instantKey) } },
      }),
    ).toBe(0);
  });

  it("an empty id removes the mapping", async () => {
    await act({
      intent: "save",
      variantId: gid(seeded.variants.slowKey),
      erystaProductId: DEMO_PRODUCTS.slowMinutes,
    });
    const res = await act({ intent: "save", variantId: gid(seeded.variants.slowKey), erystaProductId: "" });
    expect(res.data).toMatchObject({ ok: true, message: "Mapping removed." });
    expect(
      await db.productMapping.count({ where: { shop: SHOP, variantId: gid(seeded.variants.slowKey) } }),
    ).toBe(0);
  });
});

describe("auto-match by SKU", () => {
  it("maps unmapped variants whose SKU is an Erysta product id, and nothing else", async () => {
    const res = await act({ intent: "auto_match" });
    expect(res.data).toMatchObject({ ok: true, matched: 1 });
    const mapping = await db.productMapping.findUniqueOrThrow({
      where: { shop_variantId: { shop: SHOP, variantId: hexSku.variants[0]!.id } },
    });
    expect(mapping.erystaProductId).toBe(DEMO_PRODUCTS.textSeconds);
    expect((await act({ intent: "auto_match" })).data.matched).toBe(0);
  });
});

describe("CSV import", () => {
  it("imports by variant id or SKU and reports every row", async () => {
    const csv = [
      "variant_id,sku,erysta_product_id",
      `${seeded.variants.qrGiftCard},,${DEMO_PRODUCTS.qrImage}`,
      `,KEY-PARTIALBUNDLE,${DEMO_PRODUCTS.partial}`,
      `gid://shopify/ProductVariant/${seeded.variants.failingKey},,${DEMO_PRODUCTS.failed}`,
      `,KEY-INSTANTKEY,${DEMO_PRODUCTS.textInstant}`,
      `,NO-SUCH-SKU,${DEMO_PRODUCTS.textInstant}`,
      `123456789,,${DEMO_PRODUCTS.textInstant}`,
      `,KEY-SOLDOUTKEY,not-an-id`,
      `,,${DEMO_PRODUCTS.textInstant}`,
    ].join("\r\n");
    const res = await act({ intent: "import", csv });
    expect(res.status).toBe(200);
    expect(res.data.report!.map((r) => [r.row, r.status])).toEqual([
      [2, "mapped"],
      [3, "mapped"],
      [4, "mapped"],
      [5, "unchanged"],
      [6, "error"],
      [7, "error"],
      [8, "error"],
      [9, "error"],
    ]);
    expect(res.data.report![4]!.message).toBe('No variant with SKU "NO-SUCH-SKU" in this store.');
    expect(res.data.report![5]!.message).toBe("No variant 123456789 in this store.");
    expect(res.data.report![6]!.message).toMatch(/not an Erysta product id/);
    expect(res.data.counts).toEqual({ mapped: 3, updated: 0, unchanged: 1, error: 4 });
    const mapped = await db.productMapping.findMany({ where: { shop: SHOP } });
    expect(mapped.find((m) => m.sku === "KEY-PARTIALBUNDLE")?.erystaProductId).toBe(DEMO_PRODUCTS.partial);
    expect(mapped.find((m) => m.sku === "KEY-SOLDOUTKEY")).toBeUndefined();
  });

  it("accepts a file without a header row (variant id or SKU first) and updates existing mappings", async () => {
    const res = await act({
      intent: "import",
      csv: `KEY-QRGIFTCARD;${DEMO_PRODUCTS.qrOddType}\n${seeded.variants.slow20Key};${DEMO_PRODUCTS.slow20min}\n`,
    });
    expect(res.data.report!.map((r) => [r.row, r.status])).toEqual([
      [1, "updated"],
      [2, "mapped"],
    ]);
  });

  it("rejects what is not a CSV it can read, and empty or missing files", async () => {
    expect((await act({ intent: "import", csv: '"unclosed,quote\nrow' })).status).toBe(422);
    expect((await act({ intent: "import", csv: "" })).status).toBe(422);
    expect((await act({ intent: "import" })).status).toBe(422);
    expect((await act({ intent: "import", csv: "\n\n" })).data.message).toBe("The file is empty.");
  });
});

describe("CSV export", () => {
  it("exports the shop's mappings, importable as is, with formula cells neutralised", async () => {
    await act({
      intent: "save",
      variantId: formula.variants[0]!.id,
      erystaProductId: DEMO_PRODUCTS.textInstant,
    });
    const res = await call<string>(exportRoute.loader, "/app/mappings/export", { shop: SHOP });
    const lines = res.data.trim().split("\n");
    expect(lines[0]).toBe("variant_id,sku,product_title,variant_title,erysta_product_id");
    expect(lines).toContain(
      `${seeded.variants.qrGiftCard},KEY-QRGIFTCARD,Arcade Gift Card €25 (QR),Default Title,${DEMO_PRODUCTS.qrOddType}`,
    );
    expect(res.data).toContain(`"'=HYPERLINK(""http://evil"")"`);
    const count = await db.productMapping.count({ where: { shop: SHOP } });
    expect(lines).toHaveLength(count + 1);

    const roundTrip = await act({ intent: "import", csv: res.data });
    expect(roundTrip.data.counts).toMatchObject({ mapped: 0, updated: 0, error: 0, unchanged: count });
  });
});
