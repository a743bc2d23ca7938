'use strict';

const { sampleImage, inspectFaceImage, sniffFormat, FACE_TAG, SPOOF_TAG } = require('..');

test.each(['jpeg', 'png', 'webp'])('%s samples sniff, carry their face key, and hit an exact size', (format) => {
	const img = sampleImage({ format, faceKey: 'Key_1-x' });
	expect(sniffFormat(img)).toBe(format);
	expect(inspectFaceImage(img.toString('base64'))).toMatchObject({ format, faceKey: 'Key_1-x', spoof: false, decodable: true, form: 'base64' });
	expect(sampleImage({ format, sizeBytes: 100000 }).length).toBe(100000);
});

test('faceKey ends at the first non-key character', () => {
	const buf = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xfe]), Buffer.from(`${FACE_TAG}abc!def`)]);
	expect(inspectFaceImage(buf.toString('base64')).faceKey).toBe('abc');
});

test('untagged images use their sha256 as the face key, and are distinct', () => {
	const a = inspectFaceImage(sampleImage().toString('base64'));
	const b = inspectFaceImage(sampleImage().toString('base64'));
	expect(a.faceKey).toBe(a.sha256);
	expect(a.faceKey).not.toBe(b.faceKey);
});

test('spoof marker is detected anywhere in the bytes', () => {
	expect(inspectFaceImage(sampleImage({ spoof: true, format: 'png' }).toString('base64')).spoof).toBe(true);
	const hand = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.from(`...${SPOOF_TAG}...`)]);
	expect(inspectFaceImage(hand.toString('base64'))).toMatchObject({ spoof: true, format: 'png' });
});

test('data URL vs raw base64; whitespace tolerated; junk rejected', () => {
	const raw = sampleImage().toString('base64');
	expect(inspectFaceImage(`data:image/jpeg;base64,${raw}`).form).toBe('dataUrl');
	expect(inspectFaceImage(raw.replace(/(.{20})/g, '$1\n')).decodable).toBe(true);
	for (const bad of ['@@@@', 'abcde', '-_-_', 'data:image/png;base64,']) expect(inspectFaceImage(bad).decodable).toBe(false);
	expect(inspectFaceImage(undefined).present).toBe(false);
	expect(inspectFaceImage(123).present).toBe(false);
});

test('unsupported formats sniff as null', () => {
	for (const s of ['GIF89a....', 'BM......', '%PDF-1.7', '\x00\x00\x00\x00']) expect(sniffFormat(Buffer.from(s, 'latin1'))).toBeNull();
	expect(sniffFormat(Buffer.alloc(0))).toBeNull();
});

test('sampleImage rejects bad options', () => {
	expect(() => sampleImage({ format: 'gif' })).toThrow();
	expect(() => sampleImage({ faceKey: 'has space' })).toThrow();
});
