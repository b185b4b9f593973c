// @vitest-environment happy-dom
// The extension as Shopify would load it: the toml names targets that exist in the installed
// @shopify/ui-extensions, and `npm run build:extensions` produces one self-contained module per target
// that renders with nothing but the `shopify` global and fetch.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildExtensions, MAX_COMPRESSED_BYTES, targetsOf, type BuiltModule } from "../../build";
import { fakeShopify } from "./fake-shopify";

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const UI_EXTENSIONS = path.join(DIR, "..", "..", "node_modules", "@shopify", "ui-extensions");
const TOML = readFileSync(path.join(DIR, "shopify.extension.toml"), "utf8");
const APP_URL = "https://erysta-build.example";

describe("extension configuration", () => {
  it("targets the Thank you and Order status blocks of the installed API version, with network access", () => {
    const pkg = JSON.parse(readFileSync(path.join(UI_EXTENSIONS, "package.json"), "utf8")) as {
      version: string;
    };
    const [year, month] = pkg.version.split(".");
    expect(TOML).toMatch(new RegExp(`^api_version = "${year}-${month!.padStart(2, "0")}"$`, "m"));
    expect(TOML).toMatch(/^\s*network_access = true$/m);
    expect(TOML).toMatch(/^type = "ui_extension"$/m);

    const targets = targetsOf(TOML);
    expect(targets.map((t) => t.target)).toEqual([
      "purchase.thank-you.block.render",
      "customer-account.order-status.block.render",
    ]);
    const types = path.join(UI_EXTENSIONS, "build/ts/surfaces");
    expect(existsSync(path.join(types, "checkout/targets/purchase.thank-you.block.render.d.ts"))).toBe(true);
    expect(
      existsSync(
        path.join(types, "customer-account/targets/customer-account.order-status.block.render.d.ts"),
      ),
    ).toBe(true);
    for (const { module } of targets) expect(existsSync(path.join(DIR, module)), module).toBe(true);
  });
});

describe("npm run build:extensions", () => {
  let outDir: string;
  let built: BuiltModule[];
  beforeAll(async () => {
    // Inside the project (git-ignored dist/), where the test runner may load modules from.
    mkdirSync(path.join(DIR, "dist"), { recursive: true });
    outDir = mkdtempSync(path.join(DIR, "dist", "test-"));
    built = await buildExtensions({ appUrl: APP_URL, outDir: () => outDir });
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("bundles one self-contained ES module per target, within Shopify's size limit", () => {
    expect(built.map((b) => [b.target, path.basename(b.file)])).toEqual([
      ["purchase.thank-you.block.render", "ThankYou.js"],
      ["customer-account.order-status.block.render", "OrderStatus.js"],
    ]);
    for (const b of built) {
      const code = readFileSync(b.file, "utf8");
      expect(code).toMatch(/export\s*\{\s*\w+ as default\s*\}/);
      expect(code).not.toMatch(/^\s*import\s/m); // everything bundled, nothing left to resolve
      expect(code).toContain(APP_URL);
      expect(code).not.toContain("__ERYSTA_APP_URL__");
      expect(b.gzipBytes).toBeLessThan(MAX_COMPRESSED_BYTES);
    }
  });

  it("the built Thank you module renders the keys from the backend", async () => {
    const { api } = fakeShopify({ language: "en" });
    const requests: string[] = [];
    vi.stubGlobal("shopify", api);
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string) => {
        requests.push(String(url));
        return Response.json({
          status: "delivered",
          access: "granted",
          products: [
            {
              title: "Space Game",
              ordered: 1,
              missing: 0,
              keys: [{ id: "k1", type: "text", value: "KEY-1" }],
            },
          ],
        });
      }),
    );
    try {
      const thankYou = built.find((b) => b.target === "purchase.thank-you.block.render")!;
      const module = (await import(/* @vite-ignore */ pathToFileURL(thankYou.file).href)) as {
        default: () => Promise<void>;
      };
      await module.default();
      await vi.waitFor(() => expect(document.body.querySelector("s-clipboard-item")).not.toBeNull());
      expect(requests).toEqual([`${APP_URL}/api/customer/order-keys?surface=checkout`]);
      expect(document.body.querySelector("s-clipboard-item")!.getAttribute("text")).toBe("KEY-1");
      expect(document.body.querySelector("s-banner")!.getAttribute("heading")).toBe("Your keys are ready");
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
