// The two database roles. Migrations (run as the owner) create the application role and grant it
// what it needs; the application role owns nothing and has no BYPASSRLS, so row-level security
// always applies to the server and worker.
export const APP_ROLE = "reprotech_app";
