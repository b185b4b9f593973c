// The Shopify Admin simulator: an HTTP server answering POST /admin/api/<version>/graphql.json against
// Shopify's real schema, sending signed webhooks to the app, and a JSON control API under /_control/
// for tests, the demo and the bench (see ./client.ts for the typed client).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ADMIN_API_VERSION } from "../../app/shopify-admin/api-version";
import { ShopifySimulatorClient } from "./client";
import { runGraphQL, type Bucket } from "./graphql";
import { loadAdminSchema } from "./schema";
import { SimStore, type SimShop } from "./store";
import type {
  CreateOrderInput,
  CreateProductInput,
  CreateShopInput,
  FailNextInput,
  RedeliverWebhookInput,
  RequestLogEntry,
  SendWebhookInput,
  SendWebhookTarget,
  SentWebhook,
  ThrottleInput,
  ThrottleState,
} from "./types";
import {
  appUninstalledPayload,
  customersDataRequestPayload,
  customersRedactPayload,
  deliverWebhook,
  newWebhookIds,
  orderWebhookPayload,
  shopRedactPayload,
  webhookHeaders,
  type WebhookMessage,
} from "./webhooks";

export interface ShopifySimulatorOptions {
  /** 0 or undefined: a free port. */
  port?: number;
  host?: string;
  /** The app's API secret: webhooks are signed with it. */
  apiSecret: string;
  /** The app's base URL: webhooks go to `${appUrl}/webhooks/<topic>` unless told otherwise. */
  appUrl?: string;
  /** The API version served (default: the app's pinned version). */
  apiVersion?: string;
  /** The app's id: "$app" metafield namespaces are stored as "app--<appId>". */
  appId?: number;
  /** Cost bucket, like Shopify's standard plans: 2000 points, restoring 100 a second. */
  maximumAvailable?: number;
  restoreRate?: number;
  /** Clock for the cost bucket (ms); tests share a fake clock with the gateway. */
  now?: () => number;
  /** Where webhooks for a topic go, relative to appUrl (default "/webhooks/<topic>"). */
  webhookPath?: (topic: string) => string;
}

export interface RunningShopifySimulator {
  origin: string;
  control: ShopifySimulatorClient;
  simulator: ShopifySimulator;
  schemaLoadMs: number;
  close(): Promise<void>;
}

class ControlError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const UNAUTHORIZED = {
  errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
};
const MAX_LOG = 2_000;

export class ShopifySimulator {
  readonly store: SimStore;
  readonly apiVersion: string;
  readonly schemaLoadMs: number;
  private readonly schema;
  private readonly now: () => number;
  private maximumAvailable: number;
  private restoreRate: number;
  private readonly buckets = new Map<string, { available: number; at: number }>();
  private throttleNext = 0;
  private reportedAvailable = 0;
  private failNext: { status: number; remaining: number; retryAfterSeconds?: number } | undefined;
  private readonly requestLog: RequestLogEntry[] = [];
  private requestSeq = 0;
  private readonly webhooks = new Map<string, SentWebhook & { secret: string; invalidSignature: boolean }>();

  constructor(private readonly options: ShopifySimulatorOptions) {
    this.apiVersion = options.apiVersion ?? ADMIN_API_VERSION;
    const loaded = loadAdminSchema(this.apiVersion);
    this.schema = loaded.schema;
    this.schemaLoadMs = loaded.loadMs;
    this.store = new SimStore(options.appId ?? 7_000_001);
    this.now = options.now ?? Date.now;
    this.maximumAvailable = options.maximumAvailable ?? 2000;
    this.restoreRate = options.restoreRate ?? 100;
  }

  reset(): void {
    this.store.reset();
    this.buckets.clear();
    this.throttleNext = 0;
    this.reportedAvailable = 0;
    this.failNext = undefined;
    this.requestLog.length = 0;
    this.webhooks.clear();
    this.maximumAvailable = this.options.maximumAvailable ?? 2000;
    this.restoreRate = this.options.restoreRate ?? 100;
  }

  // ------------------------------------------------------------------ cost bucket

  private bucket(shop: string): Bucket {
    const state = () => {
      let b = this.buckets.get(shop);
      const now = this.now();
      if (!b) {
        b = { available: this.maximumAvailable, at: now };
        this.buckets.set(shop, b);
      }
      b.available = Math.min(
        this.maximumAvailable,
        b.available + (Math.max(0, now - b.at) / 1000) * this.restoreRate,
      );
      b.at = now;
      return b;
    };
    return {
      available: () => state().available,
      spend: (points) => {
        const b = state();
        b.available = Math.min(this.maximumAvailable, Math.max(0, b.available - points));
      },
      status: () => ({
        maximumAvailable: this.maximumAvailable,
        currentlyAvailable: Math.floor(state().available),
        restoreRate: this.restoreRate,
      }),
    };
  }

  setThrottle(input: ThrottleInput): ThrottleState {
    if (input.maximumAvailable !== undefined) this.maximumAvailable = input.maximumAvailable;
    if (input.restoreRate !== undefined) this.restoreRate = input.restoreRate;
    if (input.throttleNext !== undefined) this.throttleNext = input.throttleNext;
    if (input.reportedAvailable !== undefined) this.reportedAvailable = input.reportedAvailable;
    if (input.currentlyAvailable !== undefined) {
      const shops = input.shop ? [this.store.requireShop(input.shop).domain] : [...this.store.shops.keys()];
      for (const shop of shops)
        this.buckets.set(shop, { available: input.currentlyAvailable, at: this.now() });
    }
    return this.throttleState();
  }

  throttleState(): ThrottleState {
    const buckets: Record<string, number> = {};
    for (const shop of this.store.shops.keys()) buckets[shop] = Math.floor(this.bucket(shop).available());
    return {
      throttleNext: this.throttleNext,
      reportedAvailable: this.reportedAvailable,
      maximumAvailable: this.maximumAvailable,
      restoreRate: this.restoreRate,
      buckets,
    };
  }

  // ------------------------------------------------------------------ request log

  private log(entry: Omit<RequestLogEntry, "seq" | "at">): void {
    this.requestLog.push({ seq: ++this.requestSeq, at: new Date().toISOString(), ...entry });
    if (this.requestLog.length > MAX_LOG) this.requestLog.splice(0, this.requestLog.length - MAX_LOG);
  }

  requests(): RequestLogEntry[] {
    return [...this.requestLog];
  }

  clearRequests(): void {
    this.requestLog.length = 0;
  }

  // ------------------------------------------------------------------ Admin GraphQL

  async handleGraphQL(req: IncomingMessage, res: ServerResponse, version: string): Promise<void> {
    const empty = {
      operationName: null,
      operationType: null,
      rootFields: [],
      valid: false,
      throttled: false,
      requestedQueryCost: null,
      actualQueryCost: null,
      variables: null,
      idempotencyKey: null,
    };
    const token = header(req, "x-shopify-access-token");
    const claimedDomain = header(req, "x-shopify-shop-domain")?.toLowerCase();
    const shop = token ? this.store.shopByToken(token) : undefined;
    if (!shop || (claimedDomain && claimedDomain !== shop.domain)) {
      await readBody(req);
      this.log({ ...empty, shop: claimedDomain ?? null, httpStatus: 401, errors: [UNAUTHORIZED.errors] });
      return sendJson(res, 401, UNAUTHORIZED);
    }
    if (version !== this.apiVersion) {
      await readBody(req);
      this.log({
        ...empty,
        shop: shop.domain,
        httpStatus: 404,
        errors: [`API version ${version} is not served`],
      });
      return sendJson(res, 404, {
        errors: `Not Found: this simulator serves API version ${this.apiVersion} only`,
      });
    }
    if (this.failNext && this.failNext.remaining > 0) {
      const { status, retryAfterSeconds } = this.failNext;
      if (--this.failNext.remaining <= 0) this.failNext = undefined;
      await readBody(req);
      this.log({ ...empty, shop: shop.domain, httpStatus: status, errors: [`forced HTTP ${status}`] });
      const headers: Record<string, string> =
        retryAfterSeconds !== undefined ? { "Retry-After": String(retryAfterSeconds) } : {};
      const body =
        status === 429
          ? {
              errors:
                "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.",
            }
          : { errors: status >= 500 ? "Internal Server Error" : `HTTP ${status}` };
      return sendJson(res, status, body, headers);
    }

    let payload: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      payload = JSON.parse((await readBody(req)).toString("utf8") || "{}");
    } catch {
      this.log({ ...empty, shop: shop.domain, httpStatus: 400, errors: ["body is not JSON"] });
      return sendJson(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    }
    if (typeof payload.query !== "string" || !payload.query.trim()) {
      this.log({ ...empty, shop: shop.domain, httpStatus: 400, errors: ["query missing"] });
      return sendJson(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    }
    const variables =
      payload.variables && typeof payload.variables === "object"
        ? (payload.variables as Record<string, unknown>)
        : {};
    const forced = this.throttleNext > 0;
    const outcome = runGraphQL({
      schema: this.schema,
      store: this.store,
      shop,
      bucket: this.bucket(shop.domain),
      query: payload.query,
      variables,
      operationName: typeof payload.operationName === "string" ? payload.operationName : null,
      forceThrottle: forced ? { reportedAvailable: this.reportedAvailable } : undefined,
    });
    if (forced && outcome.throttled) this.throttleNext -= 1;
    this.log({
      shop: shop.domain,
      httpStatus: 200,
      operationName: outcome.operationName,
      operationType: outcome.operationType,
      rootFields: outcome.rootFields,
      valid: outcome.valid,
      throttled: outcome.throttled,
      requestedQueryCost: outcome.requestedQueryCost,
      actualQueryCost: outcome.actualQueryCost,
      errors: (outcome.body.errors ?? []).map((e) => e.message),
      variables,
      idempotencyKey: outcome.idempotencyKey,
    });
    sendJson(res, 200, outcome.body);
  }

  // ------------------------------------------------------------------ webhooks

  private webhookUrl(topic: string, target: SendWebhookTarget): string {
    if (target.url) return target.url;
    if (!this.options.appUrl)
      throw new ControlError("No webhook URL: pass `url` or start the simulator with appUrl");
    const path = this.options.webhookPath?.(topic) ?? `/webhooks/${topic}`;
    return `${this.options.appUrl.replace(/\/+$/, "")}${path}`;
  }

  private webhookPayload(shop: SimShop, input: SendWebhookInput): unknown {
    if (input.payload !== undefined) return input.payload;
    if (input.topic.startsWith("orders/")) {
      const order =
        input.orderId !== undefined ? this.store.findOrder(shop.domain, input.orderId) : undefined;
      if (!order) throw new ControlError(`${input.topic} needs an orderId of ${shop.domain}`);
      return orderWebhookPayload(this.store, order, input.topic);
    }
    switch (input.topic) {
      case "app/uninstalled":
        return appUninstalledPayload(shop);
      case "customers/data_request":
        return customersDataRequestPayload(this.store, shop, input.customerEmail);
      case "customers/redact":
        return customersRedactPayload(this.store, shop, input.customerEmail);
      case "shop/redact":
        return shopRedactPayload(shop);
      default:
        throw new ControlError(`No built-in payload for ${input.topic}: pass \`payload\``);
    }
  }

  async sendWebhook(input: SendWebhookInput): Promise<SentWebhook> {
    const shop = this.store.requireShop(input.shop);
    const ids = newWebhookIds();
    const message: WebhookMessage = {
      url: this.webhookUrl(input.topic, input),
      topic: input.topic,
      shopDomain: shop.domain,
      apiVersion: this.apiVersion,
      body: JSON.stringify(this.webhookPayload(shop, input)),
      webhookId: input.webhookId ?? ids.webhookId,
      eventId: input.eventId ?? ids.eventId,
      triggeredAt: new Date().toISOString(),
      secret: input.secret ?? this.options.apiSecret,
      invalidSignature: input.invalidSignature ?? false,
    };
    const record = {
      webhookId: message.webhookId,
      eventId: message.eventId,
      topic: message.topic,
      shop: shop.domain,
      url: message.url,
      apiVersion: message.apiVersion,
      triggeredAt: message.triggeredAt,
      body: message.body,
      headers: webhookHeaders(message),
      deliveries: [] as SentWebhook["deliveries"],
      secret: message.secret,
      invalidSignature: message.invalidSignature ?? false,
    };
    this.webhooks.set(record.webhookId, record);
    record.deliveries.push(await deliverWebhook(message));
    return publicWebhook(record);
  }

  /** Sends the same webhook again (same ids, same bytes), `times` times, concurrently by default. */
  async redeliverWebhook(
    input: RedeliverWebhookInput,
  ): Promise<{ webhook: SentWebhook; deliveries: SentWebhook["deliveries"] }> {
    const record = this.webhooks.get(input.webhookId);
    if (!record) throw new ControlError(`Unknown webhook ${input.webhookId}`, 404);
    const message: WebhookMessage = {
      url: record.url,
      topic: record.topic,
      shopDomain: record.shop,
      apiVersion: record.apiVersion,
      body: record.body,
      webhookId: record.webhookId,
      eventId: record.eventId,
      triggeredAt: record.triggeredAt,
      secret: record.secret,
      invalidSignature: record.invalidSignature,
    };
    const times = Math.max(1, input.times ?? 1);
    const deliveries =
      input.concurrent === false
        ? await sequential(times, () => deliverWebhook(message))
        : await Promise.all(Array.from({ length: times }, () => deliverWebhook(message)));
    record.deliveries.push(...deliveries);
    return { webhook: publicWebhook(record), deliveries };
  }

  listWebhooks(): SentWebhook[] {
    return [...this.webhooks.values()].map(publicWebhook);
  }

  // ------------------------------------------------------------------ control API

  async handleControl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = `${req.method} ${url.pathname.replace(/\/+$/, "")}`;
    const body = req.method === "POST" || req.method === "PUT" ? await readJson(req) : undefined;
    const input = (body ?? {}) as never;
    switch (route) {
      case "GET /_control/health":
        return sendJson(res, 200, { ok: true, apiVersion: this.apiVersion, schemaLoadMs: this.schemaLoadMs });
      case "POST /_control/reset":
        this.reset();
        return sendJson(res, 200, { ok: true });
      case "POST /_control/shops":
        return sendJson(res, 200, this.store.shopSnapshot(this.store.createShop(input as CreateShopInput)));
      case "POST /_control/shops/revoke": {
        const shop = this.store.requireShop((input as { shop: string }).shop);
        shop.revoked = true;
        return sendJson(res, 200, this.store.shopSnapshot(shop));
      }
      case "POST /_control/products":
        return sendJson(
          res,
          200,
          this.store.productSnapshot(this.store.createProduct(input as CreateProductInput)),
        );
      case "POST /_control/orders": {
        const orderInput = input as CreateOrderInput;
        const order = this.store.createOrder(orderInput);
        let webhook: SentWebhook | undefined;
        if (orderInput.sendPaidWebhook) {
          const target = typeof orderInput.sendPaidWebhook === "object" ? orderInput.sendPaidWebhook : {};
          webhook = await this.sendWebhook({
            ...target,
            shop: order.shop,
            topic: "orders/paid",
            orderId: order.id,
          });
        }
        return sendJson(res, 200, { order: this.store.orderSnapshot(order), webhook });
      }
      case "GET /_control/orders": {
        const shop = url.searchParams.get("shop") ?? "";
        const order = this.store.findOrder(shop.toLowerCase(), url.searchParams.get("id"));
        if (!order) throw new ControlError(`No order ${url.searchParams.get("id")} in ${shop}`, 404);
        return sendJson(res, 200, this.store.orderSnapshot(order));
      }
      case "POST /_control/webhooks":
        return sendJson(res, 200, await this.sendWebhook(input as SendWebhookInput));
      case "POST /_control/webhooks/redeliver":
        return sendJson(res, 200, await this.redeliverWebhook(input as RedeliverWebhookInput));
      case "GET /_control/webhooks":
        return sendJson(res, 200, this.listWebhooks());
      case "GET /_control/throttle":
        return sendJson(res, 200, this.throttleState());
      case "POST /_control/throttle":
        return sendJson(res, 200, this.setThrottle(input as ThrottleInput));
      case "POST /_control/fail-next": {
        const f = input as FailNextInput;
        if (!Number.isInteger(f.status) || f.status < 400)
          throw new ControlError("status must be an HTTP error status");
        this.failNext = {
          status: f.status,
          remaining: f.requests ?? 1,
          retryAfterSeconds: f.retryAfterSeconds,
        };
        return sendJson(res, 200, { ok: true });
      }
      case "GET /_control/requests":
        return sendJson(res, 200, this.requests());
      case "DELETE /_control/requests":
        this.clearRequests();
        return sendJson(res, 200, { ok: true });
      default:
        throw new ControlError(`No control route ${route}`, 404);
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://simulator");
    try {
      const graphql = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(url.pathname);
      if (graphql && req.method === "POST") return await this.handleGraphQL(req, res, graphql[1]!);
      if (url.pathname.startsWith("/_control/")) return await this.handleControl(req, res, url);
      sendJson(res, 404, { errors: "Not Found" });
    } catch (error) {
      const status =
        error instanceof ControlError
          ? error.status
          : error instanceof Error && !(error instanceof TypeError)
            ? 400
            : 500;
      if (!res.headersSent)
        sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
    }
  }
}

function publicWebhook(record: SentWebhook & { secret: string; invalidSignature: boolean }): SentWebhook {
  const { secret: _secret, invalidSignature: _invalid, ...rest } = record;
  return { ...rest, deliveries: [...rest.deliveries] };
}

async function sequential<T>(times: number, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < times; i++) out.push(await fn());
  return out;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString("utf8");
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ControlError("Body is not JSON");
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Starts the simulator on `port` (default: a free one). Resolves once it listens. */
export async function startShopifySimulator(
  options: ShopifySimulatorOptions,
): Promise<RunningShopifySimulator> {
  const simulator = new ShopifySimulator(options);
  const server: Server = createServer((req, res) => void simulator.handle(req, res));
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
  return {
    origin,
    control: new ShopifySimulatorClient(origin),
    simulator,
    schemaLoadMs: simulator.schemaLoadMs,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
