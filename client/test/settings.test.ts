import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  affectsLaunch,
  affectsServer,
  launchSettings,
  lookup,
  SERVER_SETTINGS,
  serverSettings,
  serverSettingsOf,
} from "../src/settings";

// What VS Code's workspace/configuration returns for the `rnnlens` section: every contributed key, nested.
const SECTION = {
  inlayHints: { enabled: true, style: "detailed", modelTotals: false },
  memory: { dtype: "bfloat16" },
  frameworks: ["torch", "keras"],
  logLevel: "debug",
  interpreter: ["/usr/bin/python3"],
  path: [],
  importStrategy: "useBundled",
  trace: { server: "verbose" },
};

describe("serverSettings", () => {
  it("passes the server's keys through, nested as the server reads them", () => {
    assert.deepEqual(serverSettingsOf(SECTION), {
      inlayHints: { enabled: true, style: "detailed", modelTotals: false },
      memory: { dtype: "bfloat16" },
      frameworks: ["torch", "keras"],
      logLevel: "debug",
    });
  });

  it("leaves out the launch and client settings, which the server would report as unknown", () => {
    const settings = serverSettingsOf(SECTION)!;
    for (const key of ["interpreter", "path", "importStrategy", "trace"]) {
      assert.equal(key in settings, false, key);
    }
  });

  it("leaves out unset values so that the server keeps its defaults", () => {
    assert.deepEqual(serverSettingsOf({ inlayHints: { style: "compact" } }), { inlayHints: { style: "compact" } });
    assert.deepEqual(serverSettingsOf({}), {});
  });

  it("accepts dotted keys as well as nested ones", () => {
    assert.deepEqual(serverSettingsOf({ "inlayHints.style": "detailed", "memory.dtype": "int8" }), {
      inlayHints: { style: "detailed" },
      memory: { dtype: "int8" },
    });
    assert.equal(lookup({ inlayHints: { style: "x" } }, "inlayHints.style"), "x");
    assert.equal(lookup({ inlayHints: 3 }, "inlayHints.style"), undefined);
  });

  it("passes null (no configuration) through as null", () => {
    assert.equal(serverSettingsOf(null), null);
  });

  it("copies values, so that the answer does not alias VS Code's configuration objects", () => {
    const frameworks = ["torch"];
    const settings = serverSettings((key) => (key === "frameworks" ? frameworks : undefined));
    frameworks.push("keras");
    assert.deepEqual(settings, { frameworks: ["torch"] });
  });

  it("reads every server key through the getter, as from WorkspaceConfiguration.get", () => {
    const asked: string[] = [];
    serverSettings((key) => {
      asked.push(key);
      return undefined;
    });
    assert.deepEqual(asked, [...SERVER_SETTINGS]);
  });
});

describe("launchSettings", () => {
  it("reads the interpreter, path and import strategy", () => {
    const settings = launchSettings((key) => ({ interpreter: ["py", "-3"], path: ["/bin/rnnlens"], importStrategy: "fromEnvironment" })[key]);
    assert.deepEqual(settings, { interpreter: ["py", "-3"], path: ["/bin/rnnlens"], importStrategy: "fromEnvironment" });
  });

  it("defaults to no interpreter, no path and the bundled server", () => {
    assert.deepEqual(launchSettings(() => undefined), { interpreter: [], path: [], importStrategy: "useBundled" });
  });

  it("accepts a single string, drops empty entries and reports wrong types", () => {
    const problems: string[] = [];
    const settings = launchSettings(
      (key) => ({ interpreter: "/usr/bin/python3", path: [" ", "/x/rnnlens", ""], importStrategy: "sometimes" })[key],
      problems,
    );
    assert.deepEqual(settings, { interpreter: ["/usr/bin/python3"], path: ["/x/rnnlens"], importStrategy: "useBundled" });
    assert.equal(problems.length, 1);
    assert.match(problems[0], /rnnlens\.importStrategy/);
    const more: string[] = [];
    assert.deepEqual(launchSettings((key) => (key === "path" ? [1, 2] : undefined), more).path, []);
    assert.match(more[0], /rnnlens\.path must be an array of strings/);
  });
});

describe("which changes restart the server", () => {
  const changed = (...sections: string[]) => (section: string) =>
    sections.some((s) => s === section || s.startsWith(section + ".") || section.startsWith(s + "."));

  it("restarts for the interpreter, path and import strategy", () => {
    for (const key of ["rnnlens.interpreter", "rnnlens.path", "rnnlens.importStrategy"]) {
      assert.equal(affectsLaunch(changed(key)), true, key);
      assert.equal(affectsServer(changed(key)), false, key);
    }
  });

  it("only notifies the server for its own settings", () => {
    for (const key of SERVER_SETTINGS) {
      assert.equal(affectsLaunch(changed(`rnnlens.${key}`)), false, key);
      assert.equal(affectsServer(changed(`rnnlens.${key}`)), true, key);
    }
    assert.equal(affectsServer(changed("rnnlens.trace.server")), false);
    assert.equal(affectsServer(changed("editor.fontSize")), false);
  });
});
