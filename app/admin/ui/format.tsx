// Display formatting shared by the admin pages. Dates render in the merchant's browser time zone (the
// server's rendering may differ by zone, hence suppressHydrationWarning).
export function formatMoney(amount: number, currency = "EUR") {
  return new Intl.NumberFormat("en", { style: "currency", currency }).format(amount);
}

export function formatDateTime(iso: string | null | undefined) {
  if (!iso) return "—";
  return new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export function DateTime({ iso, seconds = false }: { iso: string | null | undefined; seconds?: boolean }) {
  if (!iso) return <>—</>;
  const text = new Intl.DateTimeFormat("en", {
    dateStyle: "medium",
    timeStyle: seconds ? "medium" : "short",
  }).format(new Date(iso));
  return (
    <time dateTime={iso} suppressHydrationWarning>
      {text}
    </time>
  );
}
