// The Shopify Admin simulator: start it in-process, drive it with the typed control client.
export { startShopifySimulator, ShopifySimulator } from "./server";
export type { RunningShopifySimulator, ShopifySimulatorOptions } from "./server";
export { ShopifySimulatorClient, ShopifySimulatorControlError } from "./client";
export { loadAdminSchema, adminSchemaFile } from "./schema";
export {
  signWebhookBody,
  webhookHeaders,
  orderWebhookPayload,
  appUninstalledPayload,
  customersDataRequestPayload,
  customersRedactPayload,
  shopRedactPayload,
} from "./webhooks";
export type * from "./types";
