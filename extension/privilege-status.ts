// The privilege mode shown in the status bar, one model per debug session, fed by the messages a
// DebugAdapterTracker sees; free of `vscode` so unit tests can replay a session's messages through it.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EVENTS, type PrivilegeEventBody, type PrivilegeInfo } from '../debug-adapter/protocol';

/** Requests after which the harts run again, so the mode they stopped in no longer holds. */
const RESUMING_REQUESTS: ReadonlySet<string> = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto', 'restart', 'restartFrame']);
/** Events after which the harts run again or are gone. */
const RESUMING_EVENTS: ReadonlySet<string> = new Set(['continued', 'terminated', 'exited']);

/** The status-bar text, e.g. "$(debug) S-mode · ring 0 · supervisor". */
export function privilegeStatusText(p: PrivilegeInfo): string {
  return `$(debug) ${p.mode}-mode · ${p.ring} · ${p.name}`;
}

export function privilegeStatusTooltip(p: PrivilegeEventBody): string {
  return `Ringside: thread ${p.threadId} stopped in ${p.name} mode (${p.mode}-mode, ${p.ring} in x86 terms)`;
}

function isPrivilegeBody(body: unknown): body is PrivilegeEventBody {
  const b = body as Partial<PrivilegeEventBody> | undefined;
  return typeof b === 'object' && b !== null && (b.mode === 'M' || b.mode === 'S' || b.mode === 'U')
    && typeof b.name === 'string' && typeof b.ring === 'string' && typeof b.threadId === 'number';
}

function isEvent(m: DebugProtocol.ProtocolMessage): m is DebugProtocol.Event {
  return m.type === 'event';
}

function isRequest(m: DebugProtocol.ProtocolMessage): m is DebugProtocol.Request {
  return m.type === 'request';
}

/** Each session's privilege while it is stopped; `changed` runs when the one of a session may have changed. */
export class PrivilegeStatusModel {
  private readonly bySession = new Map<string, PrivilegeEventBody>();

  constructor(private readonly changed: (sessionId: string) => void) {}

  /** A message the adapter sent (tracker onDidSendMessage). */
  fromAdapter(sessionId: string, message: DebugProtocol.ProtocolMessage): void {
    if (!isEvent(message)) return;
    if (message.event === EVENTS.privilege && isPrivilegeBody(message.body)) this.set(sessionId, message.body);
    else if (RESUMING_EVENTS.has(message.event)) this.clear(sessionId);
  }

  /** A message VS Code sent the adapter (tracker onWillReceiveMessage): a step or continue resumes without an event. */
  toAdapter(sessionId: string, message: DebugProtocol.ProtocolMessage): void {
    if (isRequest(message) && RESUMING_REQUESTS.has(message.command)) this.clear(sessionId);
  }

  /** The session is over (onDidTerminateDebugSession, or the tracker's onExit). */
  ended(sessionId: string): void {
    this.clear(sessionId);
  }

  /** What to show for a session, or undefined when it is running, over or unknown. */
  privilegeOf(sessionId: string | undefined): PrivilegeEventBody | undefined {
    return sessionId === undefined ? undefined : this.bySession.get(sessionId);
  }

  private set(sessionId: string, body: PrivilegeEventBody): void {
    this.bySession.set(sessionId, body);
    this.changed(sessionId);
  }

  private clear(sessionId: string): void {
    if (this.bySession.delete(sessionId)) this.changed(sessionId);
  }
}
