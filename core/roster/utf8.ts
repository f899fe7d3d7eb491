import { Transform, type TransformCallback } from 'stream';
import { MitanError } from '../errors';

/**
 * Passes bytes through while checking they are valid UTF-8, so a file saved in a legacy
 * encoding (Windows-1252, ISCII, UTF-16) is refused with its line and byte offset instead of
 * being imported as mojibake.
 */
export class Utf8Guard extends Transform {
	private offset = 0;
	private line = 1;
	private pending = 0; // continuation bytes still expected
	private min = 0x80; // smallest allowed value of the next continuation byte

	constructor(private readonly fileLabel: string) {
		super();
	}

	_transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
		for (let i = 0; i < chunk.length; i++) {
			const b = chunk[i];
			if (this.pending > 0) {
				if (b < this.min || b > 0xbf) return cb(this.fail());
				this.min = 0x80;
				this.pending--;
			} else if (b === 0x0a) {
				this.line++;
			} else if (b >= 0x80) {
				if (b >= 0xc2 && b <= 0xdf) this.pending = 1;
				else if (b >= 0xe0 && b <= 0xef) {
					this.pending = 2;
					if (b === 0xe0) this.min = 0xa0; // no overlong forms
				} else if (b >= 0xf0 && b <= 0xf4) {
					this.pending = 3;
					if (b === 0xf0) this.min = 0x90;
				} else return cb(this.fail());
			}
			this.offset++;
		}
		cb(null, chunk);
	}

	_flush(cb: TransformCallback): void {
		cb(this.pending > 0 ? this.fail() : null);
	}

	private fail(): MitanError {
		return new MitanError(
			'IMPORT_NOT_UTF8',
			`${this.fileLabel} is not UTF-8 text (invalid byte at offset ${this.offset}, line ${this.line}). ` +
				'In Excel use "Save As → CSV UTF-8 (Comma delimited)", or upload the .xlsx file itself.',
			{ line: this.line, offset: this.offset },
		);
	}
}
