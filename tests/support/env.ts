// Where the test services are. Loopback defaults match the development and CI machines.
export const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
