/**
 * The Python extension's selected interpreter, through its published API (`environments`), without a
 * dependency on that extension: when it is not installed, there is simply no interpreter from it.
 */

import * as vscode from "vscode";

interface EnvironmentPath {
  id: string;
  path: string;
}

interface ResolvedEnvironment {
  executable: { uri?: vscode.Uri };
  version?: { major?: number; minor?: number; micro?: number };
}

interface PythonExtensionApi {
  environments: {
    getActiveEnvironmentPath(resource?: vscode.Uri): EnvironmentPath;
    resolveEnvironment(environment: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
    onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
  };
}

export const PYTHON_EXTENSION_ID = "ms-python.python";

async function api(): Promise<PythonExtensionApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
  if (!extension) {
    return undefined;
  }
  const exports = extension.isActive ? extension.exports : await extension.activate();
  return exports?.environments ? exports : undefined;
}

/** The interpreter the Python extension selected for `resource`, or undefined. */
export async function selectedInterpreter(resource?: vscode.Uri): Promise<string[] | undefined> {
  const python = await api();
  if (!python) {
    return undefined;
  }
  const environment = await python.environments.resolveEnvironment(python.environments.getActiveEnvironmentPath(resource));
  const executable = environment?.executable.uri?.fsPath;
  return executable ? [executable] : undefined;
}

/** Calls `listener` when the Python extension's selected interpreter changes (once that extension is there). */
export async function onInterpreterChanged(listener: () => void): Promise<vscode.Disposable | undefined> {
  const python = await api().catch(() => undefined);
  return python?.environments.onDidChangeActiveEnvironmentPath(() => listener());
}
