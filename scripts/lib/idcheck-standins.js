'use strict';
/**
 * Stand-ins for the n8n-nodes-base nodes that examples/idcheck-enrol.workflow.json uses beyond the harness's own
 * (test/harness/standins.js) — for `npm run demo:idcheck`, which runs that example in n8n-core's engine in-process.
 * Written for this project, not copied from n8n; each supports only what the example uses and fails the run,
 * saying so, on anything else — so the demo never pretends to be a node it is not.
 *
 *   n8n-nodes-base.filter       2.2  keeps the items whose Conditions hold. The conditions are evaluated by n8n
 *                                    itself: a parameter of type `filter` read with extractValue goes through
 *                                    n8n-workflow's executeFilter, as in the real node.
 *   n8n-nodes-base.if           2.2  the same conditions; true → output 0, false → output 1.
 *   n8n-nodes-base.formTrigger  2.2  no web form here: emits one item with the answer the demo gives
 *                                    (`{ 'Submission ID': … }`), the shape the real Form Trigger gives.
 *   n8n-nodes-base.dataTable    1    an IN-MEMORY table instead of n8n's database: resource Row, operations Upsert,
 *                                    Get and Delete, conditions "equals" only, columns "Map Each Column Manually".
 *                                    Rows get id, createdAt, updatedAt like n8n's. The real node needs n8n's
 *                                    database (helpers.getDataTableProxy), which n8n-core alone does not have; the
 *                                    example is run with the real node by the e2e suite (test/e2e/idcheck.js).
 */

function conditionNode({ NodeOperationError }, { name, displayName, outputs }) {
	return {
		description: {
			displayName,
			name,
			icon: 'fa:filter',
			group: ['transform'],
			version: [2, 2.1, 2.2],
			description: `${displayName} (demo stand-in: conditions evaluated by n8n-workflow's executeFilter)`,
			defaults: { name: displayName },
			inputs: ['main'],
			outputs,
			properties: [
				{ displayName: 'Conditions', name: 'conditions', type: 'filter', default: {}, typeOptions: { filter: { caseSensitive: true, typeValidation: 'strict', version: 2 } } },
				{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
			],
		},
		async execute() {
			const items = this.getInputData();
			if (Object.keys(this.getNodeParameter('options', 0, {})).length > 0) {
				throw new NodeOperationError(this.getNode(), `The demo stand-in of ${displayName} supports no options`);
			}
			const kept = [];
			const dropped = [];
			items.forEach((item, i) => {
				const pass = this.getNodeParameter('conditions', i, false, { extractValue: true });
				(pass ? kept : dropped).push({ ...item, pairedItem: { item: i } });
			});
			return outputs.length === 1 ? [kept] : [kept, dropped];
		},
	};
}

/** `answer()` gives the form's fields, e.g. { 'Submission ID': 'sub-approved-0001' }. */
function formTriggerStandin(answer) {
	return {
		description: {
			displayName: 'On form submission',
			name: 'formTrigger',
			icon: 'fa:list-alt',
			group: ['trigger'],
			version: [2, 2.1, 2.2],
			description: 'Form Trigger (demo stand-in: emits the answer the demo gives, no web form)',
			defaults: { name: 'On form submission' },
			inputs: [],
			outputs: ['main'],
			properties: [
				{ displayName: 'Form Title', name: 'formTitle', type: 'string', default: '' },
				{ displayName: 'Form Description', name: 'formDescription', type: 'string', default: '' },
				{ displayName: 'Form Fields', name: 'formFields', type: 'fixedCollection', default: {}, options: [] },
				{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
			],
		},
		async trigger() {
			const manualTriggerFunction = async () => {
				this.emit([this.helpers.returnJsonArray([{ ...answer(), submittedAt: new Date().toISOString(), formMode: 'demo' }])]);
			};
			return { manualTriggerFunction };
		},
	};
}

/**
 * The in-memory Data table. `tables`: Map of table id → rows (shared between runs, so the erasure run finds what the
 * enrol run stored). Only what the example uses; anything else fails the run with a message.
 */
function dataTableStandin({ NodeOperationError }, tables) {
	let nextId = 1;
	return {
		description: {
			displayName: 'Data table',
			name: 'dataTable',
			icon: 'fa:table',
			group: ['input', 'transform'],
			version: [1, 1.1],
			description: 'Data table (demo stand-in: in memory, Row → Upsert / Get / Delete, conditions "equals")',
			defaults: { name: 'Data table' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [
				{ displayName: 'Resource', name: 'resource', type: 'options', options: [{ name: 'Row', value: 'row' }], default: 'row' },
				{
					displayName: 'Operation',
					name: 'operation',
					type: 'options',
					options: ['deleteRows', 'get', 'upsert'].map((value) => ({ name: value, value })),
					default: 'get',
				},
				{ displayName: 'Data table', name: 'dataTableId', type: 'resourceLocator', default: { mode: 'list', value: '' }, modes: [{ displayName: 'From List', name: 'list', type: 'list' }, { displayName: 'By Name', name: 'name', type: 'string' }, { displayName: 'ID', name: 'id', type: 'string' }] },
				{ displayName: 'Must Match', name: 'matchType', type: 'options', options: [{ name: 'Any Condition', value: 'anyCondition' }, { name: 'All Conditions', value: 'allConditions' }], default: 'anyCondition' },
				{ displayName: 'Conditions', name: 'filters', type: 'json', default: {} },
				{ displayName: 'Columns', name: 'columns', type: 'json', default: {} },
				{ displayName: 'Return All', name: 'returnAll', type: 'boolean', default: false },
				{ displayName: 'Limit', name: 'limit', type: 'number', default: 50 },
				{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
			],
		},
		async execute() {
			const node = this.getNode();
			const fail = (message) => {
				throw new NodeOperationError(node, `The demo stand-in of the Data table node ${message}`);
			};
			const items = this.getInputData();
			const out = [];
			for (let i = 0; i < items.length; i++) {
				const operation = this.getNodeParameter('operation', i);
				const tableId = this.getNodeParameter('dataTableId', i, undefined, { extractValue: true });
				if (!tables.has(tableId)) tables.set(tableId, []);
				const rows = tables.get(tableId);
				const conditions = this.getNodeParameter('filters.conditions', i, []);
				for (const c of conditions) if ((c.condition ?? 'eq') !== 'eq') fail(`supports the condition "equals" only, not ${c.condition}`);
				const all = this.getNodeParameter('matchType', i, 'anyCondition') === 'allConditions';
				const matches = (row) =>
					conditions.length > 0 &&
					(all ? conditions.every : conditions.some).call(conditions, (c) => String(row[c.keyName] ?? '') === String(c.keyValue ?? ''));
				const now = new Date().toISOString();
				if (operation === 'upsert') {
					const columns = this.getNodeParameter('columns', i);
					if (columns.mappingMode !== 'defineBelow') fail('supports "Map Each Column Manually" only');
					const values = this.getNodeParameter('columns.value', i, {});
					const hit = rows.filter(matches);
					if (hit.length === 0) {
						const row = { id: nextId++, ...values, createdAt: now, updatedAt: now };
						rows.push(row);
						out.push({ json: { ...row }, pairedItem: { item: i } });
					}
					for (const row of hit) {
						Object.assign(row, values, { updatedAt: now });
						out.push({ json: { ...row }, pairedItem: { item: i } });
					}
				} else if (operation === 'get') {
					const limit = this.getNodeParameter('returnAll', i, false) ? Infinity : this.getNodeParameter('limit', i, 50);
					const hit = (conditions.length ? rows.filter(matches) : rows).slice(0, limit);
					for (const row of hit) out.push({ json: { ...row }, pairedItem: { item: i } });
				} else if (operation === 'deleteRows') {
					if (conditions.length === 0) fail('needs at least one condition to delete');
					const hit = rows.filter(matches);
					tables.set(tableId, rows.filter((row) => !hit.includes(row)));
					for (const row of hit) out.push({ json: { ...row }, pairedItem: { item: i } });
				} else {
					fail(`supports Upsert, Get and Delete only, not ${operation}`);
				}
			}
			return [out];
		},
	};
}

/** The stand-ins the ID Check example needs, for engine.runWorkflow's extraNodeTypes. */
function idcheckExampleStandins(engine, { tables, formAnswer }) {
	const workflow = engine.modules().workflow;
	return {
		'n8n-nodes-base.filter': conditionNode(workflow, { name: 'filter', displayName: 'Filter', outputs: ['main'] }),
		'n8n-nodes-base.if': conditionNode(workflow, { name: 'if', displayName: 'If', outputs: ['main', 'main'] }),
		'n8n-nodes-base.formTrigger': formTriggerStandin(formAnswer),
		'n8n-nodes-base.dataTable': dataTableStandin(workflow, tables),
	};
}

module.exports = { idcheckExampleStandins };
