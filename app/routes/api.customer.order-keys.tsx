// POST /api/customer/order-keys?surface=checkout|customer-account — the customer UI extension
// (extensions/erysta-order-keys) asks for an order's delivery status and, when the requester is proven
// to be the buyer, its keys. Called cross-origin from Shopify's extension sandbox with the extension's
// session token (Authorization: Bearer), so every answer carries CORS headers, errors and the OPTIONS
// preflight included; keys are never cached.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { customerOrderKeys, InvalidOrderIdError } from "~/customer/order-keys.server";
import { CUSTOMER_SURFACES, type CustomerSurface, type OrderKeysError } from "~/customer/order-keys-contract";
import { corsForFailedAuth, shopFromSessionToken } from "~/customer/session-token.server";
import { prisma } from "~/db.server";
import { getEnv } from "~/env.server";
import { logger } from "~/logger.server";
import { authenticate } from "~/shopify.server";

const body = z.object({
  orderId: z.string().min(1).max(200),
  checkoutToken: z.string().max(200).nullish(),
});

const NO_STORE = { "Cache-Control": "no-store" };

async function handle(request: Request): Promise<Response> {
  const surfaceParam = new URL(request.url).searchParams.get("surface") ?? "checkout";
  const surface: CustomerSurface = (CUSTOMER_SURFACES as readonly string[]).includes(surfaceParam)
    ? (surfaceParam as CustomerSurface)
    : "checkout";

  // Both helpers verify the HS256 signature with the app secret and the token's expiry, answer the
  // OPTIONS preflight (by throwing a 204 with CORS headers) and hand back `cors` for our answers.
  let auth: Awaited<ReturnType<typeof authenticate.public.checkout>>;
  try {
    auth =
      surface === "customer-account"
        ? await authenticate.public.customerAccount(request)
        : await authenticate.public.checkout(request);
  } catch (thrown) {
    // Their 401 (missing/invalid/expired token) carries no CORS headers, so the extension could not
    // even read it; add them.
    if (thrown instanceof Response) return corsForFailedAuth(request, thrown);
    throw thrown;
  }
  const { sessionToken, cors } = auth;
  const reply = (data: unknown, status = 200) => cors(Response.json(data, { status, headers: NO_STORE }));
  const fail = (status: number, error: OrderKeysError["error"], message?: string) =>
    reply({ error, message } satisfies OrderKeysError, status);

  const env = getEnv();
  // The helpers skip the audience check; a token minted for another app cannot be signed with our
  // secret, but check it anyway, and take the shop only from the signed `dest`.
  const shop = shopFromSessionToken(sessionToken);
  if (sessionToken.aud !== env.SHOPIFY_API_KEY || !shop)
    return fail(401, "unauthorized", "session token is not for this app or names no shop");

  if (request.method !== "POST") return fail(405, "method_not_allowed", "use POST");
  const parsed = body.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return fail(400, "bad_request", "expected JSON { orderId, checkoutToken? }");

  try {
    const result = await customerOrderKeys(
      { db: prisma, now: () => new Date(), appUrl: env.SHOPIFY_APP_URL, secret: env.SHOPIFY_API_SECRET },
      { shop, surface, tokenSubject: sessionToken.sub, request: parsed.data },
    );
    // Polled every few seconds while keys are on their way: debug only. Reveals are on the timeline.
    logger.debug({ shop, surface, status: result.status, access: result.access }, "customer order keys");
    return reply(result);
  } catch (err) {
    if (err instanceof InvalidOrderIdError) return fail(400, "bad_request", err.message);
    throw err;
  }
}

export const loader = ({ request }: LoaderFunctionArgs) => handle(request);
export const action = ({ request }: ActionFunctionArgs) => handle(request);
