'use strict';
/*
 * A bench-only node type ("argosBench.probe") that repeats ONE part of what Argos Faces does per item, through
 * the same n8n helpers, with the same kind of pool. Running it with each part on its own splits the node's
 * per-item time into: reading parameters (expressions included), loading the image from binary storage, and
 * sending the request through n8n's httpRequestWithAuthentication ('http'), or through the plain httpRequest
 * helper with the header set by hand ('httpPlain'). Used by the overhead benchmark's breakdown.
 */
function pool(n, concurrency, worker) {
	let next = 0;
	const lane = async () => {
		while (next < n) await worker(next++);
	};
	return Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
}

function createProbe() {
	return {
		description: {
			displayName: 'Bench Probe',
			name: 'probe',
			group: ['transform'],
			version: 1,
			description: 'Repeats one part of the Argos Faces per-item work',
			defaults: { name: 'Probe' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: 'argosFacesApi', required: true }],
			properties: [
				{ displayName: 'Part', name: 'part', type: 'string', default: 'none' },
				{ displayName: 'Concurrency', name: 'concurrency', type: 'number', default: 8 },
				{ displayName: 'Collection ID', name: 'collectionId', type: 'string', default: '' },
				{ displayName: 'User Name', name: 'userName', type: 'string', default: '' },
				{ displayName: 'Image Source', name: 'imageSource', type: 'string', default: 'binary' },
				{ displayName: 'Binary Property', name: 'binaryPropertyName', type: 'string', default: 'data' },
				{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [{ displayName: 'Skip', name: 'skipIfAlreadyEnrolled', type: 'boolean', default: false }] },
			],
		},
		async execute() {
			const items = this.getInputData();
			const part = this.getNodeParameter('part', 0);
			const concurrency = this.getNodeParameter('concurrency', 0);
			const creds = await this.getCredentials('argosFacesApi');
			const baseUrl = String(creds.baseUrl).replace(/\/+$/, '');
			const out = new Array(items.length);
			// a tiny JPEG, so 'http' sends the same kind of body without reading the binary
			const fixed = items.length ? (await this.helpers.getBinaryDataBuffer(0, 'data')).toString('base64') : '';
			const params = (i) => {
				// the same six reads Add makes per item (add.operation.ts, common.descriptions.ts)
				const collectionId = String(this.getNodeParameter('collectionId', i, ''));
				const userName = String(this.getNodeParameter('userName', i, ''));
				this.getNodeParameter('options.skipIfAlreadyEnrolled', i, false);
				this.getNodeParameter('imageSource', i, 'binary');
				this.getNodeParameter('options', i, {});
				this.getNodeParameter('binaryPropertyName', i, 'data');
				return { collectionId, userName };
			};
			const image = async (i) => {
				this.helpers.assertBinaryData(i, 'data');
				return (await this.helpers.getBinaryDataBuffer(i, 'data')).toString('base64');
			};
			const send = (body) =>
				this.helpers.httpRequestWithAuthentication.call(this, 'argosFacesApi', {
					method: 'POST',
					url: `${baseUrl}/modules/faces`,
					body,
					json: true,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: 30000,
				});
			const sendPlain = (body) =>
				this.helpers.httpRequest({
					method: 'POST',
					url: `${baseUrl}/modules/faces`,
					headers: { 'x-api-key': String(creds.apiKey) },
					body,
					json: true,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: 30000,
				});
			await pool(items.length, concurrency, async (i) => {
				let body = { collectionId: 'col_demo', userName: `probe-${i}`, faceImage: fixed };
				if (part === 'params' || part === 'all') body = { ...body, ...params(i) };
				if (part === 'image' || part === 'all') body.faceImage = await image(i);
				if (part === 'http' || part === 'all' || part === 'httpPlain') {
					const res = await (part === 'httpPlain' ? sendPlain(body) : send(body));
					out[i] = { json: { status: res.statusCode }, pairedItem: { item: i } };
				} else out[i] = { json: { userName: body.userName, bytes: body.faceImage.length }, pairedItem: { item: i } };
			});
			return [out];
		},
	};
}

module.exports = { createProbe, PROBE_TYPE: 'argosBench.probe' };
