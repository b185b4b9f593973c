// Paste-and-connect for the Erysta API key, used by onboarding (dashboard) and Settings. The key is
// checked live with Erysta's balance call before it is stored; refusals are explained with next steps.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, InlineStack, List, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import { useOnNewResult, useResultToast } from "./toast";

export interface ConnectResponse {
  ok: boolean;
  message?: string;
  field?: string;
  failure?: { title: string; message: string; steps: string[]; problem: string };
}

/** One fetcher for connecting, shared by the form and its page (which outlives the form: a successful
 * connect re-renders the page without the form, and the page shows the toast). */
export const CONNECT_FETCHER_KEY = "connect-erysta";

export function useConnectToast() {
  const fetcher = useFetcher<ConnectResponse>({ key: CONNECT_FETCHER_KEY });
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  useResultToast(result?.ok ? result : undefined);
}

export function ConnectErystaForm({
  submitLabel = "Connect",
  onDone,
}: {
  submitLabel?: string;
  onDone?: () => void;
}) {
  const fetcher = useFetcher<ConnectResponse>({ key: CONNECT_FETCHER_KEY });
  const [apiKey, setApiKey] = useState("");
  const busy = fetcher.state !== "idle";
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  useOnNewResult(result, (r) => {
    if (!r.ok) return;
    setApiKey("");
    onDone?.();
  });

  const submit = () =>
    fetcher.submit({ intent: "connect", apiKey }, { method: "post", action: "/app/settings" });
  const fieldError = result && !result.ok && result.field === "apiKey" ? result.message : undefined;
  return (
    <BlockStack gap="300">
      <TextField
        label="Erysta API key"
        value={apiKey}
        onChange={setApiKey}
        autoComplete="off"
        type="password"
        helpText="Find it in your Erysta partner account under API keys. It is checked with Erysta before it is saved, and stored encrypted."
        error={fieldError}
        disabled={busy}
        connectedRight={
          <Button variant="primary" onClick={submit} loading={busy} disabled={apiKey.trim() === ""}>
            {submitLabel}
          </Button>
        }
      />
      {result && !result.ok && result.failure ? (
        <Banner tone="critical" title={result.failure.title}>
          <BlockStack gap="200">
            <Text as="p">{result.failure.message}</Text>
            <List type="number">
              {result.failure.steps.map((step) => (
                <List.Item key={step}>{step}</List.Item>
              ))}
            </List>
          </BlockStack>
        </Banner>
      ) : null}
      {busy ? (
        <InlineStack gap="200">
          <Text as="span" tone="subdued">
            Checking the key with Erysta…
          </Text>
        </InlineStack>
      ) : null}
    </BlockStack>
  );
}
