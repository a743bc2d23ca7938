'use strict';
/**
 * Stand-in node types for the in-process engine harness.
 *
 * They carry the real n8n type names (n8n-nodes-base.*), so a workflow JSON that runs here also imports into a real
 * n8n editor. They are written for this harness (small subsets of the real nodes' behaviour), not copied from n8n.
 *
 *   n8n-nodes-base.manualTrigger  emits one empty item through manualTriggerFunction, like the real trigger
 *   n8n-nodes-base.noOp           passes its input through
 *   n8n-nodes-base.readWriteFile  operation "read" only; fileSelector = path or glob (`*`, `?`, `{a,b}` in the LAST
 *                                 path segment), relative to the harness option filesBaseDir
 *   argosTest.fixtureItems        harness-only: emits the items of its JSON parameter `items`, binaries created with
 *                                 prepareBinaryData (so they go through the configured binary data mode)
 */
const fs = require('fs');
const path = require('path');

const MIME_BY_EXTENSION = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	webp: 'image/webp',
	bmp: 'image/bmp',
	tif: 'image/tiff',
	tiff: 'image/tiff',
	heic: 'image/heic',
	svg: 'image/svg+xml',
	txt: 'text/plain',
	csv: 'text/csv',
	json: 'application/json',
	pdf: 'application/pdf',
	zip: 'application/zip',
	bin: 'application/octet-stream',
};

/**
 * Always hand prepareBinaryData a MIME type: without one (and with an extension mime-types does not know) n8n-core
 * falls back to `await import('file-type')`, which fails inside jest without --experimental-vm-modules.
 */
function mimeTypeFor(fileName) {
	const ext = path.extname(String(fileName || '')).slice(1).toLowerCase();
	return MIME_BY_EXTENSION[ext] || 'application/octet-stream';
}

const hasWildcard = (s) => /[*?{]/.test(s);

/** "a{b,c}d{e,f}" -> ["abde","abdf","acde","acdf"] (no nesting). */
function expandBraces(pattern) {
	const open = pattern.indexOf('{');
	if (open === -1) return [pattern];
	const close = pattern.indexOf('}', open);
	if (close === -1) return [pattern];
	const head = pattern.slice(0, open);
	const tail = pattern.slice(close + 1);
	const out = [];
	for (const alt of pattern.slice(open + 1, close).split(',')) {
		for (const rest of expandBraces(tail)) out.push(head + alt + rest);
	}
	return out;
}

function segmentRegex(segment) {
	let re = '';
	for (const ch of segment) {
		if (ch === '*') re += '[^/]*';
		else if (ch === '?') re += '[^/]';
		else re += ch.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
	}
	return new RegExp(`^${re}$`);
}

/**
 * Files matching `selector` (absolute, or relative to baseDir). Wildcards only in the last path segment.
 * Sorted by name. Dot-files only match when the pattern itself starts with a dot.
 */
function globFiles(selector, baseDir) {
	const normalized = String(selector).trim().replace(/\\/g, '/');
	const abs = path.resolve(baseDir, normalized);
	const dir = path.dirname(abs);
	const last = path.basename(abs);
	if (hasWildcard(dir)) {
		throw new Error(`The harness glob supports wildcards only in the last path segment: "${selector}"`);
	}
	const isFile = (p) => {
		try {
			return fs.statSync(p).isFile();
		} catch {
			return false;
		}
	};
	if (!hasWildcard(last)) return isFile(abs) ? [abs] : [];
	let entries;
	try {
		entries = fs.readdirSync(dir);
	} catch {
		return [];
	}
	const patterns = expandBraces(last);
	const regexes = patterns.map(segmentRegex);
	const dotOk = patterns.some((p) => p.startsWith('.'));
	return entries
		.filter((name) => (dotOk || !name.startsWith('.')) && regexes.some((re) => re.test(name)))
		.map((name) => path.join(dir, name))
		.filter(isFile)
		.sort();
}

/**
 * @param deps.workflow the n8n-workflow module (same copy n8n-core uses)
 * @param deps.filesBaseDir base for relative paths in readWriteFile / fixtureItems
 * @returns { [fullTypeName]: INodeType }
 */
function createStandins({ workflow, filesBaseDir }) {
	const { NodeOperationError } = workflow;
	const baseDir = filesBaseDir || process.cwd();

	const manualTrigger = {
		description: {
			displayName: 'Manual Trigger',
			name: 'manualTrigger',
			icon: 'fa:mouse-pointer',
			group: ['trigger'],
			version: 1,
			description: 'Runs the flow on clicking a button in n8n (harness stand-in)',
			eventTriggerDescription: '',
			maxNodes: 1,
			defaults: { name: 'When clicking ‘Execute workflow’', color: '#909298' },
			inputs: [],
			outputs: ['main'],
			properties: [],
		},
		async trigger() {
			// Like the real node: the engine awaits manualTriggerFunction, then manualTriggerResponse (filled by emit).
			// A trigger() that returns {} makes the engine wait forever and the process exit silently.
			const manualTriggerFunction = async () => {
				this.emit([this.helpers.returnJsonArray([{}])]);
			};
			return { manualTriggerFunction };
		},
	};

	const noOp = {
		description: {
			displayName: 'No Operation, do nothing',
			name: 'noOp',
			icon: 'fa:arrow-right',
			group: ['organization'],
			version: 1,
			description: 'No Operation (harness stand-in)',
			defaults: { name: 'No Operation, do nothing', color: '#b0b0b0' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [],
		},
		async execute() {
			return [this.getInputData()];
		},
	};

	const readWriteFile = {
		description: {
			displayName: 'Read/Write Files from Disk',
			name: 'readWriteFile',
			icon: 'file:readWriteFile.svg',
			group: ['input'],
			version: [1, 1.1],
			description: 'Read files from disk (harness stand-in: operation "read" only)',
			defaults: { name: 'Read/Write Files from Disk' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [
				{
					displayName: 'Operation',
					name: 'operation',
					type: 'options',
					noDataExpression: true,
					options: [
						{ name: 'Read File(s) From Disk', value: 'read', action: 'Read file(s) from disk' },
						{ name: 'Write File to Disk', value: 'write', action: 'Write file to disk' },
					],
					default: 'read',
				},
				{
					displayName: 'File(s) Selector',
					name: 'fileSelector',
					type: 'string',
					default: '',
					required: true,
					displayOptions: { show: { operation: ['read'] } },
				},
				{
					displayName: 'Options',
					name: 'options',
					type: 'collection',
					placeholder: 'Add option',
					default: {},
					displayOptions: { show: { operation: ['read'] } },
					options: [
						{ displayName: 'File Extension', name: 'fileExtension', type: 'string', default: '' },
						{ displayName: 'File Name', name: 'fileName', type: 'string', default: '' },
						{ displayName: 'Mime Type', name: 'mimeType', type: 'string', default: '' },
						{ displayName: 'Put Output File in Field', name: 'dataPropertyName', type: 'string', default: 'data' },
					],
				},
			],
		},
		async execute() {
			const items = this.getInputData();
			const node = this.getNode();
			const operation = this.getNodeParameter('operation', 0, 'read');
			if (operation !== 'read') {
				throw new NodeOperationError(node, `The harness stand-in of Read/Write Files supports only "read", not "${operation}"`);
			}
			const out = [];
			for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
				const selector = this.getNodeParameter('fileSelector', itemIndex);
				const options = this.getNodeParameter('options', itemIndex, {});
				const property = options.dataPropertyName || 'data';
				const files = globFiles(selector, baseDir);
				if (files.length === 0 && node.typeVersion > 1) {
					throw new NodeOperationError(node, 'No file(s) found', {
						itemIndex,
						description: `No file matching the selector "${selector}" found`,
					});
				}
				for (const file of files) {
					const buffer = fs.readFileSync(file);
					const fileName = path.basename(file);
					const binary = await this.helpers.prepareBinaryData(
						buffer,
						fileName,
						options.mimeType || mimeTypeFor(fileName),
					);
					if (options.fileName) binary.fileName = options.fileName;
					if (options.fileExtension) binary.fileExtension = options.fileExtension;
					out.push({
						json: {
							mimeType: binary.mimeType,
							fileType: binary.fileType,
							fileName: binary.fileName,
							fileExtension: binary.fileExtension,
							fileSize: binary.fileSize,
						},
						binary: { [property]: binary },
						pairedItem: { item: itemIndex },
					});
				}
			}
			return [out];
		},
	};

	const fixtureItems = {
		description: {
			displayName: 'Fixture Items (harness)',
			name: 'fixtureItems',
			group: ['transform'],
			version: 1,
			description: 'Emits the items of its JSON parameter, with binaries stored through prepareBinaryData',
			defaults: { name: 'Fixture Items' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [
				{
					displayName: 'Items',
					name: 'items',
					type: 'json',
					default: '[]',
					description:
						'Array of { json?, binary?: { [property]: { file?, base64?, fileName?, mimeType? } }, pairedItem? }',
				},
			],
		},
		async execute() {
			const node = this.getNode();
			let spec = this.getNodeParameter('items', 0, '[]');
			if (typeof spec === 'string') {
				try {
					spec = JSON.parse(spec || '[]');
				} catch (error) {
					throw new NodeOperationError(node, `Parameter "items" is not valid JSON: ${error.message}`);
				}
			}
			if (!Array.isArray(spec)) throw new NodeOperationError(node, 'Parameter "items" must be an array');
			const out = [];
			for (let i = 0; i < spec.length; i++) {
				const entry = spec[i] ?? {};
				const item = { json: entry.json ?? {}, pairedItem: entry.pairedItem ?? { item: 0 } };
				if (entry.binary) {
					item.binary = {};
					for (const [prop, b] of Object.entries(entry.binary)) {
						let buffer;
						let fileName = b.fileName;
						if (b.file !== undefined) {
							const file = path.resolve(baseDir, b.file);
							buffer = fs.readFileSync(file);
							fileName = fileName ?? path.basename(file);
						} else if (b.base64 !== undefined) {
							buffer = Buffer.from(b.base64, 'base64');
						} else {
							throw new NodeOperationError(node, `items[${i}].binary.${prop} needs "file" or "base64"`);
						}
						fileName = fileName ?? `${prop}.bin`;
						item.binary[prop] = await this.helpers.prepareBinaryData(
							buffer,
							fileName,
							b.mimeType || mimeTypeFor(fileName),
						);
					}
				}
				out.push(item);
			}
			return [out];
		},
	};

	return {
		'n8n-nodes-base.manualTrigger': manualTrigger,
		'n8n-nodes-base.noOp': noOp,
		'n8n-nodes-base.readWriteFile': readWriteFile,
		'argosTest.fixtureItems': fixtureItems,
	};
}

module.exports = { createStandins, globFiles, expandBraces, mimeTypeFor };
