// Helpers around the extension session tokens that authenticate.public.checkout / .customerAccount
// (app/shopify.server.ts) verify.
import { getEnv } from "~/env.server";

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** The shop a verified token is for: `dest` is "shop.myshopify.com" (or "https://shop.myshopify.com"). */
export function shopFromSessionToken(token: { dest?: unknown }): string | null {
  if (typeof token.dest !== "string") return null;
  let host: string;
  try {
    host = new URL(token.dest.includes("://") ? token.dest : `https://${token.dest}`).hostname;
  } catch {
    return null;
  }
  host = host.toLowerCase();
  return SHOP_DOMAIN.test(host) ? host : null;
}

/**
 * The library's own failure answers (401 for a missing, invalid or expired token, 410 for bots) come
 * without CORS headers, which hides them from the extension. Same headers as its `cors` helper.
 */
export function corsForFailedAuth(request: Request, failure: Response): Response {
  const response = new Response(failure.body, {
    status: failure.status,
    statusText: failure.statusText,
    headers: failure.headers,
  });
  const origin = request.headers.get("Origin");
  if (origin && origin !== getEnv().SHOPIFY_APP_URL && !response.headers.has("Access-Control-Allow-Origin")) {
    response.headers.set("Access-Control-Allow-Origin", "*");
    response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
    response.headers.set("Access-Control-Expose-Headers", "X-Shopify-API-Request-Failure-Reauthorize-Url");
  }
  return response;
}
