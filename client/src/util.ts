/** Small helpers without `vscode`: a debouncer, a PATH lookup, a bounded log tail. */

import * as fs from "fs";
import * as path from "path";

/** Runs the last of a burst of calls, `delay` ms after the burst ends. */
export class Debouncer {
  private timer: unknown;

  constructor(
    private readonly delay: number,
    private readonly setTimer: (callback: () => void, ms: number) => unknown = setTimeout,
    private readonly clearTimer: (timer: unknown) => void = (timer) => clearTimeout(timer as NodeJS.Timeout),
  ) {}

  trigger(callback: () => void): void {
    this.cancel();
    this.timer = this.setTimer(() => {
      this.timer = undefined;
      callback();
    }, this.delay);
  }

  get pending(): boolean {
    return this.timer !== undefined;
  }

  cancel(): void {
    if (this.timer !== undefined) {
      this.clearTimer(this.timer);
      this.timer = undefined;
    }
  }
}

export interface PathLookup {
  pathVariable: string | undefined;
  platform: NodeJS.Platform;
  pathExt?: string;
  isExecutable: (file: string) => boolean;
  /** Folders not to take executables from (an untrusted workspace's folders). */
  exclude?: string[];
}

/** Where a command name is found on PATH; relative PATH entries are skipped. */
export function findOnPath(name: string, lookup: PathLookup): string | undefined {
  const platformPath = lookup.platform === "win32" ? path.win32 : path.posix;
  const separator = lookup.platform === "win32" ? ";" : ":";
  const extensions = lookup.platform === "win32" ? (lookup.pathExt ?? ".EXE;.CMD;.BAT;.COM").split(";").filter(Boolean) : [""];
  const excluded = (lookup.exclude ?? []).map((folder) => platformPath.resolve(folder) + platformPath.sep);
  for (const folder of (lookup.pathVariable ?? "").split(separator)) {
    if (!folder || !platformPath.isAbsolute(folder)) {
      continue;
    }
    const resolvedFolder = platformPath.resolve(folder) + platformPath.sep;
    if (excluded.some((prefix) => resolvedFolder.startsWith(prefix))) {
      continue;
    }
    for (const extension of ["", ...extensions]) {
      const candidate = platformPath.join(folder, name + extension);
      if (lookup.isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

export function isExecutableFile(file: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) {
      return false;
    }
    if (process.platform === "win32") {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Keeps the last `limit` characters written to it (the server's recent stderr). */
export class Tail {
  private text = "";

  constructor(private readonly limit = 4000) {}

  append(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }

  clear(): void {
    this.text = "";
  }

  toString(): string {
    return this.text;
  }
}
