// The default email templates (TypeScript, localized through ./i18n).
export { renderKeysEmail, keyCid } from "./keys";
export { renderOnTheWayEmail } from "./on-the-way";
export { renderMerchantAlertEmail, inferReasonCode } from "./merchant-alert";
export {
  resolveLocale,
  dictionaryFor,
  DICTIONARIES,
  type SupportedLocale,
  type EmailDictionary,
} from "./i18n";
export * from "./types";
