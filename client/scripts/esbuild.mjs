// Bundles the extension (src/extension.ts and vscode-languageclient) into dist/extension.js, or with
// --tests each unit test (test/*.test.ts) into out/test/ for node's test runner.
import { build } from "esbuild";
import { readdirSync } from "fs";
import { dirname, join } from "path";
import { fileURLToPath } from "url";

const client = join(dirname(fileURLToPath(import.meta.url)), "..");
const production = process.argv.includes("--production");

if (process.argv.includes("--tests")) {
  const tests = readdirSync(join(client, "test")).filter((name) => name.endsWith(".test.ts"));
  await build({
    absWorkingDir: client,
    entryPoints: tests.map((name) => join("test", name)),
    outdir: "out/test",
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: "inline",
    external: ["vscode"],
    logLevel: "warning",
  });
} else {
  await build({
    absWorkingDir: client,
    entryPoints: ["src/extension.ts"],
    outfile: "dist/extension.js",
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: ["vscode"],
    minify: production,
    sourcemap: production ? false : "linked",
    logLevel: "warning",
  });
}
