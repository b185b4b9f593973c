// Every Erysta failure is turned into an error class by MEANING here, and only here. Jobs never look at
// HTTP statuses: they ask `isRetryable(error)` (app/errors.server.ts) and switch on the class.
//
// Erysta documents no error codes (only the 429 envelope), so we map by HTTP status plus the human
// message text, and never by guessed codes. Anything we cannot place falls into the safe bucket:
// final for 4xx, retryable for reads, and AMBIGUOUS for place-order whenever the request may have
// reached Erysta, because place-order is not idempotent (see /work/shared/erysta-api.md).
import { IntegrationError } from "~/errors.server";

export type ErystaOperation = "getBalance" | "placeOrder" | "getOrderKeys";

interface ErystaErrorContext {
  operation: ErystaOperation;
  /** HTTP status, when Erysta (or something in front of it) answered. */
  status?: number;
  /** trace_id of the call when any came back: Erysta support asks for it. */
  traceId?: string;
  /** The message Erysta sent, kept apart from our merchant-facing message. */
  erystaMessage?: string;
  cause?: unknown;
  retryAfterMs?: number;
}

export abstract class ErystaError extends IntegrationError {
  readonly operation: ErystaOperation;
  readonly status?: number;
  readonly traceId?: string;
  readonly erystaMessage?: string;

  constructor(message: string, context: ErystaErrorContext) {
    super(message, { cause: context.cause, retryAfterMs: context.retryAfterMs });
    this.operation = context.operation;
    this.status = context.status;
    this.traceId = context.traceId;
    this.erystaMessage = context.erystaMessage;
  }
}

export type ErystaAuthReason = "invalid_key" | "ip_not_allowed" | "forbidden";

/** 401/403: the key is wrong or this server's IP is not on the key's allow-list. Final: only the merchant can fix it. */
export class ErystaAuthError extends ErystaError {
  readonly retryable = false;
  readonly reason: ErystaAuthReason;

  constructor(reason: ErystaAuthReason, context: ErystaErrorContext) {
    super(AUTH_MESSAGES[reason], context);
    this.reason = reason;
  }
}

const AUTH_MESSAGES: Record<ErystaAuthReason, string> = {
  invalid_key:
    "Erysta rejected the API key. Copy the key again from your Erysta partner account and save it in the app settings.",
  ip_not_allowed:
    "Erysta refused this server's IP address. Add the app server's public IP address to the allow-list of this API key in your Erysta partner account.",
  forbidden:
    "Erysta refused access with this API key. Check that the key is active and allowed for the Partner API, and that the app server's IP address is on the key's allow-list.",
};

export type ErystaRejectionReason =
  "out_of_stock" | "insufficient_funds" | "unknown_product" | "order_not_found" | "invalid_request" | "other";

/** Erysta understood the request and said no (4xx). Final: sending the same request again gets the same answer. */
export class ErystaRejectedError extends ErystaError {
  readonly retryable = false;
  readonly reason: ErystaRejectionReason;

  constructor(reason: ErystaRejectionReason, message: string, context: ErystaErrorContext) {
    super(message, context);
    this.reason = reason;
  }
}

/**
 * 429 from Erysta (nothing was processed), or our own shared budget would make the caller wait longer
 * than it allowed (`source: "budget"`). Retryable after `retryAfterMs`.
 */
export class ErystaRateLimitedError extends ErystaError {
  readonly retryable = true;
  readonly source: "erysta" | "budget";

  constructor(source: "erysta" | "budget", context: ErystaErrorContext & { retryAfterMs: number }) {
    super(
      source === "erysta"
        ? `Erysta's rate limit was reached; retry in ${Math.ceil(context.retryAfterMs / 1000)} s.`
        : `The shared Erysta call budget is exhausted; retry in ${Math.ceil(context.retryAfterMs / 1000)} s.`,
      context,
    );
    this.source = source;
  }
}

/**
 * Erysta could not be reached or failed on a request whose outcome does not matter (a read), or on a
 * place-order that provably never left this process (connection refused, DNS, connect timeout). Retryable.
 */
export class ErystaUnavailableError extends ErystaError {
  readonly retryable = true;
}

/** A read got a 2xx whose body does not match what we need. Retryable: reads change nothing. */
export class ErystaInvalidResponseError extends ErystaError {
  readonly retryable = true;
}

export type ErystaAmbiguity = "timeout" | "server_error" | "connection_lost" | "invalid_response" | "aborted";

/**
 * A place-order that may or may not have created an order at Erysta: it was sent, then the answer was a
 * timeout, a 5xx, a dropped connection or an unreadable body. NEVER retried automatically (place-order
 * is not idempotent): the delivery goes to "needs review" with `referenceId` and any `traceId`.
 */
export class ErystaAmbiguousError extends ErystaError {
  readonly retryable = false;
  readonly referenceId: string;
  readonly ambiguity: ErystaAmbiguity;

  constructor(ambiguity: ErystaAmbiguity, referenceId: string, context: ErystaErrorContext) {
    super(
      `Erysta may or may not have placed order ${referenceId} (${AMBIGUITY_TEXT[ambiguity]}). ` +
        `It was not retried, to avoid paying twice: confirm with Erysta support` +
        (context.traceId ? ` (trace id ${context.traceId})` : "") +
        ` before placing it again.`,
      context,
    );
    this.referenceId = referenceId;
    this.ambiguity = ambiguity;
  }
}

const AMBIGUITY_TEXT: Record<ErystaAmbiguity, string> = {
  timeout: "no answer before the timeout",
  server_error: "Erysta answered with a server error",
  connection_lost: "the connection dropped before the answer arrived",
  invalid_response: "the answer could not be read",
  aborted: "the call was cancelled after it was sent",
};

// ---------------------------------------------------------------------------------------------------
// Mapping. The client calls these three functions and nothing else decides what a failure means.

/**
 * An HTTP answer that is not a usable success (any non-2xx). `message` is Erysta's `error.message`
 * (or a snippet of the body when it was not our envelope).
 */
export function errorFromStatus(input: {
  operation: ErystaOperation;
  status: number;
  message?: string;
  traceId?: string;
  retryAfterMs?: number;
  /** Set for placeOrder: a 5xx then means "maybe placed". */
  referenceId?: string;
}): ErystaError {
  const { operation, status, message = "", traceId } = input;
  const context: ErystaErrorContext = { operation, status, traceId, erystaMessage: message || undefined };

  if (status === 401 || status === 403) return new ErystaAuthError(authReason(status, message), context);
  if (status === 429) {
    return new ErystaRateLimitedError("erysta", { ...context, retryAfterMs: input.retryAfterMs ?? 60_000 });
  }
  // 408: the server gave up waiting for our request, so it did not process it.
  if (status === 408)
    return new ErystaUnavailableError(`Erysta timed out receiving the request (408).`, context);
  if (status >= 500 || status < 400) {
    // 5xx (and odd 1xx/3xx): for a read just try later; for place-order nobody knows whether it happened.
    if (operation === "placeOrder")
      return new ErystaAmbiguousError("server_error", input.referenceId ?? "", context);
    return new ErystaUnavailableError(
      `Erysta answered ${status}${message ? `: ${message}` : ""}; it will be tried again.`,
      context,
    );
  }
  const reason = rejectionReason(operation, status, message);
  return new ErystaRejectedError(reason, rejectionMessage(reason, status, message), context);
}

/** The request failed below HTTP. `sent` says whether the request may have reached Erysta. */
export function errorFromTransport(input: {
  operation: ErystaOperation;
  failure: "connect_timeout" | "timeout" | "network" | "aborted";
  sent: "no" | "yes" | "unknown";
  referenceId?: string;
  cause?: unknown;
}): ErystaError {
  const { operation, failure, sent, cause } = input;
  const context: ErystaErrorContext = { operation, cause };
  if (operation === "placeOrder" && sent !== "no") {
    const ambiguity: ErystaAmbiguity =
      failure === "timeout" || failure === "connect_timeout"
        ? "timeout"
        : failure === "aborted"
          ? "aborted"
          : "connection_lost";
    return new ErystaAmbiguousError(ambiguity, input.referenceId ?? "", context);
  }
  const what =
    failure === "connect_timeout"
      ? "could not connect in time"
      : failure === "timeout"
        ? "did not answer in time"
        : failure === "aborted"
          ? "call was cancelled"
          : `could not be reached (${networkCode(cause) ?? "network error"})`;
  return new ErystaUnavailableError(`Erysta ${what}; it will be tried again.`, context);
}

/** A 2xx whose body is not JSON, not the envelope, or not the data we need. */
export function errorFromInvalidBody(input: {
  operation: ErystaOperation;
  status: number;
  traceId?: string;
  referenceId?: string;
  detail: string;
  cause?: unknown;
}): ErystaError {
  const context: ErystaErrorContext = {
    operation: input.operation,
    status: input.status,
    traceId: input.traceId,
    cause: input.cause,
  };
  if (input.operation === "placeOrder") {
    return new ErystaAmbiguousError("invalid_response", input.referenceId ?? "", context);
  }
  return new ErystaInvalidResponseError(`Erysta sent an unreadable answer (${input.detail}).`, context);
}

function authReason(status: number, message: string): ErystaAuthReason {
  if (/\bip\b|ip[- ]?address|allow[- ]?list|whitelist|white[- ]list|not allowed from/i.test(message))
    return "ip_not_allowed";
  return status === 401 ? "invalid_key" : "forbidden";
}

/** Exported for unit tests: the reason comes from the status and the words of the message. */
export function rejectionReason(
  operation: ErystaOperation,
  status: number,
  message: string,
): ErystaRejectionReason {
  // Order matters: "product X is out of stock" mentions a product but is about stock.
  if (/out[- ]of[- ]stock|\bstock\b|sold[- ]out|no (keys|codes) (left|available)/i.test(message))
    return "out_of_stock";
  if (/insufficient|not enough (balance|funds|credit)|\bbalance\b|\bfunds?\b|credit limit/i.test(message)) {
    return "insufficient_funds";
  }
  if (status === 402) return "insufficient_funds";
  if (operation === "getOrderKeys" && (status === 404 || /order/i.test(message))) return "order_not_found";
  if (
    /product/i.test(message) &&
    /not found|unknown|invalid|does not exist|no such|unavailable/i.test(message)
  ) {
    return "unknown_product";
  }
  if (status === 404 && operation === "placeOrder") return "unknown_product";
  if (status === 400 || status === 422) return "invalid_request";
  return "other";
}

function rejectionMessage(reason: ErystaRejectionReason, status: number, message: string): string {
  const said = message ? ` Erysta said: "${message}"` : "";
  switch (reason) {
    case "out_of_stock":
      return `Erysta is out of stock for a product in this order; nothing was charged.${said}`;
    case "insufficient_funds":
      return `The Erysta balance plus credit limit does not cover this order; nothing was charged. Top up the Erysta account.${said}`;
    case "unknown_product":
      return `Erysta does not know a product id of this order; check the product mapping.${said}`;
    case "order_not_found":
      return `Erysta does not know this order id.${said}`;
    case "invalid_request":
      return `Erysta refused the request as invalid (${status}).${said}`;
    case "other":
      return `Erysta refused the request (${status}).${said}`;
  }
}

function networkCode(cause: unknown): string | undefined {
  let current: unknown = cause;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
