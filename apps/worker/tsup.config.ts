import { appBundle } from "../../tsup.app";

export default appBundle(["pino", "thread-stream"]);
