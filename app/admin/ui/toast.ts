// App Bridge toasts for action results, and "do this once per new result" for closing modals.
import { useAppBridge } from "@shopify/app-bridge-react";
import { useEffect, useRef } from "react";

export interface ResultLike {
  ok: boolean;
  message?: string;
}

/** Runs `callback` once for each result object that appears after mount (not for one already there). */
export function useOnNewResult<T>(result: T | null | undefined, callback: (result: T) => void) {
  const seen = useRef(result);
  const latest = useRef(callback);
  latest.current = callback;
  useEffect(() => {
    if (result == null || result === seen.current) return;
    seen.current = result;
    latest.current(result);
  }, [result]);
}

export function useResultToast(result: ResultLike | null | undefined) {
  const shopify = useAppBridge();
  useOnNewResult(result, (r) => {
    if (r.message) shopify.toast.show(r.message, { isError: !r.ok, duration: r.ok ? 4000 : 7000 });
  });
}

/** A fresh id per click: the server turns it into the idempotency key of what the click creates. */
export function newRequestId(): string {
  return typeof crypto.randomUUID === "function"
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
