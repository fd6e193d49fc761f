import { Badge, createTheme } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "teal",
  defaultRadius: "md",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  headings: { fontWeight: "650" },
  components: {
    // A badge holds a word or two: in an auto-width table column it must not shrink to "A…".
    Badge: Badge.extend({ styles: { root: { flexShrink: 0, overflow: "visible" }, label: { overflow: "visible" } } }),
  },
});
