// A deliberately wrong order: it must NOT type-check against the types that
// openapi-typescript emits from the spec, or the TypeScript check proves nothing.
// typescript_check.py reads each `expect-error` line and requires exactly that
// diagnostic on the line below it, and no other.
import type { operations } from "./schema";

type PeriodicOrder = NonNullable<
  operations["createPeriodicOrder"]["requestBody"]
>["content"]["application/json"];

export const misspeltOrderType: PeriodicOrder = {
  // expect-error TS2820 "createDesktop": the order type is "createDesktops" (tsc: "Did you mean")
  type: "createDesktop",
  resources: [],
};
