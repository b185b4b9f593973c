// The outbox against real PostgreSQL and real SMTP (in-process capture).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import { isRetryable } from "~/errors.server";
import { EmailBusyError, EmailRenderError, SmtpRejectedError, SmtpUnavailableError } from "~/email/errors";
import { queueEmail, sendQueuedEmail } from "~/email/outbox.server";
import { renderKeysEmail } from "~/email/templates";
import { createMailTransport, fromHeader, type MailTransport } from "~/email/transport.server";
import { startSmtpCapture, type SmtpCapture } from "../support/smtp-capture";

const EMAIL_FROM = "Erysta Fulfillment <no-reply@erysta.test>";

describe("email outbox", () => {
  let capture: SmtpCapture;
  let transport: MailTransport;
  let shop: string;

  beforeAll(async () => {
    capture = await startSmtpCapture();
    transport = createMailTransport(capture.url, { greetingTimeoutMs: 2_000, connectionTimeoutMs: 2_000 });
  });
  afterAll(async () => {
    transport.close();
    await capture.stop();
    await prisma.$disconnect();
  });
  beforeEach(async () => {
    shop = `shop-${randomUUID().slice(0, 8)}.myshopify.com`;
    capture.clear();
    capture.rejectRecipients(null);
    await capture.setDown(false);
  });

  const render = () =>
    Promise.resolve(
      renderKeysEmail({
        locale: "en",
        shopName: "Pixel Keys",
        orderName: "#1001",
        products: [{ title: "Space Game", quantityOrdered: 1, keys: [{ type: "text", value: "AAAA-BBBB" }] }],
      }),
    );

  const send = (emailId: string) =>
    sendQueuedEmail({
      db: prisma,
      transport,
      shop,
      emailId,
      render,
      from: fromHeader(EMAIL_FROM, "Pixel Keys"),
      replyTo: "support@pixel-keys.test",
    });

  const queue = (overrides: { recipient?: string; idempotencyKey?: string } = {}) =>
    queueEmail(prisma, {
      shop,
      kind: "KEYS",
      recipient: overrides.recipient ?? "anna@example.com",
      idempotencyKey: overrides.idempotencyKey ?? "keys:delivery-1",
    });

  it("queues one row per (shop, idempotency key), even when two callers race", async () => {
    const rows = await Promise.all(Array.from({ length: 5 }, () => queue()));
    expect(new Set(rows.map((r) => r.id)).size).toBe(1);
    expect(await prisma.emailMessage.count({ where: { shop, kind: "KEYS" } })).toBe(1);
    expect(rows[0]).toMatchObject({ status: "PENDING", attempts: 0, recipient: "anna@example.com" });
    // Another shop with the same key is another email.
    const withPayload = await queueEmail(prisma, {
      shop,
      kind: "MERCHANT_ALERT",
      recipient: "owner@pixel-keys.test",
      idempotencyKey: "alert:late:d1",
      payload: { kind: "late", reason: "20 minutes" },
    });
    expect(withPayload.payload).toEqual({ kind: "late", reason: "20 minutes" });
    const other = await queueEmail(prisma, {
      shop: `other-${shop}`,
      kind: "KEYS",
      recipient: "x@example.com",
      idempotencyKey: "keys:delivery-1",
    });
    expect(other.id).not.toBe(rows[0]!.id);
  });

  it("queues inside a transaction without breaking it when the row already exists", async () => {
    const first = await queue();
    const again = await prisma.$transaction(async (tx) => {
      const row = await queueEmail(tx, {
        shop,
        kind: "KEYS",
        recipient: "anna@example.com",
        idempotencyKey: "keys:delivery-1",
      });
      await tx.emailMessage.count({ where: { shop } }); // the transaction is still usable
      return row;
    });
    expect(again.id).toBe(first.id);
  });

  it("sends a queued email once, marks it SENT with the provider id, from the shop's name with reply-to", async () => {
    const row = await queue();
    const result = await send(row.id);
    const [message] = await capture.waitForMessages(1);
    expect(result.outcome).toBe("sent");
    expect(result.email).toMatchObject({
      status: "SENT",
      attempts: 1,
      providerMessageId: message!.queueId,
      subject: "Your keys for order #1001",
      lastError: null,
    });
    expect(result.email.sentAt).toBeInstanceOf(Date);
    expect(message!.parsed.from?.value[0]).toEqual({ name: "Pixel Keys", address: "no-reply@erysta.test" });
    expect(message!.parsed.replyTo?.value[0]?.address).toBe("support@pixel-keys.test");
    expect(message!.envelope.to).toEqual(["anna@example.com"]);
    expect(message!.text).toContain("AAAA-BBBB");
  });

  it("does not send an already-SENT email again", async () => {
    const row = await queue();
    await send(row.id);
    await capture.waitForMessages(1);
    let rendered = false;
    const again = await sendQueuedEmail({
      db: prisma,
      transport,
      shop,
      emailId: row.id,
      render: () => {
        rendered = true;
        return render();
      },
      from: EMAIL_FROM,
    });
    expect(again.outcome).toBe("already_sent");
    expect(again.email.attempts).toBe(1);
    expect(rendered).toBe(false);
    expect(capture.messages).toHaveLength(1);
  });

  it("while SMTP is down: retryable error and the row stays PENDING; once back: exactly one email and SENT", async () => {
    const row = await queue();
    await capture.setDown(true);
    const error = await send(row.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpUnavailableError);
    expect(isRetryable(error)).toBe(true);
    const pending = await prisma.emailMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(pending).toMatchObject({ status: "PENDING", attempts: 1, providerMessageId: null, sentAt: null });
    expect(pending.lastError).toMatch(/421/);

    await capture.setDown(false);
    const result = await send(row.id);
    const [message] = await capture.waitForMessages(1);
    expect(result.email).toMatchObject({
      status: "SENT",
      attempts: 2,
      providerMessageId: message!.queueId,
      lastError: null,
    });
    expect(capture.messages).toHaveLength(1);
  });

  it("a refused connection is retryable too", async () => {
    const row = await queue();
    await capture.setDown("refuse");
    const error = await send(row.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpUnavailableError);
    expect((await prisma.emailMessage.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("PENDING");
  });

  it("a 550 recipient rejection is final: row FAILED with the reason, and never retried", async () => {
    capture.rejectRecipients("nobody@");
    const row = await queue({ recipient: "nobody@example.com" });
    const error = await send(row.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmtpRejectedError);
    expect(isRetryable(error)).toBe(false);
    const failed = await prisma.emailMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(failed).toMatchObject({ status: "FAILED", attempts: 1 });
    expect(failed.lastError).toMatch(/550/);

    capture.rejectRecipients(null);
    const again = await send(row.id);
    expect(again.outcome).toBe("already_failed");
    expect(capture.messages).toHaveLength(0);
  });

  it("two workers sending the same row at once send it once; the other is told to retry later", async () => {
    const row = await queue();
    const results = await Promise.allSettled([send(row.id), send(row.id), send(row.id)]);
    await capture.waitForMessages(1);
    const sent = results.filter((r) => r.status === "fulfilled" && r.value.outcome === "sent");
    expect(sent).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") {
        expect(r.reason).toBeInstanceOf(EmailBusyError);
        expect(isRetryable(r.reason)).toBe(true);
      } else {
        expect(["sent", "already_sent"]).toContain(r.value.outcome);
      }
    }
    expect(capture.messages).toHaveLength(1);
    expect((await prisma.emailMessage.findUniqueOrThrow({ where: { id: row.id } })).attempts).toBe(1);
  });

  it("an attempt that crashed mid-send blocks others until its lease runs out, then the email goes out", async () => {
    const row = await queue();
    // A worker claimed the attempt and died before recording any outcome.
    await prisma.emailMessage.update({ where: { id: row.id }, data: { attempts: 1 } });
    const busy = await send(row.id).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(EmailBusyError);
    expect((busy as EmailBusyError).retryAfterMs).toBeGreaterThan(60_000);
    expect(capture.messages).toHaveLength(0);

    const result = await sendQueuedEmail({
      db: prisma,
      transport,
      shop,
      emailId: row.id,
      render,
      from: EMAIL_FROM,
      leaseMs: 0,
    });
    expect(result.email).toMatchObject({ status: "SENT", attempts: 2 });
    expect(capture.messages).toHaveLength(1);
  });

  it("an email that cannot be rendered is FAILED; a bug while rendering leaves it PENDING to retry", async () => {
    const bad = await queue({ idempotencyKey: "keys:bad-image" });
    const renderError = await sendQueuedEmail({
      db: prisma,
      transport,
      shop,
      emailId: bad.id,
      render: () =>
        renderKeysEmail({
          shopName: "S",
          orderName: "#1",
          products: [{ title: "X", quantityOrdered: 1, keys: [{ type: "image", value: "not-an-image" }] }],
        }),
      from: EMAIL_FROM,
    }).catch((e: unknown) => e);
    expect(renderError).toBeInstanceOf(EmailRenderError);
    expect(await prisma.emailMessage.findUniqueOrThrow({ where: { id: bad.id } })).toMatchObject({
      status: "FAILED",
    });

    const buggy = await queue({ idempotencyKey: "keys:bug" });
    const bug = await sendQueuedEmail({
      db: prisma,
      transport,
      shop,
      emailId: buggy.id,
      render: () => {
        throw new TypeError("cannot read properties of undefined");
      },
      from: EMAIL_FROM,
    }).catch((e: unknown) => e);
    expect(bug).toBeInstanceOf(TypeError);
    expect(await prisma.emailMessage.findUniqueOrThrow({ where: { id: buggy.id } })).toMatchObject({
      status: "PENDING",
      attempts: 1,
      lastError: "cannot read properties of undefined",
    });
    expect(capture.messages).toHaveLength(0);
  });

  it("retries of one email carry the same Message-ID, so a duplicate after a crash would collapse in clients", async () => {
    const a = await queue({ idempotencyKey: "keys:a" });
    await send(a.id);
    // Simulate the crash window: SMTP accepted, row not marked.
    await prisma.emailMessage.update({ where: { id: a.id }, data: { status: "PENDING" } });
    await sendQueuedEmail({
      db: prisma,
      transport,
      shop,
      emailId: a.id,
      render,
      from: EMAIL_FROM,
      leaseMs: 0,
    });
    const messages = await capture.waitForMessages(2);
    expect(messages[0]!.messageId).toBeDefined();
    expect(messages[1]!.messageId).toBe(messages[0]!.messageId);
    const b = await queue({ idempotencyKey: "keys:b" });
    await send(b.id);
    const all = await capture.waitForMessages(3);
    expect(all[2]!.messageId).not.toBe(messages[0]!.messageId);
  });

  it("scopes by shop: another shop cannot send this shop's email", async () => {
    const row = await queue();
    const error = await sendQueuedEmail({
      db: prisma,
      transport,
      shop: "intruder.myshopify.com",
      emailId: row.id,
      render,
      from: EMAIL_FROM,
    }).catch((e: unknown) => e);
    expect(isRetryable(error)).toBe(false);
    expect(capture.messages).toHaveLength(0);
  });
});
