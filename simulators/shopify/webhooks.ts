// Webhooks as Shopify sends them: REST-shaped JSON payloads, signed with the app's API secret
// (X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256 of the raw body), with Shopify's headers.
import { createHmac, randomUUID } from "node:crypto";
import { money, type SimCustomer, type SimOrder, type SimShop, type SimStore } from "./store";
import type { WebhookDelivery } from "./types";

export function signWebhookBody(body: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

export interface WebhookMessage {
  url: string;
  topic: string;
  shopDomain: string;
  apiVersion: string;
  body: string;
  webhookId: string;
  eventId: string;
  triggeredAt: string;
  secret: string;
  invalidSignature?: boolean;
}

export function webhookHeaders(message: WebhookMessage): Record<string, string> {
  const secret = message.invalidSignature ? `${message.secret}-wrong` : message.secret;
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": message.topic,
    "X-Shopify-Hmac-Sha256": signWebhookBody(message.body, secret),
    "X-Shopify-Shop-Domain": message.shopDomain,
    "X-Shopify-API-Version": message.apiVersion,
    "X-Shopify-Webhook-Id": message.webhookId,
    "X-Shopify-Event-Id": message.eventId,
    "X-Shopify-Triggered-At": message.triggeredAt,
  };
}

export function newWebhookIds(): { webhookId: string; eventId: string } {
  return { webhookId: randomUUID(), eventId: randomUUID() };
}

/** POSTs the message once. Shopify gives up on a delivery after 5 s. */
export async function deliverWebhook(message: WebhookMessage, timeoutMs = 5_000): Promise<WebhookDelivery> {
  const started = performance.now();
  try {
    const response = await fetch(message.url, {
      method: "POST",
      headers: webhookHeaders(message),
      body: message.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return {
      status: response.status,
      ok: response.ok,
      durationMs: Math.round(performance.now() - started),
      body: text.slice(0, 2_000),
    };
  } catch (error) {
    return {
      status: 0,
      ok: false,
      durationMs: Math.round(performance.now() - started),
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}

// ------------------------------------------------------------------ payloads

function priceSet(amount: string, currency: string) {
  return {
    shop_money: { amount, currency_code: currency },
    presentment_money: { amount, currency_code: currency },
  };
}

function customerJson(customer: SimCustomer, currency: string) {
  return {
    id: customer.id,
    email: customer.email,
    created_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: "disabled",
    note: null,
    verified_email: true,
    multipass_identifier: null,
    tax_exempt: false,
    phone: customer.phone,
    currency,
    tax_exemptions: [],
    admin_graphql_api_id: `gid://shopify/Customer/${customer.id}`,
    default_address: null,
  };
}

/** The order as the REST Admin API (and so every orders/* webhook) renders it. */
export function orderWebhookPayload(
  store: SimStore,
  order: SimOrder,
  topic = "orders/paid",
): Record<string, unknown> {
  const shop = store.requireShop(order.shop);
  const customer = order.customerId ? store.customers.get(order.customerId) : undefined;
  const currency = order.currencyCode;
  const total = money(store.capturedCents(order));
  const financialStatus = { PAID: "paid", PARTIALLY_REFUNDED: "partially_refunded", REFUNDED: "refunded" }[
    store.financialStatus(order)
  ];
  const fulfillment = store.displayFulfillmentStatus(order);
  const requiresShipping = order.lineItems.some((l) => l.requiresShipping);
  const address = {
    first_name: customer?.firstName ?? "Alex",
    last_name: customer?.lastName ?? "Buyer",
    address1: "1 Example Street",
    address2: null,
    city: "Ottawa",
    province: "Ontario",
    country: "Canada",
    zip: "K2P 1L4",
    phone: null,
    company: null,
    country_code: "CA",
    province_code: "ON",
    name: `${customer?.firstName ?? "Alex"} ${customer?.lastName ?? "Buyer"}`,
  };
  return {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    app_id: 580111,
    browser_ip: "203.0.113.10",
    buyer_accepts_marketing: false,
    cancel_reason: null,
    cancelled_at: null,
    cart_token: null,
    checkout_id: order.id + 1,
    checkout_token: order.token,
    closed_at: null,
    confirmation_number: order.token.slice(0, 9).toUpperCase(),
    confirmed: true,
    contact_email: order.email,
    created_at: order.createdAt,
    currency,
    current_subtotal_price: total,
    current_total_price: total,
    current_total_tax: "0.00",
    customer_locale: order.customerLocale,
    email: order.email,
    estimated_taxes: false,
    financial_status: financialStatus,
    fulfillment_status:
      fulfillment === "FULFILLED" ? "fulfilled" : fulfillment === "PARTIALLY_FULFILLED" ? "partial" : null,
    landing_site: null,
    name: order.name,
    note: null,
    note_attributes: [],
    number: order.number - 1000,
    order_number: order.number,
    order_status_url: store.statusPageUrl(order),
    payment_gateway_names: ["bogus"],
    phone: null,
    presentment_currency: currency,
    processed_at: order.createdAt,
    source_name: "web",
    subtotal_price: total,
    subtotal_price_set: priceSet(total, currency),
    tags: order.tags.join(", "),
    tax_lines: [],
    taxes_included: false,
    test: false,
    token: order.token,
    total_discounts: "0.00",
    total_line_items_price: total,
    total_outstanding: "0.00",
    total_price: total,
    total_price_set: priceSet(total, currency),
    total_tax: "0.00",
    total_weight: 0,
    updated_at: order.updatedAt,
    user_id: null,
    billing_address: address,
    customer: customer ? customerJson(customer, currency) : null,
    discount_applications: [],
    fulfillments: [],
    line_items: order.lineItems.map((l) => {
      const remaining = store
        .fulfillmentOrdersOf(order)
        .flatMap((fo) => fo.lines)
        .filter((x) => x.lineItemId === l.id)
        .reduce((s, x) => s + x.remainingQuantity, 0);
      const price = money(l.priceCents);
      return {
        id: l.id,
        admin_graphql_api_id: `gid://shopify/LineItem/${l.id}`,
        current_quantity: l.quantity - store.refundedQuantity(order, l.id),
        fulfillable_quantity: remaining,
        fulfillment_service: "manual",
        fulfillment_status: remaining === 0 ? "fulfilled" : remaining < l.quantity ? "partial" : null,
        gift_card: false,
        grams: l.requiresShipping ? 500 : 0,
        name: l.variantTitle ? `${l.title} - ${l.variantTitle}` : l.title,
        price,
        price_set: priceSet(price, currency),
        product_exists: true,
        product_id: l.productId,
        properties: [],
        quantity: l.quantity,
        requires_shipping: l.requiresShipping,
        sku: l.sku,
        taxable: true,
        title: l.title,
        total_discount: "0.00",
        total_discount_set: priceSet("0.00", currency),
        variant_id: l.variantId,
        variant_inventory_management: null,
        variant_title: l.variantTitle,
        vendor: shop.name,
        tax_lines: [],
        duties: [],
        discount_allocations: [],
      };
    }),
    payment_terms: null,
    refunds: [],
    shipping_address: requiresShipping ? address : null,
    shipping_lines: [],
    ...(topic === "orders/cancelled"
      ? { cancel_reason: "customer", cancelled_at: new Date().toISOString() }
      : {}),
  };
}

/** app/uninstalled: the shop resource. */
export function appUninstalledPayload(shop: SimShop): Record<string, unknown> {
  const handle = shop.domain.replace(/\.myshopify\.com$/, "");
  return {
    id: shop.id,
    name: shop.name,
    email: shop.email,
    domain: shop.domain,
    province: "Ontario",
    country: "CA",
    address1: "1 Example Street",
    zip: "K2P 1L4",
    city: "Ottawa",
    source: null,
    phone: null,
    latitude: null,
    longitude: null,
    primary_locale: "en",
    address2: null,
    created_at: shop.createdAt,
    updated_at: new Date().toISOString(),
    country_code: "CA",
    country_name: "Canada",
    currency: shop.currencyCode,
    customer_email: shop.email,
    timezone: "(GMT-05:00) Eastern Time (US & Canada)",
    iana_timezone: "America/Toronto",
    shop_owner: "Shop Owner",
    money_format: "${{amount}}",
    money_with_currency_format: `\${{amount}} ${shop.currencyCode}`,
    weight_unit: "kg",
    province_code: "ON",
    taxes_included: false,
    tax_shipping: null,
    county_taxes: true,
    plan_display_name: "Development",
    plan_name: "partner_test",
    has_discounts: false,
    has_gift_cards: false,
    myshopify_domain: shop.domain,
    google_apps_domain: null,
    google_apps_login_enabled: null,
    money_in_emails_format: "${{amount}}",
    money_with_currency_in_emails_format: `\${{amount}} ${shop.currencyCode}`,
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: true,
    has_storefront: true,
    finances: true,
    primary_location_id: shop.id + 1,
    checkout_api_supported: true,
    multi_location_enabled: true,
    setup_required: false,
    pre_launch_enabled: false,
    enabled_presentment_currencies: [shop.currencyCode],
    transactional_sms_disabled: false,
    marketing_sms_consent_enabled_at_checkout: false,
    handle,
  };
}

function customerForCompliance(store: SimStore, shop: SimShop, email?: string): SimCustomer | undefined {
  const customers = [...store.customers.values()].filter((c) => c.shop === shop.domain);
  if (email) return customers.find((c) => c.email === email);
  const latest = [...store.orders.values()].filter((o) => o.shop === shop.domain && o.customerId).at(-1);
  return latest ? store.customers.get(latest.customerId!) : customers.at(-1);
}

function customerOrderIds(store: SimStore, shop: SimShop, customer: SimCustomer | undefined): number[] {
  if (!customer) return [];
  return [...store.orders.values()]
    .filter((o) => o.shop === shop.domain && o.customerId === customer.id)
    .map((o) => o.id);
}

/** customers/data_request (mandatory compliance webhook). */
export function customersDataRequestPayload(
  store: SimStore,
  shop: SimShop,
  email?: string,
): Record<string, unknown> {
  const customer = customerForCompliance(store, shop, email);
  return {
    shop_id: shop.id,
    shop_domain: shop.domain,
    orders_requested: customerOrderIds(store, shop, customer),
    customer: {
      id: customer?.id ?? 0,
      email: customer?.email ?? email ?? null,
      phone: customer?.phone ?? null,
    },
    data_request: { id: store.nextId() },
  };
}

/** customers/redact (mandatory compliance webhook). */
export function customersRedactPayload(
  store: SimStore,
  shop: SimShop,
  email?: string,
): Record<string, unknown> {
  const customer = customerForCompliance(store, shop, email);
  return {
    shop_id: shop.id,
    shop_domain: shop.domain,
    customer: {
      id: customer?.id ?? 0,
      email: customer?.email ?? email ?? null,
      phone: customer?.phone ?? null,
    },
    orders_to_redact: customerOrderIds(store, shop, customer),
  };
}

/** shop/redact (mandatory compliance webhook, 48 hours after uninstall). */
export function shopRedactPayload(shop: SimShop): Record<string, unknown> {
  return { shop_id: shop.id, shop_domain: shop.domain };
}
