// Every CSS selector the UI tests use on VS Code 1.100's web workbench, in one place: when a VS Code update moves
// the DOM, this file is the one to fix. Names say what the element is for the user, not how VS Code builds it.

export const SELECTORS = {
  workbench: '.monaco-workbench',
  explorerRow: '.explorer-folders-view .monaco-list-row',

  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputRow: '.quick-input-widget .quick-input-list .monaco-list-row',

  /** The focused editor group's editor and its active tab (`data-resource-name` is the file's base name). */
  activeEditor: '.editor-group-container.active .editor-instance',
  activeTab: '.editor-group-container.active .tabs-container .tab.active',
  /** Text lines and gutter rows: both carry `style="top:Npx"` for the same line, which is how a line is found. */
  textLine: '.view-lines .view-line',
  gutterRow: '.margin-view-overlays > div',
  lineNumber: '.line-numbers',
  glyphMargin: '.margin .glyph-margin',
  /** A token: Monaco renders each one as a span coloured by its class (mtkN). */
  token: ':scope > span > span',

  hover: '.monaco-hover:not(.hidden) .monaco-hover-content',
  tokenInspector: '.token-inspect-widget',
  tokenInspectorRow: '.token-inspect-widget .tiw-metadata-table tr',

  // ---- debugging (unverified until the debugger lands) ----
  breakpointGlyph: '.codicon-debug-breakpoint',
  /** The yellow arrow on the line where the session is stopped (with a dot when a breakpoint is on that line). */
  stoppedGlyph: ':is(.codicon-debug-stackframe, .codicon-debug-breakpoint-stackframe)',
  debugToolbar: '.debug-toolbar',
  continueButton: '.debug-toolbar .codicon-debug-continue',
  variablesRow: '.debug-variables .monaco-list-row',
  variableName: '.name',
  variableValue: '.value',
  scopeName: '.scope',
  callStackRow: '.debug-call-stack .monaco-list-row',
  callStackFrame: '.stack-frame',
  callStackFrameName: '.label',
  /**
   * The session's state, e.g. "Paused on breakpoint" or the adapter's description of the stop: in the Call Stack's
   * header when one session has one thread, else on the session's row.
   */
  callStackState: '.call-stack-state-message .label, .debug-call-stack .state',
  statusBarItem: (id: string): string => `.statusbar-item[id="${id}"]`,
} as const;
