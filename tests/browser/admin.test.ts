// The merchant admin in headless Chromium, against the real Remix app (served in-process), the Erysta
// and Shopify simulators, an SMTP capture and an in-process worker. One browser for the whole file;
// every wait is on something observable (a DOM state, a toast, a row, a captured email).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { DEMO_PRODUCTS } from "../../simulators/erysta";
import { listenAdminAppServer } from "../support/admin-app-server";
import { DESKTOP_CHROME, launchBrowser, openAdminPage, type AdminPage } from "../support/admin-browser";
import { adminDocumentUrl, mintSessionToken } from "../support/admin-session";
import {
  BLOCKED_ERYSTA_KEY,
  GOOD_ERYSTA_KEY,
  SHOP_ERYSTA_KEY,
  startAdminStack,
} from "../support/admin-stack";
import { startAdminWorker } from "../support/admin-worker";
import { TEST_API_SECRET } from "../support/test-env";
import { waitFor } from "../support/wait";

const SHOP = "browser-demo.myshopify.com";
const FRESH = "browser-fresh.myshopify.com";

const app = await listenAdminAppServer();
const stack = await startAdminStack({ appUrl: app.origin });
const seeded = await stack.seedShop(SHOP, { alertEmail: null });
await stack.seedShop(FRESH, { connected: false, mapped: false, alertEmail: null });
await app.start({ cacheName: "admin-browser" });
const worker = await startAdminWorker();
const { db } = stack;

let browser: Browser;
let admin: AdminPage;
let fresh: AdminPage;

/** A paid order through Shopify's orders/paid webhook; resolves when its delivery reaches `until`. */
async function paidOrder(
  lines: { handle: keyof typeof seeded.variants; quantity: number }[],
  until: string[],
  email = "ada@example.com",
) {
  const { order } = await stack.shopify.control.createOrder({
    shop: SHOP,
    lines: lines.map((l) => ({ variantId: seeded.variants[l.handle], quantity: l.quantity })),
    customer: { firstName: "Ada", lastName: "Lovelace", email },
    sendPaidWebhook: true,
  });
  return waitFor(
    async () => {
      const d = await db.delivery.findFirst({
        where: { shop: SHOP, shopifyOrderId: String(order.legacyId) },
      });
      return d && until.includes(d.status) ? d : undefined;
    },
    { what: `order ${order.name} to reach ${until.join("/")}`, timeoutMs: 30_000 },
  );
}

beforeAll(async () => {
  browser = await launchBrowser();
  admin = await openAdminPage(browser, { origin: app.origin, shop: SHOP });
  fresh = await openAdminPage(browser, { origin: app.origin, shop: FRESH, userId: "7" });
});
afterAll(async () => {
  await browser?.close();
  await worker.stop();
  await app.close();
  await stack.close();
});

describe("onboarding and settings", () => {
  it("a new shop sees the setup guide on its dashboard", async () => {
    await fresh.open("/app");
    await fresh.page.getByRole("heading", { name: "Set up Erysta Fulfillment" }).waitFor();
    await fresh.screenshot("onboarding-dashboard");
    expect(fresh.problems).toEqual([]);
  });

  it("connect refuses a bad key, explains an IP allow-list refusal, and accepts a good key", async () => {
    const { page } = fresh;
    await fresh.open("/app/settings");
    const keyField = page.getByLabel("Erysta API key");
    const connect = page.getByRole("button", { name: "Connect", exact: true });

    await keyField.fill("erysta-wrong-key-0000");
    await connect.click();
    await page.getByText("Erysta did not accept this API key").waitFor();

    await keyField.fill(BLOCKED_ERYSTA_KEY);
    await connect.click();
    const refusal = page.getByText("Erysta refused this app's server address");
    await refusal.waitFor();
    await expect(page.getByText(/add 127\.0\.0\.1/).isVisible()).resolves.toBe(true);
    await fresh.screenshot("settings-ip-not-allowed");
    let row = await db.shop.findUniqueOrThrow({ where: { shop: FRESH } });
    expect(row.erystaApiKeyCiphertext).toBeNull();

    await keyField.fill(GOOD_ERYSTA_KEY);
    await connect.click();
    await fresh.waitForToast("Erysta connected");
    await page.getByText("API key ending in").waitFor();
    await expect(page.getByText(GOOD_ERYSTA_KEY.slice(-4), { exact: true }).isVisible()).resolves.toBe(true);
    row = await db.shop.findUniqueOrThrow({ where: { shop: FRESH } });
    expect(row.erystaApiKeyLast4).toBe(GOOD_ERYSTA_KEY.slice(-4));
    expect(row.erystaApiKeyCiphertext).toBeTruthy();
    expect(row.erystaApiKeyCiphertext).not.toContain(GOOD_ERYSTA_KEY);
    await fresh.screenshot("settings-connected");
  });

  it("delivery options are validated and saved", async () => {
    const { page } = admin;
    await admin.open("/app/settings");
    const late = page.getByLabel("Late after");
    await late.fill("0");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("At least 1 minute").waitFor();
    await late.fill("35");
    await page.getByLabel("Reply-to address").fill("help@browser-demo.example");
    await page.getByRole("button", { name: "Save" }).click();
    await admin.waitForToast("Settings saved");
    const row = await db.shop.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(row).toMatchObject({ lateAfterMinutes: 35, replyTo: "help@browser-demo.example" });
    await admin.screenshot("settings");
  });
});

describe("orders", () => {
  let delivered: Awaited<ReturnType<typeof paidOrder>>;
  let unfunded: Awaited<ReturnType<typeof paidOrder>>;

  beforeAll(async () => {
    delivered = await paidOrder(
      [
        { handle: "instantKey", quantity: 1 },
        { handle: "qrGiftCard", quantity: 1 },
      ],
      ["DELIVERED"],
    );
    await stack.erysta.control.setAccount({ apiKey: SHOP_ERYSTA_KEY, balance: 0, creditLimit: 0 });
    unfunded = await paidOrder(
      [{ handle: "secondsKey", quantity: 1 }],
      ["FAILED_TO_PLACE"],
      "leo@example.com",
    );
  });

  it("the dashboard counts what needs attention and the list filters it", async () => {
    const { page } = admin;
    await admin.open("/app");
    await page.getByLabel("Failed to place: 1").waitFor();
    await page.getByText("could not be placed: Erysta balance too low").waitFor();
    await admin.screenshot("dashboard");
    await page.getByLabel("Failed to place: 1").click();
    await page.waitForURL(/\/app\/orders\?status=FAILED_TO_PLACE/);
    await page.getByRole("link", { name: unfunded.orderName }).waitFor();
    await expect(page.getByRole("link", { name: delivered.orderName }).count()).resolves.toBe(0);

    await admin.open("/app/orders");
    await page.getByRole("link", { name: delivered.orderName }).waitFor();
    await admin.screenshot("orders");
    expect(admin.problems).toEqual([]);
  });

  it("reveal shows the keys, QR images included, and records who revealed them", async () => {
    const { page } = admin;
    await admin.open(`/app/orders/${delivered.id}`);
    await page.getByRole("heading", { name: "Timeline" }).waitFor();
    await expect(page.getByTestId("key-masked").count()).resolves.toBe(1);
    await admin.screenshot("order");
    await page.getByRole("button", { name: "Reveal keys" }).click();
    await page.getByTestId("key-value").waitFor();
    const image = page.locator('img[alt^="Key 2"]');
    await image.waitFor();
    expect(await image.getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const events = await db.deliveryEvent.findMany({
      where: { deliveryId: delivered.id, type: "keys_revealed" },
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.actor).toBe("merchant:42");
    await admin.screenshot("order-revealed");
  });

  it("resend to another address sends exactly one email", async () => {
    const { page } = admin;
    const recipient = "copy-for-support@example.com";
    await admin.open(`/app/orders/${delivered.id}`);
    await page.getByRole("button", { name: "Resend keys" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Another address").click();
    await dialog.getByLabel("Email address").fill(recipient);
    await admin.screenshot("order-resend", { fullPage: false });
    await dialog.getByRole("button", { name: "Send email" }).click();
    await admin.waitForToast(`Keys sent to ${recipient}`);
    const email = await waitFor(
      () => db.emailMessage.findFirst({ where: { shop: SHOP, recipient, status: "SENT" } }),
      { what: "the resent email to be sent" },
    );
    expect(await db.emailMessage.count({ where: { shop: SHOP, recipient } })).toBe(1);
    const captured = stack.smtp.messages.filter((m) => m.envelope.to.includes(recipient));
    expect(captured).toHaveLength(1);
    expect(captured[0]!.attachments.filter((a) => a.contentId)).toHaveLength(1); // the QR key, inline
    expect(email.idempotencyKey).toMatch(/^resend:/);
  });

  it("retry after a top-up places exactly one Erysta order", async () => {
    const { page } = admin;
    await stack.erysta.control.setAccount({ apiKey: SHOP_ERYSTA_KEY, balance: 500, creditLimit: 0 });
    await admin.open(`/app/orders/${unfunded.id}`);
    await page.getByRole("button", { name: "Retry placement" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("spends money from your Erysta balance").waitFor();
    await dialog.getByText("does not cover this order").first().waitFor(); // what happened before
    await admin.screenshot("order-retry-confirm", { fullPage: false });
    expect(await stack.erysta.control.orders({ referenceId: unfunded.referenceId })).toHaveLength(0);
    await dialog.getByRole("button", { name: "Place new order" }).click();
    await admin.waitForToast("with Erysta again");
    await waitFor(
      async () =>
        (await db.delivery.findUniqueOrThrow({ where: { id: unfunded.id } })).status === "DELIVERED",
      { what: "the retried order to be delivered", timeoutMs: 30_000 },
    );
    expect(await stack.erysta.control.orders({ referenceId: unfunded.referenceId })).toHaveLength(1);
    const debits = (await stack.erysta.control.ledger({ referenceId: unfunded.referenceId })).filter(
      (e) => e.amount < 0,
    );
    expect(debits).toHaveLength(1);
    const asked = await db.deliveryEvent.findFirstOrThrow({
      where: { deliveryId: unfunded.id, type: "retry_requested" },
    });
    expect(asked.actor).toBe("merchant:42");
  });

  it("another shop's order id is not found", async () => {
    const other = await db.delivery.create({
      data: {
        shop: FRESH,
        shopifyOrderId: "990001",
        orderGid: "gid://shopify/Order/990001",
        orderName: "#9001",
        status: "DELIVERED",
        referenceId: "990001",
        customerEmail: "someone@else.example",
      },
    });
    const response = await admin.page.goto(
      await adminDocumentUrl(app.origin, `/app/orders/${other.id}`, SHOP),
    );
    expect(response?.status()).toBe(404);
    await admin.page.getByText("Order not found").waitFor();
    await expect(admin.page.getByText("someone@else.example").count()).resolves.toBe(0);
    await admin.screenshot("order-not-found");
  });
});

describe("product mappings", () => {
  it("shows unmapped digital variants and saves an inline edit after validating it", async () => {
    const { page } = fresh;
    await fresh.open("/app/mappings");
    await page.getByText(/digital variants? on this page not mapped/).waitFor();
    await fresh.screenshot("mappings");
    const field = page.getByLabel(/Erysta product id for Starfall Odyssey/);
    await field.fill("not-an-id");
    await page.getByRole("button", { name: /Save mapping for Starfall Odyssey/ }).click();
    await page.getByText("An Erysta product id is 24 characters").waitFor();
    await field.fill(DEMO_PRODUCTS.textInstant);
    await page.getByRole("button", { name: /Save mapping for Starfall Odyssey/ }).click();
    await fresh.waitForToast("mapped");
    const mapping = await db.productMapping.findFirstOrThrow({
      where: { shop: FRESH, sku: "KEY-INSTANTKEY" },
    });
    expect(mapping.erystaProductId).toBe(DEMO_PRODUCTS.textInstant);
  });

  it("imports a CSV with a row-by-row report and exports the mappings", async () => {
    const { page } = fresh;
    await fresh.open("/app/mappings");
    await page.getByRole("button", { name: "Import CSV" }).click();
    const dialog = page.getByRole("dialog");
    const csv = [
      "sku,erysta_product_id",
      `KEY-QRGIFTCARD,${DEMO_PRODUCTS.qrImage}`,
      `NO-SUCH-SKU,${DEMO_PRODUCTS.textSeconds}`,
      "KEY-SECONDSKEY,zzz",
    ].join("\n");
    await dialog
      .locator('input[type="file"]')
      .setInputFiles({ name: "mappings.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await dialog.getByText("mappings.csv").waitFor();
    await dialog.getByRole("button", { name: "Import", exact: true }).click();
    const report = dialog.getByTestId("import-report");
    await report.waitFor();
    await expect(report.getByText("Mapped", { exact: true }).count()).resolves.toBe(1);
    await expect(report.getByText("Error", { exact: true }).count()).resolves.toBe(2);
    await report.getByText('No variant with SKU "NO-SUCH-SKU" in this store.').waitFor();
    await fresh.screenshot("mappings-import-report", { fullPage: false });
    const qr = await db.productMapping.findFirstOrThrow({ where: { shop: FRESH, sku: "KEY-QRGIFTCARD" } });
    expect(qr.erystaProductId).toBe(DEMO_PRODUCTS.qrImage);
    expect(await db.productMapping.count({ where: { shop: FRESH } })).toBe(2);
    await dialog.getByRole("button", { name: "Close" }).last().click();

    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    const file = await download;
    const exported = await (await file.createReadStream()).toArray();
    const text = Buffer.concat(exported).toString("utf8");
    expect(text.split("\n")[0]).toBe("variant_id,sku,product_title,variant_title,erysta_product_id");
    expect(text).toContain(DEMO_PRODUCTS.qrImage);
    expect(text).toContain(DEMO_PRODUCTS.textInstant);
  });
});

describe("customer email template", () => {
  it("previews live, rejects an invalid template with its line, and saves a valid one", async () => {
    const { page } = admin;
    await admin.open("/app/email");
    await page.getByTestId("preview-subject").waitFor();
    await page.frameLocator('iframe[title="Email preview"]').locator('img[alt^="Key 3"]').waitFor();
    await admin.screenshot("email-template-default");
    const subject = page.getByLabel("Subject");
    const body = page.getByLabel("Body (HTML with Liquid)");
    await body.fill(
      "<p>Hello {{ customer.first_name }}</p>\n{% for key in keys %}\n<p>{{ key.value }}</p>\n",
    );
    await page.getByText(/Body, line 2: tag \{% for key in keys %\} not closed/).waitFor();
    await body.fill(
      "<p>Hello {{ customer.first_name }}</p>\n{% for key in keys %}<p>{{ key.value }}</p>{% endfor %}",
    );
    await subject.fill("Keys for {{ order.name }}");
    await page.getByTestId("preview-subject").getByText("Keys for #1001").waitFor();
    await page.frameLocator('iframe[title="Email preview"]').getByText("Hello Ada").waitFor();
    await admin.screenshot("email-template");
    await page.getByRole("button", { name: "Save" }).click();
    await admin.waitForToast("Email template saved");
    const row = await db.shop.findUniqueOrThrow({ where: { shop: SHOP } });
    expect(row.emailSubjectTemplate).toBe("Keys for {{ order.name }}");
  });
});

describe("authentication", () => {
  it("a request without a valid session is refused", async () => {
    const dataUrl = `${app.origin}/app/orders?_data=routes%2Fapp.orders._index`;
    const anonymous = await fetch(dataUrl, { headers: { "User-Agent": DESKTOP_CHROME }, redirect: "manual" });
    expect(anonymous.status).not.toBe(200);
    expect(await anonymous.text()).not.toContain("orderName");

    const forged = await mintSessionToken({ shop: SHOP, secret: "not-the-app-secret" });
    const refused = await fetch(dataUrl, {
      headers: { "User-Agent": DESKTOP_CHROME, Authorization: `Bearer ${forged}` },
      redirect: "manual",
    });
    expect(refused.status).toBe(401);

    const expired = await mintSessionToken({ shop: SHOP, expiresIn: -120, secret: TEST_API_SECRET });
    const late = await fetch(dataUrl, {
      headers: { "User-Agent": DESKTOP_CHROME, Authorization: `Bearer ${expired}` },
      redirect: "manual",
    });
    expect(late.status).toBe(401);

    // A browser opening the app outside Shopify's admin ends up at the login page, not at the orders.
    const page = await browser.newPage({ userAgent: DESKTOP_CHROME });
    await page.route(`${app.origin}/favicon.ico`, (route) => route.fulfill({ status: 204, body: "" }));
    try {
      await page.goto(`${app.origin}/app/orders`);
      expect(new URL(page.url()).pathname).toBe("/auth/login");
      await expect(page.getByText(/#10\d\d/).count()).resolves.toBe(0);
    } finally {
      await page.close();
    }
  });
});
