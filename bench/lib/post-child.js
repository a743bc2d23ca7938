'use strict';
/*
 * The load client of the trigger benchmark, in its own process (driven over IPC by bench/trigger.js), so that
 * making and timing the requests never shares an event loop with the bench process's polling and bookkeeping.
 * It still shares the machine's cores with n8n: on 2 cores the client's CPU counts against both variants alike.
 *
 * One job = `count` POSTs of distinct ARGOS event bodies to one URL, at most `concurrency` in flight (each lane
 * sends its next request when its previous answer has arrived), over keep-alive connections (node:http Agent,
 * maxSockets = concurrency). Every body is built and serialised before the clock starts. Reported: the wall time
 * from the first request to the last answer, each request's client-observed response time (request written
 * to the whole answer read), and the count of answers by status.
 */
const http = require('node:http');

/**
 * The body of delivery i: an `approved` event in ARGOS's §2.3 shape. Every body is unique (the trigger
 * deduplicates by submission id + event + kyc_result.updated_at): updated_at is unique per (job seq, i).
 */
function eventBody(tag, seq, i, submissionIds) {
	const submissionId = submissionIds && submissionIds.length ? submissionIds[i % submissionIds.length] : `sub-bench-${tag}-${i}`;
	// one second apart within a job, one million seconds (11.6 days) apart between jobs: unique across the run
	const at = new Date(Date.UTC(2026, 0, 1) + (seq * 1_000_000 + i) * 1000).toISOString();
	return JSON.stringify({
		webhook_trigger: 'approved',
		submission_id: submissionId,
		email: `applicant${i}@example.com`,
		userid: `user-${i}`,
		kyc_result: { status: 'approved', updated_at: at },
	});
}

function post(agent, url, body, extraHeaders) {
	return new Promise((resolve) => {
		const t0 = process.hrtime.bigint();
		const req = http.request(url, { method: 'POST', agent, headers: { ...extraHeaders, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
			res.on('data', () => undefined);
			res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
			res.on('error', (error) => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6, error: error.message }));
		});
		req.setTimeout(60_000, () => req.destroy(new Error('timeout after 60 s')));
		req.on('error', (error) => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6, error: error.message }));
		req.end(body);
	});
}

async function run({ url, count, concurrency, tag, seq, submissionIds, headers = {} }) {
	const bodies = Array.from({ length: count }, (_, i) => eventBody(tag, seq, i, submissionIds));
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const latencies = new Array(count);
	const byStatus = {};
	const errors = [];
	let next = 0;
	const t0 = process.hrtime.bigint();
	const lane = async () => {
		while (next < count) {
			const i = next++;
			const r = await post(agent, url, bodies[i], headers);
			latencies[i] = r.ms;
			byStatus[r.status] = (byStatus[r.status] || 0) + 1;
			if (r.error && errors.length < 5) errors.push(r.error);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
	const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
	agent.destroy();
	return { wallMs, latencies, byStatus, errors };
}

process.on('message', async ({ id, job }) => {
	try {
		process.send({ id, result: await run(job) });
	} catch (error) {
		process.send({ id, error: String((error && error.stack) || error) });
	}
});
process.on('disconnect', () => process.exit(0));

module.exports = { eventBody };
