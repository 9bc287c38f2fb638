// JupyterLab's visual debugger on a TypeScript cell, in a real JupyterLab and Chromium: turn the
// debugger on from the notebook toolbar, click a breakpoint in a cell's gutter, run the cell, see it
// stop on that line, read a variable in the Variables panel, step and continue with the Callstack
// panel's toolbar buttons, and see the result; then restart the kernel from the Kernel menu and see
// JupyterLab attach its debugger again and the breakpoint stop the cell again.
// Every debug message between the page and the kernel is recorded; MODELBENCH_RECORD_DAP=FILE saves
// them as the fixture the protocol test replays (tests/fixtures/debugger/jupyterlab.json).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT, launchChromium, notebook, showNotebook, startLab } from "./lab.mjs";

const ARTIFACTS = join(ROOT, "tests", "browser", "artifacts");

export const CELL = [
  "function scale(xs: number[], by: number): number[] {",
  "  const scaled = xs.map((x) => x * by);",
  "  return scaled;",
  "}",
  "const weights = [0.5, 1.5, 2.5];",
  "const doubled = scale(weights, 2);",
  "doubled.reduce((a, b) => a + b, 0)",
].join("\n");

/** A Jupyter message from a kernel websocket frame: JSON text, or the v1 binary protocol. */
function decodeFrame(payload) {
  if (typeof payload === "string") return JSON.parse(payload);
  const buf = Buffer.from(payload);
  const n = Number(buf.readBigUInt64LE(0));
  const offsets = Array.from({ length: n }, (_, i) => Number(buf.readBigUInt64LE(8 * (i + 1))));
  const part = (i) => buf.subarray(offsets[i], i + 1 < n ? offsets[i + 1] : buf.length).toString("utf8");
  const channel = part(0);
  const [header, parent_header, metadata, content] = [1, 2, 3, 4].map((i) => JSON.parse(part(i)));
  return { channel, header, parent_header, metadata, content };
}

describe("JupyterLab's debugger on a modelbench notebook", { timeout: 240_000 }, () => {
  let lab;
  let browser;
  let page;
  const recorded = [];
  /** The first test's messages: the session the protocol test replays (no kernel restart in it). */
  let replayable = null;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    lab = await startLab();
    browser = await launchChromium();
    const put = await lab.api("/api/contents/debug.ipynb", { method: "PUT", body: JSON.stringify({ type: "notebook", format: "json", content: notebook([CELL]) }) });
    assert.ok(put.ok, `creating debug.ipynb: HTTP ${put.status}`);
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on("pageerror", (e) => console.log(`page error: ${e.message}`));
    // The recorder listens before the page opens the kernel's websocket.
    page.on("websocket", (ws) => {
      if (!ws.url().includes("/api/kernels/")) return;
      const keep = (direction) => (frame) => {
        let msg;
        try {
          msg = decodeFrame(frame.payload);
        } catch {
          return;
        }
        const type = msg.header?.msg_type;
        if (!/^debug_/.test(type) && type !== "execute_request" && type !== "execute_reply") return;
        recorded.push({ direction, channel: msg.channel, msg_type: type, content: msg.content });
      };
      ws.on("framesent", keep("sent"));
      ws.on("framereceived", keep("received"));
    });
    await page.goto(lab.url("/lab/tree/debug.ipynb"));
    await page.locator(".jp-Notebook .jp-Cell").first().waitFor({ timeout: 60_000 });
  });

  after(async () => {
    if (page && !page.isClosed()) await page.screenshot({ path: join(ARTIFACTS, "debugger-last.png") }).catch(() => {});
    if (process.env.MODELBENCH_RECORD_DAP) {
      mkdirSync(dirname(process.env.MODELBENCH_RECORD_DAP), { recursive: true });
      writeFileSync(process.env.MODELBENCH_RECORD_DAP, JSON.stringify({ recordedWith: "tests/browser/debugger.test.mjs", cell: CELL, messages: replayable ?? recorded }, null, 1) + "\n");
    }
    await browser?.close().catch(() => {});
    await lab?.stop();
  });

  /** A button of the Callstack panel's toolbar (in its accordion title), by the command it runs. */
  const callstackButton = (command) =>
    page.locator("#jp-debugger-sidebar .jp-AccordionPanel-title", { hasText: "Callstack" }).locator(`jp-button[data-command="${command}"]`);

  test("breakpoint, variables, step and continue from the debugger panel", async () => {
    await showNotebook(page);
    const bug = page.locator(".jp-NotebookPanel-toolbar .jp-DebuggerBugButton");
    await bug.waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => {
      const b = document.querySelector(".jp-NotebookPanel-toolbar .jp-DebuggerBugButton");
      return b && !b.hasAttribute("disabled") && b.getAttribute("aria-disabled") !== "true";
    }, null, { timeout: 60_000 });
    // The button acts only once the notebook is the shell's current widget: click until it is on.
    const deadline = Date.now() + 30_000;
    while ((await bug.getAttribute("aria-pressed")) !== "true") {
      assert.ok(Date.now() < deadline, "the debugger did not turn on");
      await showNotebook(page);
      await bug.click();
      await page.waitForTimeout(1000);
    }
    // The debugger's sidebar, with its Variables, Callstack and Breakpoints panels.
    await page.evaluate(() => window.jupyterapp.shell.activateById("jp-debugger-sidebar"));
    await page.locator(".jp-DebuggerVariables").waitFor({ timeout: 30_000 });

    // A breakpoint on the cell's line 2 (`const scaled = …`), clicked in the editor's gutter.
    const cell = page.locator(".jp-Notebook .jp-CodeCell").first();
    await cell.locator(".cm-content").click();
    const lineTwo = cell.locator(".cm-lineNumbers .cm-gutterElement", { hasText: /^2$/ });
    const box = await lineTwo.boundingBox();
    const gutterBox = await cell.locator(".cm-gutter.cm-breakpoint-gutter").boundingBox();
    await page.mouse.click(gutterBox.x + gutterBox.width / 2, box.y + box.height / 2);
    await page.locator(".jp-DebuggerBreakpoints .jp-DebuggerBreakpoint").first().waitFor({ timeout: 30_000 });

    // Run the cell: it stops on line 2, inside scale().
    await cell.locator(".cm-content").click();
    await page.keyboard.press("Control+Enter");
    const frame = page.locator(".jp-DebuggerCallstack .jp-DebuggerCallstackFrame").first();
    await frame.waitFor({ timeout: 30_000 });
    assert.match(await frame.textContent(), /scale/);
    assert.match(await page.locator(".jp-DebuggerCallstack .jp-DebuggerCallstackFrame-location").first().textContent(), /\.ts:2\b/);
    // The editor marks the line the runtime stopped on.
    await cell.locator(".jp-DebuggerEditor-highlight").first().waitFor({ timeout: 10_000 });

    // The Variables panel shows the function's arguments.
    const variables = page.locator(".jp-DebuggerVariables");
    await variables.getByText("by", { exact: true }).first().waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => /\bby\s+2(?![\d.])/.test(document.querySelector(".jp-DebuggerVariables")?.innerText ?? ""), null, { timeout: 15_000 });
    assert.match(await variables.innerText(), /xs\s+Array/);
    await page.screenshot({ path: join(ARTIFACTS, "debugger-stopped.png") });

    // Next, clicked in the Callstack toolbar: on to line 3, where `scaled` has its value.
    const next = callstackButton("debugger:next");
    assert.equal(await next.getAttribute("aria-disabled"), "false", "Next is enabled while stopped");
    await next.click();
    await page.waitForFunction(() => /\.ts:3\b/.test(document.querySelector(".jp-DebuggerCallstack .jp-DebuggerCallstackFrame-location")?.textContent ?? ""), null, { timeout: 15_000 });
    await page.waitForFunction(() => /scaled\s+Array/.test(document.querySelector(".jp-DebuggerVariables")?.innerText ?? ""), null, { timeout: 15_000 });
    // Expanded, the array shows its items.
    await variables.getByText("scaled", { exact: false }).first().click();
    await page.waitForFunction(() => /\b0\s+1(?![\d.])[\s\S]*\b1\s+3(?![\d.])[\s\S]*\b2\s+5(?![\d.])/.test(document.querySelector(".jp-DebuggerVariables")?.innerText ?? ""), null, { timeout: 15_000 });

    // Continue, clicked in the Callstack toolbar: the cell finishes with its result.
    await callstackButton("debugger:continue").click();
    await cell.locator(".jp-OutputArea-output").filter({ hasText: "9" }).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator(".jp-DebuggerCallstack .jp-DebuggerCallstackFrame").count(), 0);
    // Not stopped any more: the toolbar's stepping buttons are disabled.
    await page.waitForFunction(() => document.querySelector('#jp-debugger-sidebar jp-button[data-command="debugger:next"]')?.getAttribute("aria-disabled") === "true", null, { timeout: 15_000 });
    await showNotebook(page);

    const commands = recorded.filter((m) => m.msg_type === "debug_request").map((m) => m.content.command);
    for (const c of ["debugInfo", "initialize", "attach", "dumpCell", "setBreakpoints", "stackTrace", "scopes", "variables", "next", "continue"]) {
      assert.ok(commands.includes(c), `JupyterLab sent no ${c}: ${commands.join(", ")}`);
    }
    const failed = recorded.filter((m) => m.msg_type === "debug_reply" && !m.content.success);
    assert.deepEqual(failed.map((m) => `${m.content.command}: ${m.content.message}`), []);
    replayable = recorded.slice();
  });

  test("after a kernel restart from the Kernel menu the debugger is back and the breakpoint stops the cell again", async () => {
    const before = recorded.length;
    await showNotebook(page);
    void page.evaluate(() => window.jupyterapp.commands.execute("kernelmenu:restart"));
    await page.locator(".jp-Dialog .jp-mod-accept").click({ timeout: 30_000 });
    // JupyterLab attaches its debugger to the restarted kernel by itself.
    const deadline = Date.now() + 60_000;
    while (!recorded.slice(before).some((m) => m.msg_type === "debug_reply" && m.content.command === "attach" && m.content.success)) {
      assert.ok(Date.now() < deadline, "JupyterLab did not attach its debugger to the restarted kernel");
      await page.waitForTimeout(250);
    }
    const cell = page.locator(".jp-Notebook .jp-CodeCell").first();
    await cell.locator(".cm-content").click();
    await page.keyboard.press("Control+Enter");
    await page.waitForFunction(() => /\.ts:2\b/.test(document.querySelector(".jp-DebuggerCallstack .jp-DebuggerCallstackFrame-location")?.textContent ?? ""), null, { timeout: 30_000 });
    await callstackButton("debugger:continue").click();
    await cell.locator(".jp-OutputArea-output").filter({ hasText: "9" }).waitFor({ timeout: 30_000 });
    const failed = recorded.slice(before).filter((m) => m.msg_type === "debug_reply" && !m.content.success);
    assert.deepEqual(failed.map((m) => `${m.content.command}: ${m.content.message}`), []);
  });
});
