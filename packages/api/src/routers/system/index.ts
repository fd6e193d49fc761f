import { router } from "../../trpc";
import { status } from "./status";

export const systemRouter = router({ status });
