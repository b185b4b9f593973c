// The app backend the extension talks to. `npm run build:extensions` replaces __ERYSTA_APP_URL__ with
// SHOPIFY_APP_URL (or shopify.app.toml's application_url); a bundler that does not define it (the
// Shopify CLI) gets DEFAULT_APP_URL, which must be kept equal to application_url in shopify.app.toml.
declare const __ERYSTA_APP_URL__: string | undefined;

export const DEFAULT_APP_URL = "https://example.com";

export function appUrl(): string {
  return typeof __ERYSTA_APP_URL__ === "string" && __ERYSTA_APP_URL__ ? __ERYSTA_APP_URL__ : DEFAULT_APP_URL;
}
