// The keys email as a customer's mail client receives it: over real SMTP, parsed with mailparser.
import QRCode from "qrcode";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderKeysEmail, type KeysEmailInput } from "~/email/templates";
import { createMailTransport, fromHeader, type MailTransport } from "~/email/transport.server";
import { startSmtpCapture, type SmtpCapture } from "../support/smtp-capture";

const input: KeysEmailInput = {
  locale: "en",
  shopName: "Pixel Keys",
  orderName: "#1001",
  customerFirstName: "Anna",
  products: [],
};

describe("keys email, as received", () => {
  let capture: SmtpCapture;
  let transport: MailTransport;
  beforeAll(async () => {
    capture = await startSmtpCapture();
    transport = createMailTransport(capture.url);
  });
  afterAll(async () => {
    transport.close();
    await capture.stop();
  });
  beforeEach(() => capture.clear());

  async function sendAndReceive(emailInput: KeysEmailInput) {
    const rendered = renderKeysEmail(emailInput);
    await transport.sendMail({
      from: fromHeader("no-reply@erysta.test", emailInput.shopName),
      to: "anna@example.com",
      ...rendered,
    });
    const [message] = await capture.waitForMessages(1);
    return message!;
  }

  it("shows text keys in both the HTML and the plain-text part", async () => {
    const message = await sendAndReceive({
      ...input,
      products: [
        {
          title: "Space Game",
          quantityOrdered: 2,
          keys: [
            { type: "text", value: "AAAA-BBBB-CCCC" },
            { type: "text", value: "DDDD-EEEE-FFFF" },
          ],
        },
      ],
    });
    expect(message.subject).toBe("Your keys for order #1001");
    for (const key of ["AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF"]) {
      expect(message.html).toContain(key);
      expect(message.text).toContain(key);
    }
    expect(message.attachments).toHaveLength(0);
  });

  it("delivers an image key as an inline CID attachment with the exact PNG bytes, referenced from the HTML", async () => {
    const dataUrl = await QRCode.toDataURL("GIFT-CARD-42");
    const png = Buffer.from(dataUrl.slice(dataUrl.indexOf(",") + 1), "base64");
    const message = await sendAndReceive({
      ...input,
      products: [{ title: "Gift Card", quantityOrdered: 1, keys: [{ type: "image", value: dataUrl }] }],
    });
    expect(message.attachments).toHaveLength(1);
    const [attachment] = message.attachments;
    expect(attachment!.contentType).toBe("image/png");
    expect(attachment!.contentDisposition).toBe("inline");
    expect(attachment!.cid).toBe("key-1@erysta");
    expect(attachment!.content.equals(png)).toBe(true);
    expect(message.html).toContain('src="cid:key-1@erysta"');
    expect(message.html).not.toContain("data:");
    expect(message.raw.toString("utf8")).toMatch(/multipart\/related/);
  });

  it("renders German for a German-speaking customer", async () => {
    const message = await sendAndReceive({
      ...input,
      locale: "de-DE",
      products: [{ title: "Weltraumspiel", quantityOrdered: 1, keys: [{ type: "text", value: "KEY-DE-1" }] }],
    });
    expect(message.subject).toBe("Ihre Schlüssel für Bestellung #1001");
    expect(message.text).toContain("Hallo Anna,");
    expect(message.text).toContain("Schlüssel 1: KEY-DE-1");
    expect(message.html).toContain("Hier sind Ihre Schlüssel");
  });

  it("escapes a malicious product title in the HTML part", async () => {
    const title = `<script>alert('pwned')</script>`;
    const message = await sendAndReceive({
      ...input,
      products: [{ title, quantityOrdered: 1, keys: [{ type: "text", value: "K-1" }] }],
    });
    expect(message.html).not.toContain("<script>");
    expect(message.html).toContain("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;");
    expect(message.text).toContain(title);
  });
});
