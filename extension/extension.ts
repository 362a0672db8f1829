// The VS Code extension's entry point: activation wiring only: the ringside debugger's providers, adapter factory,
// status bar and file commands, and the assembly language server in its own process (the editor never waits on it).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { RingsideAdapterFactory } from './adapter-factory';
import { RingsideConfigurationResolver, RingsideDynamicConfigurations } from './debug-configuration';
import { registerFileCommands } from './file-commands';
import { DEBUG_TYPE, LANGUAGE_CLIENT_ID, LANGUAGE_CLIENT_NAME, LANGUAGE_ID } from './ids';
import { registerPrivilegeStatus } from './privilege-status-bar';

let client: LanguageClient | undefined;

function registerDebugger(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new RingsideConfigurationResolver()),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new RingsideDynamicConfigurations(), vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new RingsideAdapterFactory(context.extensionPath)),
    registerPrivilegeStatus(),
    registerFileCommands(),
  );
}

async function startLanguageClient(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'languageServer.js'));
  const server: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const options: LanguageClientOptions = { documentSelector: [{ language: LANGUAGE_ID }] };
  client = new LanguageClient(LANGUAGE_CLIENT_ID, LANGUAGE_CLIENT_NAME, server, options);
  context.subscriptions.push(client);
  await client.start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // The debugger first: a language server that fails to start must not take F5 down with it.
  registerDebugger(context);
  await startLanguageClient(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
