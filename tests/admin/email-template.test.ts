// The merchant's keys email template: preview, validation with line numbers, save, reset, and the
// customer email actually sent with it (variables escaped, image keys as CID attachments).
import { afterAll, describe, expect, it } from "vitest";
import { createDelivery, createShop, qrDataUrl } from "../support/admin-fixtures";
import { call } from "../support/admin-routes";
import { startAdminStack } from "../support/admin-stack";

const stack = await startAdminStack();
const { db } = stack;
const route = await import("~/routes/app.email");
const { DEFAULT_BODY_TEMPLATE, DEFAULT_SUBJECT_TEMPLATE } = await import("~/email/templates/liquid");
type Loaded = Awaited<ReturnType<typeof route.loader>>;

const SHOP = "email-shop.myshopify.com";
await createShop(db, SHOP, { senderName: "Pixel & Keys" });

afterAll(async () => {
  await (await globalThis.__webBoss)?.stop({ graceful: false, close: true });
  await stack.close();
});

type Result = {
  ok: boolean;
  message?: string;
  subject?: string;
  html?: string;
  problems?: { field: string; line: number; message: string }[];
};
const act = (form: Record<string, string>) => call<Result>(route.action, "/app/email", { shop: SHOP, form });

describe("editing the template", () => {
  it("starts from the default template, previewed on a sample order", async () => {
    const { data } = await call<Loaded>(route.loader, "/app/email", { shop: SHOP });
    expect(data).toMatchObject({
      custom: false,
      subject: DEFAULT_SUBJECT_TEMPLATE,
      body: DEFAULT_BODY_TEMPLATE,
    });
    expect(data.preview.ok).toBe(true);
    if (!data.preview.ok) return;
    expect(data.preview.subject).toBe("Your keys for order #1001 from Pixel & Keys");
    expect(data.preview.html).toContain("STAR1-FALL2-ODYS3");
    expect(data.preview.html).toContain("Pixel &amp; Keys");
    // The preview inlines the sample QR key (in a real email it is a CID attachment).
    expect(data.preview.html).toMatch(/<img src="data:image\/png;base64,/);
  });

  it("previews an edited template", async () => {
    const res = await act({
      intent: "preview",
      subject: "{{ customer.first_name }}, your {{ keys.size }} keys",
      body: "{% for key in keys %}<p>{{ key.number }}: {{ key.value }}</p>{% endfor %}",
    });
    expect(res.data).toMatchObject({ ok: true, subject: "Ada, your 3 keys" });
    expect(res.data.html).toContain("<p>2: STAR4-FALL5-ODYS6</p>");
  });

  it("rejects invalid Liquid with the line number, and does not save it", async () => {
    const res = await act({
      intent: "save",
      subject: "Your keys",
      body: "<p>Hello</p>\n<p>{{ customer.first_name | shout }}</p>\n",
    });
    expect(res.status).toBe(422);
    expect(res.data.problems).toEqual([
      { field: "body", line: 2, column: 4, message: "undefined filter: shout" },
    ]);
    expect(res.data.message).toBe("Not saved: body line 2: undefined filter: shout");
    const unclosed = await act({ intent: "preview", subject: "Hi {{ order.name", body: "ok" });
    expect(unclosed.data.problems?.[0]).toMatchObject({ field: "subject", line: 1 });
    const tag = await act({
      intent: "preview",
      subject: "ok",
      body: "a\nb\n{% if order.partial %}\nmissing end",
    });
    expect(tag.data.problems?.[0]).toMatchObject({ field: "body", line: 3 });
    expect((await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).emailBodyTemplate).toBeNull();
  });

  it("refuses templates that reach for files, and empty or oversized input", async () => {
    const include = await act({ intent: "save", subject: "x", body: "{% include '/etc/passwd' %}" });
    expect(include.status).toBe(422);
    expect(include.data.problems?.[0]?.message).toMatch(/cannot include other files/);
    expect((await act({ intent: "save", subject: "", body: "x" })).status).toBe(422);
    expect((await act({ intent: "save", subject: "x", body: "" })).status).toBe(422);
    expect((await act({ intent: "save", subject: "x", body: "y".repeat(50_001) })).status).toBe(422);
    expect((await act({ intent: "publish" })).status).toBe(400);
  });

  it("saves a valid template and resets to the default", async () => {
    const saved = await act({
      intent: "save",
      subject: "Keys for {{ order.name }}",
      body: '<p>Hi {{ customer.first_name }}</p>{% for key in keys %}{% if key.type == \'image\' %}<img src="{{ key.image_src }}" alt="{{ key.image_alt }}">{% else %}<p>{{ key.value }}</p>{% endif %}{% endfor %}',
    });
    expect(saved.data.ok).toBe(true);
    const { data } = await call<Loaded>(route.loader, "/app/email", { shop: SHOP });
    expect(data).toMatchObject({ custom: true, subject: "Keys for {{ order.name }}" });

    expect((await act({ intent: "reset" })).data.ok).toBe(true);
    expect(await db.shop.findUniqueOrThrow({ where: { shop: SHOP } })).toMatchObject({
      emailSubjectTemplate: null,
      emailBodyTemplate: null,
    });
  });
});

describe("the customer's keys email", () => {
  async function sendKeysEmail(shop: string, firstName: string) {
    const { getAdminDeps } = await import("~/admin/deps.server");
    const { buildFulfillmentDeps } = await import("~/fulfillment/deps.server");
    const { sendDeliveryEmail } = await import("~/fulfillment/customer-email.server");
    const { getEnv } = await import("~/env.server");
    const { prisma } = await import("~/db.server");
    const { createLogger } = await import("~/logger.server");
    const deps = buildFulfillmentDeps({
      env: getEnv(),
      db: prisma,
      boss: await getAdminDeps().boss(),
      logger: createLogger({ level: "silent" }),
    });
    const delivery = await createDelivery(db, shop, {
      status: "DELIVERED",
      firstName,
      keys: [
        { type: "TEXT", value: "TEXT-<KEY>-1" },
        { type: "IMAGE", value: await qrDataUrl("QR-PAYLOAD") },
      ],
    });
    const email = await db.emailMessage.create({
      data: {
        shop,
        deliveryId: delivery.id,
        kind: "KEYS",
        recipient: delivery.customerEmail!,
        idempotencyKey: `keys:${delivery.id}`,
      },
    });
    const before = stack.smtp.messages.length;
    await sendDeliveryEmail(deps, { shop, emailId: email.id });
    deps.mail.close();
    const [message] = await stack.smtp.waitForMessages(before + 1).then((all) => all.slice(before));
    return message!;
  }

  it("uses the shop's template, escapes variables and sends image keys as CID attachments", async () => {
    await act({
      intent: "save",
      subject: "Keys for {{ order.name }}, {{ customer.first_name }}",
      body: '<p>Hi {{ customer.first_name }}</p>{% for key in keys %}{% if key.type == \'image\' %}<img src="{{ key.image_src }}" alt="{{ key.image_alt }}">{% else %}<p class="key">{{ key.value | raw }}</p>{% endif %}{% endfor %}',
    });
    const message = await sendKeysEmail(SHOP, "<b>Bob</b>");
    expect(message.subject).toMatch(/^Keys for #\d+, <b>Bob<\/b>$/); // a subject is text, not HTML
    expect(message.html).toContain("<p>Hi &lt;b&gt;Bob&lt;/b&gt;</p>");
    expect(message.html).toContain('<p class="key">TEXT-&lt;KEY&gt;-1</p>'); // `raw` cannot unescape
    expect(message.html).toContain('<img src="cid:key-2@erysta"');
    expect(message.html).not.toContain("data:image");
    const images = message.attachments.filter((a) => a.contentType === "image/png");
    expect(images).toHaveLength(1);
    expect(images[0]!.cid).toBe("key-2@erysta");
    expect(message.text).toContain("TEXT-<KEY>-1");
  });

  it("without a custom template, the built-in email is sent", async () => {
    const plain = "email-default.myshopify.com";
    await createShop(db, plain);
    const message = await sendKeysEmail(plain, "Dora");
    expect(message.subject).toMatch(/^Your keys for order #\d+$/);
    expect(message.html).toContain("Hi Dora,");
  });

  it("a stored template that fails at send time falls back to the built-in email", async () => {
    const broken = "email-broken.myshopify.com";
    await createShop(db, broken, { emailSubjectTemplate: "Keys", emailBodyTemplate: "{% if %}" });
    const message = await sendKeysEmail(broken, "Eve");
    expect(message.subject).toMatch(/^Your keys for order #\d+$/);
    expect(message.html).toContain("TEXT-&lt;KEY&gt;-1");
  });
});
