// The one request the extension makes: POST {appUrl}/api/customer/order-keys with the session token.
import {
  ORDER_KEYS_PATH,
  type CustomerSurface,
  type OrderKeysRequest,
  type OrderKeysResponse,
} from "../../../app/customer/order-keys-contract";

export type FetchOutcome =
  | { ok: true; answer: OrderKeysResponse }
  | { ok: false; reason: "network" | "unauthorized" | "server" | "unreadable"; status?: number };

const STATUSES = new Set([
  "not_found",
  "not_digital",
  "pending",
  "delayed",
  "delivered",
  "partial",
  "failed",
  "refunded",
]);

/** Checks the shape the view relies on; an unexpected answer counts as a failure, never as keys. */
export function readAnswer(data: unknown): OrderKeysResponse | null {
  if (!data || typeof data !== "object") return null;
  const answer = data as Partial<OrderKeysResponse>;
  if (typeof answer.status !== "string" || !STATUSES.has(answer.status)) return null;
  if (answer.access !== "granted" && answer.access !== "denied") return null;
  if (!Array.isArray(answer.products)) return null;
  for (const product of answer.products) {
    if (!product || typeof product.title !== "string" || !Array.isArray(product.keys)) return null;
    if (typeof product.missing !== "number" || typeof product.ordered !== "number") return null;
    for (const key of product.keys) {
      const ok =
        (key?.type === "text" && typeof key.value === "string") ||
        (key?.type === "image" && typeof key.url === "string");
      if (!ok || typeof key.id !== "string") return null;
    }
  }
  return answer as OrderKeysResponse;
}

export async function fetchOrderKeys(input: {
  appUrl: string;
  surface: CustomerSurface;
  sessionToken: string;
  request: OrderKeysRequest;
  fetch?: typeof fetch;
}): Promise<FetchOutcome> {
  const url = new URL(ORDER_KEYS_PATH, input.appUrl);
  url.searchParams.set("surface", input.surface);
  let response: Response;
  try {
    response = await (input.fetch ?? fetch)(url.toString(), {
      method: "POST",
      headers: { Authorization: `Bearer ${input.sessionToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(input.request),
    });
  } catch {
    return { ok: false, reason: "network" };
  }
  if (response.status === 401) return { ok: false, reason: "unauthorized", status: 401 };
  if (!response.ok) return { ok: false, reason: "server", status: response.status };
  const answer = readAnswer(await response.json().catch(() => null));
  return answer ? { ok: true, answer } : { ok: false, reason: "unreadable", status: response.status };
}
