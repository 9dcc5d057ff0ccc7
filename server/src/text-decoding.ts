/** How a file's text is stored, so that the CLI's `--fix` writes it back exactly as it was read. */
export type FileEncoding = 'utf8' | 'utf8bom' | 'utf16le' | 'utf16be';

/**
 * Decodes a file as VS Code does: UTF-8 with or without a BOM, UTF-16 with a BOM. A UTF-16 file
 * of odd length (a truncated or binary file) loses its last, unpaired byte, in both byte orders,
 * rather than throwing.
 */
export function decodeWithEncoding(bytes: Buffer): { text: string; encoding: FileEncoding } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: bytes.subarray(3).toString('utf8'), encoding: 'utf8bom' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: bytes.subarray(2).toString('utf16le'), encoding: 'utf16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const body = bytes.subarray(2);
    // Buffer#swap16 throws a RangeError unless the length is even.
    const swapped = Buffer.from(body.subarray(0, body.length - (body.length % 2)));
    swapped.swap16();
    return { text: swapped.toString('utf16le'), encoding: 'utf16be' };
  }
  return { text: bytes.toString('utf8'), encoding: 'utf8' };
}

/** The text of a file, decoded as VS Code does (see decodeWithEncoding). */
export function decode(bytes: Buffer): string {
  return decodeWithEncoding(bytes).text;
}
