// The SMTP transport, built from SMTP_URL. Everything else in app/email talks to the small `MailTransport`
// interface, so tests and the worker share one path and failures are mapped to error classes here, once.
import { createHash } from "node:crypto";
import nodemailer from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { toEmailError } from "./errors";
import { oneLine } from "./templates/html";
import type { EmailAttachment, MailAddress } from "./types";

export type { EmailAttachment, MailAddress } from "./types";

export interface OutgoingMail {
  from: MailAddress | string;
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  attachments?: EmailAttachment[];
  /** Message-ID header, with angle brackets. */
  messageId?: string;
  headers?: Record<string, string>;
}

export interface SendResult {
  /** The server's queue id when its reply names one ("250 2.0.0 Ok: queued as 4Xk…"), else our Message-ID. */
  providerMessageId: string;
  messageId: string;
  response: string;
}

export interface MailTransport {
  sendMail(mail: OutgoingMail): Promise<SendResult>;
  close(): void;
}

export interface SmtpTimeouts {
  /** TCP (and TLS) connect. */
  connectionTimeoutMs: number;
  /** From connected to the server's 220 greeting. */
  greetingTimeoutMs: number;
  /** Inactivity on an open connection. */
  socketTimeoutMs: number;
}

export const DEFAULT_SMTP_TIMEOUTS: SmtpTimeouts = {
  connectionTimeoutMs: 10_000,
  greetingTimeoutMs: 10_000,
  socketTimeoutMs: 30_000,
};

/**
 * smtp://[user:pass@]host[:port] (STARTTLS when the server offers it, port 587 by default) or
 * smtps://[user:pass@]host[:port] (implicit TLS, port 465 by default). User and password are
 * percent-decoded. Query switches: `requireTLS=true`, `rejectUnauthorized=false` (self-signed relays),
 * `ignoreTLS=true` (never STARTTLS).
 */
export function smtpOptionsFromUrl(
  smtpUrl: string,
  timeouts: Partial<SmtpTimeouts> = {},
): SMTPTransport.Options {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error("SMTP_URL is not a valid URL");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new Error(`SMTP_URL must start with smtp:// or smtps:// (got ${url.protocol}//)`);
  }
  const secure = url.protocol === "smtps:";
  const t = { ...DEFAULT_SMTP_TIMEOUTS, ...timeouts };
  const flag = (name: string) => url.searchParams.get(name);
  const options: SMTPTransport.Options = {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    connectionTimeout: t.connectionTimeoutMs,
    greetingTimeout: t.greetingTimeoutMs,
    socketTimeout: t.socketTimeoutMs,
    // Our messages never reference files or URLs; make sure a crafted value cannot make nodemailer read one.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  if (url.username) {
    options.auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
  }
  if (flag("requireTLS") === "true") options.requireTLS = true;
  if (flag("ignoreTLS") === "true") options.ignoreTLS = true;
  if (flag("rejectUnauthorized") === "false") options.tls = { rejectUnauthorized: false };
  return options;
}

/** A nodemailer SMTP transport behind `MailTransport`; every failure comes out as an IntegrationError. */
export function createMailTransport(smtpUrl: string, timeouts: Partial<SmtpTimeouts> = {}): MailTransport {
  // Pooled: a connection (TCP, TLS, AUTH: several round trips) is reused for many messages instead of
  // opened per email, which is most of an email's time when a flash sale sends hundreds at once.
  const transporter = nodemailer.createTransport({
    ...smtpOptionsFromUrl(smtpUrl, timeouts),
    pool: true,
    maxConnections: 5,
  });
  return {
    async sendMail(mail) {
      let info: SMTPPool.SentMessageInfo;
      try {
        info = await transporter.sendMail({
          from: mail.from,
          to: mail.to,
          replyTo: mail.replyTo,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          attachments: mail.attachments,
          messageId: mail.messageId,
          headers: mail.headers,
        });
      } catch (error) {
        throw toEmailError(error);
      }
      // One recipient per message: if the server accepted DATA but rejected the recipient, it is a rejection.
      if (info.rejected.length > 0 && info.accepted.length === 0) {
        const first = (info as { rejectedErrors?: unknown[] }).rejectedErrors?.[0];
        throw toEmailError(first ?? Object.assign(new Error("Recipient rejected"), { code: "EENVELOPE" }));
      }
      return {
        providerMessageId: queueIdFromResponse(info.response) ?? info.messageId,
        messageId: info.messageId,
        response: info.response,
      };
    },
    close() {
      transporter.close();
    },
  };
}

/** Pulls the server's queue id out of a 250 reply: Postfix/most relays, and SES ("250 Ok <id>"). */
export function queueIdFromResponse(response: string | undefined): string | undefined {
  if (!response) return undefined;
  const queued = /queued as ([\w.@<>-]+)/i.exec(response);
  if (queued?.[1]) return queued[1].replace(/^<|>$/g, "");
  const ses = /^250 Ok ([0-9a-f]{16,}[\w-]*)\s*$/i.exec(response);
  return ses?.[1];
}

/**
 * A stable Message-ID for one intended email (shop + idempotency key). If a crash makes us send the same
 * outbox row twice, both copies carry the same Message-ID, so mail clients thread or collapse them.
 */
export function messageIdFor(shop: string, idempotencyKey: string, fromAddress: string): string {
  const hash = createHash("sha256").update(`${shop}\n${idempotencyKey}`).digest("hex").slice(0, 32);
  const domain = /@([^\s@>]+)$/.exec(fromAddress)?.[1] ?? "erysta.invalid";
  return `<${hash}@${domain}>`;
}

/** "Erysta Fulfillment <no-reply@example.com>" or "no-reply@example.com" → "no-reply@example.com". */
export function addressOf(emailFrom: string): string {
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(emailFrom);
  if (angle?.[1]) return angle[1];
  const bare = emailFrom.trim();
  if (/^[^\s@<>]+@[^\s@<>]+$/.test(bare)) return bare;
  throw new Error(`EMAIL_FROM has no email address: ${emailFrom}`);
}

/**
 * The From header: the shop's sender name (or the shop's name) with our EMAIL_FROM address, since only
 * that address is authorised (SPF/DKIM) to send. Replies go to the shop through Reply-To.
 */
export function fromHeader(emailFrom: string, displayName: string | null | undefined): MailAddress {
  const name = oneLine(displayName ?? "").slice(0, 100);
  const fallback = /^\s*"?([^"<]*?)"?\s*</.exec(emailFrom)?.[1]?.trim() ?? "";
  return { name: name || fallback, address: addressOf(emailFrom) };
}
