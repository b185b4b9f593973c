// Metafields the app owns. "$app" is the app-reserved namespace: Shopify stores it as "app--<app id>",
// only this app can write it, and reads through "$app" resolve to the same namespace.
export const APP_NAMESPACE = "$app";

export const deliveryMetafield = {
  namespace: APP_NAMESPACE,
  key: "erysta_delivery",
  type: "json",
} as const;

export type MetafieldIdentifier = { readonly namespace: string; readonly key: string };
