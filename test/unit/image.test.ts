import { readFileSync } from 'fs';
import { join } from 'path';

import { base64ByteLength, parseBase64Input, sniffImageFormat } from '../../nodes/ArgosFaces/helpers/image';
import { FaceError } from '../../nodes/ArgosFaces/errors';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/images', name));

describe('image sniffing on real files', () => {
	it.each([
		['face.jpg', 'JPEG', true, 'image/jpeg'],
		['face.png', 'PNG', true, 'image/png'],
		['face.webp', 'WebP', true, 'image/webp'],
		['anim.gif', 'a GIF', false, undefined],
		['photo.heic', 'HEIC', false, undefined],
		['doc.pdf', 'a PDF document', false, undefined],
		['notes.txt', 'text, not an image', false, undefined],
		['empty.jpg', 'empty', false, undefined],
	])('%s is %s', (file, format, supported, mimeType) => {
		const sniffed = sniffImageFormat(fixture(file));
		expect(sniffed).toEqual({ format, supported, mimeType });
	});

	it('sniffs the same from the 44-character base64 prefix the node decodes', () => {
		for (const file of ['face.jpg', 'face.png', 'face.webp', 'photo.heic']) {
			const bytes = fixture(file);
			const fromPrefix = sniffImageFormat(Buffer.from(bytes.toString('base64').slice(0, 44), 'base64'));
			expect(fromPrefix).toEqual(sniffImageFormat(bytes));
		}
	});
});

describe('base64 input', () => {
	const jpeg = fixture('face.jpg');
	const b64 = jpeg.toString('base64');

	it('accepts raw base64, data URLs and wrapped lines', () => {
		expect(parseBase64Input(b64)).toBe(b64);
		expect(parseBase64Input(`data:image/jpeg;base64,${b64}`)).toBe(b64);
		expect(parseBase64Input(`  DATA:image/png;charset=utf-8;base64,${b64.slice(0, 76)}\n${b64.slice(76)}\r\n`)).toBe(b64);
	});

	it('rejects text that is not base64', () => {
		for (const bad of ['not base64!', 'abcde', 'data:image/jpeg;base64,@@@@']) {
			expect(() => parseBase64Input(bad)).toThrow(FaceError);
			try {
				parseBase64Input(bad);
			} catch (error) {
				expect((error as FaceError).info.code).toBe('IMAGE_INVALID_BASE64');
			}
		}
	});

	it('computes the byte length without decoding', () => {
		for (const n of [0, 1, 2, 3, 4, 5, 1000, jpeg.length]) {
			const data = Buffer.alloc(n, 7).toString('base64');
			expect(base64ByteLength(data)).toBe(n);
		}
	});
});
