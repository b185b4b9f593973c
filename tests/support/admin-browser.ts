// Headless Chromium for the merchant admin, as if inside Shopify's admin: App Bridge's CDN script is
// replaced by a local stub that defines `window.shopify` (idToken() mints a fresh session token,
// toast.show() records toasts, loading() records the loading bar) and, like App Bridge, patches fetch
// so same-origin requests carry `Authorization: Bearer <session token>`. Documents are opened with the
// `embedded`, `shop`, `host` and `id_token` parameters Shopify's admin adds.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { adminDocumentUrl, mintSessionToken } from "./admin-session";
import { ROOT } from "./processes";

export const SCREENSHOT_DIR = path.join(ROOT, "test-artifacts", "screenshots");

export const DESKTOP_CHROME =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      "--disable-dev-shm-usage",
    ],
  });
}

/** The App Bridge stand-in, served for https://cdn.shopify.com/shopifycloud/app-bridge.js. */
export const APP_BRIDGE_STUB = String.raw`
(() => {
  const script = document.currentScript;
  const apiKey = script && script.getAttribute("data-api-key");
  const params = new URLSearchParams(location.search);
  const toasts = [];
  const loadingLog = [];
  window.__appBridge = { toasts, loadingLog };
  function showToast(message, options) {
    const toast = { message: String(message), isError: !!(options && options.isError), at: Date.now() };
    toasts.push(toast);
    const el = document.createElement("div");
    el.setAttribute("role", "status");
    el.setAttribute("data-app-bridge-toast", "");
    el.textContent = toast.message;
    el.style.cssText = "position:fixed;left:50%;bottom:24px;transform:translateX(-50%);z-index:2147483647;" +
      "padding:10px 16px;border-radius:10px;font:500 13px/1.4 -apple-system,Inter,sans-serif;color:#fff;" +
      "box-shadow:0 4px 16px rgba(0,0,0,.25);background:" + (toast.isError ? "#8e1f0b" : "#303030");
    (document.body || document.documentElement).appendChild(el);
    setTimeout(() => el.remove(), (options && options.duration) || 4000);
    return "toast-" + toasts.length;
  }
  const shopify = {
    config: { apiKey, shop: params.get("shop"), host: params.get("host"), locale: "en" },
    environment: { embedded: true, mobile: false, pos: false },
    idToken: () => window.__mintSessionToken(),
    toast: { show: showToast, hide() {} },
    loading(isLoading) { loadingLog.push(!!isLoading); },
    modal: { show() {}, hide() {}, toggle() {} },
    saveBar: { show() {}, hide() {}, toggle() {}, leaveConfirmation() { return Promise.resolve(); } },
  };
  window.shopify = shopify;
  // App Bridge's fetch: same-origin requests get a fresh session token.
  const originalFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? String(input) : input.url, location.href);
    if (url.origin !== location.origin) return originalFetch(input, init);
    const headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
    if (!headers.has("Authorization")) headers.set("Authorization", "Bearer " + (await shopify.idToken()));
    if (input instanceof Request) return originalFetch(new Request(input, { ...init, headers }));
    return originalFetch(input, { ...init, headers });
  };
  // The navigation menu is drawn by the Shopify admin, outside the app's frame.
  // (A shadow root without a slot renders none of its children, and leaves the server's markup as is.)
  customElements.define("ui-nav-menu", class extends HTMLElement {
    constructor() { super(); this.attachShadow({ mode: "open" }); }
  });
})();
`;

export interface AdminPage {
  page: Page;
  context: BrowserContext;
  shop: string;
  /** Opens an app path as Shopify's admin would load it. */
  open(pathname: string): Promise<void>;
  toasts(): Promise<{ message: string; isError: boolean }[]>;
  /** Waits until a toast with this text (substring) was shown. */
  waitForToast(text: string | RegExp): Promise<{ message: string; isError: boolean }>;
  /** Saves test-artifacts/screenshots/<name>.png (the whole page; only the viewport with a dialog open). */
  screenshot(name: string, options?: { fullPage?: boolean }): Promise<string>;
  /** Console errors and failed same-origin requests seen so far. */
  problems: string[];
  close(): Promise<void>;
}

export async function openAdminPage(
  browser: Browser,
  options: { origin: string; shop: string; userId?: string },
): Promise<AdminPage> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    // Shopify's auth answers bots (isbot: "HeadlessChrome") with 410; merchants use a regular Chrome.
    userAgent: DESKTOP_CHROME,
  });
  await context.exposeBinding("__mintSessionToken", () =>
    mintSessionToken({ shop: options.shop, userId: options.userId ?? "42" }),
  );
  await context.route("https://cdn.shopify.com/**", (route) => {
    const url = route.request().url();
    if (url.endsWith(".js") || url.includes("app-bridge"))
      return route.fulfill({ status: 200, contentType: "text/javascript", body: APP_BRIDGE_STUB });
    if (url.endsWith(".css")) return route.fulfill({ status: 200, contentType: "text/css", body: "" });
    return route.fulfill({ status: 404, body: "" });
  });
  await context.route(`${options.origin}/favicon.ico`, (route) => route.fulfill({ status: 204, body: "" }));
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  // Answers the app gives on purpose (422 for invalid input, 404 for another shop's order) are not problems.
  page.on("console", (msg) => {
    if (
      msg.type() === "error" &&
      !/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())
    )
      problems.push(`console: ${msg.text()}`);
  });
  page.on("response", (res) => {
    if (res.url().startsWith(options.origin) && res.status() >= 500)
      problems.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });

  const admin: AdminPage = {
    page,
    context,
    shop: options.shop,
    problems,
    async open(pathname) {
      await page.goto(await adminDocumentUrl(options.origin, pathname, options.shop, options.userId), {
        waitUntil: "load",
      });
      // Hydrated: React has taken over the document (app.tsx marks it).
      await page
        .waitForFunction(() => document.documentElement?.dataset.hydrated === "true", undefined, {
          timeout: 20_000,
        })
        .catch(async (err: Error) => {
          throw new Error(
            `${pathname} did not hydrate (${err.message}); at ${page.url()}: ${(await page.content()).slice(0, 1500)}; problems: ${problems.join(" | ")}`,
          );
        });
    },
    toasts: () =>
      page.evaluate(
        () =>
          (window as unknown as { __appBridge: { toasts: { message: string; isError: boolean }[] } })
            .__appBridge.toasts,
      ),
    async waitForToast(text) {
      const handle = await page.waitForFunction(
        ({ source, flags }) => {
          const re = new RegExp(source, flags);
          const bridge = (window as unknown as { __appBridge?: { toasts: { message: string }[] } })
            .__appBridge;
          return bridge?.toasts.find((t) => re.test(t.message)) ?? null;
        },
        typeof text === "string"
          ? { source: text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), flags: "" }
          : { source: text.source, flags: text.flags },
      );
      return (await handle.jsonValue()) as { message: string; isError: boolean };
    },
    async screenshot(name, screenshotOptions = {}) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: screenshotOptions.fullPage ?? true });
      return file;
    },
    close: () => context.close(),
  };
  return admin;
}
