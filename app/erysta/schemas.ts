// zod schemas for everything Erysta sends back, and the typed shapes the rest of the app sees.
//
// Strict only where we cannot work without a field (the docs are thin): the envelope's `success` and
// `details.data`, an order's `id` and `status`, each product's `id` and each key's `value`. Everything
// else is optional, and optional fields that come back in an unexpected shape are dropped (`.catch`)
// rather than failing a delivery over a cosmetic field.
import { z } from "zod";

/** EUR amounts: numbers, tolerating numeric strings ("12.50"). */
const money = z.preprocess(
  (value) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value),
  z.number().finite(),
);
/** Erysta ids are opaque strings ("SE757MKE", "ord_507f1f…"); tolerate numbers. */
const opaqueId = z.union([z.string().trim().min(1), z.number()]).transform(String);

export const extensionsSchema = z.object({
  cache: z.string().nullish().catch(null),
  trace_id: z.union([z.string(), z.number()]).transform(String).nullish().catch(null),
  timestamp: z.string().nullish().catch(null),
});

export const successEnvelopeSchema = z.object({
  success: z.literal(true),
  details: z.object({
    data: z.unknown(),
    extensions: extensionsSchema.nullish().catch(null),
  }),
});

/** Documented for 429 only; assumed for every error. Everything optional: we map by HTTP status anyway. */
export const errorEnvelopeSchema = z.object({
  status: z.number().int().nullish().catch(null),
  success: z.literal(false).optional(),
  error: z
    .object({
      message: z.string().nullish().catch(null),
      timestamp: z.string().nullish().catch(null),
      trace_id: z.union([z.string(), z.number()]).transform(String).nullish().catch(null),
    })
    .nullish()
    .catch(null),
  message: z.string().nullish().catch(null),
});

const balanceFields = z.object({ balance: money, credit_limit: money.nullish().catch(null) });

export interface ErystaBalance {
  balance: number;
  /** 0 unless Erysta granted credit. */
  creditLimit: number;
  /** balance + creditLimit: what an order may cost at most. */
  spendingPower: number;
}

const toBalance = (raw: z.infer<typeof balanceFields>): ErystaBalance => {
  const creditLimit = raw.credit_limit ?? 0;
  return { balance: raw.balance, creditLimit, spendingPower: roundCents(raw.balance + creditLimit) };
};

export const balanceDataSchema = balanceFields.transform(toBalance);

export const placeOrderDataSchema = z.object({ id: opaqueId }).transform((raw) => ({ orderId: raw.id }));

export const ERYSTA_ORDER_STATUSES = [
  "PENDING",
  "PROCESSING",
  "COMPLETED",
  "PARTIAL_COMPLETED",
  "FAILED",
  "REFUNDED",
] as const;
export type KnownErystaOrderStatus = (typeof ERYSTA_ORDER_STATUSES)[number];
/** A status Erysta may add tomorrow still type-checks: callers must handle "anything else". */
export type ErystaOrderStatus = KnownErystaOrderStatus | (string & {});

export function isKnownErystaOrderStatus(status: string): status is KnownErystaOrderStatus {
  return (ERYSTA_ORDER_STATUSES as readonly string[]).includes(status);
}

export type ErystaKeyType = "text" | "image";

export interface ErystaKey {
  value: string;
  type: ErystaKeyType;
  /** The `type` string exactly as Erysta sent it, when it sent one. */
  rawType?: string;
}

/**
 * Image keys are documented as `data:image/...;base64,...` URLs, but their `type` string is not shown.
 * So the value decides: a data:image URL is an image whatever the type says; anything else is text
 * (activation URLs included).
 */
export function classifyKeyType(value: string): ErystaKeyType {
  return /^data:image\/[a-z0-9.+-]+[;,]/i.test(value.trim()) ? "image" : "text";
}

const keySchema = z.object({
  value: z.string(),
  type: z.string().nullish().catch(null),
});

const productSchema = z.object({
  id: opaqueId,
  title: z.string().nullish().catch(null),
  quantity: z.number().int().nonnegative().nullish().catch(null),
  keys: z.array(keySchema).nullish(),
});

export interface ErystaOrderProduct {
  id: string;
  title?: string;
  /** Units ordered; compare with keys.length to see what a PARTIAL_COMPLETED order did not deliver. */
  quantity?: number;
  keys: ErystaKey[];
}

export interface ErystaOrderKeys {
  id: string;
  status: ErystaOrderStatus;
  products: ErystaOrderProduct[];
  totalDebit?: number;
  balance?: ErystaBalance;
}

export const orderKeysDataSchema = z
  .object({
    id: opaqueId,
    status: z.string().trim().min(1),
    products: z.array(productSchema).nullish(),
    total_debit: money.nullish().catch(null),
    balance: balanceFields.nullish().catch(null),
  })
  .transform((raw): ErystaOrderKeys => ({
    id: raw.id,
    status: raw.status,
    products: (raw.products ?? []).map((product) => ({
      id: product.id,
      ...(product.title != null ? { title: product.title } : {}),
      ...(product.quantity != null ? { quantity: product.quantity } : {}),
      keys: (product.keys ?? [])
        // A blank value is not a key; keeping it would deliver an empty code to a customer.
        .filter((key) => key.value.trim() !== "")
        .map((key) => ({
          value: key.value,
          type: classifyKeyType(key.value),
          ...(key.type != null ? { rawType: key.type } : {}),
        })),
    })),
    ...(raw.total_debit != null ? { totalDebit: raw.total_debit } : {}),
    ...(raw.balance != null ? { balance: toBalance(raw.balance) } : {}),
  }));

export function roundCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
