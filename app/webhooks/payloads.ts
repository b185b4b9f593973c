// zod schemas for the webhook payloads we act on: only the fields we use, numbers or strings accepted
// where Shopify's REST ids are numeric, ids normalised to strings.
import { z } from "zod";

export const id = z.union([z.number(), z.string()]).transform((v) => String(v));

export const customerRef = z
  .object({ id: id.nullish(), email: z.string().nullish() })
  .nullish()
  .transform((c) => ({ id: c?.id ?? null, email: c?.email ?? null }));

export const customersDataRequestPayload = z.object({
  shop_domain: z.string(),
  customer: customerRef,
  orders_requested: z.array(id).default([]),
});

export const customersRedactPayload = z.object({
  shop_domain: z.string(),
  customer: customerRef,
  orders_to_redact: z.array(id).default([]),
});

export const shopRedactPayload = z.object({ shop_domain: z.string() });
