// Form input → typed values. Each route parses its FormData with one zod schema and answers invalid
// input with field errors (422), never with an exception.
import { z } from "zod";

export type FieldErrors = Record<string, string>;

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

export function formValues(form: FormData): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key).filter((v): v is string => typeof v === "string");
    values[key] = key.endsWith("[]") ? all : (all[0] ?? "");
  }
  return values;
}

export function parseForm<S extends z.ZodType>(schema: S, form: FormData): Parsed<z.infer<S>> {
  return parseValues(schema, formValues(form));
}

export function parseValues<S extends z.ZodType>(schema: S, values: unknown): Parsed<z.infer<S>> {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join(".") || "form";
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/** "" → null for optional text fields. */
export const optionalText = (schema: z.ZodType<string, string>) =>
  z
    .string()
    .trim()
    .transform((v) => (v === "" ? null : v))
    .pipe(z.union([z.null(), schema]));

/** Checkbox values as forms send them ("true"/"false", "on", or absent). */
export const checkbox = z.stringbool().default(false);
