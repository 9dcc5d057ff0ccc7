import { createScanner, SyntaxKind, type Node } from 'jsonc-parser';
import { cachedSelectiveTree } from './fast-tree';
import type { Finding } from './types';

/** The directive that suppresses findings on the line after it, as ESLint's `eslint-disable-next-line`. */
export const DISABLE_NEXT_LINE = 'sf-managed-identity-disable-next-line';

/** One `// sf-managed-identity-disable-next-line [codes] [-- reason]` comment. */
export interface Suppression {
  /** The 0-based line whose findings it suppresses: the line after the comment's end. */
  line: number;
  /** The codes it names; empty means every rule, as in ESLint. */
  codes: string[];
  /** The offset just after the last code (or the directive), where another code goes. */
  insertAt: number;
  /** What separates the codes already there: a comma when the author used commas. */
  separator: ', ' | ' ';
}

const DIRECTIVE = new RegExp(`^(\\s*${DISABLE_NEXT_LINE})(?=\\s|$)([^]*)$`);

/**
 * The suppression comments of a JSONC text. Both `//` and `/* *\/` comments count; the text
 * after ` -- ` is a reason and names no code. Comment-like text inside strings does not count.
 */
export function findSuppressions(text: string): Suppression[] {
  const suppressions: Suppression[] = [];
  const lines = lineStarts(text);
  const scanner = createScanner(text, false);
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind !== SyntaxKind.LineCommentTrivia && kind !== SyntaxKind.BlockCommentTrivia) continue;
    const start = scanner.getTokenOffset();
    const end = start + scanner.getTokenLength();
    const suppression = directive(text, start, end, kind === SyntaxKind.BlockCommentTrivia, (offset) => lineAt(lines, offset));
    if (suppression) suppressions.push(suppression);
  }
  return suppressions;
}

/** The suppression that the comment from `start` to `end` is, if it is one. */
function directive(text: string, start: number, end: number, block: boolean, lineOf: (offset: number) => number): Suppression | undefined {
  const bodyStart = start + 2;
  const bodyEnd = block && text.endsWith('*/', end) && end - 2 >= bodyStart ? end - 2 : end;
  const match = DIRECTIVE.exec(text.slice(bodyStart, bodyEnd));
  if (!match) return undefined;
  const rest = match[2];
  const reasonAt = rest.search(/\s--(\s|$)/);
  const list = reasonAt === -1 ? rest : rest.slice(0, reasonAt);
  const codes = list.split(/[\s,]+/).filter((code) => code.length > 0);
  const listEnd = bodyStart + match[1].length + list.trimEnd().length;
  return {
    line: lineOf(end) + 1,
    codes,
    insertAt: listEnd,
    separator: list.includes(',') ? ', ' : ' ',
  };
}

/**
 * The findings that no suppression comment names: a finding is suppressed when a comment on
 * the line before the line it starts on names its code, or names no code at all.
 */
export function suppressFindings(text: string, findings: readonly Finding[]): Finding[] {
  if (!text.includes(DISABLE_NEXT_LINE)) return [...findings];
  const byLine = new Map<number, Suppression[]>();
  for (const suppression of findSuppressions(text)) {
    byLine.set(suppression.line, [...(byLine.get(suppression.line) ?? []), suppression]);
  }
  const lines = lineStarts(text);
  return findings.filter((finding) => {
    const here = byLine.get(lineAt(lines, finding.range.offset)) ?? [];
    return !here.some((suppression) => suppression.codes.length === 0 || suppression.codes.includes(finding.code));
  });
}

/** A text edit in offsets: replace `length` characters at `offset` with `content`. */
export interface TextChange {
  offset: number;
  length: number;
  content: string;
}

/**
 * The edit that suppresses `code` on the line where `offset` is. When a suppression comment
 * already governs that line, the code is added to it (a second comment between them would
 * take the first one's line away). Otherwise a line comment goes on its own line above, with
 * that line's indentation and the document's line ending. Returns undefined when the line
 * starts inside a block comment, where a new line comment would not be a comment.
 */
export function suppressionEdit(text: string, offset: number, code: string): TextChange | undefined {
  const lineStart = startOfLine(text, offset);
  // The comment that governs this line ends on the line before it.
  const previousLineStart = lineStart === 0 ? undefined : startOfLine(text, lineStart - (text.startsWith('\r\n', lineStart - 2) ? 2 : 1));
  const { existing, inBlockComment } = commentsBefore(text, previousLineStart ?? lineStart, lineStart);
  if (existing) {
    if (existing.codes.length === 0 || existing.codes.includes(code)) return undefined;
    return { offset: existing.insertAt, length: 0, content: `${existing.separator}${code}` };
  }
  if (inBlockComment) return undefined;
  const indentation = /^[ \t]*/.exec(text.slice(lineStart, offset))![0];
  const eol = /\r\n|\n|\r/.exec(text)?.[0] ?? '\n';
  return { offset: lineStart, length: 0, content: `${indentation}// ${DISABLE_NEXT_LINE} ${code}${eol}` };
}

/**
 * The first suppression comment that ends between `from` (the start of the line before the
 * finding's) and `lineStart`, and whether `lineStart` is inside a block comment. The scan starts
 * at the last place before `from` that the analysis's tree of this text shows to be outside any
 * string or comment (a value's start or end), so on a large template it reads a few lines, not
 * everything before them; without such a tree it starts at the beginning.
 */
function commentsBefore(text: string, from: number, lineStart: number): { existing?: Suppression; inBlockComment: boolean } {
  const scanner = createScanner(text, false);
  scanner.setPosition(outsideCommentsBefore(text, from));
  let existing: Suppression | undefined;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    const start = scanner.getTokenOffset();
    if (start >= lineStart) break;
    if (kind !== SyntaxKind.LineCommentTrivia && kind !== SyntaxKind.BlockCommentTrivia) continue;
    const end = start + scanner.getTokenLength();
    if (kind === SyntaxKind.BlockCommentTrivia && lineStart < end) return { existing, inBlockComment: true };
    if (existing === undefined && end >= from && end < lineStart) {
      existing = directive(text, start, end, kind === SyntaxKind.BlockCommentTrivia, () => 0);
    }
  }
  return { existing, inBlockComment: false };
}

/**
 * An offset at or before `limit` that is outside strings and comments: the start or end of the
 * last value before it in the fast tree of `text`, if one was read; else 0.
 */
function outsideCommentsBefore(text: string, limit: number): number {
  const tree = cachedSelectiveTree(text);
  let node = tree?.ok ? tree.root : undefined;
  if (!node || node.offset > limit) return 0;
  let best = node.offset;
  for (;;) {
    const children: readonly Node[] = node.children ?? [];
    // The last child that starts at or before the limit.
    let low = 0;
    let high = children.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (children[middle].offset <= limit) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    if (found < 0) return best;
    const child = children[found];
    const end = child.offset + child.length;
    if (end <= limit) return end;
    best = child.offset;
    node = child;
  }
}

/** The offset where the line of `offset` starts; `\r\n`, `\n` and `\r` end a line, as in LSP. */
function startOfLine(text: string, offset: number): number {
  for (let i = offset - 1; i >= 0; i--) {
    const char = text.charCodeAt(i);
    if (char === 10 /* \n */ || char === 13 /* \r */) return i + 1;
  }
  return 0;
}

/** Whether the text has any comment, which tells a JSONC file from strict JSON. */
export function hasComments(text: string): boolean {
  if (!text.includes('/')) return false;
  const scanner = createScanner(text, false);
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind === SyntaxKind.LineCommentTrivia || kind === SyntaxKind.BlockCommentTrivia) return true;
  }
  return false;
}

/** The offset where each line starts; `\r\n`, `\n` and `\r` end a line, as in LSP. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (char === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}
