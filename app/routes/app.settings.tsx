// Settings: the Erysta connection (connect, replace, remove) and the delivery and notification options.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Layout,
  Modal,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { useCallback, useEffect, useMemo, useState } from "react";
import { z } from "zod";
import { requireMerchant } from "~/admin/auth.server";
import { getAdminDeps } from "~/admin/deps.server";
import { connectErysta, disconnectErysta } from "~/admin/erysta-connection.server";
import { parseForm } from "~/admin/forms.server";
import { loadSettings, saveSettings, settingsSchema } from "~/admin/settings.server";
import { ConnectErystaForm, useConnectToast } from "~/admin/ui/ConnectErystaForm";
import { DateTime, formatMoney } from "~/admin/ui/format";
import { RouteError } from "~/admin/ui/RouteError";
import { useOnNewResult, useResultToast } from "~/admin/ui/toast";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireMerchant(request);
  return loadSettings(getAdminDeps(), shop);
};

const connectSchema = z.object({
  apiKey: z
    .string()
    .trim()
    .min(8, { message: "That is too short to be an Erysta API key" })
    .max(512, { message: "That is too long to be an Erysta API key" })
    .regex(/^\S+$/, { message: "An API key has no spaces: copy it again" }),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireMerchant(request);
  const form = await request.formData();
  const deps = getAdminDeps();
  switch (form.get("intent")) {
    case "connect": {
      const input = parseForm(connectSchema, form);
      if (!input.ok)
        return json(
          { ok: false, field: "apiKey", message: input.errors.apiKey ?? "Invalid key" },
          { status: 422 },
        );
      const result = await connectErysta(deps, { shop, apiKey: input.data.apiKey });
      if (!result.ok) return json({ ok: false, message: result.title, failure: result }, { status: 422 });
      return json({
        ok: true,
        message: `Erysta connected. Spending power ${formatMoney(result.balance.spendingPower)}.`,
      });
    }
    case "disconnect":
      await disconnectErysta(deps, { shop });
      return json({ ok: true, message: "Erysta disconnected. New orders are held until you connect again." });
    case "save_settings": {
      const input = parseForm(settingsSchema, form);
      if (!input.ok)
        return json(
          { ok: false, message: "Fix the highlighted fields.", errors: input.errors },
          { status: 422 },
        );
      await saveSettings(deps, { shop, settings: input.data });
      return json({ ok: true, message: "Settings saved." });
    }
    default:
      return json({ ok: false, message: "Unknown action." }, { status: 400 });
  }
};

type Options = ReturnType<typeof useLoaderData<typeof loader>>["options"];
type FormState = Omit<Options, "lateAfterMinutes" | "alertEmail" | "senderName" | "replyTo"> & {
  lateAfterMinutes: string;
  alertEmail: string;
  senderName: string;
  replyTo: string;
};

const toForm = (o: Options): FormState => ({
  ...o,
  lateAfterMinutes: String(o.lateAfterMinutes),
  alertEmail: o.alertEmail ?? "",
  senderName: o.senderName ?? "",
  replyTo: o.replyTo ?? "",
});

export default function Settings() {
  const { erysta, options } = useLoaderData<typeof loader>();
  const saver = useFetcher<{ ok: boolean; message?: string; errors?: Record<string, string> }>();
  const disconnector = useFetcher<{ ok: boolean; message?: string }>();
  const [form, setForm] = useState<FormState>(() => toForm(options));
  const [replacing, setReplacing] = useState(false);
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  const savedJson = JSON.stringify(toForm(options));
  const saved = useMemo(() => JSON.parse(savedJson) as FormState, [savedJson]);
  const dirty = JSON.stringify(form) !== JSON.stringify(saved);
  const errors = saver.state === "idle" && saver.data && !saver.data.ok ? (saver.data.errors ?? {}) : {};

  useConnectToast();
  useResultToast(saver.state === "idle" ? saver.data : undefined);
  useResultToast(disconnector.state === "idle" ? disconnector.data : undefined);
  // After a save, the form follows the saved (revalidated) values.
  useEffect(() => setForm(saved), [saved]);
  useOnNewResult(
    disconnector.state === "idle" ? disconnector.data : undefined,
    (r) => r.ok && setConfirmDisconnect(false),
  );

  const set =
    <K extends keyof FormState>(key: K) =>
    (value: FormState[K]) =>
      setForm((f) => ({ ...f, [key]: value }));
  const save = () =>
    saver.submit(
      {
        intent: "save_settings",
        ...Object.fromEntries(Object.entries(form).map(([k, v]) => [k, String(v)])),
      },
      { method: "post" },
    );
  const doneReplacing = useCallback(() => setReplacing(false), []);

  return (
    <Page
      title="Settings"
      primaryAction={{ content: "Save", onAction: save, loading: saver.state !== "idle", disabled: !dirty }}
      secondaryActions={dirty ? [{ content: "Discard", onAction: () => setForm(saved) }] : []}
    >
      <Layout>
        <Layout.AnnotatedSection
          id="erysta"
          title="Erysta account"
          description="The Partner API key the app uses to buy keys from your Erysta account. Orders are paid from its balance and credit."
        >
          <Card>
            {erysta.connected && !replacing ? (
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <BlockStack gap="100">
                    <Text as="h3" variant="headingSm">
                      Connected
                    </Text>
                    <Text as="p" tone="subdued">
                      API key ending in{" "}
                      <Text as="span" fontWeight="semibold">
                        {erysta.last4}
                      </Text>
                      , connected <DateTime iso={erysta.connectedAt} />
                    </Text>
                  </BlockStack>
                  <InlineStack gap="200">
                    <Button onClick={() => setReplacing(true)}>Replace key</Button>
                    <Button tone="critical" onClick={() => setConfirmDisconnect(true)}>
                      Disconnect
                    </Button>
                  </InlineStack>
                </InlineStack>
              </BlockStack>
            ) : (
              <BlockStack gap="300">
                {replacing ? (
                  <InlineStack align="space-between">
                    <Text as="p">
                      Paste the new key. The current one stays in use until the new one is accepted.
                    </Text>
                    <Button variant="plain" onClick={() => setReplacing(false)}>
                      Cancel
                    </Button>
                  </InlineStack>
                ) : (
                  <Text as="p">
                    Not connected. Paid orders are held until you connect your Erysta account.
                  </Text>
                )}
                <ConnectErystaForm submitLabel={replacing ? "Replace" : "Connect"} onDone={doneReplacing} />
              </BlockStack>
            )}
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection
          id="delivery"
          title="Delivery"
          description="When and how paid orders are placed with Erysta and delivered to customers."
        >
          <Card>
            <FormLayout>
              <Checkbox
                label="Deliver paid orders automatically"
                helpText="Off: every paid order waits for your approval on its order page."
                checked={form.autoFulfill}
                onChange={set("autoFulfill")}
              />
              <Checkbox
                label="Hold orders Shopify rates high risk"
                helpText="They wait for your approval instead of being placed with Erysta."
                checked={form.holdHighRisk}
                onChange={set("holdHighRisk")}
              />
              <Checkbox
                label="Map products by SKU"
                helpText="A variant whose SKU is an Erysta product id (24 characters) is delivered even without a mapping."
                checked={form.mapBySku}
                onChange={set("mapBySku")}
              />
              <TextField
                label="Late after"
                type="number"
                suffix="minutes"
                min={1}
                max={1440}
                autoComplete="off"
                value={form.lateAfterMinutes}
                onChange={set("lateAfterMinutes")}
                error={errors.lateAfterMinutes}
                helpText="An order still waiting for keys after this long is flagged as late and you are alerted."
              />
              <Checkbox
                label="Tell the customer when keys are late"
                helpText="Sends one “your keys are on the way” email when an order becomes late."
                checked={form.notifyCustomerWhenLate}
                onChange={set("notifyCustomerWhenLate")}
              />
              <Checkbox
                label="Refund items Erysta could not deliver"
                helpText="Refunds the undelivered items of a partial or failed order in Shopify."
                checked={form.refundUndelivered}
                onChange={set("refundUndelivered")}
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection
          id="notifications"
          title="Emails"
          description="Where alerts go, and how the keys email presents your store."
        >
          <Card>
            <FormLayout>
              <TextField
                label="Alert email"
                type="email"
                autoComplete="email"
                value={form.alertEmail}
                onChange={set("alertEmail")}
                error={errors.alertEmail}
                helpText="Failed, late and partial orders are reported here. Leave empty for no alerts."
              />
              <TextField
                label="Sender name"
                autoComplete="organization"
                value={form.senderName}
                onChange={set("senderName")}
                error={errors.senderName}
                helpText="Shown as the sender of the keys email, e.g. your store's name."
              />
              <TextField
                label="Reply-to address"
                type="email"
                autoComplete="email"
                value={form.replyTo}
                onChange={set("replyTo")}
                error={errors.replyTo}
                helpText="Customers' replies to the keys email go here."
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.Section>
          <Box paddingBlockEnd="400" />
        </Layout.Section>
      </Layout>

      <Modal
        open={confirmDisconnect}
        onClose={() => setConfirmDisconnect(false)}
        title="Disconnect Erysta?"
        primaryAction={{
          content: "Disconnect",
          destructive: true,
          loading: disconnector.state !== "idle",
          onAction: () => disconnector.submit({ intent: "disconnect" }, { method: "post" }),
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirmDisconnect(false) }]}
      >
        <Modal.Section>
          <Text as="p">
            The API key is deleted from this app. New paid orders are held, and orders waiting for keys cannot
            be checked, until you connect a key again. Nothing changes in your Erysta account.
          </Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Settings" />;
}
