// Picks the dictionary for a customer's locale ("de", "de-DE", "de_AT" → German); anything else → English.
import { de } from "./de";
import { en, type EmailDictionary } from "./en";

export type { EmailDictionary } from "./en";

export const DICTIONARIES = { en, de } satisfies Record<string, EmailDictionary>;
export type SupportedLocale = keyof typeof DICTIONARIES;

export function resolveLocale(locale: string | null | undefined): SupportedLocale {
  const language = (locale ?? "").trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return language in DICTIONARIES ? (language as SupportedLocale) : "en";
}

export function dictionaryFor(locale: string | null | undefined): EmailDictionary {
  return DICTIONARIES[resolveLocale(locale)];
}
