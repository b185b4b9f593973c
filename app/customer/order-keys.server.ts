// The customer's view of an order's delivery, for the Thank you and Order status pages: its status
// for anyone holding a valid session token of the shop, its keys only for the proven buyer
// (buyer-proof.server.ts). Every reveal is recorded on the delivery's timeline (actor "customer").
import type { Db } from "~/db.server";
import { recordEvent } from "~/fulfillment/events.server";
import { readKeys } from "~/fulfillment/keys.server";
import { orderNumericId, proveBuyer, type BuyerProof } from "./buyer-proof.server";
import { KEY_IMAGE_TTL_MS, signKeyImageUrl } from "./key-image.server";
import type {
  CustomerKey,
  CustomerProductKeys,
  CustomerSurface,
  OrderKeysRequest,
  OrderKeysResponse,
} from "./order-keys-contract";
import { customerStatusOf } from "./status";

export interface CustomerKeysDeps {
  db: Db;
  now(): Date;
  /** The app's public origin, for the signed image URLs. */
  appUrl: string;
  /** The app secret; signs the image URLs. */
  secret: string;
}

export class InvalidOrderIdError extends Error {
  constructor(readonly orderId: string) {
    super("orderId must be an order gid (gid://shopify/Order/<id>) or a numeric order id");
  }
}

const SURFACE_NAMES: Record<CustomerSurface, string> = {
  checkout: "Thank you page",
  "customer-account": "Order status page",
};

export async function customerOrderKeys(
  deps: CustomerKeysDeps,
  input: {
    /** The shop from the verified session token: every query is scoped by it. */
    shop: string;
    surface: CustomerSurface;
    /** The verified session token's `sub` (the logged-in customer's gid), if any. */
    tokenSubject: unknown;
    request: OrderKeysRequest;
  },
): Promise<OrderKeysResponse> {
  const orderId = orderNumericId(input.request.orderId);
  if (!orderId) throw new InvalidOrderIdError(input.request.orderId);

  const delivery = await deps.db.delivery.findUnique({
    where: { shop_shopifyOrderId: { shop: input.shop, shopifyOrderId: orderId } },
    include: { lines: { orderBy: { id: "asc" } } },
  });
  if (!delivery) return { status: "not_found", access: "denied", products: [] };

  const status = customerStatusOf(delivery.status, delivery.lines);
  const waiting =
    status === "pending" || status === "delayed"
      ? {
          waitingSeconds: Math.max(
            0,
            Math.floor((deps.now().getTime() - delivery.createdAt.getTime()) / 1000),
          ),
        }
      : {};
  const proof = proveBuyer(delivery, input.tokenSubject, input.request.checkoutToken);
  if (!proof || status === "not_digital") return { status, access: "denied", ...waiting, products: [] };

  const keys = await readKeys(deps.db, input.shop, delivery.id);
  const expiresAt = deps.now().getTime() + KEY_IMAGE_TTL_MS;
  const products: CustomerProductKeys[] = delivery.lines.map((line) => {
    // Keys not assigned to a line (more than ordered) are not the customer's, as in the keys email.
    const lineKeys = keys.filter((k) => k.lineId === line.id);
    return {
      title: line.title,
      ordered: line.quantity,
      missing: Math.max(0, line.quantity - lineKeys.length),
      keys: lineKeys.map((k): CustomerKey =>
        k.type === "IMAGE"
          ? {
              id: k.id,
              type: "image",
              url: signKeyImageUrl({
                appUrl: deps.appUrl,
                secret: deps.secret,
                shop: input.shop,
                keyId: k.id,
                expiresAt,
              }),
            }
          : { id: k.id, type: "text", value: k.value },
      ),
    };
  });

  const shown = products.reduce((n, p) => n + p.keys.length, 0);
  if (shown > 0) await recordReveal(deps.db, delivery, input.surface, proof, shown);
  return { status, access: "granted", ...waiting, orderName: delivery.orderName, products };
}

function recordReveal(
  db: Db,
  delivery: { id: string; shop: string },
  surface: CustomerSurface,
  proof: BuyerProof,
  count: number,
) {
  const how = proof === "customer" ? "logged-in customer" : "checkout token";
  return recordEvent(db, delivery, {
    type: "keys_revealed_to_customer",
    message: `${count} key${count === 1 ? "" : "s"} shown to the customer on the ${SURFACE_NAMES[surface]} (${how}).`,
    actor: "customer",
    data: { surface, proof, keys: count },
  });
}
