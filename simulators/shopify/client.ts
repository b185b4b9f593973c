// Typed client of the simulator's control API, for tests, the demo and the bench.
import type {
  CreateOrderInput,
  CreateProductInput,
  CreateShopInput,
  FailNextInput,
  OrderSnapshot,
  ProductSnapshot,
  RedeliverWebhookInput,
  RequestLogEntry,
  SendWebhookInput,
  SentWebhook,
  ShopSnapshot,
  ThrottleInput,
  ThrottleState,
  WebhookDelivery,
} from "./types";

export class ShopifySimulatorControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ShopifySimulatorControlError";
  }
}

export class ShopifySimulatorClient {
  constructor(
    readonly origin: string,
    private readonly fetchImpl: typeof fetch = globalThis.fetch,
  ) {}

  /** The GraphQL endpoint the app's gateway should use (as SHOPIFY_ADMIN_API_ORIGIN, pass `origin`). */
  graphqlUrl(apiVersion: string): string {
    return `${this.origin}/admin/api/${apiVersion}/graphql.json`;
  }

  private async call<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
    const response = await this.fetchImpl(`${this.origin}/_control${path}`, {
      method,
      headers: body === undefined ? undefined : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const message = (json as { error?: string } | undefined)?.error ?? text;
      throw new ShopifySimulatorControlError(
        response.status,
        `Shopify simulator ${method} ${path}: ${message}`,
      );
    }
    return json as T;
  }

  health(): Promise<{ ok: true; apiVersion: string; schemaLoadMs: number }> {
    return this.call("GET", "/health");
  }

  /** Forgets every shop, order, webhook, log entry and throttle setting. */
  async reset(): Promise<void> {
    await this.call("POST", "/reset");
  }

  createShop(input: CreateShopInput): Promise<ShopSnapshot> {
    return this.call("POST", "/shops", input);
  }

  /** The shop's token stops working (401), as after an uninstall. */
  revokeAccess(shop: string): Promise<ShopSnapshot> {
    return this.call("POST", "/shops/revoke", { shop });
  }

  createProduct(input: CreateProductInput): Promise<ProductSnapshot> {
    return this.call("POST", "/products", input);
  }

  /** Creates a paid order (and, with `sendPaidWebhook`, delivers orders/paid before answering). */
  createOrder(input: CreateOrderInput): Promise<{ order: OrderSnapshot; webhook?: SentWebhook }> {
    return this.call("POST", "/orders", input);
  }

  /** Tags, metafields, fulfillment orders, fulfillments and refunds of an order, as the simulator holds them. */
  getOrder(shop: string, orderId: string | number): Promise<OrderSnapshot> {
    const query = new URLSearchParams({ shop, id: String(orderId) });
    return this.call("GET", `/orders?${query}`);
  }

  /** Sends a signed webhook (built-in realistic payloads for orders/*, app/uninstalled and the compliance topics). */
  sendWebhook(input: SendWebhookInput): Promise<SentWebhook> {
    return this.call("POST", "/webhooks", input);
  }

  /** Re-sends a webhook with the same ids and bytes, `times` times (concurrently unless told otherwise). */
  redeliverWebhook(
    input: RedeliverWebhookInput,
  ): Promise<{ webhook: SentWebhook; deliveries: WebhookDelivery[] }> {
    return this.call("POST", "/webhooks/redeliver", input);
  }

  listWebhooks(): Promise<SentWebhook[]> {
    return this.call("GET", "/webhooks");
  }

  /** Throttle the next N requests, set a shop's bucket, or change the bucket's size and restore rate. */
  throttle(input: ThrottleInput): Promise<ThrottleState> {
    return this.call("POST", "/throttle", input);
  }

  throttleState(): Promise<ThrottleState> {
    return this.call("GET", "/throttle");
  }

  /** Answer the next N GraphQL requests with an HTTP error (500, 502, 503, 429…). */
  async failNext(input: FailNextInput): Promise<void> {
    await this.call("POST", "/fail-next", input);
  }

  requests(): Promise<RequestLogEntry[]> {
    return this.call("GET", "/requests");
  }

  async clearRequests(): Promise<void> {
    await this.call("DELETE", "/requests");
  }
}
