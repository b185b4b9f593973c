// Email failures, by meaning. The one place that turns what nodemailer reports into "try again later"
// or "this will never work" is `toEmailError`; jobs only ask `isRetryable` (app/errors.server.ts).
import { IntegrationError } from "~/errors.server";

export interface SmtpErrorDetails {
  /** The SMTP reply code, when the server answered (421, 450, 550, ...). */
  responseCode?: number;
  /** The command that failed: "CONN", "RCPT TO", "DATA", "AUTH PLAIN", ... */
  command?: string;
  /** nodemailer's error code: ECONNECTION, ETIMEDOUT, EENVELOPE, EAUTH, ... */
  code?: string;
}

abstract class SmtpError extends IntegrationError {
  readonly responseCode?: number;
  readonly command?: string;
  readonly code?: string;

  constructor(message: string, details: SmtpErrorDetails & { cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, { cause: details.cause, retryAfterMs: details.retryAfterMs });
    this.responseCode = details.responseCode;
    this.command = details.command;
    this.code = details.code;
  }
}

/**
 * The mail server could not take the message now: refused or dropped connection, timeout, DNS, TLS,
 * a 4xx temporary reply, or our credentials being refused (an operator fix, after which the same
 * message goes through). Retry later; the row stays PENDING.
 */
export class SmtpUnavailableError extends SmtpError {
  readonly retryable = true;
}

/**
 * The mail server refused this message for good (5xx): unknown mailbox, recipient or sender rejected,
 * content refused, or an address nodemailer cannot even put on the wire. Sending it again will not
 * help; the row becomes FAILED and the merchant should be told.
 */
export class SmtpRejectedError extends SmtpError {
  readonly retryable = false;
}

/** The email could not be built from its data (e.g. an image key that is not a valid image). Final. */
export class EmailRenderError extends IntegrationError {
  readonly retryable = false;
}

/** The outbox row does not exist for this shop (deleted by shop/redact, or a wrong id). Final. */
export class EmailNotFoundError extends IntegrationError {
  readonly retryable = false;
}

/**
 * Another worker is sending this outbox row right now (or crashed while sending, and its lease has not
 * run out). Nothing was sent; try again after `retryAfterMs`, by which time the row is SENT or claimable.
 */
export class EmailBusyError extends IntegrationError {
  readonly retryable = true;
}

export type EmailError =
  SmtpUnavailableError | SmtpRejectedError | EmailRenderError | EmailNotFoundError | EmailBusyError;

const TRANSIENT_CODES = new Set([
  "ECONNECTION",
  "ETIMEDOUT",
  "ESOCKET",
  "EDNS",
  "ETLS",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** Maps anything a send can throw to SmtpUnavailableError (retryable) or SmtpRejectedError (final). */
export function toEmailError(error: unknown): IntegrationError {
  if (error instanceof IntegrationError) return error;
  const e = (error ?? {}) as { message?: unknown; code?: unknown; responseCode?: unknown; command?: unknown };
  const code = typeof e.code === "string" ? e.code : undefined;
  const command = typeof e.command === "string" ? e.command : undefined;
  const responseCode = typeof e.responseCode === "number" ? e.responseCode : undefined;
  const raw = typeof e.message === "string" ? e.message : String(error);
  const details = { code, command, responseCode, cause: error };

  if (code === "EAUTH") {
    return new SmtpUnavailableError(
      `SMTP authentication failed (check SMTP_URL credentials): ${raw}`,
      details,
    );
  }
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 500) {
    return new SmtpUnavailableError(
      `SMTP server temporarily refused the message (${responseCode}): ${raw}`,
      details,
    );
  }
  if (responseCode !== undefined && responseCode >= 500 && responseCode < 600) {
    return new SmtpRejectedError(`SMTP server rejected the message (${responseCode}): ${raw}`, details);
  }
  if (code && TRANSIENT_CODES.has(code)) {
    return new SmtpUnavailableError(`SMTP server unreachable (${code}): ${raw}`, details);
  }
  // No reply code: nodemailer refused before talking to the server (invalid address, empty message,
  // size limit). The same input fails the same way every time.
  if (code === "EENVELOPE" || code === "EMESSAGE") {
    return new SmtpRejectedError(`Email cannot be sent as addressed/composed: ${raw}`, details);
  }
  return new SmtpUnavailableError(`SMTP send failed: ${raw}`, details);
}
