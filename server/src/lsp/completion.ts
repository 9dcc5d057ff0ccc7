import { CompletionItemKind, InsertTextFormat, InsertTextMode, MarkupKind, type CompletionItem } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionData } from '../analysis';
import { toRange } from './diagnostics';

const KIND: Record<CompletionData['kind'], CompletionItemKind> = {
  section: CompletionItemKind.Snippet,
  parameter: CompletionItemKind.Value,
  property: CompletionItemKind.Property,
  policy: CompletionItemKind.Snippet,
};

/** Completion items for the analysis' completions; the text is inserted as is, already indented. */
export function toCompletionItems(document: TextDocument, completions: CompletionData[]): CompletionItem[] {
  return completions.map((completion, index) => ({
    label: completion.label,
    kind: KIND[completion.kind],
    detail: completion.detail,
    documentation: { kind: MarkupKind.Markdown, value: completion.documentation },
    filterText: completion.filterText,
    // Ours first, in the analysis' order, ahead of the JSON language service's schema items.
    sortText: ` ${String(index).padStart(3, '0')}`,
    insertTextFormat: InsertTextFormat.Snippet,
    insertTextMode: InsertTextMode.asIs,
    textEdit: { range: toRange(document, completion.range), newText: completion.snippet },
    additionalTextEdits: completion.additionalEdits.map((edit) => ({
      range: toRange(document, { offset: edit.offset, length: edit.length }),
      newText: edit.content,
    })),
  }));
}
