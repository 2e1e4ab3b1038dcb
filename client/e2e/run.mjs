#!/usr/bin/env node
// The end-to-end test of the RNN Lens extension in a real VS Code: code-server 4.100.3 (VS Code
// 1.100.3) with the built .vsix installed, driven headless through Debian's chromium by playwright-core.
// Every assertion reads the rendered editor (the DOM), not the protocol.
//
//   node e2e/run.mjs [--vsix FILE] [--artifacts DIR] [--record FILE] [--screenshot FILE] [--keep]
//
// --record FILE      also save VS Code's `initialize` request (clientInfo + capabilities) there
// --screenshot FILE  also copy the hover screenshot there (the README's picture)
// --keep             keep the temporary folder (user data, workspace, logs) for a post-mortem
//
// It starts code-server in a process group of its own (setsid) and ends that group, checks that no
// process it started is left, and prints "N passed, N failed" last.

import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const E2E = path.dirname(fileURLToPath(import.meta.url));
const CLIENT = path.dirname(E2E);
const ROOT = path.dirname(CLIENT);
const CODE_SERVER = path.join(E2E, "node_modules", ".bin", "code-server");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/lib/chromium/chromium";
const TIMEOUT = Number(process.env.RNNLENS_E2E_TIMEOUT_MS ?? 60_000);

// The expected counts, as `rnnlens check --json examples/` gives them (and the frameworks build them).
const TORCH_LSTM = "2,367,488 params"; // examples/torch_tagger.py:16, nn.LSTM(128, 256, num_layers=2, bidirectional=True)
const TORCH_LSTM_DETAILED = "2,367,488 params = 2·(4·(256·128 + 256² + 2·256)) + 2·(4·(256·512 + 256² + 2·256))";
const TORCH_PROJECTED = "6,381,568 params"; // examples/torch_tagger.py:29, nn.LSTM(80, 1024, num_layers=3, proj_size=256)
const TAGGER_TOTAL = "Tagger: 3,656,209 params"; // the code lens above class Tagger
const PROJECTED_TOTAL = "ProjectedSpeechEncoder: 6,529,792 params";
const KERAS_TINY = "48 params"; // examples/keras_sentiment.py:10, LSTM(2) after keras.Input((None, 3))
const UNICODE_GRU = "1,248 params"; // e2e/workspace/unicode_model.py:9, nn.GRU(8, 16) after "żółć, Ωμέγα 🙂";
// examples/notebook.ipynb, cell 3: nn.GRU(10, HIDDEN) with HIDDEN = 64 from cell 2 (checked last, in the detailed style)
const NOTEBOOK_GRU_DETAILED = "14,592 params = 3·(64·10 + 64² + 2·64)";

// ---------------------------------------------------------------------------------------------------
const options = parseArguments(process.argv.slice(2));
const started = Date.now();
const temporary = fs.mkdtempSync(path.join(os.tmpdir(), "rnnlens-e2e-"));
const dirs = {
  data: path.join(temporary, "user-data"),
  extensions: path.join(temporary, "extensions"),
  workspace: path.join(temporary, "workspace"),
  home: path.join(temporary, "home"),
  browser: path.join(temporary, "chromium-profile"),
};
const artifacts = path.resolve(options.artifacts ?? path.join(CLIENT, "e2e-artifacts"));
const results = [];
let codeServer; // the child process leading its own process group
let context; // the browser
let page;

function log(message) {
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);
}

function parseArguments(argv) {
  const parsed = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, "");
    if (name === "keep") {
      parsed.keep = true;
    } else if (["vsix", "artifacts", "record", "screenshot"].includes(name) && i + 1 < argv.length) {
      parsed[name] = argv[++i];
    } else {
      console.error(`usage: run.mjs [--vsix FILE] [--artifacts DIR] [--record FILE] [--screenshot FILE] [--keep]`);
      process.exit(2);
    }
  }
  return parsed;
}

/**
 * A named check. Its failure is recorded with a screenshot; the checks after it are then reported as
 * not run (they would each wait for their timeout in a broken editor), except those marked `always`.
 */
async function check(name, body, { always = false } = {}) {
  const start = Date.now();
  if (!always && results.some((result) => !result.ok)) {
    results.push({ name, ok: false, error: new Error("not run: an earlier check failed") });
    log(`SKIP ${name}: not run, an earlier check failed`);
    return false;
  }
  try {
    await body();
    results.push({ name, ok: true });
    log(`ok   ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
    return true;
  } catch (error) {
    results.push({ name, ok: false, error });
    log(`FAIL ${name}: ${error?.message ?? error}`);
    if (page) {
      await page.screenshot({ path: path.join(artifacts, `failure-${results.length}.png`) }).catch(() => {});
    }
    return false;
  }
}

function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

async function until(description, probe, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) {
        return value;
      }
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${timeout / 1000} s waiting for ${description}${last ? ` (${last.message})` : ""}`);
}

// --- processes ------------------------------------------------------------------------------------

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Processes (pid, command line) whose command line mentions our temporary folder. */
function ourProcesses() {
  const found = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) {
      continue;
    }
    try {
      const commandLine = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      if (commandLine.includes(temporary)) {
        found.push({ pid: Number(entry), commandLine });
      }
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The running language servers: (pid, command line) of the bundled launcher or the recording proxy. */
function serverProcesses() {
  return ourProcesses().filter(({ commandLine }) => / serve$/.test(commandLine) && /launch\.py|record_initialize\.py|rnnlens-recording/.test(commandLine));
}

function environment() {
  return {
    ...process.env,
    HOME: dirs.home, // code-server writes ~/.config/code-server and ~/.local/share/code-server
    XDG_CONFIG_HOME: path.join(dirs.home, ".config"),
    XDG_DATA_HOME: path.join(dirs.home, ".local", "share"),
    XDG_CACHE_HOME: path.join(dirs.home, ".cache"),
  };
}

async function startCodeServer() {
  const port = await freePort();
  const logFile = fs.openSync(path.join(artifacts, "code-server.log"), "w");
  // detached: the child calls setsid(), so it leads a new process group that we end as a whole.
  codeServer = spawn(
    CODE_SERVER,
    [
      "--bind-addr", `127.0.0.1:${port}`, "--auth", "none", "--disable-telemetry", "--disable-update-check",
      "--disable-workspace-trust", "--disable-getting-started-override", "--user-data-dir", dirs.data,
      "--extensions-dir", dirs.extensions,
      ...(process.env.RNNLENS_E2E_TRACE ? ["--log", "trace"] : []),
      dirs.workspace,
    ],
    { detached: true, stdio: ["ignore", logFile, logFile], env: environment() },
  );
  fs.closeSync(logFile);
  const url = `http://127.0.0.1:${port}`;
  await until("code-server to answer /healthz", async () => (await fetch(`${url}/healthz`)).ok, 30_000);
  return url;
}

async function stopEverything() {
  if (context) {
    await context.close().catch(() => {});
  }
  if (codeServer?.pid) {
    for (const [signal, wait] of [["SIGTERM", 5000], ["SIGKILL", 2000]]) {
      try {
        process.kill(-codeServer.pid, signal);
      } catch {
        break; // the group is gone
      }
      const deadline = Date.now() + wait;
      while (Date.now() < deadline && groupAlive(codeServer.pid)) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (!groupAlive(codeServer.pid)) {
        break;
      }
    }
  }
  // Anything else that still mentions our folder (a browser or a server that left the group) is ours too.
  let leftovers = ourProcesses();
  for (const { pid } of leftovers) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if (leftovers.length) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return leftovers;
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

// --- the editor -----------------------------------------------------------------------------------

const normalise = (text) => text.replace(/\u00a0/g, " ");

/** The rendered text of every view line in the editors on screen (inlay hints included). */
async function viewLines() {
  const texts = await page.locator(".monaco-editor .view-lines .view-line").allTextContents();
  return texts.map(normalise);
}

/**
 * Waits until a rendered line is `source` with the hint inserted right after `anchor` (the end of the
 * constructor call): the hint is there, with that text, at that position. The server asks for padding
 * on the left, which VS Code 1.100 renders as a hair space (U+200A) before the label. With `exact`, the
 * line must be exactly that (no other hint on it); otherwise the hint must follow the anchor.
 */
async function expectHint(source, anchor, label, { exact = true, timeout = TIMEOUT } = {}) {
  const at = source.indexOf(anchor);
  assert(at >= 0, `the anchor ${anchor} is not in the line`);
  const cut = at + anchor.length;
  const expected = exact ? source.slice(0, cut) + "\u200a" + label + source.slice(cut) : anchor + "\u200a" + label;
  const key = source.trim().slice(0, 30);
  let seen = [];
  try {
    await until(`the hint "${label}" after ${anchor}`, async () => {
      seen = (await viewLines()).filter((line) => line.includes(key));
      return seen.some((line) => (exact ? line === expected : line.includes(expected)));
    }, timeout);
  } catch (error) {
    throw new Error(`${error.message}; the line reads ${JSON.stringify(seen)}`);
  }
}

async function openFile(name, readyText) {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: TIMEOUT });
  await input.fill(name);
  const first = page.locator(".quick-input-list .monaco-list-row").first();
  await until(`quick open to list ${name} first`, async () => (await first.getAttribute("aria-label"))?.includes(name), 15_000);
  await page.keyboard.press("Enter");
  await until(`${name} to be shown`, async () => (await viewLines()).some((line) => line.includes(readyText)));
}

async function runCommand(title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: TIMEOUT });
  await input.fill(`>${title}`);
  await until(`the command "${title}" to be listed`, async () =>
    (await page.locator(".quick-input-list .monaco-list-row").allTextContents()).some((row) => row.includes(title)), 15_000);
  await page.keyboard.press("Enter");
}

/** Moves the mouse over `word` at its first occurrence after `context` on a rendered line. */
async function hoverWord(context, word) {
  const box = await page.evaluate(
    ({ context, word }) => {
      for (const line of document.querySelectorAll(".monaco-editor .view-lines .view-line")) {
        const text = line.textContent.replace(/\u00a0/g, " ");
        const at = text.indexOf(context);
        if (at < 0) continue;
        const start = text.indexOf(word, at);
        // Find the text node and offset of the word's characters, then measure them.
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        let offset = 0;
        const range = document.createRange();
        let begun = false;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const length = node.textContent.length;
          if (!begun && start < offset + length) {
            range.setStart(node, start - offset);
            begun = true;
          }
          if (begun && start + word.length <= offset + length) {
            range.setEnd(node, start + word.length - offset);
            const rect = range.getBoundingClientRect();
            return { x: rect.left, y: rect.top, width: rect.width, height: rect.height };
          }
          offset += length;
        }
      }
      return null;
    },
    { context, word },
  );
  assert(box, `${word} after ${context} is not on screen`);
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 4 });
}

/**
 * Hovers `word` (after `context` on its line) and returns the hover's text once it shows `expected` and
 * its fade-in animations are done. The mouse is moved again while waiting, in case the layout moved
 * under it (a code lens or a hint appearing above).
 */
async function hoverText(context, word, expected) {
  const hover = page.locator(".monaco-hover:not(.hidden)").filter({ hasText: expected }).first();
  const deadline = Date.now() + TIMEOUT;
  for (let attempt = 1; ; attempt++) {
    await page.mouse.move(5, 300);
    await hoverWord(context, word);
    try {
      await hover.waitFor({ state: "visible", timeout: Math.min(8000, Math.max(1000, deadline - Date.now())) });
      break;
    } catch (error) {
      if (Date.now() >= deadline) {
        throw error;
      }
    }
  }
  await hover.evaluate((element) => Promise.all(element.getAnimations({ subtree: true }).map((animation) => animation.finished)));
  return normalise(await hover.innerText());
}

/**
 * Changes the user settings as a user does: opens settings.json in the editor, replaces its text, saves.
 * (Writing the file behind code-server's back is not noticed by the web workbench.)
 */
async function editUserSettings(extra) {
  await runCommand("Preferences: Open User Settings (JSON)");
  await until("settings.json in the editor", async () => (await page.locator(".tab.active").first().getAttribute("aria-label"))?.includes("settings.json"));
  await page.locator(".editor-instance .monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(JSON.stringify(userSettings(extra))); // one line: nothing to auto-indent
  await page.keyboard.press("Control+S");
  await until("settings.json to be saved", async () => {
    const saved = JSON.parse(fs.readFileSync(path.join(dirs.data, "User", "settings.json"), "utf8"));
    return Object.entries(extra).every(([key, value]) => JSON.stringify(saved[key]) === JSON.stringify(value));
  }, 15_000);
  await page.keyboard.press("Control+W");
}

function writeUserSettings(extra = {}) {
  fs.mkdirSync(path.join(dirs.data, "User"), { recursive: true });
  fs.writeFileSync(path.join(dirs.data, "User", "settings.json"), JSON.stringify(userSettings(extra), null, 2));
}

function userSettings(extra = {}) {
  return {
    "workbench.startupEditor": "none",
    "workbench.reduceMotion": "on",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "workbench.colorTheme": "Default Light Modern",
    "editor.inlayHints.enabled": "on",
    "editor.inlayHints.maximumLength": 0, // VS Code cuts labels at 43 characters by default: show detailed ones whole
    "editor.minimap.enabled": false,
    "editor.hover.delay": 150,
    "editor.fontSize": 14,
    "window.commandCenter": false,
    "chat.commandCenter.enabled": false,
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "update.mode": "none",
    "security.workspace.trust.enabled": false,
    "git.enabled": false,
    // Text typed into settings.json goes in as it is (see editUserSettings).
    "[jsonc]": { "editor.autoClosingBrackets": "never", "editor.autoClosingQuotes": "never", "editor.autoIndent": "none", "editor.autoSurround": "never", "editor.formatOnType": false },
    ...(process.env.RNNLENS_E2E_TRACE ? { "rnnlens.trace.server": "verbose", "rnnlens.logLevel": "debug" } : {}),
    ...extra,
  };
}

function sourceLine(file, number) {
  return fs.readFileSync(file, "utf8").split("\n")[number - 1];
}

// --- the test -------------------------------------------------------------------------------------

async function main() {
  fs.mkdirSync(artifacts, { recursive: true });
  for (const old of fs.readdirSync(artifacts)) {
    fs.rmSync(path.join(artifacts, old), { recursive: true, force: true });
  }
  for (const dir of Object.values(dirs)) {
    fs.mkdirSync(dir, { recursive: true });
  }
  const vsix = options.vsix ? path.resolve(options.vsix) : newestVsix();
  log(`vsix: ${path.relative(ROOT, vsix)}; temporary folder: ${temporary}`);
  for (const example of ["torch_tagger.py", "keras_sentiment.py", "notebook.ipynb"]) {
    fs.copyFileSync(path.join(ROOT, "examples", example), path.join(dirs.workspace, example));
  }
  fs.copyFileSync(path.join(E2E, "workspace", "unicode_model.py"), path.join(dirs.workspace, "unicode_model.py"));
  writeUserSettings();

  const installed = await check("the .vsix installs into code-server", async () => {
    const output = execFileSync(
      CODE_SERVER,
      ["--user-data-dir", dirs.data, "--extensions-dir", dirs.extensions, "--install-extension", vsix],
      { env: environment(), encoding: "utf8", timeout: 120_000 },
    );
    assert(/successfully installed/i.test(output), `code-server said: ${output.trim()}`);
  });
  if (!installed) return;

  const url = await startCodeServer();
  log(`code-server ${url} (process group ${codeServer.pid})`);
  context = await chromium.launchPersistentContext(dirs.browser, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    viewport: { width: 1440, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${url}/?folder=${encodeURIComponent(dirs.workspace)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: TIMEOUT });
  log("workbench loaded");
  await page.keyboard.press("Control+B"); // hide the side bar: room for the long lines and their hints

  const torch = path.join(dirs.workspace, "torch_tagger.py");
  const lstmLine = sourceLine(torch, 16);
  await check("a bidirectional PyTorch LSTM stack shows its count as an inlay hint", async () => {
    await openFile("torch_tagger.py", "class Tagger");
    await expectHint(lstmLine, "batch_first=True)", TORCH_LSTM);
    await expectHint(sourceLine(torch, 29), "proj_size=256)", TORCH_PROJECTED);
  });

  await check("a code lens above each model shows its total", async () => {
    const lenses = () => page.locator(".monaco-editor .codelens-decoration").allTextContents();
    await until("the code lenses", async () => {
      const texts = (await lenses()).map(normalise);
      return texts.some((text) => text.includes(TAGGER_TOTAL)) && texts.some((text) => text.includes(PROJECTED_TOTAL));
    });
    await page.screenshot({ path: path.join(artifacts, "torch-hints.png") });
  });

  await check("the hover on nn.LSTM shows the count, the derivation and the reverse-direction tensors", async () => {
    const text = await hoverText("nn.LSTM(EMBEDDING", "LSTM", TORCH_LSTM);
    assert(text.includes("LSTM (torch)"), `hover: ${text}`);
    assert(text.includes("2·(4·(256·128 + 256² + 2·256))"), `no derivation in the hover: ${text}`);
    assert(text.includes("weight_ih_l0_reverse"), `no reverse-direction tensor in the hover: ${text}`);
    await page.screenshot({ path: path.join(artifacts, "torch-hover.png") });
    if (options.screenshot) {
      fs.copyFileSync(path.join(artifacts, "torch-hover.png"), path.resolve(options.screenshot));
    }
    await page.mouse.move(5, 450);
  });

  await check("a Keras LSTM sized by keras.Input((None, 3)) shows 48 params", async () => {
    const keras = path.join(dirs.workspace, "keras_sentiment.py");
    await openFile("keras_sentiment.py", "MAX_TOKENS = 20_000");
    await expectHint(sourceLine(keras, 10), "layers.LSTM(2)", KERAS_TINY, { exact: false });
    await page.screenshot({ path: path.join(artifacts, "keras-hints.png") });
  });

  await check("non-ASCII text before a constructor on its line does not shift the hint", async () => {
    const unicode = path.join(dirs.workspace, "unicode_model.py");
    await openFile("unicode_model.py", "class Größe");
    await expectHint(sourceLine(unicode, 9), "nn.GRU(8, 16)", UNICODE_GRU);
    await page.screenshot({ path: path.join(artifacts, "unicode-hint.png") });
  });

  let serverPid;
  await check("rnnlens.inlayHints.style = detailed changes the hints without restarting the server", async () => {
    await openFile("torch_tagger.py", "class Tagger");
    await expectHint(lstmLine, "batch_first=True)", TORCH_LSTM);
    const before = serverProcesses();
    assert(before.length === 1, `expected one server process, found ${JSON.stringify(before)}`);
    serverPid = before[0].pid;
    await editUserSettings({ "rnnlens.inlayHints.style": "detailed" });
    await openFile("torch_tagger.py", "class Tagger");
    await expectHint(lstmLine, "batch_first=True)", TORCH_LSTM_DETAILED);
    const after = serverProcesses().map(({ pid }) => pid);
    assert(after.length === 1 && after[0] === serverPid, `the server was restarted: ${serverPid} → ${after}`);
    await page.screenshot({ path: path.join(artifacts, "torch-detailed.png") });
  });

  await check("RNN Lens: Restart Server starts a new server, which serves the hints again", async () => {
    await runCommand("RNN Lens: Restart Server");
    const fresh = await until("a new server process", async () => {
      const pids = serverProcesses().map(({ pid }) => pid);
      return pids.length === 1 && pids[0] !== serverPid ? pids[0] : undefined;
    });
    serverPid = fresh;
    await expectHint(lstmLine, "batch_first=True)", TORCH_LSTM_DETAILED);
  });

  await check("changing rnnlens.path restarts the server through it (and records VS Code's initialize)", async () => {
    const recording = path.join(artifacts, "vscode-initialize.json");
    const launcher = fs
      .readdirSync(dirs.extensions)
      .filter((name) => name.startsWith("rnnlens.rnnlens-"))
      .map((name) => path.join(dirs.extensions, name, "bundled", "tool", "launch.py"))
      .find((file) => fs.existsSync(file));
    assert(launcher, "the installed extension has no bundled/tool/launch.py");
    const wrapper = path.join(temporary, "rnnlens-recording");
    const python = execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
    fs.writeFileSync(
      wrapper,
      `#!/bin/sh\n# An rnnlens executable (rnnlens.path) that records the initialize request, then runs the bundled server.\n` +
        `exec ${python} ${path.join(E2E, "record_initialize.py")} ${recording} -- ${python} ${launcher} "$@"\n`,
    );
    fs.chmodSync(wrapper, 0o755);
    await editUserSettings({ "rnnlens.inlayHints.style": "detailed", "rnnlens.path": [wrapper] });
    await openFile("torch_tagger.py", "class Tagger");
    await until("the server to run through rnnlens.path", async () => serverProcesses().some(({ commandLine }) => commandLine.includes("rnnlens-recording") || commandLine.includes("record_initialize.py")));
    await until("the initialize request to be recorded", async () => fs.existsSync(recording));
    await expectHint(lstmLine, "batch_first=True)", TORCH_LSTM_DETAILED);
    const recorded = JSON.parse(fs.readFileSync(recording, "utf8"));
    assert(recorded.clientInfo?.version?.startsWith("1.100"), `clientInfo: ${JSON.stringify(recorded.clientInfo)}`);
    const capabilities = recorded.capabilities;
    assert(capabilities?.textDocument?.inlayHint?.resolveSupport?.properties?.includes("tooltip"), "no inlayHint.resolveSupport(tooltip)");
    assert(capabilities?.notebookDocument?.synchronization, "no notebookDocument.synchronization");
    assert(capabilities?.workspace?.configuration === true, "no workspace.configuration");
    assert(capabilities?.textDocument?.diagnostic, "no pull diagnostics");
    if (options.record) {
      fs.copyFileSync(recording, path.resolve(options.record));
      log(`recorded VS Code's capabilities in ${path.relative(ROOT, path.resolve(options.record))}`);
    }
  });

  await check("an interpreter that does not exist gives an error message that names it, then a good one works again", async () => {
    const missing = path.join(temporary, "no-such-python");
    await editUserSettings({ "rnnlens.inlayHints.style": "detailed", "rnnlens.interpreter": [missing] });
    const toast = page.locator(".notifications-toasts .notification-toast").filter({ hasText: "no-such-python" }).first();
    await toast.waitFor({ state: "visible", timeout: TIMEOUT });
    const text = normalise(await toast.innerText());
    assert(/cannot start its server/.test(text) && /rnnlens\.interpreter/.test(text) && /no such program/.test(text), `the message: ${text}`);
    await until("the previous server to exit", async () => serverProcesses().length === 0, 15_000);
    await page.screenshot({ path: path.join(artifacts, "error-message.png") });
    await editUserSettings({ "rnnlens.inlayHints.style": "detailed" });
    await until("the server to start again", async () => serverProcesses().length === 1);
    await openFile("torch_tagger.py", "class Tagger");
    await expectHint(lstmLine, "batch_first=True)", TORCH_LSTM_DETAILED);
  });

  await check("a notebook cell sized by a constant from an earlier cell shows its count", async () => {
    await openFile("notebook.ipynb", "HIDDEN = 64");
    await expectHint("rnn = nn.GRU(10, HIDDEN, batch_first=True)", "batch_first=True)", NOTEBOOK_GRU_DETAILED);
    await page.screenshot({ path: path.join(artifacts, "notebook-hint.png") });
  });
}

function newestVsix() {
  const dist = path.join(CLIENT, "dist");
  const candidates = fs.existsSync(dist) ? fs.readdirSync(dist).filter((name) => /linux-x64\.vsix$/.test(name)) : [];
  if (candidates.length === 0) {
    console.error("e2e: no client/dist/*-linux-x64.vsix: build it first (client/scripts/build-vsix.sh)");
    process.exit(2);
  }
  return candidates.map((name) => path.join(dist, name)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

let crashed;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    log(`${signal}: stopping`);
    await stopEverything();
    process.exit(130);
  });
}
try {
  await main();
} catch (error) {
  crashed = error;
  log(`the run stopped: ${error?.stack ?? error}`);
  if (page) {
    await page.screenshot({ path: path.join(artifacts, "crash.png") }).catch(() => {});
  }
}
const leftovers = await stopEverything();
// Keep the extension's output channel (the server's log) with the screenshots.
for (const file of fs.readdirSync(path.join(dirs.data, "logs"), { recursive: true })) {
  if (String(file).endsWith("RNN Lens.log")) {
    fs.copyFileSync(path.join(dirs.data, "logs", String(file)), path.join(artifacts, `rnnlens-output-${path.basename(path.dirname(path.dirname(path.dirname(String(file)))))}.log`));
  }
}
await check("every process the test started is stopped", async () => {
  const still = ourProcesses();
  assert(still.length === 0, `still running: ${JSON.stringify(still)}`);
  assert(leftovers.length === 0, `had to be killed one by one after the process group: ${JSON.stringify(leftovers)}`);
}, { always: true });
if (options.keep) {
  log(`kept ${temporary}`);
} else {
  fs.rmSync(temporary, { recursive: true, force: true });
}
const failed = results.filter((result) => !result.ok).length + (crashed ? 1 : 0);
log(`screenshots and logs in ${path.relative(process.cwd(), artifacts) || "."}`);
console.log(`${results.length - results.filter((r) => !r.ok).length} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
