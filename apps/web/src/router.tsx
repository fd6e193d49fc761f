// The route tree (code-based) and the router, registered for type-safe links across the app.
import { createRootRoute, createRoute, createRouter } from "@tanstack/react-router";
import { AppLayout } from "./layout/AppLayout";
import { moduleById, type ModuleId } from "./modules";
import { ComingSoonPage } from "./pages/ComingSoonPage";
import { DashboardPage } from "./pages/DashboardPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { StatusPage } from "./pages/StatusPage";

const rootRoute = createRootRoute({ component: AppLayout, notFoundComponent: NotFoundPage });

const dashboardRoute = createRoute({ getParentRoute: () => rootRoute, path: "/", component: DashboardPage });
const statusRoute = createRoute({ getParentRoute: () => rootRoute, path: "/status", component: StatusPage });

/** A module that has not shipped yet: its own path, a page saying what is coming. */
function comingSoonRoute<const Id extends ModuleId>(id: Id) {
  const info = moduleById[id];
  return createRoute({
    getParentRoute: () => rootRoute,
    path: `/${id}` as `/${Id}`,
    component: () => <ComingSoonPage module={info} />,
  });
}

const routeTree = rootRoute.addChildren([
  dashboardRoute,
  statusRoute,
  comingSoonRoute("animals"),
  comingSoonRoute("genomics"),
  comingSoonRoute("breeding"),
  comingSoonRoute("laboratory"),
  comingSoonRoute("analytics"),
  comingSoonRoute("admin"),
]);

export const router = createRouter({ routeTree, defaultPreload: "intent", scrollRestoration: true });

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
