// The email outbox: one EmailMessage row per intended email, unique per (shop, idempotencyKey).
// `queueEmail` records the intent (inside the caller's transaction, next to the state change that
// caused it); a job then calls `sendQueuedEmail`, which sends at most once per successful mark.
//
// Delivery guarantee, honestly: at-least-once, not exactly-once. SMTP has no idempotency key, so if the
// process dies (or the database is unreachable) after the server accepted the message and before the
// row is marked SENT, the retry sends it again. We keep that window as small as we can: the row is
// marked immediately after the 250 reply (with a few quick retries of that update), rendering happens
// before the send, and a claimed attempt holds a lease so a second worker (pg-boss redelivery, a
// resend click) gets EmailBusyError instead of sending in parallel. A duplicate carries
// the same Message-ID (derived from shop + idempotency key), so mail clients thread or collapse it.
import type { EmailKind, EmailMessage, Prisma, PrismaClient } from "@prisma/client";
import { errorMessage, IntegrationError } from "~/errors.server";
import type { Logger } from "~/logger.server";
import { EmailBusyError, EmailNotFoundError, toEmailError } from "./errors";
import { addressOf, messageIdFor, type MailTransport } from "./transport.server";
import type { MailAddress, RenderedEmail } from "./types";

/** The Prisma client or an interactive transaction (`queueEmail` is meant to run inside one). */
export type EmailDb = PrismaClient | Prisma.TransactionClient;

export interface QueueEmailInput {
  shop: string;
  deliveryId?: string | null;
  kind: EmailKind;
  recipient: string;
  subject?: string | null;
  /** One per intended email, e.g. "keys:<deliveryId>", "resend:<eventId>", "alert:failed_to_place:<deliveryId>". */
  idempotencyKey: string;
  /** Template parameters besides the delivery (e.g. an alert's kind and reason). Never keys. */
  payload?: Prisma.InputJsonValue;
}

/**
 * Creates the PENDING row, or returns the existing row for the same (shop, idempotencyKey) untouched.
 * Safe under concurrency, and does not abort a surrounding transaction.
 */
export async function queueEmail(db: EmailDb, input: QueueEmailInput): Promise<EmailMessage> {
  const recipient = input.recipient.trim();
  if (!recipient) throw new Error("queueEmail: recipient is empty");
  // INSERT … ON CONFLICT DO NOTHING: no unique-violation error, so a surrounding transaction stays usable.
  // (Prisma's `upsert` is not a native upsert for this compound key and raced into P2002 here.)
  await db.emailMessage.createMany({
    data: [
      {
        shop: input.shop,
        deliveryId: input.deliveryId ?? null,
        kind: input.kind,
        recipient,
        subject: input.subject ?? null,
        idempotencyKey: input.idempotencyKey,
        payload: input.payload,
      },
    ],
    skipDuplicates: true,
  });
  return db.emailMessage.findUniqueOrThrow({
    where: { shop_idempotencyKey: { shop: input.shop, idempotencyKey: input.idempotencyKey } },
  });
}

export async function findEmail(db: EmailDb, shop: string, emailId: string): Promise<EmailMessage | null> {
  return db.emailMessage.findFirst({ where: { id: emailId, shop } });
}

export interface SendQueuedEmailOptions {
  /** The Prisma client. Not a transaction: never hold one open across an SMTP conversation. */
  db: EmailDb;
  transport: MailTransport;
  shop: string;
  emailId: string;
  /** Builds the message; only called when the row still needs sending. */
  render: () => RenderedEmail | Promise<RenderedEmail>;
  /** Use `fromHeader(env.EMAIL_FROM, shop.senderName ?? shopName)`. */
  from: MailAddress | string;
  replyTo?: string | null;
  /**
   * How long a claimed attempt that has not recorded its outcome blocks other workers (default 2 min,
   * longer than a send can take with the transport's timeouts). After that, it is presumed crashed.
   */
  leaseMs?: number;
  logger?: Logger;
}

export const DEFAULT_SEND_LEASE_MS = 2 * 60_000;

export type SendOutcome =
  | "sent"
  /** The row was already SENT: nothing was sent. */
  | "already_sent"
  /** The row is FAILED (final rejection): nothing was sent. Queue a new row (new key) to try again. */
  | "already_failed";

export interface SendQueuedEmailResult {
  email: EmailMessage;
  outcome: SendOutcome;
}

/**
 * Sends one outbox row. SENT → returns it without sending (FAILED likewise). Otherwise claims an attempt
 * (attempts + 1), renders, sends, and marks SENT with the provider id. On failure records lastError and
 * rethrows the mapped IntegrationError: retryable (row stays PENDING) or final (row becomes FAILED).
 * Throws EmailBusyError (retryable) when another worker holds the attempt.
 */
export async function sendQueuedEmail(options: SendQueuedEmailOptions): Promise<SendQueuedEmailResult> {
  const { db, transport, shop, emailId } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_SEND_LEASE_MS;
  const log = options.logger?.child({ shop, emailId });

  const row = await findEmail(db, shop, emailId);
  if (!row) throw new EmailNotFoundError(`Email ${emailId} not found for ${shop}`);
  if (row.status === "SENT") return { email: row, outcome: "already_sent" };
  if (row.status === "FAILED") return { email: row, outcome: "already_failed" };

  // Claim the attempt. A claimed attempt clears lastError and writes it back when it ends, so
  // "attempts > 0 and no lastError" means an attempt is in flight (or crashed): it holds a lease.
  // `attempts: row.attempts` makes two workers that read the same row race for one claim.
  const claim = await db.emailMessage.updateMany({
    where: {
      id: row.id,
      shop,
      status: "PENDING",
      attempts: row.attempts,
      OR: [
        { attempts: 0 },
        { lastError: { not: null } },
        { updatedAt: { lt: new Date(Date.now() - leaseMs) } },
      ],
    },
    data: { attempts: { increment: 1 }, lastError: null },
  });
  if (claim.count === 0) {
    const current = (await findEmail(db, shop, emailId)) ?? row;
    if (current.status === "SENT") return { email: current, outcome: "already_sent" };
    if (current.status === "FAILED") return { email: current, outcome: "already_failed" };
    const retryAfterMs = Math.max(1_000, current.updatedAt.getTime() + leaseMs - Date.now());
    throw new EmailBusyError(`Email ${emailId} is being sent by another worker`, { retryAfterMs });
  }
  const attempts = row.attempts + 1;

  let providerMessageId: string;
  let subject: string;
  try {
    const rendered = await options.render();
    subject = rendered.subject;
    const fromAddress = typeof options.from === "string" ? addressOf(options.from) : options.from.address;
    const sent = await transport.sendMail({
      from: options.from,
      to: row.recipient,
      replyTo: options.replyTo ?? undefined,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      attachments: rendered.attachments,
      messageId: messageIdFor(shop, row.idempotencyKey, fromAddress),
      headers: { "Auto-Submitted": "auto-generated" },
    });
    providerMessageId = sent.providerMessageId;
  } catch (error) {
    // Our own bugs (render throwing a TypeError) stay as they are and are retried; SMTP failures are mapped.
    const mapped = error instanceof IntegrationError || !isSmtpFailure(error) ? error : toEmailError(error);
    const final = mapped instanceof IntegrationError && !mapped.retryable;
    try {
      await db.emailMessage.updateMany({
        where: { id: row.id, shop, status: "PENDING" },
        data: {
          lastError: (errorMessage(mapped) || "unknown error").slice(0, 1000),
          ...(final ? { status: "FAILED" as const } : {}),
        },
      });
    } catch (dbError) {
      log?.error({ error: describe(dbError) }, "could not record the email failure");
    }
    // No message text in logs: SMTP replies often quote the recipient's address.
    log?.warn({ error: describe(mapped), attempts, final }, "email not sent");
    throw mapped;
  }

  // The message is out: mark it now. This update is the at-least-once window described above.
  const email = await markSent(db, { id: row.id, shop, providerMessageId, subject });
  log?.info({ attempts, providerMessageId, kind: row.kind }, "email sent");
  return { email, outcome: "sent" };
}

function isSmtpFailure(error: unknown): boolean {
  const e = error as { code?: unknown; responseCode?: unknown } | null;
  return typeof e?.code === "string" || typeof e?.responseCode === "number";
}

function describe(error: unknown) {
  const e = error as { name?: unknown; code?: unknown; responseCode?: unknown; retryable?: unknown } | null;
  return { name: e?.name, code: e?.code, responseCode: e?.responseCode, retryable: e?.retryable };
}

async function markSent(
  db: EmailDb,
  sent: { id: string; shop: string; providerMessageId: string; subject: string },
): Promise<EmailMessage> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await db.emailMessage.updateMany({
        where: { id: sent.id, shop: sent.shop },
        data: {
          status: "SENT",
          providerMessageId: sent.providerMessageId,
          sentAt: new Date(),
          subject: sent.subject,
          lastError: null,
        },
      });
      return await db.emailMessage.findFirstOrThrow({ where: { id: sent.id, shop: sent.shop } });
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
  throw lastError;
}
