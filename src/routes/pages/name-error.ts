// The words beside a refused name field: "required" only when nothing was typed, else what a name may hold (the API
// refuses line breaks, control characters and direction marks: http/fields.ts shownName and personName).
import type { Catalog } from "../../ui/i18n/en";

export function nameError(t: Catalog, typed: string | undefined, max: number): string {
  return (typed ?? "").trim() === "" ? t.errors.required : t.errors.name(max);
}
