// The route tree (code-based) and the router, registered for type-safe links across the app.
// Public: /sign-in and /reset-password. Everything else sits under the signed-in layout, whose guard
// loads auth.me first and sends a visitor without a session to /sign-in, remembering where they were going.
import type { QueryClient } from "@tanstack/react-query";
import { createRootRouteWithContext, createRoute, createRouter, Outlet, redirect } from "@tanstack/react-router";
import { ResetPasswordPage } from "./auth/ResetPasswordPage";
import { parseSignInSearch, type SignInSearch } from "./auth/search";
import { SignedInLayout } from "./auth/SignedInLayout";
import { SignInPage } from "./auth/SignInPage";
import { moduleById, type ModuleId } from "./modules";
import { AccountPage } from "./pages/account/AccountPage";
import { AnimalDetailPage } from "./pages/animals/AnimalDetailPage";
import { parseAnimalDetailSearch } from "./pages/animals/detailSearch";
import { AnimalsPage } from "./pages/animals/AnimalsPage";
import { ImportWizardPage } from "./pages/animals/import/ImportWizardPage";
import { parseAnimalListSearch } from "./pages/animals/search";
import { BullsPage } from "./pages/bulls/BullsPage";
import { parseBullSearch } from "./pages/bulls/search";
import { AdminIndexPage } from "./pages/admin/AdminIndexPage";
import { ApiTokensPage } from "./pages/admin/api-tokens/ApiTokensPage";
import { AuditPage } from "./pages/admin/audit/AuditPage";
import { CustomersPage } from "./pages/admin/customers/CustomersPage";
import { UsersPage } from "./pages/admin/users/UsersPage";
import { ComingSoonPage } from "./pages/ComingSoonPage";
import { DistributionPage } from "./pages/gbv/DistributionPage";
import { ModelDetailPage } from "./pages/gbv/ModelDetailPage";
import { ModelsPage } from "./pages/gbv/ModelsPage";
import { RankingsPage } from "./pages/gbv/RankingsPage";
import { GenotypesPage } from "./pages/genotypes/GenotypesPage";
import { UploadDetailPage } from "./pages/genotypes/UploadDetailPage";
import { UploadPage } from "./pages/genotypes/UploadPage";
import { DashboardPage } from "./pages/DashboardPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { StatusPage } from "./pages/StatusPage";
import { httpStatusOf } from "./queryClient";
import type { ApiOptions } from "./trpc";

export interface RouterContext {
  queryClient: QueryClient;
  trpc: ApiOptions;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFoundPage,
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/sign-in",
  validateSearch: (search: Record<string, unknown>): SignInSearch => parseSignInSearch(search),
  component: SignInPage,
});

const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/reset-password",
  component: ResetPasswordPage,
});

const signedInRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "signed-in",
  component: SignedInLayout,
  notFoundComponent: NotFoundPage,
  beforeLoad: async ({ context, location }) => {
    try {
      await context.queryClient.ensureQueryData(context.trpc.auth.me.queryOptions());
    } catch (error) {
      if (httpStatusOf(error) === 401) {
        throw redirect({ to: "/sign-in", search: parseSignInSearch({ redirect: location.href }) });
      }
      throw error;
    }
  },
});

const dashboardRoute = createRoute({ getParentRoute: () => signedInRoute, path: "/", component: DashboardPage });
const statusRoute = createRoute({ getParentRoute: () => signedInRoute, path: "/status", component: StatusPage });
const accountRoute = createRoute({ getParentRoute: () => signedInRoute, path: "/account", component: AccountPage });
const adminRoute = createRoute({ getParentRoute: () => signedInRoute, path: "/admin", component: AdminIndexPage });
const customersRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/admin/customers",
  component: CustomersPage,
});
const usersRoute = createRoute({ getParentRoute: () => signedInRoute, path: "/admin/users", component: UsersPage });
const apiTokensRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/admin/api-tokens",
  component: ApiTokensPage,
});
const auditRoute = createRoute({ getParentRoute: () => signedInRoute, path: "/admin/audit", component: AuditPage });

const animalsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/animals",
  validateSearch: parseAnimalListSearch,
  component: AnimalsPage,
});
const animalImportRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/animals/import",
  component: ImportWizardPage,
});
const animalDetailRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/animals/$animalId",
  validateSearch: parseAnimalDetailSearch,
  component: AnimalDetailPage,
});
const bullsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/bulls",
  validateSearch: parseBullSearch,
  component: BullsPage,
});

const genomicsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/genomics",
  component: GenotypesPage,
});
const genotypeUploadRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/genomics/upload",
  component: UploadPage,
});
const genotypeUploadDetailRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/genomics/uploads/$uploadId",
  component: UploadDetailPage,
});

// Genomic evaluations: rankings for everyone who reads GBVs, the models for researchers and admins.
const gbvRankingsRoute = createRoute({ getParentRoute: () => signedInRoute, path: "/gbv", component: RankingsPage });
const gbvDistributionRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/gbv/distribution",
  component: DistributionPage,
});
const gbvModelsRoute = createRoute({ getParentRoute: () => signedInRoute, path: "/gbv/models", component: ModelsPage });
const gbvModelRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: "/gbv/models/$modelId",
  component: ModelDetailPage,
});

/** A module that has not shipped yet: its own path, a page saying what is coming. */
function comingSoonRoute<const Id extends Exclude<ModuleId, "animals" | "genomics">>(id: Id) {
  const info = moduleById[id];
  return createRoute({
    getParentRoute: () => signedInRoute,
    path: `/${id}` as `/${Id}`,
    component: () => <ComingSoonPage module={info} />,
  });
}

const routeTree = rootRoute.addChildren([
  signInRoute,
  resetPasswordRoute,
  signedInRoute.addChildren([
    dashboardRoute,
    statusRoute,
    accountRoute,
    adminRoute,
    customersRoute,
    usersRoute,
    apiTokensRoute,
    auditRoute,
    animalsRoute,
    animalImportRoute,
    animalDetailRoute,
    bullsRoute,
    genomicsRoute,
    genotypeUploadRoute,
    genotypeUploadDetailRoute,
    gbvRankingsRoute,
    gbvDistributionRoute,
    gbvModelsRoute,
    gbvModelRoute,
    comingSoonRoute("breeding"),
    comingSoonRoute("laboratory"),
    comingSoonRoute("analytics"),
  ]),
]);

export const router = createRouter({
  routeTree,
  defaultPreload: "intent",
  scrollRestoration: true,
  // Filled in by <App> (RouterProvider context) once the query client and tRPC client exist.
  context: { queryClient: undefined!, trpc: undefined! },
});

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
