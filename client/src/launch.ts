/**
 * How the server is started: which executable, which interpreter, which code. The order is the one of
 * ruff-vscode and Microsoft's vscode-python-tools-extension-template:
 *
 *   1. `rnnlens.path`: an `rnnlens` executable, run as `rnnlens serve` (the first path that exists);
 *   2. `rnnlens.interpreter`: a Python interpreter (a command and its leading arguments);
 *   3. the interpreter the Python extension selected for the workspace (if that extension is installed);
 *   4. `python3` (`python`, or `py -3` on Windows) on PATH.
 *
 * An interpreter runs the bundled launcher (bundled/tool/launch.py), which puts the bundled server and
 * the libraries for that interpreter's Python version on its path (`rnnlens.importStrategy`). Each
 * interpreter is probed first (`launch.py probe`), so that a Python that is too old, or one the bundle
 * has no libraries for, is reported with its reason instead of failing silently.
 *
 * In an untrusted workspace only the bundled server runs: `rnnlens.path` and the import strategy are
 * ignored, and so is the Python extension's interpreter (it may be a program inside the workspace);
 * VS Code itself hides the workspace's value of `rnnlens.interpreter` (a restricted setting).
 *
 * Nothing in this module imports `vscode`: every effect is passed in, so it is unit-tested under Node.
 */

import { ImportStrategy, LaunchSettings } from "./settings";

/** What `launch.py probe` prints (one JSON object), or why it could not run. */
export interface ProbeResult {
  ok: boolean;
  problem?: string;
  executable?: string;
  version?: string;
  versionTag?: string;
  rnnlens?: string;
  bundled?: boolean;
  location?: string;
}

export interface LaunchEnvironment {
  settings: LaunchSettings; // variables already expanded
  trusted: boolean;
  platform: NodeJS.Platform;
  /** bundled/tool/launch.py inside the installed extension. */
  launcher: string;
  /** The Python extension's interpreter for the workspace: a command, or undefined (not installed, none selected). */
  pythonExtension?: () => Promise<string[] | undefined>;
  /** The absolute path of an executable found on PATH, or undefined. */
  findOnPath: (name: string) => string | undefined;
  exists: (file: string) => boolean;
  /** Runs `interpreter... launcher --import-strategy S probe` and parses its output. */
  probe: (command: string[], strategy: ImportStrategy) => Promise<ProbeResult>;
}

export interface LaunchPlan {
  command: string;
  args: string[];
  /** For the output channel and the status item: what runs, and why this one. */
  description: string;
  source: string;
  probe?: ProbeResult;
  /** Interpreters tried and passed over, with the reason. */
  warnings: string[];
}

export interface LaunchFailure {
  error: string;
  warnings: string[];
}

export function isFailure(plan: LaunchPlan | LaunchFailure): plan is LaunchFailure {
  return (plan as LaunchFailure).error !== undefined;
}

export interface Candidate {
  command: string[];
  source: string;
  /** A candidate the user named explicitly is not passed over when it fails. */
  explicit: boolean;
}

/** The interpreters to try, in order (see the module's comment). */
export async function interpreterCandidates(environment: LaunchEnvironment, warnings: string[]): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  const { settings, trusted } = environment;
  if (settings.interpreter.length > 0) {
    return [{ command: settings.interpreter, source: "the rnnlens.interpreter setting", explicit: true }];
  }
  if (trusted && environment.pythonExtension) {
    try {
      const command = await environment.pythonExtension();
      if (command && command.length > 0) {
        candidates.push({ command, source: "the Python extension's selected interpreter", explicit: false });
      }
    } catch (error) {
      warnings.push(`could not ask the Python extension for its interpreter: ${message(error)}`);
    }
  }
  const names: string[][] = environment.platform === "win32" ? [["python"], ["py", "-3"]] : [["python3"], ["python"]];
  for (const [name, ...args] of names) {
    const found = environment.findOnPath(name);
    if (found) {
      candidates.push({ command: [found, ...args], source: `${name} on PATH`, explicit: false });
      break;
    }
  }
  return candidates;
}

export async function planLaunch(environment: LaunchEnvironment): Promise<LaunchPlan | LaunchFailure> {
  const warnings: string[] = [];
  const { settings, trusted } = environment;

  if (trusted && settings.path.length > 0) {
    const executable = settings.path.find((file) => environment.exists(file));
    if (!executable) {
      return {
        error: `none of the executables in rnnlens.path exists (${settings.path.join(", ")})`,
        warnings,
      };
    }
    return {
      command: executable,
      args: ["serve"],
      description: `${executable} serve (from the rnnlens.path setting)`,
      source: "the rnnlens.path setting",
      warnings,
    };
  }
  if (!trusted && settings.path.length > 0) {
    warnings.push("rnnlens.path is ignored in an untrusted workspace: the bundled server runs");
  }

  const strategy: ImportStrategy = trusted ? settings.importStrategy : "useBundled";
  if (!trusted && settings.importStrategy !== "useBundled") {
    warnings.push("rnnlens.importStrategy is ignored in an untrusted workspace: the bundled server runs");
  }
  const candidates = await interpreterCandidates(environment, warnings);
  if (candidates.length === 0) {
    const names = environment.platform === "win32" ? "python or py" : "python3 or python";
    return {
      error:
        `no Python interpreter found: RNN Lens runs its server with Python 3.10 or newer. Install one, ` +
        `put it on PATH (as ${names}), or set rnnlens.interpreter to its path` +
        (trusted ? ", or select one with the Python extension" : ""),
      warnings,
    };
  }
  for (const candidate of candidates) {
    const probe = await environment.probe(candidate.command, strategy);
    if (probe.ok) {
      const [command, ...prefix] = candidate.command;
      const code = probe.bundled === false ? `rnnlens ${probe.rnnlens ?? "?"} from the environment` : `bundled rnnlens ${probe.rnnlens ?? "?"}`;
      return {
        command,
        args: [...prefix, environment.launcher, "--import-strategy", strategy, "serve"],
        description: `${code} with Python ${probe.version ?? "?"} (${probe.executable ?? command}), from ${candidate.source}`,
        source: candidate.source,
        probe,
        warnings,
      };
    }
    const reason = `${candidate.command.join(" ")} (${candidate.source}) cannot run the server: ${probe.problem ?? "unknown reason"}`;
    if (candidate.explicit || candidate === candidates[candidates.length - 1]) {
      return { error: reason, warnings };
    }
    warnings.push(`${reason}; trying the next interpreter`);
  }
  /* c8 ignore next */
  return { error: "no interpreter could run the server", warnings };
}

/** Parses `launch.py probe` output: the last line that is a JSON object. */
export function parseProbe(stdout: string, stderr: string, exitError?: { code?: number | string | null; message: string }): ProbeResult {
  const lines = stdout.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.startsWith("{"));
  for (const line of lines.reverse()) {
    try {
      const parsed = JSON.parse(line);
      if (typeof parsed === "object" && parsed !== null && typeof parsed.ok === "boolean") {
        return parsed as ProbeResult;
      }
    } catch {
      // not JSON: keep looking
    }
  }
  const detail = lastLines(stderr, 5) || lastLines(stdout, 5);
  if (exitError && exitError.code === "ENOENT") {
    return { ok: false, problem: "no such program" };
  }
  const why = exitError ? exitError.message.split("\n")[0] : "it printed no result";
  return { ok: false, problem: detail ? `${why}: ${detail}` : why };
}

export function lastLines(text: string, count: number): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line !== "")
    .slice(-count)
    .join("\n");
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
