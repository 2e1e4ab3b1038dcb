// The settings the extension contributes (package.json) are exactly the ones the server reads, with the
// same values and defaults: asked from the server's own code (server/rnnlens/server/settings.py), run
// with the bundled libraries. Also checks the manifest facts that VS Code and vsce insist on.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { DOCUMENT_SELECTOR } from "../src/selector";
import { CLIENT_SETTINGS, LAUNCH_SETTINGS, SERVER_SETTINGS } from "../src/settings";

const CLIENT = path.resolve(__dirname, "..", "..");
const manifest = JSON.parse(readFileSync(path.join(CLIENT, "package.json"), "utf8"));
const properties: Record<string, any> = manifest.contributes.configuration.properties;

const DESCRIBE_SERVER_SETTINGS = `
import json, sys
sys.path[0:0] = sys.argv[1:]
from rnnlens.server import settings
from rnnlens.catalog import FRAMEWORKS
defaults = settings.Settings()
def ok(validate, value):
    try:
        validate(value)
        return True
    except ValueError:
        return False
described = {}
for key, (field, validate) in settings.KEYS.items():
    entry = {"default": getattr(defaults, field)}
    if validate is settings._boolean:
        entry["type"] = "boolean"
    elif validate is settings._frameworks:
        entry.update(type="array", items=list(FRAMEWORKS))
    elif validate is getattr(settings, "_seconds", None):
        entry["type"] = "number"
        entry["accepts"] = [v for v in (0, 0.001, 2, 600, 600.5) if ok(validate, v)]
    else:
        entry.update(type="string", enum=list(validate.__closure__[0].cell_contents))
    described[key] = entry
print(json.dumps(described, default=list))
`;

function serverSettings(): Record<string, { default: unknown; type: string; enum?: string[]; items?: string[]; accepts?: number[] }> {
  const libs = path.join(CLIENT, "bundled", "libs");
  assert.ok(existsSync(path.join(libs, "common")), "bundled/libs is missing: run `python3 scripts/bundle_python.py` first");
  const python = process.env.RNNLENS_TEST_PYTHON ?? "python3";
  const tag = execFileSync(python, ["-c", "import sys; print('cp%d%d' % sys.version_info[:2])"], { encoding: "utf8" }).trim();
  const paths = [path.join(CLIENT, "..", "server"), path.join(libs, "common"), path.join(libs, tag)];
  return JSON.parse(execFileSync(python, ["-c", DESCRIBE_SERVER_SETTINGS, ...paths], { encoding: "utf8" }));
}

describe("the contributed settings", () => {
  const server = serverSettings();

  it("are the server's keys, the launch keys and the client's trace key, and nothing else", () => {
    assert.deepEqual(Object.keys(server).sort(), [...SERVER_SETTINGS].sort());
    const expected = [...SERVER_SETTINGS, ...LAUNCH_SETTINGS, ...CLIENT_SETTINGS].map((key) => `rnnlens.${key}`).sort();
    assert.deepEqual(Object.keys(properties).sort(), expected);
  });

  for (const key of SERVER_SETTINGS) {
    it(`rnnlens.${key} has the server's type, values and default`, () => {
      const contributed = properties[`rnnlens.${key}`];
      const expected = server[key];
      assert.equal(contributed.type, expected.type);
      assert.deepEqual(contributed.default, expected.default);
      if (expected.enum) {
        assert.deepEqual(contributed.enum, expected.enum);
      }
      if (expected.items) {
        assert.deepEqual(contributed.items.enum, expected.items);
      }
      if (expected.accepts) {
        // The contributed bounds admit exactly the numbers the server accepts.
        const admits = (value: number) =>
          (contributed.exclusiveMinimum === undefined || value > contributed.exclusiveMinimum) &&
          (contributed.minimum === undefined || value >= contributed.minimum) &&
          (contributed.maximum === undefined || value <= contributed.maximum);
        assert.deepEqual([0, 0.001, 2, 600, 600.5].filter(admits), expected.accepts);
      }
      assert.ok(contributed.markdownDescription || contributed.description, "has a description");
    });
  }

  it("restricts the launch settings in untrusted workspaces", () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
    assert.deepEqual([...restricted].sort(), LAUNCH_SETTINGS.map((key) => `rnnlens.${key}`).sort());
  });
});

describe("the manifest", () => {
  it("admits VS Code 1.91+, with @types/vscode no newer than that", () => {
    assert.equal(manifest.engines.vscode, "^1.91.0");
    const types = manifest.devDependencies["@types/vscode"].replace(/^[~^]/, "");
    assert.ok(types.split(".").map(Number)[1] <= 91, `@types/vscode ${types} is newer than engines.vscode`);
  });

  it("runs on the workspace side, activates on Python files and notebooks, and has its commands", () => {
    assert.deepEqual(manifest.extensionKind, ["workspace"]);
    assert.ok(manifest.activationEvents.includes("onLanguage:python"));
    assert.ok(manifest.activationEvents.includes("onNotebook:jupyter-notebook"));
    const commands = manifest.contributes.commands.map((command: { command: string }) => command.command);
    assert.ok(commands.includes("rnnlens.restart"));
  });

  it("serves files, untitled files and notebook cells", () => {
    assert.deepEqual(DOCUMENT_SELECTOR.map((filter) => filter.scheme).sort(), ["file", "untitled", "vscode-notebook-cell"]);
  });
});
