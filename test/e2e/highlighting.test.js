// The expression grammar in a real VS Code (code-server, with the packaged .vsix installed):
// open a template, ask VS Code's own "Inspect Editor Tokens and Scopes" which TextMate scopes
// it gives a few tokens, and take the screenshot shown in the README.
'use strict';
const assert = require('node:assert/strict');
const { copyFileSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { exampleWorkspace, ROOT, openWorkbench, screenshotIfFailed } = require('../editor/workbench');

const URL = process.env.SF_CODE_SERVER_URL;
const IMAGES = join(ROOT, 'docs', 'images');
const DEMO = join(ROOT, 'test', 'grammar', 'demo', 'highlighting.json');

describe('expression highlighting in VS Code', function () {
  let browser;
  let page;
  const lines = readFileSync(DEMO, 'utf8').split('\n');

  /** 1-based line and column just inside the first `text` on the first line containing `lineText`. */
  function position(lineText, text) {
    const index = lines.findIndex((line) => line.includes(lineText));
    assert.ok(index >= 0, `no line with ${lineText}`);
    const column = lines[index].indexOf(text);
    assert.ok(column >= 0, `no ${text} on line ${index + 1}`);
    return [index + 1, column + 2]; // one character into the token
  }

  before(async function () {
    if (!URL) throw new Error('run through `npm run test:editor`, which starts code-server and sets SF_CODE_SERVER_URL');
    const workspace = exampleWorkspace(); // *.json opens as jsonc there, as ARM users set it up
    copyFileSync(DEMO, join(workspace, 'highlighting.json'));
    // For the screenshot: the default dark theme, and nothing drawn over the code.
    const settingsFile = join(workspace, '.vscode', 'settings.json');
    const settings = JSON.parse(readFileSync(settingsFile, 'utf8'));
    Object.assign(settings, { 'workbench.colorTheme': 'Default Dark Modern', 'editor.stickyScroll.enabled': false, 'editor.minimap.enabled': false, 'editor.occurrencesHighlight': 'off', 'editor.selectionHighlight': false });
    writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
    ({ browser, page } = await openWorkbench(workspace, { width: 1400, height: 1000 }));
    mkdirSync(IMAGES, { recursive: true });

    await page.keyboard.press('Control+P');
    const input = await page.waitForSelector('.quick-input-widget input');
    await input.fill('highlighting.json');
    // The first file search can be slow while code-server indexes the folder.
    await page.waitForFunction(() => document.querySelector('.quick-input-widget .monaco-list-row.focused')?.textContent.includes('highlighting.json'), null, { timeout: 60_000 });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.tab.active')?.textContent.includes('highlighting.json'));
    await page.click('.editor-group-container.active .monaco-editor .view-lines');
  });

  afterEach(async function () {
    await screenshotIfFailed(this, page);
  });

  after(async () => browser?.close());

  /** The TextMate scopes VS Code reports for the token at a position (innermost last). */
  async function scopesAt([line, column]) {
    await page.keyboard.press('Control+G');
    const input = await page.waitForSelector('.quick-input-widget input');
    await input.fill(`:${line}:${column}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Shift+P');
    const palette = await page.waitForSelector('.quick-input-widget input');
    await palette.fill('>Developer: Inspect Editor Tokens and Scopes');
    await page.waitForFunction(() => document.querySelector('.quick-input-widget .monaco-list-row.focused')?.textContent.includes('Inspect Editor Tokens and Scopes'));
    await page.keyboard.press('Enter');
    const widget = await page.waitForSelector('.token-inspect-widget');
    await page.waitForFunction(() => /textmate scopes/i.test(document.querySelector('.token-inspect-widget')?.textContent ?? ''));
    const text = await widget.evaluate((node) => node.innerText);
    await page.keyboard.press('Escape');
    await page.waitForSelector('.token-inspect-widget', { state: 'detached' });
    return text;
  }

  it('colours a function name, a namespaced user function and the \'\' escape', async () => {
    assert.match(await scopesAt(position('"name": "[parameters', 'parameters')), /entity\.name\.function\.arm-expression/);
    assert.match(await scopesAt(position('"image"', 'contoso')), /entity\.name\.namespace\.arm-expression/);
    assert.match(await scopesAt(position('"image"', 'imageName')), /entity\.name\.function\.arm-expression/);
    assert.match(await scopesAt(position('"owner"', "''")), /constant\.character\.escape\.quote\.arm-expression/);
    assert.match(await scopesAt(position('"owner"', 'clusterName')), /string\.quoted\.single\.arm-expression/);
  });

  it('shows the [[ escape, and leaves keys and text with brackets alone', async () => {
    assert.match(await scopesAt(position('"display"', '[[')), /constant\.character\.escape\.bracket\.arm-expression/);
    const key = await scopesAt(position('"[a key', 'a key'));
    assert.match(key, /support\.type\.property-name\.json/);
    assert.doesNotMatch(key, /arm-expression/);
    const text = await scopesAt(position('"see [', 'parameters'));
    assert.match(text, /string\.quoted\.double\.json/);
    assert.doesNotMatch(text, /arm-expression/);

    await page.keyboard.press('Control+B'); // hide the side bar: the long lines fit
    await page.keyboard.press('Control+Home'); // the whole file fits: show it from the top,
    await page.keyboard.press('Control+End'); // with the cursor on the empty last line
    await page.mouse.move(0, 0);
    const editor = await page.waitForSelector('.editor-group-container.active');
    await editor.screenshot({ path: join(IMAGES, 'highlighting.png') });
  });
});
