import { router } from "../../trpc";
import { ping } from "./ping";
import { status } from "./status";

export const systemRouter = router({ ping, status });
