import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isFailure, LaunchEnvironment, LaunchFailure, LaunchPlan, parseProbe, planLaunch, ProbeResult } from "../src/launch";
import { ImportStrategy, LaunchSettings } from "../src/settings";

const LAUNCHER = "/ext/bundled/tool/launch.py";
const OK: ProbeResult = { ok: true, version: "3.12.3", executable: "/usr/bin/python3", rnnlens: "0.1.0", bundled: true };

/** A machine described by what is on PATH, what the Python extension says, and how each interpreter probes. */
function environment(options: {
  settings?: Partial<LaunchSettings>;
  trusted?: boolean;
  platform?: NodeJS.Platform;
  onPath?: Record<string, string>;
  pythonExtension?: string[] | Error | "not installed";
  probes?: Record<string, ProbeResult>;
  files?: string[];
}): LaunchEnvironment & { probed: { command: string[]; strategy: ImportStrategy }[] } {
  const probed: { command: string[]; strategy: ImportStrategy }[] = [];
  const extension = options.pythonExtension;
  return {
    settings: { interpreter: [], path: [], importStrategy: "useBundled", ...options.settings },
    trusted: options.trusted ?? true,
    platform: options.platform ?? "linux",
    launcher: LAUNCHER,
    pythonExtension:
      extension === "not installed"
        ? undefined
        : async () => {
            if (extension instanceof Error) {
              throw extension;
            }
            return extension;
          },
    findOnPath: (name) => options.onPath?.[name],
    exists: (file) => (options.files ?? []).includes(file),
    probe: async (command, strategy) => {
      probed.push({ command, strategy });
      return options.probes?.[command[0]] ?? { ok: false, problem: "no such program" };
    },
    probed,
  };
}

function plan(result: LaunchPlan | LaunchFailure): LaunchPlan {
  assert.ok(!isFailure(result), isFailure(result) ? result.error : "");
  return result as LaunchPlan;
}

function failure(result: LaunchPlan | LaunchFailure): LaunchFailure {
  assert.ok(isFailure(result), "expected a failure");
  return result as LaunchFailure;
}

describe("choosing the interpreter", () => {
  const everything = {
    settings: { interpreter: ["/opt/me/bin/python", "-X", "utf8"] },
    pythonExtension: ["/work/.venv/bin/python"],
    onPath: { python3: "/usr/bin/python3" },
    probes: { "/opt/me/bin/python": OK, "/work/.venv/bin/python": OK, "/usr/bin/python3": OK },
  };

  it("takes rnnlens.interpreter first, with its arguments before the launcher", async () => {
    const result = plan(await planLaunch(environment(everything)));
    assert.equal(result.command, "/opt/me/bin/python");
    assert.deepEqual(result.args, ["-X", "utf8", LAUNCHER, "--import-strategy", "useBundled", "serve"]);
    assert.equal(result.source, "the rnnlens.interpreter setting");
  });

  it("then the Python extension's interpreter", async () => {
    const result = plan(await planLaunch(environment({ ...everything, settings: {} })));
    assert.equal(result.command, "/work/.venv/bin/python");
    assert.equal(result.source, "the Python extension's selected interpreter");
  });

  it("then python3 on PATH, when the Python extension is not installed or has no interpreter", async () => {
    for (const pythonExtension of ["not installed", undefined] as const) {
      const result = plan(await planLaunch(environment({ ...everything, settings: {}, pythonExtension })));
      assert.equal(result.command, "/usr/bin/python3");
      assert.equal(result.source, "python3 on PATH");
    }
  });

  it("falls back to python on PATH, and to python / py -3 on Windows", async () => {
    const unix = plan(await planLaunch(environment({ onPath: { python: "/usr/bin/python" }, probes: { "/usr/bin/python": OK } })));
    assert.equal(unix.command, "/usr/bin/python");
    const windows = plan(
      await planLaunch(environment({ platform: "win32", onPath: { py: "C:\\Windows\\py.exe" }, probes: { "C:\\Windows\\py.exe": OK } })),
    );
    assert.equal(windows.command, "C:\\Windows\\py.exe");
    assert.deepEqual(windows.args.slice(0, 2), ["-3", LAUNCHER]);
  });

  it("passes over the Python extension's interpreter when it cannot run the server, and says so", async () => {
    const env = environment({
      ...everything,
      settings: {},
      probes: { "/work/.venv/bin/python": { ok: false, problem: "RNN Lens needs Python 3.10 or newer" }, "/usr/bin/python3": OK },
    });
    const result = plan(await planLaunch(env));
    assert.equal(result.command, "/usr/bin/python3");
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0], /\/work\/\.venv\/bin\/python .*needs Python 3\.10.*trying the next/);
  });

  it("does not pass over an interpreter the user set: the error names it and the reason", async () => {
    const env = environment({
      ...everything,
      probes: { "/opt/me/bin/python": { ok: false, problem: "RNN Lens needs Python 3.10 or newer; /opt/me/bin/python is Python 3.8" } },
    });
    const result = failure(await planLaunch(env));
    assert.match(result.error, /\/opt\/me\/bin\/python -X utf8 \(the rnnlens.interpreter setting\) cannot run the server: RNN Lens needs Python 3.10/);
    assert.equal(env.probed.length, 1);
  });

  it("says clearly when there is no Python at all", async () => {
    const result = failure(await planLaunch(environment({ pythonExtension: "not installed" })));
    assert.match(result.error, /no Python interpreter found.*3\.10 or newer.*rnnlens\.interpreter/);
  });

  it("reports a Python extension that fails, and goes on", async () => {
    const result = plan(
      await planLaunch(environment({ pythonExtension: new Error("boom"), onPath: { python3: "/usr/bin/python3" }, probes: { "/usr/bin/python3": OK } })),
    );
    assert.equal(result.command, "/usr/bin/python3");
    assert.match(result.warnings[0], /Python extension.*boom/);
  });

  it("reports the last interpreter's problem when none can run the server", async () => {
    const result = failure(
      await planLaunch(
        environment({
          onPath: { python3: "/usr/bin/python3" },
          probes: { "/usr/bin/python3": { ok: false, problem: "the bundled server has no libraries for Python 3.15" } },
        }),
      ),
    );
    assert.match(result.error, /python3 on PATH.*no libraries for Python 3\.15/);
  });

  it("passes the import strategy to the probe and the launcher", async () => {
    const env = environment({ ...everything, settings: { importStrategy: "fromEnvironment" } });
    const result = plan(await planLaunch(env));
    assert.deepEqual(result.args.slice(-3), ["--import-strategy", "fromEnvironment", "serve"]);
    assert.equal(env.probed[0].strategy, "fromEnvironment");
  });
});

describe("rnnlens.path", () => {
  it("runs the first executable that exists as `rnnlens serve`, without probing an interpreter", async () => {
    const env = environment({ settings: { path: ["/missing/rnnlens", "/usr/local/bin/rnnlens"] }, files: ["/usr/local/bin/rnnlens"] });
    const result = plan(await planLaunch(env));
    assert.equal(result.command, "/usr/local/bin/rnnlens");
    assert.deepEqual(result.args, ["serve"]);
    assert.equal(env.probed.length, 0);
  });

  it("says which paths were tried when none exists", async () => {
    const result = failure(await planLaunch(environment({ settings: { path: ["/a/rnnlens", "/b/rnnlens"] } })));
    assert.match(result.error, /rnnlens\.path.*\/a\/rnnlens, \/b\/rnnlens/);
  });
});

describe("an untrusted workspace", () => {
  const untrusted = {
    trusted: false,
    settings: { path: ["/repo/evil"], importStrategy: "fromEnvironment" as const },
    files: ["/repo/evil"],
    pythonExtension: ["/repo/.venv/bin/python"],
    onPath: { python3: "/usr/bin/python3" },
    probes: { "/usr/bin/python3": OK, "/repo/.venv/bin/python": OK },
  };

  it("runs only the bundled server: no rnnlens.path, no import from the environment, no workspace interpreter", async () => {
    const env = environment(untrusted);
    const result = plan(await planLaunch(env));
    assert.equal(result.command, "/usr/bin/python3");
    assert.deepEqual(result.args, [LAUNCHER, "--import-strategy", "useBundled", "serve"]);
    assert.deepEqual(env.probed, [{ command: ["/usr/bin/python3"], strategy: "useBundled" }]);
    assert.equal(result.warnings.length, 2);
  });

  it("still uses rnnlens.interpreter (VS Code hides the workspace's value of that restricted setting)", async () => {
    const result = plan(await planLaunch(environment({ ...untrusted, settings: { interpreter: ["/usr/bin/python3"] } })));
    assert.equal(result.command, "/usr/bin/python3");
  });
});

describe("parseProbe", () => {
  it("reads the launcher's JSON line", () => {
    const stdout = 'noise\n{"ok": true, "version": "3.11.2", "rnnlens": "0.1.0", "bundled": true}\n';
    assert.deepEqual(parseProbe(stdout, ""), { ok: true, version: "3.11.2", rnnlens: "0.1.0", bundled: true });
  });

  it("keeps the launcher's own explanation of a failure", () => {
    const stdout = '{"ok": false, "problem": "RNN Lens needs Python 3.10 or newer; /usr/bin/python3 is Python 3.9"}\n';
    assert.equal(parseProbe(stdout, "", { code: 3, message: "Command failed" }).problem, "RNN Lens needs Python 3.10 or newer; /usr/bin/python3 is Python 3.9");
  });

  it("explains a program that does not exist or prints no result", () => {
    assert.equal(parseProbe("", "", { code: "ENOENT", message: "spawn x ENOENT" }).problem, "no such program");
    const crashed = parseProbe("", "Traceback (most recent call last):\nSyntaxError: invalid syntax\n", { code: 1, message: "Command failed: python launch.py" });
    assert.equal(crashed.ok, false);
    assert.match(crashed.problem!, /Command failed.*SyntaxError: invalid syntax/s);
  });
});
