// AES-256-GCM encryption for secrets at rest (Erysta API keys, delivered keys).
// Ciphertext format: "v1:<keyId>:<iv b64>:<tag b64>:<data b64>". The key id lets us rotate keys:
// the first configured key encrypts, every configured key can still decrypt older rows.
// GCM's tag makes tampering detectable: a modified ciphertext is rejected, never decrypted to garbage.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecryptionError";
  }
}

export interface Keyring {
  activeKeyId: string;
  keys: Map<string, Buffer>;
}

export function parseKeyring(spec: string): Keyring {
  const keys = new Map<string, Buffer>();
  let activeKeyId: string | undefined;
  for (const entry of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const sep = entry.indexOf(":");
    if (sep <= 0) throw new Error(`ENCRYPTION_KEYS entry must look like "<keyId>:<base64 key>"`);
    const id = entry.slice(0, sep);
    const key = Buffer.from(entry.slice(sep + 1), "base64");
    if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`ENCRYPTION_KEYS key id "${id}" must be alphanumeric`);
    if (key.length !== 32)
      throw new Error(`ENCRYPTION_KEYS key "${id}" must be 32 bytes (base64), got ${key.length}`);
    if (keys.has(id)) throw new Error(`ENCRYPTION_KEYS key id "${id}" is listed twice`);
    keys.set(id, key);
    activeKeyId ??= id;
  }
  if (!activeKeyId) throw new Error("ENCRYPTION_KEYS holds no key");
  return { activeKeyId, keys };
}

export function encrypt(keyring: Keyring, plaintext: string, aad = ""): string {
  const key = keyring.keys.get(keyring.activeKeyId)!;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    VERSION,
    keyring.activeKeyId,
    iv.toString("base64"),
    tag.toString("base64"),
    data.toString("base64"),
  ].join(":");
}

export function decrypt(keyring: Keyring, ciphertext: string, aad = ""): string {
  const parts = ciphertext.split(":");
  if (parts.length !== 5 || parts[0] !== VERSION)
    throw new DecryptionError("ciphertext has an unknown format");
  const [, keyId, ivB64, tagB64, dataB64] = parts as [string, string, string, string, string];
  const key = keyring.keys.get(keyId);
  if (!key)
    throw new DecryptionError(`ciphertext was encrypted with key "${keyId}", which is not configured`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ivB64, "base64"));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tagB64, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(dataB64, "base64")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new DecryptionError("ciphertext failed authentication (tampered or wrong key)");
  }
}

/** Which key encrypted a value: lets a rotation job find rows still on an old key. */
export function keyIdOf(ciphertext: string): string | undefined {
  return ciphertext.split(":")[1];
}

export function reencrypt(keyring: Keyring, ciphertext: string, aad = ""): string {
  return keyIdOf(ciphertext) === keyring.activeKeyId
    ? ciphertext
    : encrypt(keyring, decrypt(keyring, ciphertext, aad), aad);
}
