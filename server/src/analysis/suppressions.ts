import { createScanner, SyntaxKind } from 'jsonc-parser';
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
    const block = kind === SyntaxKind.BlockCommentTrivia;
    const bodyStart = start + 2;
    const bodyEnd = block && text.endsWith('*/', end) && end - 2 >= bodyStart ? end - 2 : end;
    const match = DIRECTIVE.exec(text.slice(bodyStart, bodyEnd));
    if (!match) continue;
    const rest = match[2];
    const reasonAt = rest.search(/\s--(\s|$)/);
    const list = reasonAt === -1 ? rest : rest.slice(0, reasonAt);
    const codes = list.split(/[\s,]+/).filter((code) => code.length > 0);
    const listEnd = bodyStart + match[1].length + list.trimEnd().length;
    suppressions.push({
      line: lineAt(lines, end) + 1,
      codes,
      insertAt: listEnd,
      separator: list.includes(',') ? ', ' : ' ',
    });
  }
  return suppressions;
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
  const lines = lineStarts(text);
  const line = lineAt(lines, offset);
  const existing = findSuppressions(text).find((suppression) => suppression.line === line);
  if (existing) {
    if (existing.codes.length === 0 || existing.codes.includes(code)) return undefined;
    return { offset: existing.insertAt, length: 0, content: `${existing.separator}${code}` };
  }
  const lineStart = lines[line];
  if (insideComment(text, lineStart)) return undefined;
  const indentation = /^[ \t]*/.exec(text.slice(lineStart, offset))![0];
  const eol = /\r\n|\n|\r/.exec(text)?.[0] ?? '\n';
  return { offset: lineStart, length: 0, content: `${indentation}// ${DISABLE_NEXT_LINE} ${code}${eol}` };
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

function insideComment(text: string, offset: number): boolean {
  const scanner = createScanner(text, false);
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    const start = scanner.getTokenOffset();
    if (start >= offset) return false;
    if (kind === SyntaxKind.BlockCommentTrivia && offset < start + scanner.getTokenLength()) return true;
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
