// The block on the Thank you and Order status pages: "on the way" while the keys come (refreshing
// itself), then each product with its keys: text keys with a copy button, image keys (QR codes,
// vouchers) as images. Polaris web components (s-*), rendered by Preact.
import { useEffect, useState } from "preact/hooks";
import type { CustomerKey, CustomerProductKeys } from "../../../app/customer/order-keys-contract";
import { fetchOrderKeys } from "./api";
import type { Host, Translate } from "./host";
import { nextRefreshMs, viewOf, type PollState } from "./model";

async function ask(host: Host, previous: PollState): Promise<PollState> {
  const orderId = host.orderId();
  // The page may not know the order yet: same as "not found yet".
  if (!orderId) return { answer: { status: "not_found", access: "denied", products: [] }, failures: 0 };
  try {
    const outcome = await fetchOrderKeys({
      appUrl: host.appUrl,
      surface: host.surface,
      sessionToken: await host.sessionToken(),
      request: { orderId, checkoutToken: host.checkoutToken() ?? null },
      fetch: host.fetch,
    });
    if (outcome.ok) return { answer: outcome.answer, failures: 0 };
  } catch {
    // sessionToken() failed: counted like any failed request.
  }
  return { answer: previous.answer, failures: previous.failures + 1 };
}

/** Asks the backend now and then on the schedule of `nextRefreshMs`, until a final answer. */
function usePolling(host: Host): PollState {
  const [state, setState] = useState<PollState>({ failures: 0 });
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const startedAt = Date.now();
    let current: PollState = { failures: 0 };
    const tick = async () => {
      const next = await ask(host, current);
      if (stopped) return;
      current = next;
      setState(next);
      const delay = nextRefreshMs(next, Date.now() - startedAt);
      if (delay !== null) timer = setTimeout(tick, delay);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [host]);
  return state;
}

export function OrderKeys({ host }: { host: Host }) {
  const state = usePolling(host);
  const view = viewOf(state, { canLogIn: host.canLogIn() });
  const t = host.translate;
  if (!view.visible || !view.message) return null;
  const hasKeys = view.products.some((p) => p.keys.length > 0);

  return (
    <s-section heading={t("heading")}>
      <s-stack gap="base">
        <s-banner tone={view.tone} heading={t(`messages.${view.message}.title`)}>
          <s-stack direction="inline" gap="small-200" alignItems="center">
            {view.waiting ? <s-spinner size="small" accessibilityLabel={t("refreshing")} /> : null}
            <s-text>{t(`messages.${view.message}.body`)}</s-text>
          </s-stack>
        </s-banner>
        {view.unreachable ? <s-text tone="warning">{t("unreachable")}</s-text> : null}
        {view.offerLogin ? (
          <s-button variant="primary" onClick={() => void host.requireLogin?.()}>
            {t("logIn")}
          </s-button>
        ) : null}
        {view.products.map((product, index) => (
          <ProductKeys key={`${index}:${product.title}`} product={product} t={t} />
        ))}
        {hasKeys ? (
          <s-text type="small" tone="neutral">
            {t("safety")}
          </s-text>
        ) : null}
      </s-stack>
    </s-section>
  );
}

function ProductKeys({ product, t }: { product: CustomerProductKeys; t: Translate }) {
  return (
    <s-stack gap="small-200">
      <s-heading>{product.title}</s-heading>
      {product.keys.map((key, index) => (
        <KeyRow key={key.id} keyItem={key} number={index + 1} product={product.title} t={t} />
      ))}
      {product.missing > 0 ? (
        <s-text tone="warning">{t("missing", { count: product.missing, ordered: product.ordered })}</s-text>
      ) : null}
    </s-stack>
  );
}

function KeyRow({
  keyItem,
  number,
  product,
  t,
}: {
  keyItem: CustomerKey;
  number: number;
  product: string;
  t: Translate;
}) {
  const [copied, setCopied] = useState(false);
  const label = t("keyLabel", { number });
  if (keyItem.type === "image") {
    return (
      <s-stack gap="small-300">
        <s-text type="strong">{label}</s-text>
        <s-image
          src={keyItem.url}
          alt={t("imageAlt", { number, product })}
          inlineSize="auto"
          loading="eager"
        />
      </s-stack>
    );
  }
  const clipboardId = `erysta-key-${keyItem.id}`;
  return (
    <s-stack direction="inline" gap="base" alignItems="center">
      <s-stack gap="none">
        <s-text type="strong">{label}</s-text>
        {keyItem.value.split(/\r?\n/).map((line, i) => (
          <s-text key={i}>{line}</s-text>
        ))}
      </s-stack>
      <s-clipboard-item id={clipboardId} text={keyItem.value} onCopy={() => setCopied(true)} />
      <s-button
        variant="secondary"
        command="--copy"
        commandFor={clipboardId}
        accessibilityLabel={t("copyLabel", { label })}
      >
        {copied ? t("copied") : t("copy")}
      </s-button>
    </s-stack>
  );
}
