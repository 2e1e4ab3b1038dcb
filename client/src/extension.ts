/**
 * RNN Lens for VS Code: starts the `rnnlens serve` language server (bundled with the extension) for
 * Python files and notebook cells, passes the `rnnlens` settings through, and restarts the server when
 * the interpreter or a launch setting changes.
 */

import * as vscode from "vscode";
import { ServerController } from "./server";
import { affectsLaunch, affectsServer, SECTION } from "./settings";
import { Debouncer } from "./util";

const RESTART_DELAY_MS = 500;

let controller: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("RNN Lens", { log: true });
  context.subscriptions.push(output);
  output.info(`RNN Lens ${context.extension.packageJSON.version} in ${vscode.env.appName} ${vscode.version}`);

  const restarts = new Debouncer(RESTART_DELAY_MS);
  const scheduleRestart = (reason: string) => restarts.trigger(() => void controller?.restart(reason));
  context.subscriptions.push({ dispose: () => restarts.cancel() });

  controller = new ServerController(context, output, () => scheduleRestart("the Python extension's interpreter changed"));
  context.subscriptions.push(controller);

  context.subscriptions.push(
    vscode.commands.registerCommand("rnnlens.restart", () => {
      restarts.cancel();
      return controller?.restart("requested");
    }),
    vscode.commands.registerCommand("rnnlens.showOutput", () => output.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsLaunch((section) => event.affectsConfiguration(section))) {
        scheduleRestart("a launch setting changed (rnnlens.interpreter, rnnlens.path or rnnlens.importStrategy)");
      } else if (affectsServer((section) => event.affectsConfiguration(section))) {
        void controller?.notifySettingsChanged();
      } else if (event.affectsConfiguration(`${SECTION}.trace.server`)) {
        output.info("rnnlens.trace.server changed: it applies from the next start");
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => scheduleRestart("the workspace is now trusted")),
  );

  await controller.start();
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
  controller = undefined;
}
