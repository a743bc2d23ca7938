'use strict';
/*
 * An applicant's browser for n8n's public forms, over plain HTTP. It does what the served page's own
 * script does (read from the HTML n8n sends, 2.41.1 and 1.123.81):
 *
 *   - the form page is GET <form URL>; its <form id="n8n-form"> lists the controls; each field's control is
 *     named after its position (`field-0`, `field-1`, ...), and the <label for=...> carries the field label;
 *   - on submit the script builds a FormData by walking `form.elements` in document order: a file input
 *     adds one part per chosen file (empty files skipped), every other control adds (name, value), buttons
 *     included; it POSTs that to the page's own URL (plus its query string), with `x-auth-token` when the
 *     page embeds a token;
 *   - when the form continues into n8n Form nodes, the page is rendered with useResponseData=true and the
 *     POST answers JSON `{ formWaitingUrl }`; the script then polls `<formWaitingUrl>/n8n-execution-status`
 *     (signature kept in the query), first after 1 s, each wait 10 % longer, and on the text `form-waiting`
 *     navigates to the waiting URL, which renders the Form node's page;
 *   - an ending page ("Form Ending") resumes the execution on load: it POSTs the object `{}` (which fetch
 *     sends as the text "[object Object]") to `?signature=...` on its own path, then polls the same status
 *     endpoint until the run is over.
 *
 * Every loop is bounded by a deadline; nothing here retries a POST.
 */
const fs = require('node:fs');
const path = require('node:path');
const { sleep } = require('./proc');

const MIME_BY_EXTENSION = {
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.png': 'image/png',
	'.webp': 'image/webp',
	'.gif': 'image/gif',
	'.heic': 'image/heic',
	'.pdf': 'application/pdf',
	'.txt': 'text/plain',
};

function decodeEntities(s) {
	return s
		.replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
		.replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
		.replace(/&quot;/g, '"')
		.replace(/&#39;|&apos;/g, "'")
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&nbsp;/g, ' ')
		.replace(/&amp;/g, '&');
}

const textOf = (html) =>
	decodeEntities(html.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, ''))
		.split('\n')
		.map((l) => l.trim())
		.filter(Boolean)
		.join('\n');

/** Attributes of one start tag: { name: value }, a bare attribute (`multiple`) has the value ''. */
function attributes(tagBody) {
	const out = {};
	const re = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
	for (let m = re.exec(tagBody); m; m = re.exec(tagBody)) {
		out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
	}
	return out;
}

/**
 * The served form page: its controls in document order (what `form.elements` holds), the field labels,
 * and the script's settings (useResponseData, the embedded auth token).
 */
function parseFormPage(html) {
	const start = html.search(/<form\b[^>]*\bid=['"]n8n-form['"]/i);
	if (start < 0) throw new Error(`the page has no <form id="n8n-form">:\n${html.slice(0, 800)}`);
	const end = html.indexOf('</form>', start);
	const formHtml = html.slice(start, end < 0 ? undefined : end);
	const controls = [];
	const re = /<(input|select|textarea|button)\b([^>]*)>/gi;
	for (let m = re.exec(formHtml); m; m = re.exec(formHtml)) {
		const tag = m[1].toLowerCase();
		const a = attributes(m[2]);
		let type;
		let value = a.value ?? '';
		if (tag === 'input') type = (a.type || 'text').toLowerCase();
		else if (tag === 'button') type = (a.type || 'submit').toLowerCase();
		else if (tag === 'textarea') {
			type = 'textarea';
			const close = formHtml.indexOf('</textarea>', re.lastIndex);
			value = decodeEntities(formHtml.slice(re.lastIndex, close));
		} else {
			type = 'select-one';
			const close = formHtml.indexOf('</select>', re.lastIndex);
			const options = [...formHtml.slice(re.lastIndex, close).matchAll(/<option\b([^>]*)>([^<]*)/gi)].map((o) => ({
				a: attributes(o[1]),
				text: decodeEntities(o[2]).trim(),
			}));
			const chosen = options.find((o) => 'selected' in o.a) || options[0];
			value = chosen ? (chosen.a.value ?? chosen.text) : '';
		}
		controls.push({ tag, type, name: a.name ?? '', id: a.id ?? '', value, attrs: a });
	}
	const labels = {};
	for (const m of formHtml.matchAll(/<label\b([^>]*)>([\s\S]*?)<\/label>/gi)) {
		const a = attributes(m[1]);
		if (a.for) labels[textOf(m[2])] = a.for;
	}
	const useResponseData = /<input id="useResponseData"[^>]*value=['"]?(true|false)/i.exec(html);
	const token = /const authToken = '([^']*)'/.exec(html);
	const title = /<h1>([\s\S]*?)<\/h1>/i.exec(formHtml);
	return {
		controls,
		labels,
		useResponseData: useResponseData ? useResponseData[1] === 'true' : false,
		authToken: token ? token[1] : '',
		title: title ? textOf(title[1]) : '',
	};
}

/** The ending page of an n8n Form node ("Form Ending", Show Completion Screen): its title and message. */
function parseEndingPage(html) {
	// 2.x styles the message paragraph (white-space: pre-line), 1.x does not: the first <p> after the title
	const title = /<h1>([\s\S]*?)<\/h1>/i.exec(html);
	const message = title ? /<p\b[^>]*>([\s\S]*?)<\/p>/i.exec(html.slice(title.index)) : null;
	const token = /const authToken = '([^']*)'/.exec(html);
	const links = message ? [...message[1].matchAll(/<a\b[^>]*href=["']([^"']*)["'][^>]*>([\s\S]*?)<\/a>/gi)].map((m) => ({ href: m[1], text: textOf(m[2]) })) : [];
	return {
		title: title ? textOf(title[1]) : '',
		message: message ? textOf(message[1]) : '',
		links,
		authToken: token ? token[1] : '',
		isEnding: /n8n-execution-status/.test(html) && !/id=['"]n8n-form['"]/.test(html),
	};
}

async function get(url, deadline) {
	const res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(Math.max(1000, deadline - Date.now())) });
	return { status: res.status, text: await res.text(), url: res.url, headers: res.headers };
}

/** Fetches a production form page, waiting for it while the activation registers it (404 at first). */
async function openForm(formUrl, { timeoutMs = 30_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const r = await get(formUrl, deadline);
		if (r.status === 200 && /id=['"]n8n-form['"]/.test(r.text)) return { url: formUrl, html: r.text, ...parseFormPage(r.text) };
		if (Date.now() > deadline) throw new Error(`GET ${formUrl} -> ${r.status}: ${r.text.slice(0, 400)}`);
		await sleep(250);
	}
}

/**
 * Fills and submits the form as the page's script does. `values` maps a field label to a string (text
 * controls) or to a list of file paths (file controls). Returns what the applicant ends up seeing:
 * { post: {status, body}, statuses: [...], ending: {url, status, title, message} | undefined,
 *   finalStatus, executionId, sent: [{name, fileName?, type?, value?}] }.
 */
async function submitForm(form, values, { timeoutMs = 90_000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	const byId = {};
	for (const [label, id] of Object.entries(form.labels)) byId[id] = label;
	for (const label of Object.keys(values)) {
		if (!form.labels[label]) throw new Error(`the form has no field labelled "${label}" (labels: ${Object.keys(form.labels).join(', ')})`);
	}

	const fd = new FormData();
	const sent = [];
	for (const c of form.controls) {
		const label = byId[c.id];
		const given = label !== undefined ? values[label] : undefined;
		if (c.type === 'file') {
			for (const file of given ?? []) {
				const bytes = fs.readFileSync(file);
				if (bytes.length === 0) continue;
				const type = MIME_BY_EXTENSION[path.extname(file).toLowerCase()] ?? '';
				fd.append(c.name, new Blob([bytes], { type }), path.basename(file));
				sent.push({ name: c.name, fileName: path.basename(file), type });
			}
		} else {
			const value = given !== undefined ? String(given) : c.value;
			fd.append(c.name, value);
			sent.push({ name: c.name, value });
		}
	}

	const postUrl = new URL(form.url);
	const headers = form.authToken ? { 'x-auth-token': form.authToken } : {};
	const res = await fetch(postUrl, { method: 'POST', body: fd, headers, signal: AbortSignal.timeout(Math.max(1000, deadline - Date.now())) });
	const text = await res.text();
	const out = { post: { status: res.status, body: text }, statuses: [], sent };
	if (!form.useResponseData) {
		out.finalStatus = res.status === 200 ? 'submitted' : `http ${res.status}`;
		return out;
	}
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	if (!json || !json.formWaitingUrl) {
		out.finalStatus = `no formWaitingUrl (HTTP ${res.status})`;
		return out;
	}
	const waitingUrl = new URL(json.formWaitingUrl);
	out.executionId = decodeURIComponent(waitingUrl.pathname.split('/').filter(Boolean).pop());
	const signature = waitingUrl.searchParams.get('signature');

	const status = async (pageUrl) => {
		const u = new URL(pageUrl);
		u.pathname += '/n8n-execution-status';
		if (signature) u.searchParams.set('signature', signature);
		const r = await get(u, deadline);
		const s = r.text.trim();
		out.statuses.push(s);
		return s;
	};

	// the form page's loop: wait, ask, until the run reaches a form page or ends
	let interval = 1000;
	let state;
	for (;;) {
		await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
		state = await status(waitingUrl);
		if (state === 'form-waiting' || ['success', 'null', 'canceled', 'crashed', 'error'].includes(state)) break;
		if (Date.now() > deadline) throw new Error(`the execution did not reach a form page in time; statuses: ${out.statuses.join(', ')}`);
		interval = Math.round(interval * 1.1);
	}
	if (state !== 'form-waiting') {
		out.finalStatus = state;
		return out;
	}

	// navigateTo(waiting URL with the signature): n8n renders the waiting Form node's page
	const pageUrl = new URL(waitingUrl);
	if (signature) pageUrl.searchParams.set('signature', signature);
	const page = await get(pageUrl, deadline);
	out.ending = { url: pageUrl.toString(), status: page.status, html: page.text, ...parseEndingPage(page.text) };
	if (page.status !== 200 || !out.ending.isEnding) {
		out.finalStatus = `not an ending page (HTTP ${page.status})`;
		return out;
	}

	// the ending page's own script: resume the execution, then wait for it to finish
	const resumeUrl = new URL(`?signature=${encodeURIComponent(signature ?? '')}`, waitingUrl);
	if (!signature) resumeUrl.search = '';
	const resume = await fetch(resumeUrl, {
		method: 'POST',
		body: String({}),
		headers: out.ending.authToken ? { 'x-auth-token': out.ending.authToken } : {},
		signal: AbortSignal.timeout(Math.max(1000, deadline - Date.now())),
	});
	out.resume = { status: resume.status, body: (await resume.text()).slice(0, 500) };
	interval = 1000;
	for (;;) {
		await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
		state = await status(waitingUrl);
		if (['success', 'null', 'canceled', 'crashed', 'error'].includes(state)) break;
		if (Date.now() > deadline) throw new Error(`the execution did not finish after the ending page; statuses: ${out.statuses.join(', ')}`);
		interval = Math.round(interval * 1.1);
	}
	out.finalStatus = state;
	return out;
}

module.exports = { openForm, submitForm, parseFormPage, parseEndingPage, MIME_BY_EXTENSION };
