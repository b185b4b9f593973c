// Connecting the shop's Erysta account: a pasted API key is checked live with the balance call before it
// is stored (sealed for this shop; only its last 4 characters stay readable), and every refusal is told
// in the merchant's terms, with what to do about it.
import type { Shop } from "@prisma/client";
import {
  ErystaAuthError,
  ErystaError,
  ErystaRateLimitedError,
  type ErystaBalance,
} from "~/erysta/index.server";
import { errorMessage } from "~/errors.server";
import { clearErystaKey, findOrCreateShop, setErystaKey } from "~/models/shop.server";
import { sealSecret } from "~/security/secrets.server";
import type { AdminDeps } from "./deps";

export type ErystaProblem = "invalid_key" | "ip_not_allowed" | "forbidden" | "busy" | "unreachable";

export interface ErystaFailure {
  ok: false;
  problem: ErystaProblem;
  title: string;
  message: string;
  /** What the merchant can do about it, step by step. */
  steps: string[];
  /** The IP address Erysta saw, when its answer names one. */
  ip?: string;
}

export type ConnectResult = { ok: true; last4: string; balance: ErystaBalance } | ErystaFailure;

/** How long a page waits for Erysta's balance before showing the rest without it. */
const BALANCE_TIMEOUT_MS = 8_000;

export async function connectErysta(
  deps: Pick<AdminDeps, "db" | "clock" | "erystaForKey">,
  input: { shop: string; apiKey: string },
): Promise<ConnectResult> {
  const apiKey = input.apiKey.trim();
  let balance: ErystaBalance;
  try {
    balance = (
      await deps.erystaForKey(apiKey).getBalance({ signal: AbortSignal.timeout(BALANCE_TIMEOUT_MS) })
    ).data;
  } catch (err) {
    return explainErystaFailure(err);
  }
  await findOrCreateShop(deps.db, input.shop);
  const last4 = apiKey.slice(-4);
  await setErystaKey(deps.db, input.shop, {
    ciphertext: sealSecret(apiKey, input.shop),
    last4,
    at: deps.clock.now(),
  });
  return { ok: true, last4, balance };
}

export async function disconnectErysta(deps: Pick<AdminDeps, "db">, input: { shop: string }) {
  await findOrCreateShop(deps.db, input.shop);
  await clearErystaKey(deps.db, input.shop);
}

export type BalanceView =
  | { state: "not_connected" }
  | { state: "ok"; balance: ErystaBalance }
  | { state: "error"; failure: ErystaFailure };

/** The shop's live Erysta balance; a failure is reported, never thrown, so the page still renders. */
export async function readBalance(deps: Pick<AdminDeps, "erystaFor">, shop: Shop): Promise<BalanceView> {
  const client = deps.erystaFor(shop);
  if (!client) return { state: "not_connected" };
  try {
    const { data } = await client.getBalance({ signal: AbortSignal.timeout(BALANCE_TIMEOUT_MS) });
    return { state: "ok", balance: data };
  } catch (err) {
    return { state: "error", failure: explainErystaFailure(err) };
  }
}

export function explainErystaFailure(err: unknown): ErystaFailure {
  if (err instanceof ErystaAuthError) {
    if (err.reason === "ip_not_allowed") {
      const ip = ipIn(err.erystaMessage);
      return {
        ok: false,
        problem: "ip_not_allowed",
        title: "Erysta refused this app's server address",
        message: `The key is valid, but Erysta only accepts it from allow-listed IP addresses and this app's server${ip ? ` (${ip})` : ""} is not on the key's list.`,
        steps: [
          "Sign in to your Erysta partner account and open API keys.",
          `Edit this key's IP allow-list and add ${ip ?? "the IP address of the server this app runs on"}.`,
          "Save it there, then connect again here. Nothing was stored in the meantime.",
        ],
        ...(ip ? { ip } : {}),
      };
    }
    if (err.reason === "invalid_key") {
      return {
        ok: false,
        problem: "invalid_key",
        title: "Erysta did not accept this API key",
        message: "The key may be mistyped, incomplete or revoked.",
        steps: [
          "Copy the key again from your Erysta partner account (API keys), without spaces.",
          "Paste it here and connect again.",
        ],
      };
    }
    return {
      ok: false,
      problem: "forbidden",
      title: "Erysta refused access with this key",
      message: err.message,
      steps: ["Check in your Erysta partner account that the key is active and allowed for the Partner API."],
    };
  }
  if (err instanceof ErystaRateLimitedError) {
    return {
      ok: false,
      problem: "busy",
      title: "Erysta is busy",
      message: err.message,
      steps: ["Wait a moment and try again."],
    };
  }
  const detail = err instanceof ErystaError ? err.message : errorMessage(err);
  return {
    ok: false,
    problem: "unreachable",
    title: "Erysta could not be reached",
    message: `${detail.replace(/ it will be tried again\.?$/, "")}`.trim(),
    steps: ["Try again in a moment. If it keeps failing, check Erysta's status page."],
  };
}

function ipIn(message: string | undefined): string | undefined {
  if (!message) return undefined;
  return (
    /\b(\d{1,3}(?:\.\d{1,3}){3})\b/.exec(message)?.[1] ??
    /\b([0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7})\b/i.exec(message)?.[1]
  );
}
