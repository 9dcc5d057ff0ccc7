import type { JSONPath } from 'jsonc-parser';

/** Severity of a finding, from most to least severe. */
export type Severity = 'error' | 'warning' | 'information';

/** A half-open range of UTF-16 code-unit offsets into the template text. */
export interface OffsetRange {
  offset: number;
  length: number;
}

/** A place that explains a finding: in the same document, or in the document `uri` names. */
export interface RelatedLocation {
  range: OffsetRange;
  message: string;
  /** The document the range is in (a parameter file, say); absent for the analysed document. */
  uri?: string;
}

/**
 * One change of a fix: set the JSON value at `path` (an index of -1 appends to an array), or,
 * with `remove`, delete the property at `path`.
 */
export interface JsonChange {
  path: JSONPath;
  value: unknown;
  remove?: true;
  /**
   * The document the path is in, when it is not the analysed one (a parameter file). The
   * analysis only hands out fixes whose changes are all in the document they are offered in.
   */
  uri?: string;
}

/**
 * A fix, kept as data so that the editor can compute its text edits against the text as it
 * is when the user asks for them.
 */
export interface Fix {
  title: string;
  isPreferred?: boolean;
  changes: JsonChange[];
  /**
   * Text edits of another document that is not JSON (an ApplicationManifest.xml), computed
   * against `text`, that document's text when the analysis read it. The edit is offered only
   * while the document still has that text.
   */
  documentEdit?: { uri: string; text: string; edits: Array<{ offset: number; length: number; content: string }> };
}

/** What a rule reports. */
export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  range: OffsetRange;
  related?: RelatedLocation[];
  fixes: Fix[];
  /**
   * Set when the finding is about a cluster in a linked template: `range` is then the
   * `templateLink` in the analysed document, and this is where in the linked template it is.
   */
  linked?: { uri: string; name: string; range: OffsetRange };
}

/** Why a document could not be analysed, when it is an ARM template but unreadable. */
export interface AnalysisProblem {
  kind: 'invalid-json' | 'invalid-xml' | 'too-deep' | 'too-large';
  message: string;
  range: OffsetRange;
}

export interface AnalysisResult {
  /** False when the document is not an ARM deployment template: it gets no findings. */
  isTemplate: boolean;
  findings: Finding[];
  problem?: AnalysisProblem;
  /** For a parameter file analysed with its template: the template's URI. */
  parametersFor?: string;
  /** The other files this analysis read (a parameter file, a template): when they change, it is stale. */
  dependencies?: string[];
}
