// The entry point of the web worker extension host (npm run test:web): the suites of
// test/integration/suite/ that do not need Node, bundled by esbuild with mocha's browser build.
// desktop.test.ts (it kills the server process) is left out.
import 'mocha/mocha';
import * as vscode from 'vscode';
import { showProblemsPanel } from './screenshot';

declare const mocha: BrowserMocha;
interface BrowserMocha {
  setup(options: { ui: string; reporter?: string; timeout: number; color: boolean }): void;
  run(done: (failures: number) => void): void;
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension('sf-managed-identity.sf-managed-identity');
  if (!extension) throw new Error('the extension under test is not loaded');
  await showProblemsPanel(extension.extensionUri);
  mocha.setup({ ui: 'bdd', reporter: undefined, timeout: 60_000, color: false });
  // After setup: the suites call describe() as they load.
  require('../suite/editor-features.test');
  require('../suite/extension.test');
  require('../suite/settings.test');
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
