import { applyEdits, type Edit } from 'jsonc-parser';
import { removeJsonProperty, setJsonValue, type DocumentFormat } from './json-edit';
import type { Fix } from './types';

/**
 * The document's own formatting: tabs or its number of spaces, and its line ending, so that
 * inserted text looks as if the author had typed it.
 */
export function detectFormatting(text: string): DocumentFormat {
  const eol = /\r\n|\n/.exec(text)?.[0] ?? '\n';
  const indentation = /^([ \t]+)\S/gm;
  let unit: string | undefined;
  let match: RegExpExecArray | null;
  for (let lines = 0; (match = indentation.exec(text)) !== null && lines < 1000; lines++) {
    const indent = match[1];
    if (indent.startsWith('\t')) return { indentUnit: '\t', eol };
    // The smallest indentation in the file is one level.
    if (unit === undefined || indent.length < unit.length) unit = indent;
    if (unit.length <= 2) break;
  }
  return { indentUnit: unit ?? '  ', eol };
}

/**
 * The text edits of a fix, relative to `text`: sorted, and never overlapping, so that a
 * client can apply them in one step. Returns undefined when a change no longer fits the text.
 */
export function editsForFix(text: string, fix: Fix): Edit[] | undefined {
  const format = detectFormatting(text);
  let current = text;
  let edits: Edit[] = [];
  for (const change of fix.changes) {
    // The text after an earlier change of this fix is read once and not kept: keeping it would
    // push out the tree of the analysed text, which the next fix needs.
    const changeEdits = change.remove ? removeJsonProperty(current, change.path) : [setJsonValue(current, change.path, change.value, format, current === text)];
    if (!changeEdits || changeEdits.some((edit) => edit === undefined)) return undefined;
    // The last edit first, so that each one's offsets still hold.
    for (const edit of [...(changeEdits as Edit[])].reverse()) {
      const next = applyEdits(current, [edit]);
      edits = compose(edits, edit, next);
      current = next;
    }
  }
  return edits;
}

/** Applies a fix to text and returns the new text. */
export function applyFix(text: string, fix: Fix): string | undefined {
  const edits = editsForFix(text, fix);
  return edits && applyEdits(text, edits);
}

/**
 * Adds `edit`, made on the text that `base` produced, to `base`, which is relative to the
 * original text. Where they touch, the two become one edit.
 */
function compose(base: Edit[], edit: Edit, textAfter: string): Edit[] {
  const start = edit.offset;
  const end = edit.offset + edit.length;
  const before: Edit[] = [];
  const touching: Edit[] = [];
  const after: Edit[] = [];
  let shift = 0; // growth of the edits so far: current offset = original offset + shift
  let shiftBefore = 0; // growth of the edits entirely before `edit`
  for (const previous of base) {
    const currentStart = previous.offset + shift;
    const currentEnd = currentStart + previous.content.length;
    const growth = previous.content.length - previous.length;
    if (currentEnd < start) {
      before.push(previous);
      shiftBefore += growth;
    } else if (currentStart > end) {
      after.push(previous);
    } else {
      touching.push(previous);
    }
    shift += growth;
  }
  if (touching.length === 0) {
    return [...before, { offset: start - shiftBefore, length: edit.length, content: edit.content }, ...after];
  }
  let touchingGrowth = 0;
  for (const previous of touching) touchingGrowth += previous.content.length - previous.length;
  const first = touching[0];
  const last = touching[touching.length - 1];
  const unionStart = Math.min(start, first.offset + shiftBefore);
  const unionEnd = Math.max(end, last.offset + last.length + shiftBefore + touchingGrowth);
  const originalStart = unionStart - shiftBefore;
  const originalEnd = unionEnd - shiftBefore - touchingGrowth;
  const delta = edit.content.length - edit.length;
  return [
    ...before,
    { offset: originalStart, length: originalEnd - originalStart, content: textAfter.substring(unionStart, unionEnd + delta) },
    ...after,
  ];
}
