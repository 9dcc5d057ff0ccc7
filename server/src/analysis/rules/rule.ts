import type { ManifestContext } from '../manifest/analyze-manifest';
import type { TemplateContext } from '../template-context';
import type { Finding, Severity } from '../types';

/** One rule: its id is the diagnostic code, the settings key and the doc page's name. */
export interface Rule {
  id: string;
  /** The severity the rule reports with when nothing escalates it. */
  defaultSeverity: Severity;
  /** One line, for the README, the CLI's JSON and SARIF rule metadata. */
  description: string;
  check(template: TemplateContext): Finding[];
  /** For rules about an ApplicationManifest.xml: its findings, given the ARM applications of its type. */
  checkManifest?(manifest: ManifestContext): Finding[];
}
