'use strict';

const { startSandbox, sampleImage } = require('..');

/** fetch wrapper: returns { status, headers, text, json } or { error: code } when the connection failed. */
async function call(sb, method, path, { key = sb.apiKey, body, query, headers = {}, signal } = {}) {
	const url = new URL(sb.url + path);
	for (const [k, v] of Object.entries(query || {})) if (v !== undefined) url.searchParams.set(k, v);
	const h = { ...headers };
	if (key !== null) h['x-api-key'] = key;
	let payload;
	if (body !== undefined) {
		payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
		h['content-type'] = h['content-type'] || 'application/json';
	}
	try {
		const res = await fetch(url, { method, headers: h, body: payload, signal });
		const text = await res.text();
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return { status: res.status, headers: res.headers, text, json };
	} catch (err) {
		return { error: (err.cause && err.cause.code) || err.name, err };
	}
}

const b64 = (opts) => sampleImage(opts).toString('base64');

const add = (sb, body, opts) => call(sb, 'POST', '/modules/faces', { body, ...opts });
const list = (sb, query, opts) => call(sb, 'GET', '/modules/faces', { query, ...opts });
const del = (sb, query, opts) => call(sb, 'DELETE', '/modules/faces', { query, ...opts });
const search = (sb, body, opts) => call(sb, 'POST', '/modules/search', { body, ...opts });

module.exports = { startSandbox, sampleImage, call, b64, add, list, del, search };
