// Drives the web workbench the way a user does (quick open, go to line, command palette, mouse hover, gutter clicks,
// F5/F10/F11) and reads back what the user would see. Selectors come from ./selectors only.
import type { Locator, Page } from 'playwright-core';
import { SELECTORS as S } from './selectors';

// The page-side callbacks below run in the browser. The project has no DOM typings (only webviews/ may touch the DOM),
// so this module declares the little they use. They must not call module functions: only their source is sent.
interface PageElement {
  readonly innerText: string;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  getBoundingClientRect(): { top: number; bottom: number; height: number };
}
declare const document: { querySelectorAll(selector: string): Iterable<PageElement> };
declare function getComputedStyle(element: unknown): { color: string };

export interface TokenInspection {
  /** The TextMate scopes, innermost first. */
  scopes: string[];
  /** The theme's foreground for the token, as #RRGGBB. */
  foreground: string;
}

export interface Variable { name: string; value: string }

/** `rgb(86, 156, 214)` → `#569CD6` (computed colours come back in rgb()). */
export function rgbToHex(rgb: string): string {
  const m = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(rgb);
  if (!m) throw new Error(`not an rgb() colour: ${rgb}`);
  return `#${m.slice(1, 4).map((c) => Number(c).toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}

export class WorkbenchDriver {
  constructor(readonly page: Page) {}

  /** Resolves once the workbench is laid out and the Explorer lists the workspace. */
  async ready(): Promise<void> {
    await this.page.locator(S.workbench).waitFor();
    await this.page.locator(S.explorerRow).first().waitFor();
  }

  /** Opens a workspace file through Quick Open (Ctrl+P) and waits until its editor shows text. */
  async openFile(relativePath: string): Promise<void> {
    const base = relativePath.split('/').pop()!;
    await this.quickInput('Control+P', relativePath);
    await this.page.locator(S.quickInputRow).filter({ hasText: base }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator(`${S.activeTab}[data-resource-name="${base}"]`).waitFor();
    await this.editor().locator(S.textLine).first().waitFor();
  }

  /** Runs a command by its title through the command palette (F1). */
  async runCommand(title: string): Promise<void> {
    await this.quickInput('F1', title);
    await this.page.locator(S.quickInputRow).filter({ hasText: title }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator(S.quickInput).waitFor({ state: 'hidden' });
  }

  /** Moves the cursor with Go to Line (Ctrl+G), which also scrolls the line into view; 1-based, as the user counts. */
  async goToLine(line: number, column = 1): Promise<void> {
    await this.quickInput('Control+G', `${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator(S.quickInput).waitFor({ state: 'hidden' });
    await this.gutterRow(line).waitFor();
  }

  editor(): Locator {
    return this.page.locator(S.activeEditor);
  }

  /** The gutter row of a line on screen (the line must be scrolled into view, e.g. by goToLine). */
  gutterRow(line: number): Locator {
    return this.editor().locator(S.gutterRow).filter({ has: this.page.locator(S.lineNumber, { hasText: new RegExp(`^${line}$`) }) });
  }

  /** The text of a line on screen: the view line at the same height as the line's gutter row. */
  async textLine(line: number): Promise<Locator> {
    const style = await this.gutterRow(line).getAttribute('style');
    const top = /top:\s*(-?\d+(?:\.\d+)?)px/.exec(style ?? '');
    if (!top) throw new Error(`line ${line}'s gutter row has no top offset (style "${style}")`);
    return this.editor().locator(`${S.textLine}[style*="top:${top[1]}px"]`);
  }

  /** The span of the first token on `line` whose text contains `text` (Monaco merges neighbours of one colour). */
  async token(line: number, text: string): Promise<Locator> {
    await this.goToLine(line);
    return (await this.textLine(line)).locator(S.token).filter({ hasText: text }).first();
  }

  /** The colour the editor paints a token in, as #RRGGBB. */
  async tokenColour(token: Locator): Promise<string> {
    return rgbToHex(await token.evaluate((el) => getComputedStyle(el).color));
  }

  /** Puts the mouse over a token and returns the hover's text once it shows. */
  async hover(token: Locator): Promise<string> {
    await token.hover();
    const hover = this.page.locator(S.hover).first();
    await hover.waitFor();
    return hover.innerText();
  }

  /** What "Developer: Inspect Editor Tokens and Scopes" says of the token at line:column. */
  async inspectToken(line: number, column: number): Promise<TokenInspection> {
    await this.goToLine(line, column);
    await this.runCommand('Developer: Inspect Editor Tokens and Scopes');
    const rows = this.page.locator(S.tokenInspectorRow);
    await rows.first().waitFor();
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...(tr as unknown as PageElement).querySelectorAll('td')].map((td) => td.innerText.trim())));
    await this.page.keyboard.press('Escape');
    const value = (key: string) => cells.find(([k]) => k === key)?.[1];
    const foreground = value('foreground');
    const scopes = value('textmate scopes');
    if (!foreground || !scopes) throw new Error(`the token inspector showed no foreground or scopes: ${JSON.stringify(cells)}`);
    return { foreground: foreground.toUpperCase(), scopes: scopes.split('\n').map((s) => s.trim()).filter(Boolean) };
  }

  // ---- debugging: written against VS Code 1.100's DOM, not yet exercised against Ringside's debugger ----

  /** Clicks the glyph margin beside a line, as a user sets a breakpoint, and waits for the red dot there. */
  async setBreakpointAtLine(line: number): Promise<void> {
    await this.goToLine(line);
    const row = await this.gutterRow(line).boundingBox();
    const margin = await this.editor().locator(S.glyphMargin).first().boundingBox();
    if (!row || !margin) throw new Error(`line ${line} or the glyph margin is not on screen`);
    await this.page.mouse.click(margin.x + margin.width / 2, row.y + row.height / 2);
    await this.waitForGlyphAt(line, S.breakpointGlyph);
  }

  /** Waits for the stopped-here arrow on a line of the active editor (after waitForStopped, on the top frame's line). */
  async waitForStoppedAt(line: number): Promise<void> {
    await this.goToLine(line);
    await this.waitForGlyphAt(line, S.stoppedGlyph);
  }

  /** F5 in the editor: starts the default debug configuration (for a .S file, Ringside's, with no launch.json). */
  async startDebugging(): Promise<void> {
    await this.editor().click();
    await this.page.keyboard.press('F5');
    await this.page.locator(S.debugToolbar).waitFor();
  }

  /**
   * Waits until the session is paused and returns the Call Stack's state text: "Paused on …", or the adapter's
   * description of the stop (e.g. "stopped at the entry point"); anything but "Running".
   */
  async waitForStopped(): Promise<string> {
    await this.showDebugView();
    const state = this.page.locator(S.callStackState).filter({ hasNotText: /^Running/ }).first();
    await state.waitFor();
    return state.innerText();
  }

  /** The Variables view's visible rows, scopes included (value '' for a scope). */
  async readVariables(): Promise<Variable[]> {
    await this.showDebugView();
    await this.page.locator(S.variablesRow).first().waitFor();
    return this.page.locator(S.variablesRow).evaluateAll((rows, sel) => rows.map((r) => {
      const row = (r as unknown as PageElement);
      const name = row.querySelector(sel.variableName)?.innerText ?? row.querySelector(sel.scopeName)?.innerText ?? '';
      const value = row.querySelector(sel.variableValue)?.innerText ?? '';
      return { name: name.replace(/\s*[:=]$/, '').trim(), value: value.trim() };
    }), { scopeName: S.scopeName, variableName: S.variableName, variableValue: S.variableValue });
  }

  /** Waits until the Variables view shows `name` with `value` (it refreshes after each stop), and returns the rows. */
  async waitForVariable(name: string, value: string): Promise<Variable[]> {
    for (;;) {
      const rows = await this.readVariables();
      if (rows.some((v) => v.name === name && v.value === value)) return rows;
      await this.page.waitForTimeout(100);
    }
  }

  /** Waits until the Call Stack's top frame is `name` (the view is rebuilt after each stop), and returns the frames. */
  async waitForTopFrame(name: string): Promise<string[]> {
    for (;;) {
      const frames = await this.readCallStack();
      if (frames[0] === name) return frames;
      await this.page.waitForTimeout(100);
    }
  }

  /** The Call Stack view's frame names, top first. */
  async readCallStack(): Promise<string[]> {
    await this.showDebugView();
    const frames = this.page.locator(S.callStackRow).locator(S.callStackFrame);
    await frames.first().waitFor();
    return frames.locator(S.callStackFrameName).allInnerTexts();
  }

  /** The debug toolbar's Continue button (a key press goes wherever focus is; the button always reaches the session). */
  async continue(): Promise<void> {
    await this.page.locator(S.continueButton).click();
  }

  /** F11, then waits for the session to pause again. */
  async stepInto(): Promise<string> {
    return this.stepWith('F11');
  }

  /** F10, then waits for the session to pause again. */
  async stepOver(): Promise<string> {
    return this.stepWith('F10');
  }

  /** Shift+F5, and waits for the debug toolbar to go. */
  async stopDebugging(): Promise<void> {
    await this.page.keyboard.press('Shift+F5');
    await this.page.locator(S.debugToolbar).waitFor({ state: 'hidden' });
  }

  /** A status-bar item's text, by its id (`publisher.name.itemId` for an extension's item). */
  async statusBarText(id: string): Promise<string> {
    const item = this.page.locator(S.statusBarItem(id));
    await item.waitFor();
    return item.innerText();
  }

  // ---- internals ----

  /** Presses a stepping key and waits until the session is paused with a different top frame (name or line). */
  private async stepWith(key: string): Promise<string> {
    const before = await this.topFrame();
    await this.page.keyboard.press(key);
    await this.page.locator(S.callStackRow).locator(S.callStackFrame).first().filter({ hasNotText: before }).waitFor();
    return this.waitForStopped();
  }

  private async topFrame(): Promise<string> {
    await this.showDebugView();
    return this.page.locator(S.callStackRow).locator(S.callStackFrame).first().innerText();
  }

  private async showDebugView(): Promise<void> {
    if (await this.page.locator(S.callStackState).or(this.page.locator(S.variablesRow)).count() > 0) return;
    await this.page.keyboard.press('Control+Shift+D');
  }

  /** Waits until an element matching `selector` in the active editor spans the vertical middle of the line's gutter row. */
  private async waitForGlyphAt(line: number, selector: string): Promise<void> {
    const row = await this.gutterRow(line).boundingBox();
    if (!row) throw new Error(`line ${line} is not on screen`);
    await this.page.waitForFunction(({ sel, y }) => [...document.querySelectorAll(sel)].some((e) => {
      const r = e.getBoundingClientRect();
      return r.height > 0 && r.top <= y && y <= r.bottom;
    }), { sel: `${S.activeEditor} ${selector}`, y: row.y + row.height / 2 });
  }

  private async quickInput(key: string, text: string): Promise<void> {
    await this.page.keyboard.press(key);
    const box = this.page.locator(S.quickInputBox);
    await box.waitFor();
    // F1 prefills ">", Ctrl+G ":"; keep the prefix and type after it.
    await box.press('End');
    await box.pressSequentially(text);
  }
}
