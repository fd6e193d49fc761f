import { appBundle } from "../../tsup.app";

export default appBundle(["@electric-sql/pglite", "@node-rs/", "pino", "thread-stream", "pdfkit"]);
