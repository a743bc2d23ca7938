import { base64ByteLength, imageStructureProblem, parseBase64Input, sniffImageFormat } from '../../nodes/shared/helpers/image';
import { FaceError, localError, MEGABYTE } from '../../nodes/shared/errors';
import { imageFields, imageOptions } from '../../nodes/shared/descriptions';
import { fs, repoPath } from '../support/builtins';

const { readFileSync } = fs;
const fixture = (name: string) => readFileSync(repoPath('test/fixtures/images', name));

describe('image sniffing on real files', () => {
	it.each([
		['face.jpg', 'JPEG', true, 'image/jpeg'],
		['face.png', 'PNG', true, 'image/png'],
		['face.webp', 'WebP', true, 'image/webp'],
		['anim.gif', 'a GIF', false, undefined],
		['photo.heic', 'HEIC', false, undefined],
		['doc.pdf', 'a PDF document', false, undefined],
		['notes.txt', 'a text file', false, undefined],
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

describe('structure check: a cut-off file is caught before it costs a request', () => {
	const structure = (bytes: Buffer) => imageStructureProblem(sniffImageFormat(bytes).format, bytes);

	it.each(['face.jpg', 'face-b.jpg', 'spoof.jpg', 'face.png', 'face.webp'])('%s is complete', (file) => {
		expect(structure(fixture(file))).toBeUndefined();
	});

	it.each(['face.jpg', 'face-b.jpg', 'face.png', 'face.webp'])('%s cut anywhere is caught', (file) => {
		const whole = fixture(file);
		// Every cut from just past the signature to one byte short; the WebP/PNG/JPEG signatures need 12 bytes.
		const cuts = [12, 33, 100, 2048, Math.floor(whole.length / 2), whole.length - 2, whole.length - 1].filter((n) => n < whole.length);
		for (const n of cuts) expect(structure(whole.subarray(0, n))).toEqual(expect.stringMatching(/ends|bytes its header announces/));
	});

	it('every truncation of the JPEG is caught, including one that keeps an embedded end marker', () => {
		const whole = fixture('face.jpg');
		for (let n = 3; n < whole.length; n += 97) expect(structure(whole.subarray(0, n))).toBeDefined();
		// An EXIF-style APP1 segment holding a complete thumbnail (with its own FFD9) before a cut-off main image.
		const thumb = Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from('thumb'), Buffer.from([0xff, 0xd9])]);
		const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.from([0, thumb.length + 2]), thumb]);
		const withThumb = Buffer.concat([whole.subarray(0, 2), app1, whole.subarray(2)]);
		expect(structure(withThumb)).toBeUndefined();
		expect(structure(withThumb.subarray(0, app1.length + 2 + 1000))).toBeDefined();
	});

	it('allows bytes after the end marker, as some cameras add', () => {
		for (const file of ['face.jpg', 'face.png', 'face.webp']) {
			expect(structure(Buffer.concat([fixture(file), Buffer.from('CAMERA-TRAILER'), Buffer.alloc(4096)]))).toBeUndefined();
		}
	});

	it('says what is wrong in the local error', () => {
		const whole = fixture('face.webp');
		const problem = structure(whole.subarray(0, 1000));
		expect(problem).toBe(`it has 1000 of the ${whole.length} bytes its header announces`);
		const info = localError('IMAGE_CORRUPT', { format: 'WebP', problem: problem! }).info;
		expect(info.message).toBe(`The WebP file is incomplete or damaged (${problem})`);
		expect(info.applicantMessage).toMatch(/send it again/);
		expect(info.httpStatus).toBeNull();
	});
});

describe('wording: messages and descriptions agree', () => {
	it('a text file reads as one sentence, not "text, not an image, not a …"', () => {
		const { message } = localError('IMAGE_UNSUPPORTED_FORMAT', { detected: sniffImageFormat(fixture('notes.txt')).format }).info;
		expect(message).toBe('The file is a text file, not a JPEG, PNG or WebP photo');
	});

	it('the format message, its description and the Validate Image option name the same formats', () => {
		const info = localError('IMAGE_UNSUPPORTED_FORMAT', { detected: 'HEIC' }).info;
		for (const text of [info.message, info.description, imageOptions.find((o) => o.name === 'validateImage')!.description!])
			expect(text).toMatch(/JPEG, PNG or WebP/);
		expect(imageFields.find((f) => f.name === 'imageSource')!.options!.map((o) => (o as { value: string }).value)).toEqual(['binary', 'base64', 'url']);
	});

	it('"MB" is one binary megabyte, and the option says so', () => {
		expect(MEGABYTE).toBe(1048576);
		expect(imageOptions.find((o) => o.name === 'maxImageSizeMb')!.description).toContain('1 MB = 1,048,576 bytes');
		expect(localError('IMAGE_TOO_LARGE', { bytes: 10 * MEGABYTE + 1, maxMb: 10 }).info.message).toBe('The image is 10.0 MB, over the 10 MB limit');
		expect(localError('IMAGE_TOO_LARGE', { bytes: 10 * MEGABYTE + 1, maxMb: 10 }).info.description).toContain('1 MB = 1,048,576 bytes');
	});
});
