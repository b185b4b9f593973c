// The error state of an admin page: a Polaris page with what went wrong and a way back.
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Box, Button, Card, Page, Text } from "@shopify/polaris";

export function RouteError({ title, backUrl }: { title: string; backUrl?: string }) {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) {
    const heading = typeof error.data === "string" && error.data ? error.data : "Not found";
    return (
      <Page title={title} backAction={backUrl ? { url: backUrl } : undefined}>
        <Card>
          <Box paddingBlock="800">
            <BlockStack gap="300" inlineAlign="center">
              <Text as="h2" variant="headingLg">
                {heading}
              </Text>
              <Text as="p" tone="subdued">
                It does not exist in this store: it may belong to another store, or it was removed.
              </Text>
              {backUrl ? <Button url={backUrl}>Back</Button> : null}
            </BlockStack>
          </Box>
        </Card>
      </Page>
    );
  }
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : "Unknown error";
  return (
    <Page title={title} backAction={backUrl ? { url: backUrl } : undefined}>
      <Banner tone="critical" title="This page could not be loaded">
        <BlockStack gap="200">
          <Text as="p">Something went wrong on our side: {message}</Text>
          <div>
            <Button onClick={() => window.location.reload()}>Try again</Button>
          </div>
        </BlockStack>
      </Banner>
    </Page>
  );
}
