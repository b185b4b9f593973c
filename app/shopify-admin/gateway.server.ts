// The one way the app (web and worker) talks to Shopify's GraphQL Admin API. Built on graphql-request,
// fed by a shop's offline session. It owns, once for every operation:
//   - the endpoint and API version (https://{shop}/admin/api/{version}/graphql.json, or a local origin),
//   - cost-based throttling (wait before a query that would not fit the bucket; after THROTTLED, wait
//     until it fits and retry, a bounded number of times),
//   - mapping every failure to the error classes of ./errors.ts.
// Operations (one file each in this folder) call `gateway.request(DOCUMENT, variables)`.
import { ClientError, GraphQLClient } from "graphql-request";
import { Kind, parse, type OperationDefinitionNode } from "graphql";
import { logger as rootLogger, type Logger } from "../logger.server";
import { ADMIN_API_VERSION } from "./api-version";
import {
  ShopifyAuthError,
  ShopifyGraphQLError,
  ShopifyThrottledError,
  ShopifyUnavailableError,
  type ShopifyAdminError,
  type ShopifyGraphQLErrorEntry,
} from "./errors";
import {
  DEFAULT_EXPECTED_COST,
  readQueryCost,
  sharedThrottleBudget,
  throttledWaitMs,
  type QueryCost,
  type ThrottleBudget,
} from "./throttle";

export type Variables = Record<string, unknown>;

export interface AdminGatewayOptions {
  /** The shop's permanent domain, e.g. "erysta-demo.myshopify.com". */
  shop: string;
  /** The offline session's access token. */
  accessToken: string;
  /** Local simulator only (env SHOPIFY_ADMIN_API_ORIGIN): send every call to this origin instead of https://{shop}. */
  origin?: string;
  apiVersion?: string;
  fetch?: typeof fetch;
  logger?: Logger;
  /** Injectable for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable clock (ms) for the throttle estimate; defaults to Date.now. */
  now?: () => number;
  /** How many times a THROTTLED answer is retried before ShopifyThrottledError. Default 5. */
  maxThrottleRetries?: number;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** Defaults to the process-wide budget of this shop (shared by every gateway for it). */
  budget?: ThrottleBudget;
}

export interface AdminGateway {
  readonly shop: string;
  readonly endpoint: string;
  /** Runs one operation; returns `data`, or throws one of the errors of ./errors.ts. */
  request<TData, TVariables extends Variables = Variables>(
    document: string,
    variables?: TVariables,
  ): Promise<TData>;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_THROTTLE_RETRIES = 5;
const FROZEN_SHOP_RETRY_MS = 15 * 60_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Requested cost Shopify reported for each document, so the next call knows what it will need. */
const learnedCosts = new Map<string, number>();

interface OperationInfo {
  name: string;
  type: string;
}
const operationInfos = new Map<string, OperationInfo>();

function describeOperation(document: string): OperationInfo {
  const known = operationInfos.get(document);
  if (known) return known;
  let definitions;
  try {
    definitions = parse(document).definitions;
  } catch (error) {
    // A document that does not even parse is a bug in our code: final, never retried.
    throw new ShopifyGraphQLError([{ message: error instanceof Error ? error.message : String(error) }], {
      cause: error,
    });
  }
  const definition = definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const info: OperationInfo = {
    name: definition?.name?.value ?? "anonymous",
    type: definition?.operation ?? "query",
  };
  operationInfos.set(document, info);
  return info;
}

export function adminEndpoint(shop: string, options: { origin?: string; apiVersion?: string } = {}): string {
  const base = options.origin ? options.origin.replace(/\/+$/, "") : `https://${shop}`;
  return `${base}/admin/api/${options.apiVersion ?? ADMIN_API_VERSION}/graphql.json`;
}

export function createAdminGateway(options: AdminGatewayOptions): AdminGateway {
  const { shop, accessToken } = options;
  if (!SHOP_DOMAIN.test(shop)) throw new Error(`Not a *.myshopify.com shop domain: ${JSON.stringify(shop)}`);
  if (!accessToken)
    throw new ShopifyAuthError(`No access token for ${shop}`, { shop, reason: "invalid_token" });

  const endpoint = adminEndpoint(shop, options);
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? Date.now;
  const maxThrottleRetries = options.maxThrottleRetries ?? DEFAULT_MAX_THROTTLE_RETRIES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const budget = options.budget ?? sharedThrottleBudget(endpoint);
  const log = (options.logger ?? rootLogger).child({ component: "shopify-admin", shop });
  const baseFetch = options.fetch ?? globalThis.fetch;

  const headers: Record<string, string> = { "X-Shopify-Access-Token": accessToken };
  // The simulator serves every shop from one origin; the token identifies the shop, this header names it.
  if (options.origin) headers["X-Shopify-Shop-Domain"] = shop;

  const client = new GraphQLClient(endpoint, {
    headers,
    errorPolicy: "all",
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      baseFetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
  });

  async function request<TData, TVariables extends Variables = Variables>(
    document: string,
    variables?: TVariables,
  ): Promise<TData> {
    const operation = describeOperation(document);
    const context = { shop, operation: operation.name };

    // After a THROTTLED answer the gateway has just waited exactly as long as Shopify's numbers say;
    // the retry goes out without a second, pre-emptive wait.
    let justWaited = false;
    for (let attempt = 0; ; attempt++) {
      const expectedCost = learnedCosts.get(document) ?? DEFAULT_EXPECTED_COST;
      const waitMs = justWaited ? 0 : budget.waitMsFor(expectedCost, now());
      justWaited = false;
      if (waitMs > 0) {
        log.debug({ operation: operation.name, waitMs, expectedCost }, "waiting for Admin API cost budget");
        await sleep(waitMs);
      }
      budget.reserve(expectedCost, now());

      let response: Awaited<ReturnType<GraphQLClient["rawRequest"]>>;
      try {
        response = await client.rawRequest<TData, TVariables>(document, variables);
      } catch (error) {
        throw transportError(error, context);
      }

      const cost = readQueryCost(response.extensions);
      if (cost) {
        budget.observe(cost.throttleStatus, now());
        learnedCosts.set(document, cost.requestedQueryCost);
      }

      const errors = (response.errors ?? []) as ShopifyGraphQLErrorEntry[];
      if (errors.length === 0) {
        if (response.data === undefined || response.data === null) {
          throw new ShopifyUnavailableError(`Shopify answered ${operation.name} without data`, context);
        }
        return response.data as TData;
      }

      if (errors.some((e) => e.extensions?.code === "THROTTLED")) {
        const retryAfterMs = cost ? throttledWaitMs(cost) : 1000;
        if (attempt >= maxThrottleRetries) {
          throw new ShopifyThrottledError(`${operation.name} was throttled ${attempt + 1} times in a row`, {
            ...context,
            retryAfterMs,
          });
        }
        log.info(
          { operation: operation.name, attempt: attempt + 1, retryAfterMs, cost: costSummary(cost) },
          "Admin API throttled; waiting",
        );
        await sleep(retryAfterMs);
        justWaited = true;
        continue;
      }
      throw graphQLError(errors, context);
    }
  }

  return { shop, endpoint, request };
}

/** The gateway for a shop's offline session (as stored by the app's session storage). */
export function createAdminGatewayForSession(
  session: { shop: string; accessToken?: string | null },
  options: Omit<AdminGatewayOptions, "shop" | "accessToken"> = {},
): AdminGateway {
  if (!session.accessToken) {
    throw new ShopifyAuthError(`${session.shop} has no offline access token (not installed?)`, {
      shop: session.shop,
      reason: "invalid_token",
    });
  }
  return createAdminGateway({ ...options, shop: session.shop, accessToken: session.accessToken });
}

function costSummary(cost: QueryCost | undefined) {
  return cost
    ? { requested: cost.requestedQueryCost, available: cost.throttleStatus.currentlyAvailable }
    : undefined;
}

function graphQLError(
  errors: ShopifyGraphQLErrorEntry[],
  context: { shop: string; operation: string },
): ShopifyAdminError {
  const codes = errors.map((e) => e.extensions?.code);
  if (codes.includes("ACCESS_DENIED")) {
    return new ShopifyAuthError(`Access denied for ${context.operation}: ${errors[0]?.message}`, {
      ...context,
      reason: "access_denied",
    });
  }
  if (codes.every((c) => c === "INTERNAL_SERVER_ERROR")) {
    return new ShopifyUnavailableError(
      `Shopify failed internally on ${context.operation}: ${errors[0]?.message}`,
      context,
    );
  }
  return new ShopifyGraphQLError(errors, context);
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function transportError(error: unknown, context: { shop: string; operation: string }): ShopifyAdminError {
  if (error instanceof ClientError) {
    const status = error.response.status;
    const headers = error.response.headers as Headers | undefined;
    const body = typeof error.response.body === "string" ? error.response.body.slice(0, 300) : "";
    const what = `${context.operation} answered HTTP ${status}${body ? `: ${body}` : ""}`;
    const base = { ...context, status, cause: error };
    if (status === 401)
      return new ShopifyAuthError(`${what} (app uninstalled or token revoked)`, {
        ...base,
        reason: "invalid_token",
      });
    if (status === 403) return new ShopifyAuthError(what, { ...base, reason: "forbidden" });
    if (status === 404)
      return new ShopifyAuthError(`${what} (shop not found)`, { ...base, reason: "shop_not_found" });
    if (status === 402 || status === 423) {
      return new ShopifyUnavailableError(`${what} (shop frozen or locked)`, {
        ...base,
        retryAfterMs: FROZEN_SHOP_RETRY_MS,
      });
    }
    if (status === 429 || status >= 500) {
      return new ShopifyUnavailableError(what, { ...base, retryAfterMs: retryAfterMs(headers) });
    }
    if (status >= 200 && status < 300) {
      // 2xx whose body was not a GraphQL response (e.g. an HTML page from a proxy).
      return new ShopifyUnavailableError(`${context.operation} answered an unreadable body`, base);
    }
    const errors = (error.response.errors as ShopifyGraphQLErrorEntry[] | undefined) ?? [{ message: what }];
    return new ShopifyGraphQLError(errors, { ...context, cause: error });
  }
  const name = error instanceof Error ? error.name : "";
  const reason = name === "TimeoutError" || name === "AbortError" ? "timed out" : "could not reach Shopify";
  const detail = error instanceof Error ? `: ${error.message}` : "";
  return new ShopifyUnavailableError(`${context.operation} ${reason}${detail}`, { ...context, cause: error });
}
