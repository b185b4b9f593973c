// The embedded admin shell: App Bridge + Polaris providers, the navigation menu, and App Bridge's
// loading bar while Remix navigates.
import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu, useAppBridge } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { useEffect } from "react";
import { requireMerchant } from "~/admin/auth.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await requireMerchant(request);
  return { apiKey: process.env.SHOPIFY_API_KEY ?? "" };
};

function NavigationLoading() {
  const shopify = useAppBridge();
  const navigation = useNavigation();
  const loading = navigation.state !== "idle";
  useEffect(() => {
    shopify.loading(loading);
  }, [loading, shopify]);
  return null;
}

export default function App() {
  const { apiKey } = useLoaderData<typeof loader>();
  // Marks the document once React has hydrated the admin (browser tests wait for it before clicking).
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey}>
      <NavMenu>
        <Link to="/app" rel="home">
          Dashboard
        </Link>
        <Link to="/app/orders">Orders</Link>
        <Link to="/app/mappings">Product mappings</Link>
        <Link to="/app/email">Customer email</Link>
        <Link to="/app/settings">Settings</Link>
      </NavMenu>
      <NavigationLoading />
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch thrown responses (auth redirects) and to forward its headers.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
