// What the shared UI needs from the page it runs on. Each target module (ThankYou.tsx,
// OrderStatus.tsx) builds one from its `shopify` global, so OrderKeys.tsx works on both surfaces.
import type { CustomerSurface } from "../../../app/customer/order-keys-contract";

export type Translate = (key: string, replacements?: Record<string, string | number>) => string;

export interface Host {
  surface: CustomerSurface;
  /** The app backend's origin (config.ts). */
  appUrl: string;
  /** The order's gid, once the page knows it. */
  orderId(): string | undefined;
  /** The checkout token of the order's checkout: proves the buyer to the backend. */
  checkoutToken(): string | undefined;
  /** A fresh session token (Shopify caches and renews it). */
  sessionToken(): Promise<string>;
  /** Shopify's i18n.translate over locales/*.json, in the buyer's language. */
  translate: Translate;
  /** Order status page only: whether the buyer can log in to see more, and how. */
  canLogIn(): boolean;
  requireLogin?(): Promise<void>;
  fetch?: typeof fetch;
}
