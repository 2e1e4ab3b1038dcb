/**
 * The extension's settings, all under `rnnlens`. Two kinds:
 *
 * - server settings, read by the language server itself (server/rnnlens/server/settings.py): passed
 *   as `initializationOptions` and answered to the server's `workspace/configuration` requests; a
 *   change is announced with `workspace/didChangeConfiguration` and needs no restart;
 * - launch settings, read only here: which interpreter or executable runs the server. A change
 *   restarts the server.
 *
 * Nothing in this module imports `vscode`, so that it is unit-tested under plain Node.
 */

export const SECTION = "rnnlens";

/** The keys the server reads, exactly as server/rnnlens/server/settings.py spells them. */
export const SERVER_SETTINGS = [
  "inlayHints.enabled",
  "inlayHints.style",
  "inlayHints.modelTotals",
  "memory.dtype",
  "frameworks",
  "logLevel",
  "analysis.timeBudget",
] as const;

/** The keys that decide how the server is started. */
export const LAUNCH_SETTINGS = ["interpreter", "path", "importStrategy"] as const;

/** Settings the language client library reads for itself (message tracing). */
export const CLIENT_SETTINGS = ["trace.server"] as const;

export type ImportStrategy = "useBundled" | "fromEnvironment";
export const IMPORT_STRATEGIES: readonly ImportStrategy[] = ["useBundled", "fromEnvironment"];

export interface LaunchSettings {
  interpreter: string[];
  path: string[];
  importStrategy: ImportStrategy;
}

/** A setting's value from a section object, nested (`{inlayHints: {style}}`) or dotted (`{"inlayHints.style"}`). */
export function lookup(section: unknown, key: string): unknown {
  if (!isObject(section)) {
    return undefined;
  }
  if (key in section) {
    return section[key];
  }
  const dot = key.indexOf(".");
  if (dot < 0) {
    return undefined;
  }
  return lookup(section[key.slice(0, dot)], key.slice(dot + 1));
}

/**
 * The server's settings, nested as the server accepts them, with nothing else: the launch and client
 * settings in the same section would otherwise be reported by the server as unknown keys.
 * Unset values (`undefined`) are left out, so that the server keeps its defaults.
 */
export function serverSettings(get: (key: string) => unknown): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of SERVER_SETTINGS) {
    const value = get(key);
    if (value === undefined) {
      continue;
    }
    const parts = key.split(".");
    let node = settings;
    for (const part of parts.slice(0, -1)) {
      if (!isObject(node[part])) {
        node[part] = {};
      }
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = clone(value);
  }
  return settings;
}

/** `serverSettings` of a section object as `workspace/configuration` returns it. */
export function serverSettingsOf(section: unknown): Record<string, unknown> | null {
  if (section === null || section === undefined) {
    return section as null;
  }
  return serverSettings((key) => lookup(section, key));
}

/** The launch settings, with wrong types replaced by their defaults (and reported in `problems`). */
export function launchSettings(get: (key: string) => unknown, problems: string[] = []): LaunchSettings {
  const strings = (key: string): string[] => {
    const value = get(key);
    if (value === undefined || value === null) {
      return [];
    }
    if (typeof value === "string") {
      return value.trim() ? [value] : [];
    }
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
      return value.filter((item) => item.trim() !== "");
    }
    problems.push(`${SECTION}.${key} must be an array of strings; ignored`);
    return [];
  };
  const strategy = get("importStrategy");
  let importStrategy: ImportStrategy = "useBundled";
  if (IMPORT_STRATEGIES.includes(strategy as ImportStrategy)) {
    importStrategy = strategy as ImportStrategy;
  } else if (strategy !== undefined && strategy !== null) {
    problems.push(`${SECTION}.importStrategy must be one of ${IMPORT_STRATEGIES.join(", ")}; using useBundled`);
  }
  return { interpreter: strings("interpreter"), path: strings("path"), importStrategy };
}

/** Whether a configuration change touches a launch setting (then the server restarts). */
export function affectsLaunch(affects: (section: string) => boolean): boolean {
  return LAUNCH_SETTINGS.some((key) => affects(`${SECTION}.${key}`));
}

/** Whether a configuration change touches a server setting (then the server is told). */
export function affectsServer(affects: (section: string) => boolean): boolean {
  return SERVER_SETTINGS.some((key) => affects(`${SECTION}.${key}`));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}
