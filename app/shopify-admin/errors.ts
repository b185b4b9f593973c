// Every way an Admin API call can fail, by meaning. The gateway is the only place that maps HTTP statuses
// and GraphQL error codes to these classes; jobs only ask `isRetryable` (app/errors.server.ts).
import { IntegrationError } from "../errors.server";

export interface ShopifyErrorContext {
  shop?: string;
  /** The GraphQL operation name, e.g. "OrderForFulfillment". */
  operation?: string;
  cause?: unknown;
  retryAfterMs?: number;
}

/** A GraphQL `errors` entry as Shopify sends it. */
export interface ShopifyGraphQLErrorEntry {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** A mutation payload's `userErrors` entry. */
export interface ShopifyUserErrorEntry {
  field?: string[] | null;
  message: string;
  code?: string | null;
}

export abstract class ShopifyAdminError extends IntegrationError {
  readonly shop?: string;
  readonly operation?: string;

  constructor(message: string, context: ShopifyErrorContext = {}) {
    super(message, { cause: context.cause, retryAfterMs: context.retryAfterMs });
    this.shop = context.shop;
    this.operation = context.operation;
  }
}

/** Cost-based throttling outlasted the gateway's bounded retries. Retry later (retryAfterMs says when). */
export class ShopifyThrottledError extends ShopifyAdminError {
  readonly retryable = true;
}

/** HTTP 429/5xx, a network failure, a timeout, an unreadable response or Shopify's INTERNAL_SERVER_ERROR. */
export class ShopifyUnavailableError extends ShopifyAdminError {
  readonly retryable = true;
  readonly status?: number;

  constructor(message: string, context: ShopifyErrorContext & { status?: number } = {}) {
    super(message, context);
    this.status = context.status;
  }
}

/**
 * 401/403: the shop uninstalled the app or the token was revoked; 404: the shop is gone;
 * ACCESS_DENIED: a missing access scope.
 * Retrying cannot help until the merchant re-installs (or the app's scopes change).
 */
export class ShopifyAuthError extends ShopifyAdminError {
  readonly retryable = false;
  readonly status?: number;
  readonly reason: "invalid_token" | "forbidden" | "shop_not_found" | "access_denied";

  constructor(
    message: string,
    context: ShopifyErrorContext & { status?: number; reason: ShopifyAuthError["reason"] },
  ) {
    super(message, context);
    this.status = context.status;
    this.reason = context.reason;
  }
}

/**
 * Shopify rejected the operation itself (unknown field, wrong argument, query too costly, bad variables):
 * a bug in our code, never fixed by retrying.
 */
export class ShopifyGraphQLError extends ShopifyAdminError {
  readonly retryable = false;
  readonly errors: ShopifyGraphQLErrorEntry[];

  constructor(errors: ShopifyGraphQLErrorEntry[], context: ShopifyErrorContext = {}) {
    const problems = errors.map((e) => e.message + (e.extensions?.code ? ` [${e.extensions.code}]` : ""));
    super(`Shopify rejected ${context.operation ?? "the operation"}: ${problems.join("; ")}`, context);
    this.errors = errors;
  }
}

/** A mutation answered with userErrors: the input is wrong for the current state of the shop's data. */
export class ShopifyUserError extends ShopifyAdminError {
  readonly retryable = false;
  readonly userErrors: ShopifyUserErrorEntry[];

  constructor(userErrors: ShopifyUserErrorEntry[], context: ShopifyErrorContext = {}) {
    const list = userErrors.map((e) => (e.field?.length ? `${e.field.join(".")}: ${e.message}` : e.message));
    super(`${context.operation ?? "Mutation"} failed: ${list.join("; ")}`, context);
    this.userErrors = userErrors;
  }
}

/** The resource asked for does not exist (deleted order, wrong id). */
export class ShopifyNotFoundError extends ShopifyAdminError {
  readonly retryable = false;
  readonly resourceId: string;

  constructor(resourceId: string, context: ShopifyErrorContext = {}) {
    super(`${resourceId} was not found in ${context.shop ?? "the shop"}`, context);
    this.resourceId = resourceId;
  }
}

/**
 * Throws ShopifyUserError when a mutation payload carries userErrors, unless every one of them is
 * tolerated by `tolerate` (then returns the tolerated entries so the caller can report them).
 */
export function checkUserErrors(
  userErrors: readonly ShopifyUserErrorEntry[] | null | undefined,
  context: ShopifyErrorContext & { tolerate?: (error: ShopifyUserErrorEntry) => boolean } = {},
): ShopifyUserErrorEntry[] {
  const errors = [...(userErrors ?? [])];
  if (errors.length === 0) return [];
  const { tolerate, ...rest } = context;
  if (tolerate && errors.every(tolerate)) return errors;
  throw new ShopifyUserError(errors, rest);
}
