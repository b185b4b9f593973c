import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DecryptionError,
  decrypt,
  encrypt,
  keyIdOf,
  parseKeyring,
  reencrypt,
} from "~/security/encryption.server";

const key = () => randomBytes(32).toString("base64");

describe("secrets encryption (AES-256-GCM with key ids)", () => {
  const oldKey = key();
  const newKey = key();

  it("round-trips and never stores the plaintext", () => {
    const ring = parseKeyring(`k1:${oldKey}`);
    const sealed = encrypt(ring, "OAZKI-OATJ9-A4JDC", "shop-a");
    expect(sealed).not.toContain("OAZKI");
    expect(decrypt(ring, sealed, "shop-a")).toBe("OAZKI-OATJ9-A4JDC");
    expect(encrypt(ring, "same", "x")).not.toBe(encrypt(ring, "same", "x")); // fresh IV each time
  });

  it("rotates: the first key encrypts, older keys still decrypt, reencrypt moves rows to the new key", () => {
    const before = parseKeyring(`k1:${oldKey}`);
    const sealedWithOld = encrypt(before, "api-key-123", "shop-a");
    const after = parseKeyring(`k2:${newKey},k1:${oldKey}`);
    expect(decrypt(after, sealedWithOld, "shop-a")).toBe("api-key-123");
    expect(keyIdOf(encrypt(after, "x"))).toBe("k2");
    const moved = reencrypt(after, sealedWithOld, "shop-a");
    expect(keyIdOf(moved)).toBe("k2");
    expect(decrypt(parseKeyring(`k2:${newKey}`), moved, "shop-a")).toBe("api-key-123");
  });

  it("rejects tampered ciphertext, a ciphertext bound to another owner, and an unknown key id", () => {
    const ring = parseKeyring(`k1:${oldKey}`);
    const sealed = encrypt(ring, "secret", "shop-a");
    const parts = sealed.split(":");
    const data = Buffer.from(parts[4]!, "base64");
    data[0] = data[0]! ^ 1;
    parts[4] = data.toString("base64");
    expect(() => decrypt(ring, parts.join(":"), "shop-a")).toThrow(DecryptionError);
    expect(() => decrypt(ring, sealed, "shop-b")).toThrow(DecryptionError);
    expect(() => decrypt(parseKeyring(`k9:${newKey}`), sealed, "shop-a")).toThrow(/not configured/);
  });

  it("refuses malformed key configuration", () => {
    expect(() => parseKeyring("k1:short")).toThrow(/32 bytes/);
    expect(() => parseKeyring("nokey")).toThrow(/keyId/);
    expect(() => parseKeyring(`k1:${oldKey},k1:${newKey}`)).toThrow(/twice/);
  });
});
