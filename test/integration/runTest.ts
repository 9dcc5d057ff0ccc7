import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

/**
 * Runs suite/ inside a real VS Code through @vscode/test-electron. It has to download VS Code
 * first; where that is impossible (no network), it says so in one line and runs nothing.
 */
async function main(): Promise<void> {
  const root = join(__dirname, '..', '..', '..');
  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version: 'stable', timeout: 30_000 });
  } catch (error) {
    console.log(`test:integration did not run: VS Code could not be downloaded (${(error as Error).message.split('\n')[0]}).`);
    return;
  }
  // The suite edits documents (without saving); it works on a copy of examples/.
  const workspace = mkdtempSync(join(tmpdir(), 'sf-mi-workspace-'));
  cpSync(join(root, 'examples'), workspace, { recursive: true });
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(__dirname, 'suite', 'index'),
    launchArgs: [workspace, '--disable-extensions', '--skip-welcome', '--skip-release-notes'],
  });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
