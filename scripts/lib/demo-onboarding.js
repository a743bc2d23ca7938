'use strict';
/**
 * Reads the full onboarding example (examples/full-onboarding.workflow.json) and, after a run, where each applicant
 * ended: the checks they passed (with their scores), the Failed branch that stopped them and the error, or their
 * enrolment. Used by scripts/demo.js; the engine test of the example checks the same outcomes.
 *
 * An applicant is named by their files: `<name>-selfie.<ext>` and `<name>-id.jpg`. Every item the Argos Faces nodes
 * see carries these files (a check passes them on with its Success items, a Failed item keeps its input's), and
 * Success items are traced back through their pairedItem to the input item.
 */
const NODE_TYPE = 'n8n-nodes-argos-faces.argosFaces';
const READ_TYPE = 'n8n-nodes-base.readWriteFile';

/** The applicant an item belongs to, from the name of a file it carries (json from Read Files, or its binaries). */
const applicantOf = (item) => {
	const names = [item?.json?.fileName, ...Object.values(item?.binary ?? {}).map((b) => b?.fileName)];
	for (const name of names) {
		const m = /^(.+?)-(selfie|id)\.[^.]+$/.exec(String(name ?? ''));
		if (m) return m[1];
	}
	return undefined;
};

/** The workflow with its checks in the order an applicant meets them (following the Success outputs). */
function readOnboarding(workflow) {
	const byName = new Map(workflow.nodes.map((n) => [n.name, n]));
	const targets = (name, output) => (workflow.connections[name]?.main?.[output] ?? []).map((c) => c.node);
	const trigger = workflow.nodes.find((n) => !Object.values(workflow.connections).some((c) => c.main.flat().some((t) => t?.node === n.name)));
	if (!trigger) throw new Error('no start node');
	const checks = [];
	const seen = new Set([trigger.name]);
	for (let queue = [trigger.name]; queue.length; ) {
		const name = queue.shift();
		const node = byName.get(name);
		if (node.type === NODE_TYPE) {
			const upstream = Object.entries(workflow.connections).find(([, c]) => (c.main[0] ?? []).some((t) => t.node === name))?.[0];
			checks.push({ name, resource: node.parameters.resource, upstream, success: targets(name, 0)[0], failed: targets(name, 1)[0] });
		}
		for (const next of targets(name, 0)) if (!seen.has(next) && seen.add(next)) queue.push(next);
	}
	// The node that reads every applicant's selfie: the first file reader after the trigger.
	const reader = workflow.nodes.find((n) => n.type === READ_TYPE && targets(trigger.name, 0).includes(n.name));
	if (checks.length === 0 || !reader) throw new Error(`needs a ${READ_TYPE} node after the trigger and a chain of ${NODE_TYPE} nodes`);
	if (checks.some((c) => !c.failed || !c.upstream)) throw new Error('every Argos Faces node needs an input and a node on its Failed output');
	return { workflow, checks, reader: reader.name, selfieSelector: reader.parameters.fileSelector };
}

/**
 * Per applicant (the furthest first): { name, files, passed: [{ resource, output }], enrolled, result?, endedAt,
 * stoppedBy?, stoppedByResource?, error? }.
 */
function applicantOutcomes({ checks, reader }, run, { listFiles = () => [] } = {}) {
	const people = new Map();
	const person = (name) => {
		if (!people.has(name)) people.set(name, { name, files: listFiles(name), passed: [], enrolled: false });
		return people.get(name);
	};
	for (const item of run.outputs(reader)[0] ?? []) person(applicantOf(item));
	for (const check of checks) {
		const inputs = run.outputs(check.upstream)[0] ?? [];
		const [success = [], failed = []] = run.outputs(check.name);
		for (const item of success) {
			const input = inputs[item.pairedItem?.item ?? -1];
			const p = person(applicantOf(input));
			if (check === checks[checks.length - 1]) Object.assign(p, { enrolled: true, result: item.json, endedAt: check.success });
			else p.passed.push({ resource: check.resource, output: item.json });
		}
		for (const item of failed) {
			Object.assign(person(applicantOf(item)), {
				endedAt: check.failed,
				stoppedBy: check.name,
				stoppedByResource: check.resource,
				error: item.json.error,
			});
		}
	}
	// The furthest first: enrolled, then stopped by a later check, then by an earlier one.
	const reached = (p) => (p.enrolled ? checks.length : checks.findIndex((c) => c.name === p.stoppedBy));
	return [...people.values()].sort((a, b) => reached(b) - reached(a) || a.name.localeCompare(b.name));
}

const num = (n, digits = 3) => (typeof n === 'number' ? String(Math.round(n * 10 ** digits) / 10 ** digits) : '—');

/** One line for a check an applicant passed. */
function formatPassed({ resource, output: o }) {
	if (resource === 'faceLiveness') return `live person: score ${num(o.score)} ≥ ${num(o.threshold)}`;
	if (resource === 'faceCompare') {
		return `same person: similarity ${num(o.similarity)} ≥ ${num(o.threshold)} (${o.decidedBy === 'argos' ? "ARGOS's verdict" : 'Min Similarity'})`;
	}
	if (resource === 'idDocument') {
		const scores = Object.entries(o.scores ?? {}).map(([k, v]) => `${k} ${num(v)}`);
		return `genuine ID: ${scores.join(', ')}, all ≥ ${num(o.threshold)}`;
	}
	return resource;
}

module.exports = { readOnboarding, applicantOutcomes, applicantOf, formatPassed };
