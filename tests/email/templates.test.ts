import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import { EmailRenderError } from "~/email/errors";
import {
  ALERT_KINDS,
  renderKeysEmail,
  renderMerchantAlertEmail,
  renderOnTheWayEmail,
  resolveLocale,
  type KeysEmailInput,
} from "~/email/templates";

const base: KeysEmailInput = {
  locale: "en",
  shopName: "Pixel Keys",
  orderName: "#1001",
  customerFirstName: "Anna",
  orderStatusUrl: "https://pixel-keys.myshopify.com/orders/abc",
  products: [{ title: "Space Game", quantityOrdered: 1, keys: [{ type: "text", value: "AAAA-BBBB-CCCC" }] }],
};

describe("keys email template", () => {
  it("names the order in subject and body and shows text keys in HTML and text", () => {
    const email = renderKeysEmail(base);
    expect(email.subject).toBe("Your keys for order #1001");
    expect(email.html).toContain("#1001");
    expect(email.html).toMatch(/monospace[^>]*>AAAA-BBBB-CCCC</);
    expect(email.text).toContain("Key 1: AAAA-BBBB-CCCC");
    expect(email.text).toContain("https://pixel-keys.myshopify.com/orders/abc");
    expect(email.attachments).toEqual([]);
  });

  it("turns image keys into inline CID attachments and never puts a data: URL in the HTML", async () => {
    const dataUrl = await QRCode.toDataURL("GIFT-1234");
    const email = renderKeysEmail({
      ...base,
      products: [
        {
          title: "Gift Card",
          quantityOrdered: 2,
          keys: [
            { type: "text", value: "T-1" },
            { type: "image", value: dataUrl },
          ],
        },
      ],
    });
    expect(email.attachments).toHaveLength(1);
    const [attachment] = email.attachments;
    expect(attachment).toMatchObject({
      cid: "key-2@erysta",
      contentType: "image/png",
      contentDisposition: "inline",
      filename: "key-2.png",
    });
    expect(attachment!.content.equals(Buffer.from(dataUrl.split(",")[1]!, "base64"))).toBe(true);
    expect(email.html).toContain('src="cid:key-2@erysta"');
    expect(email.html).not.toContain("data:");
    expect(email.text).toContain("Key 2: (image, attached as key-2.png)");
  });

  it("escapes every interpolated value", () => {
    const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
    const email = renderKeysEmail({
      ...base,
      shopName: `Shop & "Co" <b>`,
      customerFirstName: "<i>Eve</i>",
      orderStatusUrl: "javascript:alert(1)",
      products: [{ title: evil, quantityOrdered: 1, keys: [{ type: "text", value: "<b>KEY</b>" }] }],
    });
    expect(email.html).not.toContain("<script>");
    expect(email.html).not.toContain("<img src=x");
    expect(email.html).not.toContain("<i>Eve");
    expect(email.html).not.toContain("<b>");
    expect(email.html).not.toContain("javascript:");
    expect(email.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(email.html).toContain("&lt;b&gt;KEY&lt;/b&gt;");
    expect(email.text).toContain(evil); // the text part is plain text: shown as typed, never interpreted
  });

  it("keeps subjects on one line", () => {
    const email = renderKeysEmail({ ...base, orderName: "#1001\r\nBcc: victim@example.com" });
    expect(email.subject).not.toMatch(/[\r\n]/);
  });

  it("says honestly which items are missing in a partial delivery, and that the shop follows up", () => {
    const email = renderKeysEmail({
      ...base,
      partial: true,
      products: [
        { title: "Space Game", quantityOrdered: 3, keys: [{ type: "text", value: "K-1" }], missingCount: 2 },
        { title: "Racing Game", quantityOrdered: 1, keys: [], missingCount: 1 },
      ],
    });
    expect(email.subject).toBe("Your first keys for order #1001");
    expect(email.text).toContain("2 of 3 still to come");
    expect(email.text).toContain("Space Game: 2 missing");
    expect(email.text).toContain("Racing Game: 1 missing");
    expect(email.text).toContain("Pixel Keys will follow up with you");
    expect(email.html).toContain("Racing Game: 1 missing");
  });

  it("renders German for de-DE and falls back to English for unknown locales", () => {
    const german = renderKeysEmail({ ...base, locale: "de-DE" });
    expect(german.subject).toBe("Ihre Schlüssel für Bestellung #1001");
    expect(german.text).toContain("Schlüssel 1: AAAA-BBBB-CCCC");
    expect(german.html).toContain('lang="de"');
    expect(resolveLocale("de_AT")).toBe("de");
    expect(resolveLocale("fr-FR")).toBe("en");
    expect(resolveLocale(undefined)).toBe("en");
    expect(renderKeysEmail({ ...base, locale: "fr" }).subject).toBe("Your keys for order #1001");
  });

  it("refuses an image key that is not an image rather than sending a broken email", () => {
    expect(() =>
      renderKeysEmail({
        ...base,
        products: [
          {
            title: "X",
            quantityOrdered: 1,
            keys: [{ type: "image", value: "data:image/png;base64,aGVsbG8=" }],
          },
        ],
      }),
    ).toThrow(EmailRenderError);
  });
});

describe("on-the-way email template", () => {
  it("tells the customer the keys are late and links the order status", () => {
    const email = renderOnTheWayEmail({ ...base, locale: "en" });
    expect(email.subject).toBe("Your keys for order #1001 are on the way");
    expect(email.html).toContain('href="https://pixel-keys.myshopify.com/orders/abc"');
    expect(email.text).toContain("Check your order status: https://pixel-keys.myshopify.com/orders/abc");
    expect(renderOnTheWayEmail({ ...base, locale: "de" }).subject).toBe(
      "Ihre Schlüssel für Bestellung #1001 sind unterwegs",
    );
  });
});

describe("merchant alert email template", () => {
  it("tells the merchant to top up the Erysta balance when placing failed for insufficient funds", () => {
    const email = renderMerchantAlertEmail({
      shopName: "Pixel Keys",
      orderName: "#1001",
      adminOrderUrl: "https://admin.shopify.com/store/pixel-keys/orders/1",
      kind: "failed_to_place",
      reason: "Insufficient funds",
      referenceId: "gid://shopify/Order/1",
      traceId: "trace-123",
    });
    expect(email.subject).toContain("#1001");
    expect(email.text).toContain("Top up your Erysta balance.");
    expect(email.text).toContain("Retry");
    expect(email.text).toContain("Trace ID: trace-123");
    expect(email.html).toContain('href="https://admin.shopify.com/store/pixel-keys/orders/1"');
  });

  it("has a subject and steps for every kind, in English and German", () => {
    for (const kind of ALERT_KINDS) {
      for (const locale of ["en", "de"]) {
        const email = renderMerchantAlertEmail({
          locale,
          shopName: "S",
          orderName: "#7",
          kind,
          reason: "why <x>",
        });
        expect(email.subject).toContain("#7");
        expect(email.html).toContain("why &lt;x&gt;");
        expect(email.text.length).toBeGreaterThan(100);
      }
    }
  });
});
