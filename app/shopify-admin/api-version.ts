// The one pinned Admin API version. app/shopify.server.ts, shopify.app.toml and the simulator use it too.
export const ADMIN_API_VERSION = "2026-07";
export type AdminApiVersion = typeof ADMIN_API_VERSION;
