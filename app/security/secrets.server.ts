// The app's keyring, from ENCRYPTION_KEYS. Callers bind the ciphertext to its owner with `aad`
// (e.g. the shop), so a ciphertext copied into another shop's row does not decrypt.
import { getEnv } from "~/env.server";
import { decrypt, encrypt, parseKeyring, type Keyring } from "./encryption.server";

let keyring: Keyring | undefined;
function appKeyring(): Keyring {
  keyring ??= parseKeyring(getEnv().ENCRYPTION_KEYS);
  return keyring;
}

export const sealSecret = (plaintext: string, aad: string) => encrypt(appKeyring(), plaintext, aad);
export const openSecret = (ciphertext: string, aad: string) => decrypt(appKeyring(), ciphertext, aad);
