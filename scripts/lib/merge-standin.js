'use strict';
/**
 * Stand-ins for the two n8n-nodes-base nodes the onboarding example uses beyond the harness's own.
 *
 * A stand-in for n8n's Merge node (n8n-nodes-base.merge, versions 3–3.2) for the in-process engine harness,
 * passed to engine.runWorkflow as `extraNodeTypes`. Only the mode the onboarding example uses is here:
 * Combine → By Position, two inputs, default options. Item i of the output is item i of each input, their
 * json and their binary files put together (input 2 wins a clash, as in n8n), paired with both input items;
 * items without a partner are dropped. Any other mode or option fails the run with a message saying so,
 * so the harness never pretends to be a Merge node it is not. Written for this project, not copied from n8n.
 */

const TYPE = 'n8n-nodes-base.merge';

function createMergeStandin({ NodeOperationError }) {
	return {
		description: {
			displayName: 'Merge',
			name: 'merge',
			icon: 'fa:code-branch',
			group: ['transform'],
			version: [3, 3.1, 3.2],
			description: 'Merges data of two inputs (harness stand-in: Combine → By Position only)',
			defaults: { name: 'Merge' },
			inputs: ['main', 'main'],
			outputs: ['main'],
			properties: [
				{ displayName: 'Mode', name: 'mode', type: 'options', options: [{ name: 'Combine', value: 'combine' }], default: 'combine' },
				{
					displayName: 'Combine By',
					name: 'combineBy',
					type: 'options',
					options: [{ name: 'Position', value: 'combineByPosition' }],
					default: 'combineByPosition',
				},
				{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
			],
		},
		async execute() {
			const node = this.getNode();
			const mode = this.getNodeParameter('mode', 0);
			const combineBy = this.getNodeParameter('combineBy', 0);
			const options = this.getNodeParameter('options', 0, {});
			if (mode !== 'combine' || combineBy !== 'combineByPosition' || Object.keys(options).length > 0) {
				throw new NodeOperationError(
					node,
					`The harness stand-in of Merge supports only Combine → By Position without options, not ${JSON.stringify({ mode, combineBy, options })}`,
				);
			}
			const read = (input) => {
				try {
					return this.getInputData(input) ?? [];
				} catch {
					return []; // an input that received nothing
				}
			};
			const [first, second] = [read(0), read(1)];
			const out = [];
			for (let i = 0; i < Math.min(first.length, second.length); i++) {
				const [a, b] = [first[i], second[i]];
				out.push({
					json: { ...a.json, ...b.json },
					binary: { ...(a.binary ?? {}), ...(b.binary ?? {}) },
					pairedItem: [a.pairedItem, b.pairedItem].flat().filter((p) => p !== undefined),
				});
			}
			return [out];
		},
	};
}

const SET_TYPE = 'n8n-nodes-base.set';

/**
 * A stand-in for n8n's Edit Fields (Set) node, version 3.4, for the same harness: only what the onboarding
 * example uses — Manual Mapping of text fields, and the input's other fields kept except the ones named
 * (Include Other Input Fields → All Except). As in n8n 3.4, the item's files stay unless no input field is
 * kept at all. Anything else fails the run, saying so.
 */
function createSetStandin({ NodeOperationError }) {
	return {
		description: {
			displayName: 'Edit Fields (Set)',
			name: 'set',
			icon: 'fa:pen',
			group: ['input'],
			version: [3.4],
			description: 'Sets fields (harness stand-in: manual text fields, other fields all-except)',
			defaults: { name: 'Edit Fields' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [
				{ displayName: 'Mode', name: 'mode', type: 'options', options: [{ name: 'Manual Mapping', value: 'manual' }], default: 'manual' },
				{ displayName: 'Fields to Set', name: 'assignments', type: 'assignmentCollection', default: {} },
				{ displayName: 'Include Other Input Fields', name: 'includeOtherFields', type: 'boolean', default: false },
				{ displayName: 'Input Fields to Include', name: 'include', type: 'options', options: [{ name: 'All Except', value: 'except' }], default: 'except' },
				{ displayName: 'Fields to Exclude', name: 'excludeFields', type: 'string', default: '' },
				{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
			],
		},
		async execute() {
			const node = this.getNode();
			const items = this.getInputData();
			const unsupported = (i) =>
				this.getNodeParameter('mode', i) !== 'manual' ||
				this.getNodeParameter('includeOtherFields', i, false) !== true ||
				this.getNodeParameter('include', i) !== 'except' ||
				Object.keys(this.getNodeParameter('options', i, {})).length > 0;
			return [
				items.map((item, i) => {
					if (unsupported(i))
						throw new NodeOperationError(node, 'The harness stand-in of Edit Fields supports only Manual Mapping of text fields with Include Other Input Fields → All Except');
					const excluded = String(this.getNodeParameter('excludeFields', i, '')).split(',').map((f) => f.trim()).filter(Boolean);
					const json = Object.fromEntries(Object.entries(item.json).filter(([key]) => !excluded.includes(key)));
					for (const a of this.getNodeParameter('assignments.assignments', i, [])) {
						if (a.type !== 'string') throw new NodeOperationError(node, `The harness stand-in of Edit Fields sets text fields only, not ${a.type}`);
						json[a.name] = String(a.value ?? '');
					}
					return { json, ...(item.binary && { binary: item.binary }), pairedItem: { item: i } };
				}),
			];
		},
	};
}

/** The stand-ins the onboarding example needs, for engine.runWorkflow's extraNodeTypes. */
function exampleStandins(engine) {
	const workflow = engine.modules().workflow;
	return { [TYPE]: createMergeStandin(workflow), [SET_TYPE]: createSetStandin(workflow) };
}

module.exports = { createMergeStandin, createSetStandin, exampleStandins, MERGE_TYPE: TYPE, SET_TYPE };
