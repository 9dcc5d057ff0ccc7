import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** The entry point that VS Code's extension host calls: runs every *.test.js beside this file. */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 60_000 });
  // The desktop-only file kills the server; it goes last, as it did when it was part of extension.test.
  const names = readdirSync(__dirname).filter((name) => name.endsWith('.test.js'));
  names.sort((a, b) => Number(a === 'desktop.test.js') - Number(b === 'desktop.test.js') || a.localeCompare(b));
  for (const name of names) mocha.addFile(join(__dirname, name));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
