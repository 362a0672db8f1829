// The standalone debug adapter (dist/debugAdapter.js): DAP over stdin/stdout, or over TCP with --server=PORT.
// VS Code starts it as its own process, so a busy machine never blocks the editor's extension host.
import { DebugSession } from '@vscode/debugadapter';
import { RingsideDebugSession } from './session';

DebugSession.run(RingsideDebugSession);
