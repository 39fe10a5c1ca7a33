// A deliberately wrong order: it must NOT type-check against the types that
// openapi-typescript emits from the spec, or the TypeScript check proves nothing.
// typescript_check.py reads each `expect-error` line and requires exactly that
// diagnostic on the line below it, and no other.
import type { operations } from "./schema";

type PeriodicOrder = NonNullable<
  operations["createPeriodicOrder"]["requestBody"]
>["content"]["application/json"];

// The order type is an open list (ERRATA E10): a closed enum is misspelt instead.
export const misspeltDesktopType: PeriodicOrder = {
  type: "createDesktops",
  resources: [
    {
      create_desktops: {
        // expect-error TS2820 "DEDICATE": the desktop type is "DEDICATED" or "SHARED" (tsc: "Did you mean")
        desktop_type: "DEDICATE",
        product_id: "workspace.k.xlarge2.uosv20pro",
        image_type: "private",
        image_id: "e1d65e11-861c-459d-a3a8-ab150d79befc",
        root_volume: { type: "SAS", size: 80 },
      },
    },
  ],
};
