// The typed Erysta Partner API client: three documented endpoints, each call
//   1. takes a slot from the shared rate budget (every process using this key shares it),
//   2. does one HTTP exchange (transport.server.ts knows whether the request left this process),
//   3. tells the budget what Erysta said about its limit,
//   4. validates the body with zod, or turns the failure into an error by meaning (errors.ts).
// It never retries anything, place-order least of all: callers decide with `isRetryable(error)`.
// Every result carries the call's trace_id; every Erysta error carries it when one came back.
import type { Logger } from "~/logger.server";
import {
  ErystaError,
  ErystaRejectedError,
  errorFromInvalidBody,
  errorFromStatus,
  errorFromTransport,
  type ErystaOperation,
} from "./errors";
import type { RateBudget, RateFeedback } from "./rate-budget.server";
import {
  balanceDataSchema,
  errorEnvelopeSchema,
  orderKeysDataSchema,
  placeOrderDataSchema,
  successEnvelopeSchema,
  type ErystaBalance,
  type ErystaOrderKeys,
} from "./schemas";
import { exchange } from "./transport.server";
import type { z } from "zod";

export interface ErystaClientOptions {
  /** e.g. https://api.erysta.com/v1/partners (env ERYSTA_API_URL); the simulator's `url` in tests. */
  baseUrl: string;
  apiKey: string;
  rateBudget: RateBudget;
  /** Until the request is on the wire. Default 5 s. A connect timeout is always safe to retry. */
  connectTimeoutMs?: number;
  /** Whole call. Default 20 s. For place-order a timeout after sending is ambiguous. */
  timeoutMs?: number;
  logger?: Logger;
}

export interface ErystaResult<T> {
  /** Erysta's trace_id for this call (null only if Erysta sent none). Keep it for money-moving calls. */
  traceId: string | null;
  data: T;
  /** Time spent waiting for the shared rate budget before the call was sent. */
  budgetWaitMs: number;
}

export interface ErystaOrderItem {
  /** Erysta product id (24 hex characters in the docs). */
  id: string;
  quantity: number;
}

export interface CallOptions {
  /** Cancels the budget wait or the call. Cancelling a place-order after it was sent makes it ambiguous. */
  signal?: AbortSignal;
}

export interface ErystaClient {
  getBalance(options?: CallOptions): Promise<ErystaResult<ErystaBalance>>;
  /** Places ONE order. Never retried here; an unknown outcome throws ErystaAmbiguousError. */
  placeOrder(
    items: ErystaOrderItem[],
    referenceId: string,
    options?: CallOptions,
  ): Promise<ErystaResult<{ orderId: string }>>;
  getOrderKeys(orderId: string, options?: CallOptions): Promise<ErystaResult<ErystaOrderKeys>>;
}

export function createErystaClient(options: ErystaClientOptions): ErystaClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const { apiKey, rateBudget, logger } = options;

  async function call<T>(
    operation: ErystaOperation,
    request: {
      method: "GET" | "POST";
      path: string;
      body?: unknown;
      referenceId?: string;
      signal?: AbortSignal;
    },
    dataSchema: z.ZodType<T>,
  ): Promise<ErystaResult<T>> {
    const { waitedMs } = await rateBudget.acquire({ signal: request.signal, operation });
    const outcome = await exchange({
      url: `${baseUrl}${request.path}`,
      method: request.method,
      headers: {
        "x-api-key": apiKey,
        accept: "application/json",
        ...(request.body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
      connectTimeoutMs,
      timeoutMs,
      signal: request.signal,
    });
    const log = {
      operation,
      referenceId: request.referenceId,
      budgetWaitMs: Math.round(waitedMs),
      durationMs: Math.round(outcome.durationMs),
    };

    if (outcome.kind === "failure") {
      const error = errorFromTransport({
        operation,
        failure: outcome.failure,
        sent: outcome.sent,
        referenceId: request.referenceId,
        cause: outcome.cause,
      });
      logger?.warn(
        { ...log, failure: outcome.failure, sent: outcome.sent, error: error.name },
        "erysta call failed",
      );
      throw error;
    }

    const { status, headers, bodyText } = outcome;
    const json = parseJson(bodyText);
    const success = successEnvelopeSchema.safeParse(json);
    const failureBody = success.success ? undefined : errorEnvelopeSchema.safeParse(json);
    const traceId =
      (success.success ? success.data.details.extensions?.trace_id : failureBody?.data?.error?.trace_id) ??
      headers.get("x-trace-id") ??
      undefined;
    const serverTimestamp = success.success
      ? success.data.details.extensions?.timestamp
      : failureBody?.data?.error?.timestamp;

    const feedback = rateFeedback(status, headers, serverTimestamp);
    if (feedback) await rateBudget.observe(feedback);

    // An explicit `success: false` envelope behind a 2xx is still a refusal: use the status it names.
    const refusedIn2xx =
      status >= 200 &&
      status <= 299 &&
      failureBody?.data?.success === false &&
      (failureBody.data.status ?? 0) >= 400
        ? failureBody.data.status!
        : undefined;
    if (status < 200 || status > 299 || refusedIn2xx !== undefined) {
      const message = failureBody?.data?.error?.message ?? failureBody?.data?.message ?? snippet(bodyText);
      const error = errorFromStatus({
        operation,
        status: refusedIn2xx ?? status,
        message,
        traceId,
        retryAfterMs: feedback?.retryAfterMs,
        referenceId: request.referenceId,
      });
      logger?.warn(
        { ...log, status, traceId, error: error.name, erystaMessage: message },
        "erysta call refused",
      );
      throw error;
    }
    if (!success.success) {
      throw invalid(
        operation,
        status,
        traceId,
        request.referenceId,
        json === undefined ? "not JSON" : "not the success envelope",
        success.error,
        log,
      );
    }
    const data = dataSchema.safeParse(success.data.details.data);
    if (!data.success) {
      throw invalid(
        operation,
        status,
        traceId,
        request.referenceId,
        `unexpected data: ${data.error.issues[0]?.message ?? "invalid"}`,
        data.error,
        log,
      );
    }
    logger?.debug({ ...log, status, traceId }, "erysta call ok");
    return { traceId: traceId ?? null, data: data.data, budgetWaitMs: waitedMs };
  }

  function invalid(
    operation: ErystaOperation,
    status: number,
    traceId: string | undefined,
    referenceId: string | undefined,
    detail: string,
    cause: unknown,
    log: object,
  ): ErystaError {
    const error = errorFromInvalidBody({ operation, status, traceId, referenceId, detail, cause });
    logger?.warn({ ...log, status, traceId, detail, error: error.name }, "erysta answer unreadable");
    return error;
  }

  return {
    getBalance(callOptions = {}) {
      return call(
        "getBalance",
        { method: "GET", path: "/balance", signal: callOptions.signal },
        balanceDataSchema,
      );
    },

    async placeOrder(items, referenceId, callOptions = {}) {
      const merged = mergeItems(items);
      return call(
        "placeOrder",
        {
          method: "POST",
          path: "/place-order",
          body: { items: merged, reference_id: referenceId },
          referenceId,
          signal: callOptions.signal,
        },
        placeOrderDataSchema,
      );
    },

    getOrderKeys(orderId, callOptions = {}) {
      if (!orderId.trim()) {
        return Promise.reject(
          new ErystaRejectedError("invalid_request", "An Erysta order id is required.", {
            operation: "getOrderKeys",
          }),
        );
      }
      return call(
        "getOrderKeys",
        { method: "GET", path: `/orders/${encodeURIComponent(orderId)}/keys`, signal: callOptions.signal },
        orderKeysDataSchema,
      );
    },
  };
}

/**
 * What Erysta does with the same product twice in one order is undocumented, so we never send that:
 * lines are merged by product id and their quantities summed (first-seen order kept). Invalid input is
 * refused before anything is sent.
 */
export function mergeItems(items: ErystaOrderItem[]): ErystaOrderItem[] {
  const reject = (message: string) =>
    new ErystaRejectedError("invalid_request", message, { operation: "placeOrder" });
  if (items.length === 0) throw reject("An Erysta order needs at least one item.");
  const merged = new Map<string, number>();
  for (const item of items) {
    const id = item.id.trim();
    if (!id) throw reject("An Erysta order item has no product id.");
    if (!Number.isInteger(item.quantity) || item.quantity < 1) {
      throw reject(`Quantity ${item.quantity} for Erysta product ${id} is not a positive whole number.`);
    }
    merged.set(id, (merged.get(id) ?? 0) + item.quantity);
  }
  return [...merged].map(([id, quantity]) => ({ id, quantity }));
}

/**
 * Rate-limit headers → budget feedback. X-RateLimit-Reset is unix seconds on Erysta's clock, so it is
 * turned into a delay against Erysta's own timestamp (body or Date header), not against ours.
 */
function rateFeedback(
  status: number,
  headers: Headers,
  serverTimestamp: string | null | undefined,
): RateFeedback | undefined {
  const feedback: RateFeedback = {};
  if (status === 429) feedback.retryAfterMs = parseRetryAfter(headers.get("retry-after")) ?? 60_000;
  const remaining = Number.parseInt(headers.get("x-ratelimit-remaining") ?? "", 10);
  if (Number.isFinite(remaining)) feedback.remaining = remaining;
  const reset = Number(headers.get("x-ratelimit-reset") ?? Number.NaN);
  if (Number.isFinite(reset) && reset > 0) {
    const serverNow =
      Date.parse(serverTimestamp ?? "") || Date.parse(headers.get("date") ?? "") || Date.now();
    feedback.resetInMs = Math.max(0, reset * 1000 - serverNow);
  }
  return Object.keys(feedback).length > 0 ? feedback : undefined;
}

/** Retry-After: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function snippet(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 200);
}
