import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Debouncer, findOnPath, Tail } from "../src/util";

describe("Debouncer", () => {
  // A fake clock: timers run only when the test advances it.
  function clock() {
    let now = 0;
    let timers: { at: number; callback: () => void; id: number }[] = [];
    let nextId = 0;
    return {
      set: (callback: () => void, ms: number) => {
        const id = ++nextId;
        timers.push({ at: now + ms, callback, id });
        return id;
      },
      clear: (id: unknown) => {
        timers = timers.filter((timer) => timer.id !== id);
      },
      advance(ms: number) {
        now += ms;
        const due = timers.filter((timer) => timer.at <= now);
        timers = timers.filter((timer) => timer.at > now);
        due.forEach((timer) => timer.callback());
      },
    };
  }

  it("runs once, after a burst of triggers has been quiet for the delay", () => {
    const time = clock();
    const debouncer = new Debouncer(500, time.set, time.clear);
    const runs: string[] = [];
    debouncer.trigger(() => runs.push("first"));
    time.advance(300);
    debouncer.trigger(() => runs.push("second"));
    time.advance(300);
    debouncer.trigger(() => runs.push("third"));
    assert.deepEqual(runs, []);
    assert.equal(debouncer.pending, true);
    time.advance(499);
    assert.deepEqual(runs, []);
    time.advance(1);
    assert.deepEqual(runs, ["third"]);
    assert.equal(debouncer.pending, false);
  });

  it("can be cancelled (the restart command restarts at once)", () => {
    const time = clock();
    const debouncer = new Debouncer(500, time.set, time.clear);
    let ran = false;
    debouncer.trigger(() => (ran = true));
    debouncer.cancel();
    time.advance(1000);
    assert.equal(ran, false);
  });

  it("works with the real timers", async () => {
    const debouncer = new Debouncer(10);
    const ran = new Promise<string>((resolve) => debouncer.trigger(() => resolve("ran")));
    assert.equal(await ran, "ran");
  });
});

describe("findOnPath", () => {
  const files = new Set(["/usr/bin/python3", "/opt/py/bin/python3", "/work/repo/bin/python3", "C:\\Python312\\python.EXE"]);
  const isExecutable = (file: string) => files.has(file);

  it("takes the first PATH folder that has the program", () => {
    assert.equal(findOnPath("python3", { pathVariable: "/nope:/opt/py/bin:/usr/bin", platform: "linux", isExecutable }), "/opt/py/bin/python3");
    assert.equal(findOnPath("python", { pathVariable: "/usr/bin", platform: "linux", isExecutable }), undefined);
    assert.equal(findOnPath("python3", { pathVariable: undefined, platform: "linux", isExecutable }), undefined);
  });

  it("skips relative PATH entries and excluded (untrusted workspace) folders", () => {
    const lookup = { pathVariable: ".:bin:/work/repo/bin:/usr/bin", platform: "linux" as const, isExecutable };
    assert.equal(findOnPath("python3", lookup), "/work/repo/bin/python3");
    assert.equal(findOnPath("python3", { ...lookup, exclude: ["/work/repo"] }), "/usr/bin/python3");
  });

  it("tries PATHEXT on Windows", () => {
    assert.equal(findOnPath("python", { pathVariable: "C:\\Windows;C:\\Python312", platform: "win32", pathExt: ".COM;.EXE", isExecutable }), "C:\\Python312\\python.EXE");
  });
});

describe("Tail", () => {
  it("keeps the last characters written", () => {
    const tail = new Tail(10);
    tail.append("0123456789");
    tail.append("abc");
    assert.equal(tail.toString(), "3456789abc");
    tail.clear();
    assert.equal(tail.toString(), "");
  });
});
