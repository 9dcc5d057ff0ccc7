import { decodeWithEncoding, type FileEncoding } from '../text-decoding';

export type { FileEncoding };

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Decodes a file as VS Code does: UTF-8 with or without a BOM, UTF-16 with a BOM. */
export const decodeFile = decodeWithEncoding;

/** The bytes of `text` in `encoding`, with the same byte order mark the file had. */
export function encodeFile(text: string, encoding: FileEncoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8bom':
      return Buffer.concat([Buffer.from(UTF8_BOM), Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be': {
      const bytes = Buffer.from(text, 'utf16le');
      bytes.swap16();
      return Buffer.concat([Buffer.from([0xfe, 0xff]), bytes]);
    }
  }
}

/**
 * True when decoding and encoding again gives back the very same bytes. It does not for a file
 * with invalid UTF-8 (decoding replaced bytes by U+FFFD) or an odd-length UTF-16 file; `--fix`
 * leaves those alone rather than change bytes nobody asked it to.
 */
export function roundTrips(bytes: Buffer): boolean {
  const { text, encoding } = decodeFile(bytes);
  return encodeFile(text, encoding).equals(bytes);
}
