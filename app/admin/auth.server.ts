// Every admin route starts here: Shopify's embedded auth (session token → the shop's offline session)
// gives the shop every read and write is scoped to, and the staff member recorded on audit events.
import { authenticate } from "~/shopify.server";
import type { Actor } from "./deps";

export interface Merchant {
  shop: string;
  actor: Actor;
}

export async function requireMerchant(request: Request): Promise<Merchant> {
  const { session, sessionToken } = await authenticate.admin(request);
  return { shop: session.shop, actor: `merchant:${sessionToken?.sub ?? "unknown"}` };
}
