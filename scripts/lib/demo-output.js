'use strict';
/**
 * Terminal output for scripts/demo.js: colour only on a TTY (and never with NO_COLOR or TERM=dumb), a width that
 * follows the terminal, and a table whose cells may hold several lines, with the last column word-wrapped.
 */

function createOutput(stream = process.stdout, env = process.env) {
	const color = Boolean(stream.isTTY) && !('NO_COLOR' in env) && env.TERM !== 'dumb';
	const sgr = (open, close) => (text) => (color ? `\u001b[${open}m${text}\u001b[${close}m` : String(text));
	const paint = {
		bold: sgr(1, 22),
		dim: sgr(2, 22),
		red: sgr(31, 39),
		green: sgr(32, 39),
		yellow: sgr(33, 39),
		cyan: sgr(36, 39),
	};
	// Piped output (CI logs, files) gets a fixed, comfortable width.
	const width = stream.isTTY && stream.columns ? Math.max(80, Math.min(stream.columns, 132)) : 100;
	return { color, paint, width, write: (line = '') => stream.write(`${line}\n`) };
}

const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (text) => String(text).replace(ANSI, '').length;
const padEnd = (text, size) => String(text) + ' '.repeat(Math.max(0, size - visibleLength(text)));
const padStart = (text, size) => ' '.repeat(Math.max(0, size - visibleLength(text))) + String(text);

/** Word-wraps plain text to `size` columns (words longer than a line are cut). */
function wrap(text, size) {
	const lines = [];
	for (const paragraph of String(text).split('\n')) {
		if (paragraph.length <= size) {
			lines.push(paragraph); // kept as written (aligned spacing inside survives)
			continue;
		}
		let line = '';
		for (let word of paragraph.split(/\s+/).filter(Boolean)) {
			while (word.length > size) {
				if (line) lines.push(line);
				lines.push(word.slice(0, size));
				word = word.slice(size);
				line = '';
			}
			if (!word) continue;
			if (!line) line = word;
			else if (line.length + 1 + word.length <= size) line += ` ${word}`;
			else {
				lines.push(line);
				line = word;
			}
		}
		lines.push(line);
	}
	return lines;
}

/**
 * Renders rows of cells; each cell is a string or an array of lines. Columns size to their widest line; the last
 * column takes the rest of `width` and its lines are word-wrapped. A line is a string or { text, style?, hang? }:
 * `style` colours it after wrapping, `hang` indents its continuation lines.
 * @returns {string[]} the lines, including a header and a rule
 */
function table({ headers, rows, width, indent = 2, gap = 2, paint }) {
	const asLines = (cell) => (Array.isArray(cell) ? cell : [cell]).map((l) => (typeof l === 'object' && l ? l : { text: String(l ?? '') }));
	const cells = rows.map((row) => row.map(asLines));
	const fixed = headers.length - 1;
	const widths = headers.slice(0, fixed).map((h, c) =>
		Math.max(visibleLength(h), ...cells.map((row) => Math.max(0, ...row[c].map((l) => visibleLength(l.text))))),
	);
	const used = indent + widths.reduce((a, w) => a + w + gap, 0);
	const lastWidth = Math.max(30, width - used);
	const pad = ' '.repeat(indent);
	const sep = ' '.repeat(gap);
	const style = (l) => (l.style ? l.style(l.text) : l.text);
	// Wrap the last column first: the rule under its header is as long as its longest line.
	const wrappedLast = cells.map((row) => {
		const last = [];
		for (const l of row[fixed]) {
			const hang = l.hang ?? 0;
			wrap(l.text, lastWidth - hang).forEach((text, i) => last.push({ text: (i === 0 ? '' : ' '.repeat(hang)) + text, style: l.style }));
		}
		return last;
	});
	const lastRule = Math.max(visibleLength(headers[fixed]), ...wrappedLast.flat().map((l) => visibleLength(l.text)));
	const out = [];
	const header = headers.map((h, c) => (c < fixed ? padEnd(h, widths[c]) : h)).join(sep);
	out.push(pad + (paint ? paint.bold(header) : header));
	out.push(pad + [...widths, lastRule].map((w) => '─'.repeat(w)).join(sep));
	cells.forEach((row, r) => {
		const last = wrappedLast[r];
		const height = Math.max(last.length, ...row.slice(0, fixed).map((c) => c.length));
		for (let i = 0; i < height; i++) {
			const parts = widths.map((w, c) => padEnd(row[c][i] ? style(row[c][i]) : '', w));
			parts.push(last[i] ? style(last[i]) : '');
			out.push((pad + parts.join(sep)).replace(/\s+$/, ''));
		}
		if (r < cells.length - 1) out.push('');
	});
	return out;
}

function formatBytes(bytes) {
	if (bytes >= 1048576) return `${(bytes / 1048576).toFixed(1)} MB`;
	if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${bytes} B`;
}

/** Wraps plain text to `width` with an indent on every line; `style` colours each finished line. */
function paragraph(text, { width, indent = 2, hang = 0, style = (t) => t }) {
	return wrap(text, width - indent - hang).map((line, i) => ' '.repeat(indent + (i ? hang : 0)) + style(line));
}

module.exports = { createOutput, paragraph, table, wrap, formatBytes, padEnd, padStart, visibleLength };
