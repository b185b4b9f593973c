// Issue 6, item 4: the customer's emails (keys, and "on the way" when late) speak the buyer's language
// and link to the order status page, where the extension shows the keys live. Through the real email
// job (render from the delivery row) to a real SMTP server.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PgBoss } from "pg-boss";
import { prisma } from "~/db.server";
import { queueEmail } from "~/email/outbox.server";
import { createMailTransport, type MailTransport } from "~/email/transport.server";
import { getEnv } from "~/env.server";
import { sendDeliveryEmail } from "~/fulfillment/customer-email.server";
import { fulfillmentConfig } from "~/fulfillment/deps.server";
import { systemClock, type FulfillmentDeps } from "~/fulfillment/deps";
import { createBoss, startBoss } from "~/jobs/boss.server";
import { createLogger } from "~/logger.server";
import { startSmtpCapture, type SmtpCapture } from "../support/smtp-capture";
import { SHOP_A, seedDelivery, truncateAll } from "./support";

const STATUS_URL = "https://pixel-keys.myshopify.com/12345/orders/abcdef0123456789/authenticate?key=xyz";

describe("customer emails link the order status page, in the buyer's language", () => {
  let capture: SmtpCapture;
  let mail: MailTransport;
  let boss: PgBoss;
  let deps: FulfillmentDeps;
  beforeAll(async () => {
    capture = await startSmtpCapture();
    mail = createMailTransport(capture.url);
    boss = await startBoss(createBoss(process.env.DATABASE_URL!, "web"));
    deps = {
      db: prisma,
      boss,
      clock: systemClock,
      logger: createLogger({ level: "silent" }),
      config: fulfillmentConfig(getEnv()),
      mail,
      erystaFor: () => null,
      shopifyFor: () => Promise.reject(new Error("not used")),
    };
  });
  afterAll(async () => {
    mail.close();
    await boss.stop({ graceful: false });
    await capture.stop();
  });
  beforeEach(async () => {
    await truncateAll();
    capture.clear();
  });

  const cases = [
    {
      locale: "de-DE",
      keysSubject: "Ihre Schlüssel für Bestellung",
      lateSubject: "sind unterwegs",
      keysLink: "Bestellung ansehen",
      lateLink: "Bestellstatus ansehen",
    },
    {
      locale: "en",
      keysSubject: "Your keys for order",
      lateSubject: "are on the way",
      keysLink: "View your order",
      lateLink: "Check your order status",
    },
  ];

  for (const c of cases) {
    it(`${c.locale}: keys and "on the way" emails`, async () => {
      const delivery = await seedDelivery({
        orderId: "1001",
        status: "DELIVERING",
        extra: { customerLocale: c.locale, orderStatusUrl: STATUS_URL },
        lines: [{ title: "Space Game", quantity: 1, keys: [{ type: "TEXT", value: "AAAA-BBBB" }] }],
      });
      for (const kind of ["ON_THE_WAY", "KEYS"] as const) {
        const email = await queueEmail(prisma, {
          shop: SHOP_A,
          deliveryId: delivery.id,
          kind,
          recipient: "anna@example.com",
          idempotencyKey: `${kind}:${delivery.id}`,
        });
        expect(await sendDeliveryEmail(deps, { shop: SHOP_A, emailId: email.id })).toBe("sent");
      }
      const [late, keys] = await capture.waitForMessages(2);
      const escapedUrl = STATUS_URL.replace(/&/g, "&amp;");
      expect(late!.subject).toContain(c.lateSubject);
      expect(late!.html).toContain(`href="${escapedUrl}"`);
      expect(late!.text).toContain(`${c.lateLink}: ${STATUS_URL}`);
      expect(keys!.subject).toContain(c.keysSubject);
      expect(keys!.html).toContain(`href="${escapedUrl}"`);
      expect(keys!.text).toContain(`${c.keysLink}: ${STATUS_URL}`);
      expect(keys!.text).toContain("AAAA-BBBB");
    });
  }
});
