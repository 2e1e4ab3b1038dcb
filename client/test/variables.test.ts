import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { resolveCommand, resolveVariables } from "../src/variables";

const context = { workspaceFolder: "/home/me/project", userHome: "/home/me", env: { VENV: "/opt/venv" } };

describe("variables in path settings", () => {
  it("expands ${workspaceFolder}, ${userHome}, ${env:NAME} and a leading ~", () => {
    assert.equal(resolveVariables("${workspaceFolder}/.venv/bin/python", context), "/home/me/project/.venv/bin/python");
    assert.equal(resolveVariables("${userHome}/bin/rnnlens", context), "/home/me/bin/rnnlens");
    assert.equal(resolveVariables("${env:VENV}/bin/python", context), "/opt/venv/bin/python");
    assert.equal(resolveVariables("${env:UNSET}x", context), "x");
    assert.equal(resolveVariables("~/py/bin/python", context), "/home/me/py/bin/python");
    assert.equal(resolveVariables("a~b", context), "a~b");
  });

  it("keeps ${workspaceFolder} when there is no folder, rather than inventing one", () => {
    assert.equal(resolveVariables("${workspaceFolder}/x", { userHome: "/h", env: {} }), "${workspaceFolder}/x");
  });

  it("takes a relative path from the workspace folder and leaves bare names for the PATH lookup", () => {
    assert.equal(resolveCommand(".venv/bin/python", context, path.posix), "/home/me/project/.venv/bin/python");
    assert.equal(resolveCommand("python3", context, path.posix), "python3");
    assert.equal(resolveCommand("/usr/bin/python3", context, path.posix), "/usr/bin/python3");
    assert.equal(resolveCommand("venv\\Scripts\\python.exe", { ...context, workspaceFolder: "C:\\p" }, path.win32), "C:\\p\\venv\\Scripts\\python.exe");
  });
});
