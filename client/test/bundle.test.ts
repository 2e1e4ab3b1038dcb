// The bundled launcher (bundled/tool/launch.py) with the bundle that build-vsix.sh lays out: it probes,
// it serves LSP on stdio, and it explains what is missing.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";

const CLIENT = path.resolve(__dirname, "..", "..");
const LAUNCHER = path.join(CLIENT, "bundled", "tool", "launch.py");
const PYTHON = process.env.RNNLENS_TEST_PYTHON ?? "python3";

function probe(launcher: string, strategy = "useBundled", env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(PYTHON, [launcher, "--import-strategy", strategy, "probe"], { encoding: "utf8", env });
  return { status: result.status, info: JSON.parse(result.stdout.trim().split("\n").pop()!) };
}

describe("the bundled launcher", () => {
  assert.ok(existsSync(path.join(CLIENT, "bundled", "tool", "rnnlens")), "bundled/ is missing: run `python3 scripts/bundle_python.py` first");

  it("probes: this Python can run the bundled server", () => {
    const { status, info } = probe(LAUNCHER);
    assert.equal(status, 0, JSON.stringify(info));
    assert.equal(info.ok, true);
    assert.equal(info.bundled, true);
    assert.equal(info.location, path.join(CLIENT, "bundled", "tool", "rnnlens"));
    assert.match(info.versionTag, /^cp31\d$/);
  });

  it("with fromEnvironment, prefers an rnnlens found on the interpreter's path", () => {
    const env = { ...process.env, PYTHONPATH: path.join(CLIENT, "..", "server") };
    const { info } = probe(LAUNCHER, "fromEnvironment", env);
    assert.equal(info.ok, true, JSON.stringify(info));
    assert.equal(info.bundled, false);
    assert.equal(info.location, path.join(CLIENT, "..", "server", "rnnlens"));
  });

  it("explains that the bundle has no libraries for this Python", () => {
    const scratch = mkdtempSync(path.join(tmpdir(), "rnnlens-launcher-"));
    try {
      mkdirSync(path.join(scratch, "tool"));
      mkdirSync(path.join(scratch, "libs"));
      cpSync(LAUNCHER, path.join(scratch, "tool", "launch.py"));
      cpSync(path.join(CLIENT, "bundled", "libs", "bundle.json"), path.join(scratch, "libs", "bundle.json"));
      const { status, info } = probe(path.join(scratch, "tool", "launch.py"));
      assert.equal(status, 3);
      assert.equal(info.ok, false);
      assert.match(info.problem, /the bundled server has no libraries for Python 3\.\d+ .*it has them for Python 3\.10, 3\.11, 3\.12, 3\.13, 3\.14 on linux-x64/);
      const serve = spawnSync(PYTHON, [path.join(scratch, "tool", "launch.py"), "serve"], { encoding: "utf8" });
      assert.equal(serve.status, 3);
      assert.match(serve.stderr, /^RNN Lens: the bundled server has no libraries/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("serves LSP on stdio: initialize answers with the server's capabilities", async () => {
    const server = spawn(PYTHON, [LAUNCHER, "--import-strategy", "useBundled", "serve"], { stdio: ["pipe", "pipe", "inherit"] });
    const send = (message: object) => {
      const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }));
      server.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
    };
    const response = new Promise<any>((resolve, reject) => {
      let buffer = Buffer.alloc(0);
      server.stdout.on("data", (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        const end = buffer.indexOf("\r\n\r\n");
        const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())?.[1]);
        if (end >= 0 && buffer.length >= end + 4 + length) {
          resolve(JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString()));
        }
      });
      server.on("exit", (code) => reject(new Error(`the server exited (${code}) before answering`)));
    });
    send({ id: 1, method: "initialize", params: { processId: null, rootUri: null, capabilities: {} } });
    const answer = await response;
    assert.equal(answer.result.serverInfo.name, "rnnlens");
    assert.ok(answer.result.capabilities.inlayHintProvider);
    assert.ok(answer.result.capabilities.hoverProvider);
    send({ id: 2, method: "shutdown" });
    send({ method: "exit" });
    const code = await new Promise((resolve) => server.on("exit", resolve));
    assert.equal(code, 0);
  });

  it("refuses an unknown import strategy", () => {
    const result = spawnSync(PYTHON, [LAUNCHER, "--import-strategy", "sometimes", "serve"], { encoding: "utf8" });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown import strategy/);
  });
});

