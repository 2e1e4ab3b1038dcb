/** Expansion of `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~` in path settings. */

import * as path from "path";

export interface VariableContext {
  workspaceFolder?: string;
  userHome: string;
  env: Record<string, string | undefined>;
}

export function resolveVariables(value: string, context: VariableContext): string {
  let result = value.replace(/\$\{(workspaceFolder|userHome|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (match, name, env) => {
    if (env !== undefined) {
      return context.env[env] ?? "";
    }
    if (name === "userHome") {
      return context.userHome;
    }
    return context.workspaceFolder ?? match;
  });
  if (result === "~" || result.startsWith("~/") || result.startsWith("~\\")) {
    result = context.userHome + result.slice(1);
  }
  return result;
}

/**
 * A command from a setting, with its variables expanded; a relative path (one with a separator, like
 * `.venv/bin/python`) is taken relative to the workspace folder. A bare name (`python3`) stays a name
 * for the PATH lookup.
 */
export function resolveCommand(value: string, context: VariableContext, platformPath = path): string {
  const resolved = resolveVariables(value, context);
  const looksLikePath = resolved.includes("/") || (platformPath.sep === "\\" && resolved.includes("\\"));
  if (looksLikePath && !platformPath.isAbsolute(resolved) && context.workspaceFolder) {
    return platformPath.join(context.workspaceFolder, resolved);
  }
  return resolved;
}
