#!/usr/bin/env node
// Writes a one-page text PDF 1.4 byte by byte (Debian's ImageMagick policy disables its PDF writer).
// Usage: node scripts/lib/make-pdf.js OUT.pdf WIDTH HEIGHT "first line" ["smaller line" ...]
const fs = require('fs');

const [out, width, height, title, ...lines] = process.argv.slice(2);
const escape = (s) => s.replace(/[\\()]/g, (c) => `\\${c}`);
const body = lines.map((l) => `0 -30 Td /F1 12 Tf (${escape(l)}) Tj`).join(' ');
const text = `BT /F1 18 Tf 30 ${Number(height) - 80} Td (${escape(title)}) Tj ${body} ET`;
const objects = [
	'<< /Type /Catalog /Pages 2 0 R >>',
	'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
	`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>`,
	`<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
	'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
];
let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
const offsets = objects.map((o, i) => {
	const at = Buffer.byteLength(pdf, 'latin1');
	pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
	return at;
});
const xref = Buffer.byteLength(pdf, 'latin1');
pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
for (const at of offsets) pdf += `${String(at).padStart(10, '0')} 00000 n \n`;
pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
fs.writeFileSync(out, Buffer.from(pdf, 'latin1'));
