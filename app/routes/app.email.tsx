// The customer's keys email: subject and body in Liquid, a live preview on a sample order, validation
// with line numbers, and reset to the built-in (localized) email.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Card,
  Collapsible,
  Button,
  InlineStack,
  Layout,
  List,
  Modal,
  Page,
  Spinner,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useMemo, useRef, useState } from "react";
import { requireMerchant } from "~/admin/auth.server";
import { getAdminDeps } from "~/admin/deps.server";
import {
  loadEmailTemplate,
  previewEmailTemplate,
  resetEmailTemplate,
  saveEmailTemplate,
  templateSchema,
} from "~/admin/email-template.server";
import { parseForm } from "~/admin/forms.server";
import { RouteError } from "~/admin/ui/RouteError";
import { useOnNewResult, useResultToast } from "~/admin/ui/toast";
import type { TemplateProblem } from "~/email/templates/liquid";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireMerchant(request);
  const deps = getAdminDeps();
  const template = await loadEmailTemplate(deps, { shop });
  const preview = await previewEmailTemplate(deps, { shop, subject: template.subject, body: template.body });
  return { ...template, preview };
};

const problemsOf = (errors: Record<string, string>): TemplateProblem[] =>
  Object.entries(errors).map(([field, message]) => ({
    field: field === "subject" ? "subject" : "body",
    line: 1,
    column: 1,
    message,
  }));

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireMerchant(request);
  const form = await request.formData();
  const deps = getAdminDeps();
  const intent = form.get("intent");
  if (intent === "reset") return json(await resetEmailTemplate(deps, { shop }));
  if (intent !== "preview" && intent !== "save")
    return json({ ok: false, message: "Unknown action." }, { status: 400 });
  const input = parseForm(templateSchema, form);
  if (!input.ok)
    return json(
      { ok: false, intent, message: "Fix the template first.", problems: problemsOf(input.errors) },
      { status: 422 },
    );
  if (intent === "preview")
    return json({ intent, ...(await previewEmailTemplate(deps, { shop, ...input.data })) });
  const result = await saveEmailTemplate(deps, { shop, ...input.data });
  if (!result.ok)
    return json(
      {
        ok: false,
        intent,
        problems: result.problems,
        message: `Not saved: ${describe(result.problems[0]!)}`,
      },
      { status: 422 },
    );
  return json({ ...result, intent });
};

function describe(p: TemplateProblem) {
  return `${p.field === "subject" ? "subject" : "body"} line ${p.line}: ${p.message}`;
}

interface PreviewData {
  ok: boolean;
  subject?: string;
  html?: string;
  problems?: TemplateProblem[];
}

export default function EmailTemplate() {
  const data = useLoaderData<typeof loader>();
  const saver = useFetcher<{ ok: boolean; message?: string; problems?: TemplateProblem[] }>();
  const resetter = useFetcher<{ ok: boolean; message: string }>();
  const previewer = useFetcher<PreviewData>();
  const [subject, setSubject] = useState(data.subject);
  const [body, setBody] = useState(data.body);
  const [showVariables, setShowVariables] = useState(false);
  const [confirmReset, setConfirmReset] = useState(false);

  useResultToast(saver.state === "idle" ? saver.data : undefined);
  useResultToast(resetter.state === "idle" ? resetter.data : undefined);
  useOnNewResult(resetter.state === "idle" ? resetter.data : undefined, () => setConfirmReset(false));
  // After a save or reset, the editor shows what is stored.
  useEffect(() => {
    setSubject(data.subject);
    setBody(data.body);
  }, [data.subject, data.body]);

  // Live preview, debounced; the loader's preview until the first edit.
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const edited = subject !== data.subject || body !== data.body;
  useEffect(() => {
    if (!edited) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(
      () => previewer.submit({ intent: "preview", subject, body }, { method: "post" }),
      400,
    );
    return () => clearTimeout(timer.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- previewer.submit is stable; re-run on edits only
  }, [subject, body, edited]);

  const preview: PreviewData = edited && previewer.data ? previewer.data : data.preview;
  const saveProblems =
    saver.state === "idle" && saver.data && !saver.data.ok ? (saver.data.problems ?? []) : [];
  const problems = saveProblems.length ? saveProblems : (preview.problems ?? []);
  const fieldError = (field: "subject" | "body") => {
    const p = problems.find((x) => x.field === field);
    return p ? `Line ${p.line}: ${p.message}` : undefined;
  };
  const srcDoc = useMemo(() => (preview.ok ? preview.html : undefined), [preview]);

  return (
    <Page
      title="Customer email"
      subtitle="The email that delivers keys to your customers"
      titleMetadata={data.custom ? <Badge tone="info">Customized</Badge> : <Badge>Default</Badge>}
      primaryAction={{
        content: "Save",
        loading: saver.state !== "idle",
        disabled: !edited && data.custom,
        onAction: () => saver.submit({ intent: "save", subject, body }, { method: "post" }),
      }}
      secondaryActions={[
        {
          content: "Reset to default",
          destructive: true,
          disabled: !data.custom && !edited,
          onAction: () => setConfirmReset(true),
        },
      ]}
    >
      <Layout>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="400">
              {!data.custom ? (
                <Banner tone="info">
                  Customers get the built-in email in their language until you save your own. Start from this
                  template.
                </Banner>
              ) : null}
              <TextField
                label="Subject"
                value={subject}
                onChange={setSubject}
                autoComplete="off"
                error={fieldError("subject")}
              />
              <TextField
                label="Body (HTML with Liquid)"
                value={body}
                onChange={setBody}
                autoComplete="off"
                multiline={18}
                monospaced
                error={fieldError("body")}
                helpText='Variables are written {{ like.this }} and are escaped. Image keys are attached to the email; show them with <img src="{{ key.image_src }}">.'
              />
              <InlineStack>
                <Button
                  variant="plain"
                  onClick={() => setShowVariables((v) => !v)}
                  ariaExpanded={showVariables}
                >
                  {showVariables ? "Hide variables" : "Show available variables"}
                </Button>
              </InlineStack>
              <Collapsible open={showVariables} id="variables">
                <List>
                  {data.variables.map((v) => (
                    <List.Item key={v.name}>
                      <code>{`{{ ${v.name} }}`}</code> — {v.description}
                    </List.Item>
                  ))}
                </List>
              </Collapsible>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  Preview
                </Text>
                <InlineStack gap="200" blockAlign="center">
                  {previewer.state !== "idle" ? (
                    <Spinner size="small" accessibilityLabel="Updating preview" />
                  ) : null}
                  <Text as="span" tone="subdued" variant="bodySm">
                    Sample order #1001
                  </Text>
                </InlineStack>
              </InlineStack>
              {problems.length ? (
                <Banner tone="critical" title="The template has an error">
                  <List>
                    {problems.map((p) => (
                      <List.Item key={`${p.field}-${p.line}-${p.message}`}>
                        {p.field === "subject" ? "Subject" : "Body"}, line {p.line}: {p.message}
                      </List.Item>
                    ))}
                  </List>
                </Banner>
              ) : null}
              {preview.ok ? (
                <>
                  <Box padding="200" background="bg-surface-secondary" borderRadius="200">
                    <Text as="p">
                      <Text as="span" tone="subdued">
                        Subject:{" "}
                      </Text>
                      <span data-testid="preview-subject">{preview.subject}</span>
                    </Text>
                  </Box>
                  <iframe
                    title="Email preview"
                    sandbox=""
                    srcDoc={srcDoc}
                    style={{
                      width: "100%",
                      height: 620,
                      border: "1px solid var(--p-color-border)",
                      borderRadius: 8,
                    }}
                  />
                </>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
      <Modal
        open={confirmReset}
        onClose={() => setConfirmReset(false)}
        title="Reset the email to the default?"
        primaryAction={{
          content: "Reset",
          destructive: true,
          loading: resetter.state !== "idle",
          onAction: () => resetter.submit({ intent: "reset" }, { method: "post" }),
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirmReset(false) }]}
      >
        <Modal.Section>
          <Text as="p">
            Your template is deleted. Customers get the built-in email, in their own language, from the next
            delivery.
          </Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Customer email" />;
}
