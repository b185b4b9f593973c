// Every text the extension shows exists in English and German, with the same placeholders.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MESSAGE_KEYS } from "../src/model";
import { loadLocale, translator, type Dictionary } from "./fake-shopify";

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "src");

function leaves(dictionary: Dictionary, prefix = ""): Map<string, string> {
  const found = new Map<string, string>();
  for (const [key, value] of Object.entries(dictionary)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") found.set(full, value);
    else for (const [k, v] of leaves(value, full)) found.set(k, v);
  }
  return found;
}
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe("locales", () => {
  const en = leaves(loadLocale("en"));
  const de = leaves(loadLocale("de"));

  it("German has exactly the English keys, with the same placeholders", () => {
    expect([...de.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of en) expect(placeholders(de.get(key)!), key).toEqual(placeholders(text));
  });

  it("has every key the code asks for", () => {
    const code = ["OrderKeys.tsx"].map((f) => readFileSync(path.join(SRC, f), "utf8")).join("\n");
    const used = new Set([...code.matchAll(/\bt\("([\w.]+)"/g)].map((m) => m[1]!));
    for (const message of MESSAGE_KEYS) used.add(`messages.${message}.title`).add(`messages.${message}.body`);
    expect(used.size).toBeGreaterThan(20);
    for (const language of ["en", "de"] as const) {
      const dictionary = language === "en" ? en : de;
      for (const key of used)
        expect(dictionary.has(key) || dictionary.has(`${key}.other`), `${language}:${key}`).toBe(true);
    }
  });

  it("states the expected wait in both languages", () => {
    expect(translator("en")("messages.pending.body")).toMatch(/under a minute.*up to 20 minutes/);
    expect(translator("de")("messages.pending.body")).toMatch(/weniger als eine Minute.*bis zu 20 Minuten/);
    expect(translator("de")("missing", { count: 1, ordered: 3 })).toBe("1 von 3 folgt noch");
    expect(translator("de")("missing", { count: 2, ordered: 3 })).toBe("2 von 3 folgen noch");
  });
});
