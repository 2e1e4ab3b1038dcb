/** Starts, restarts and stops the language server, and tells the user clearly when it cannot run. */

import { execFile } from "child_process";
import * as os from "os";
import * as path from "path";
import * as readline from "readline";
import * as vscode from "vscode";
import {
  CloseAction,
  CloseHandlerResult,
  DidChangeConfigurationNotification,
  ErrorAction,
  ErrorHandler,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from "vscode-languageclient/node";
import { isFailure, lastLines, LaunchPlan, parseProbe, planLaunch, ProbeResult } from "./launch";
import { DOCUMENT_SELECTOR } from "./selector";
import { onInterpreterChanged, selectedInterpreter } from "./python";
import { ImportStrategy, launchSettings, LaunchSettings, SECTION, serverSettings, serverSettingsOf } from "./settings";
import { findOnPath, isExecutableFile, Tail } from "./util";
import { resolveCommand, resolveVariables, VariableContext } from "./variables";

const PROBE_TIMEOUT_MS = 30_000;
const MAX_RESTARTS = 4; // within 3 minutes, then the server is left stopped and the user told why

export class ServerController implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly stderr = new Tail();
  private readonly status: vscode.LanguageStatusItem;
  private readonly disposables: vscode.Disposable[] = [];
  private interpreterListener: vscode.Disposable | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly onInterpreterChange: () => void,
  ) {
    this.status = vscode.languages.createLanguageStatusItem("rnnlens.status", DOCUMENT_SELECTOR);
    this.status.name = "RNN Lens";
    this.status.text = "RNN Lens";
    this.status.command = { title: "Show Output", command: "rnnlens.showOutput" };
    this.disposables.push(this.status);
  }

  /** Operations run one after another: a restart never overlaps a start. */
  private enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.queue.then(operation, operation);
    this.queue = next.catch(() => undefined);
    return next;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.doStop());
  }

  restart(reason: string): Promise<void> {
    return this.enqueue(async () => {
      this.output.info(`Restarting the server: ${reason}`);
      await this.doStop();
      await this.doStart();
    });
  }

  /** Tells the running server that its settings changed; it pulls them with workspace/configuration. */
  async notifySettingsChanged(): Promise<void> {
    const client = this.client;
    if (client?.state === State.Running) {
      const settings = serverSettings((key) => vscode.workspace.getConfiguration(SECTION).get(key));
      await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: settings } });
    }
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  private workspaceFolder(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  private readLaunchSettings(): LaunchSettings {
    const configuration = vscode.workspace.getConfiguration(SECTION);
    const problems: string[] = [];
    const raw = launchSettings((key) => configuration.get(key), problems);
    problems.forEach((problem) => this.output.warn(problem));
    const variables: VariableContext = { workspaceFolder: this.workspaceFolder(), userHome: os.homedir(), env: process.env };
    const command = (value: string[]) =>
      value.map((part, index) => (index === 0 ? resolveCommand(part, variables) : resolveVariables(part, variables)));
    return {
      interpreter: command(raw.interpreter),
      path: raw.path.map((file) => resolveCommand(file, variables)),
      importStrategy: raw.importStrategy,
    };
  }

  private probe(command: string[], strategy: ImportStrategy, launcher: string): Promise<ProbeResult> {
    const [program, ...prefix] = command;
    return new Promise((resolve) => {
      execFile(
        program,
        [...prefix, launcher, "--import-strategy", strategy, "probe"],
        { cwd: path.dirname(launcher), timeout: PROBE_TIMEOUT_MS, env: process.env, windowsHide: true },
        (error, stdout, stderr) => {
          const code = error ? (error as NodeJS.ErrnoException).code ?? (error as { code?: number }).code : undefined;
          resolve(parseProbe(String(stdout), String(stderr), error ? { code, message: error.message } : undefined));
        },
      );
    });
  }

  private async doStart(): Promise<void> {
    if (this.client) {
      return;
    }
    const trusted = vscode.workspace.isTrusted;
    const launcher = this.context.asAbsolutePath(path.join("bundled", "tool", "launch.py"));
    const settings = this.readLaunchSettings();
    const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    this.setStatus("Starting…", vscode.LanguageStatusSeverity.Information, true);
    const plan = await planLaunch({
      settings,
      trusted,
      platform: process.platform,
      launcher,
      pythonExtension: trusted ? () => selectedInterpreter(vscode.workspace.workspaceFolders?.[0]?.uri) : undefined,
      findOnPath: (name) =>
        findOnPath(name, {
          pathVariable: process.env.PATH ?? process.env.Path,
          platform: process.platform,
          pathExt: process.env.PATHEXT,
          isExecutable: isExecutableFile,
          exclude: trusted ? [] : folders, // an untrusted workspace's own programs are not run
        }),
      exists: (file) => isExecutableFile(file),
      probe: (command, strategy) => this.probe(command, strategy, launcher),
    });
    plan.warnings.forEach((warning) => this.output.warn(warning));
    if (!trusted) {
      this.output.info("Untrusted workspace: running the bundled server only");
    }
    if (isFailure(plan)) {
      this.fail(`RNN Lens cannot start its server: ${plan.error}.`);
      return;
    }
    await this.launch(plan);
    if (trusted && !this.interpreterListener) {
      this.interpreterListener = await onInterpreterChanged(() => this.onInterpreterChange());
      if (this.interpreterListener) {
        this.disposables.push(this.interpreterListener);
      }
    }
  }

  private async launch(plan: LaunchPlan): Promise<void> {
    this.output.info(`Starting ${plan.description}`);
    this.output.info(`Command: ${[plan.command, ...plan.args].map(quote).join(" ")}`);
    const serverOptions: ServerOptions = {
      command: plan.command,
      args: plan.args, // no `transport`: with TransportKind.stdio the client would append --stdio
      options: { cwd: path.dirname(this.context.asAbsolutePath(path.join("bundled", "tool", "launch.py"))), env: { ...process.env, PYTHONUNBUFFERED: "1" } },
    };
    const tail = this.stderr;
    tail.clear();
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: serverSettings((key) => vscode.workspace.getConfiguration(SECTION).get(key)),
      errorHandler: new ReportingErrorHandler(this, tail),
      middleware: {
        workspace: {
          // The server asks for the `rnnlens` section: answer with its own keys only.
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) {
              return result;
            }
            return result.map((value, index) => (params.items[index]?.section === SECTION ? serverSettingsOf(value) : value));
          },
        },
      },
      stdioOptions: {
        stdout: (input, channel) => lines(input, (line) => channel.info(line)),
        stderr: (input, channel) =>
          lines(input, (line) => {
            tail.append(line + "\n");
            channel.error(line);
          }),
      },
    };
    const client = new LanguageClient("rnnlens", "RNN Lens", serverOptions, clientOptions);
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      await client.dispose().catch(() => undefined);
      const reason = lastLines(tail.toString(), 8) || (error instanceof Error ? error.message : String(error));
      this.fail(`RNN Lens: the server failed to start (${plan.description}): ${reason}`);
      return;
    }
    const version = client.initializeResult?.serverInfo?.version;
    this.output.info(`Server running${version ? ` (rnnlens ${version})` : ""}`);
    this.setStatus(plan.probe ? `Python ${plan.probe.version}` : "custom server", vscode.LanguageStatusSeverity.Information, false, plan.description);
  }

  /** Called by the error handler when the server keeps crashing: no more restarts, and say why. */
  reportCrash(tail: string): void {
    const reason = lastLines(tail, 8);
    this.fail(`RNN Lens: the server stopped ${MAX_RESTARTS + 1} times in 3 minutes and will not be restarted${reason ? `: ${reason}` : "."}`);
  }

  private fail(message: string): void {
    this.output.error(message);
    this.setStatus("Not running", vscode.LanguageStatusSeverity.Error, false, message);
    void vscode.window.showErrorMessage(message, "Open Settings", "Show Output").then((choice) => {
      if (choice === "Open Settings") {
        void vscode.commands.executeCommand("workbench.action.openSettings", "@ext:rnnlens.rnnlens");
      } else if (choice === "Show Output") {
        this.output.show();
      }
    });
  }

  private setStatus(text: string, severity: vscode.LanguageStatusSeverity, busy: boolean, detail?: string): void {
    this.status.text = `RNN Lens: ${text}`;
    this.status.severity = severity;
    this.status.busy = busy;
    this.status.detail = detail;
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5000);
      } catch (error) {
        this.output.warn(`Stopping the server: ${error instanceof Error ? error.message : String(error)}`);
      }
      await client.dispose().catch(() => undefined);
    }
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.disposables.forEach((disposable) => disposable.dispose());
  }
}

/** Restarts a crashed server a few times; then stops and tells the user, with the server's last words. */
class ReportingErrorHandler implements ErrorHandler {
  private restarts: number[] = [];

  constructor(
    private readonly controller: ServerController,
    private readonly tail: Tail,
  ) {}

  error(_error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    return { action: count && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    this.restarts = [...this.restarts.filter((time) => now - time < 3 * 60 * 1000), now];
    if (this.restarts.length <= MAX_RESTARTS) {
      return { action: CloseAction.Restart };
    }
    this.controller.reportCrash(this.tail.toString());
    return { action: CloseAction.DoNotRestart, handled: true };
  }
}

function lines(input: NodeJS.ReadableStream, each: (line: string) => void): void {
  readline.createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 }).on("line", each);
}

function quote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, "'\\''")}'`;
}
