import type { ResourceEntry } from '../template-model';

/**
 * A sentence for a finding on a resource that is conditional or copied: the finding still
 * holds, but the user should know when it applies. Empty for a plain resource.
 */
export function deploymentNote(entry: ResourceEntry): string {
  const notes: string[] = [];
  if (entry.condition !== undefined) notes.push(`It is deployed only when its condition ${quote(entry.condition)} is true`);
  if (entry.copied) notes.push('It is declared in a copy loop, so this applies to every copy');
  return notes.length > 0 ? `${notes.join('. ')}. ` : '';
}

function quote(text: string): string {
  const short = text.length > 120 ? `${text.slice(0, 117)}...` : text;
  return `"${short}"`;
}
