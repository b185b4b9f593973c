// A minimal stand-in for the `shopify` global of the two targets, built from Preact signals like the
// real one, with i18n.translate over the extension's own locale files (Shopify's rules: dotted keys,
// {{placeholders}}, `count` picks the plural form). A missing key throws, so a test fails on it.
import { signal } from "@preact/signals";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const LOCALES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "locales");
export type Dictionary = { [key: string]: string | Dictionary };

export function loadLocale(language: "en" | "de"): Dictionary {
  const file = language === "en" ? "en.default.json" : `${language}.json`;
  return JSON.parse(readFileSync(path.join(LOCALES, file), "utf8")) as Dictionary;
}

export function translator(language: "en" | "de") {
  const dictionary = loadLocale(language);
  const plural = new Intl.PluralRules(language);
  return (key: string, options: Record<string, string | number> = {}): string => {
    let entry: string | Dictionary | undefined = dictionary;
    for (const part of key.split(".")) entry = typeof entry === "object" ? entry[part] : undefined;
    if (entry && typeof entry === "object" && typeof options.count === "number")
      entry = entry[plural.select(options.count)] ?? entry.other;
    if (typeof entry !== "string") throw new Error(`missing translation ${language}:${key}`);
    return entry.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
      if (!(name in options)) throw new Error(`missing replacement ${name} for ${key}`);
      return String(options[name]);
    });
  };
}

export interface FakeShopifyOptions {
  language?: "en" | "de";
  orderId?: string;
  checkoutToken?: string;
  sessionToken?: string;
  authenticationState?: "fully_authenticated" | "pre_authenticated";
}

export function fakeShopify(options: FakeShopifyOptions = {}) {
  const language = options.language ?? "en";
  const orderId = options.orderId ?? "gid://shopify/Order/1001";
  const requireLogin = { calls: 0 };
  const api = {
    extension: { target: "" },
    localization: {
      language: signal({ isoCode: language }),
      extensionLanguage: signal({ isoCode: language }),
    },
    i18n: { translate: translator(language) },
    sessionToken: { get: async () => options.sessionToken ?? "session-token" },
    checkoutToken: signal<string | undefined>(options.checkoutToken ?? "checkout-token-1"),
    // Thank you page
    orderConfirmation: signal({
      order: { id: orderId.replace("/Order/", "/OrderIdentity/") },
      isFirstOrder: true,
    }),
    // Order status page
    order: signal<{ id: string; name: string } | undefined>({ id: orderId, name: "#1001" }),
    authenticationState: signal(options.authenticationState ?? "fully_authenticated"),
    requireLogin: async () => {
      requireLogin.calls += 1;
    },
  };
  return { api, requireLogin };
}
