'use strict';
/**
 * Credentials for the in-process engine harness.
 *
 * - createCredentialsHelper(): an ICredentialsHelper (n8n-workflow's abstract class, every method) backed by an
 *   in-memory map of test credentials keyed by credential TYPE. It applies the credential type's OWN `authenticate`:
 *   the function form is called, the generic form is merged into headers/qs/body/auth with every key and value
 *   resolved as a full n8n expression with `$credentials` in scope (through the workflow's expression engine, the
 *   way n8n's CLI helper does it).
 * - applyDefaults(): the credential type's property defaults + expression resolution, the counterpart of n8n's
 *   applyDefaultsAndOverwrites (there are no overwrites here).
 * - runCredentialTest(): a replica of n8n's CredentialsTester for a credential whose `test` is a declarative
 *   request: a temporary node type whose one property routes `test.request`, run by n8n-core's real RoutingNode in
 *   an ExecuteContext, then the `rules` are judged the way the tester judges them.
 *
 * The n8n modules are handed in by engine.js (`n8n`: { workflow, core }) so that this file never requires n8n-core
 * itself (engine.js controls when and how that happens).
 */

const get = (obj, keyPath) => {
	// lodash-get semantics for the paths credential rules use ("a.b[0].c")
	if (obj === null || obj === undefined) return undefined;
	const parts = String(keyPath)
		.replace(/\[(\w+)\]/g, '.$1')
		.split('.')
		.filter((p) => p !== '');
	let cur = obj;
	for (const part of parts) {
		if (cur === null || cur === undefined) return undefined;
		cur = Object(cur)[part];
	}
	return cur;
};

const isExpression = (value) => typeof value === 'string' && value.charAt(0) === '=';

const MOCK_NODE = Object.freeze({
	id: 'harness-credential-node',
	name: '',
	type: 'mock',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
});

/** Node types for a throw-away Workflow that only exists to evaluate expressions. */
function mockNodeTypes(NodeHelpers, extra = {}) {
	const types = { mock: { description: { properties: [] } }, ...extra };
	return {
		getKnownTypes: () => ({}),
		getByName: (name) => types[name],
		getByNameAndVersion: (name, version) => {
			if (!types[name]) throw new Error(`Unknown node type "${name}" in the credential test workflow`);
			return NodeHelpers.getVersionedNodeType(types[name], version);
		},
	};
}

/**
 * Registry of credential types: { [name]: ICredentialType }.
 * supportedNodes: { [credentialName]: fullNodeTypeName[] } (who declares the credential), for
 * restrictToSupportedNodes.
 */
function createCredentialTypes(types, supportedNodes = {}) {
	const byName = (name) => {
		const type = types[name];
		if (!type) throw new Error(`Unknown credential type "${name}" (not in the loaded package or extraCredentialTypes)`);
		return type;
	};
	const parentTypes = (name) => {
		const type = types[name];
		if (!type || !type.extends) return [];
		const out = [];
		for (const parent of type.extends) out.push(parent, ...parentTypes(parent));
		return out;
	};
	return {
		types,
		has: (name) => Object.prototype.hasOwnProperty.call(types, name),
		getByName: byName,
		getParentTypes: parentTypes,
		getSupportedNodes: (name) => supportedNodes[name] ?? [],
	};
}

function credentialProperties(n8n, credentialTypes, typeName) {
	const type = credentialTypes.getByName(typeName);
	if (type.extends === undefined) {
		if (['oAuth1Api', 'oAuth2Api'].includes(typeName)) {
			return [
				...type.properties,
				{ displayName: 'oauthTokenData', name: 'oauthTokenData', type: 'json', required: false, default: {} },
			];
		}
		return type.properties;
	}
	const combined = [];
	for (const parent of type.extends) {
		n8n.workflow.NodeHelpers.mergeNodeProperties(combined, credentialProperties(n8n, credentialTypes, parent));
	}
	n8n.workflow.NodeHelpers.mergeNodeProperties(combined, type.properties);
	return combined;
}

/**
 * Defaults of the credential's properties + expression resolution (n8n: applyDefaultsAndOverwrites).
 * `expressionResolveValues` (given during executions) resolves with the run's data, else a throw-away workflow.
 */
function applyDefaults(n8n, credentialTypes, typeName, rawData, options = {}) {
	const { NodeHelpers, Workflow } = n8n.workflow;
	const properties = credentialProperties(n8n, credentialTypes, typeName);
	let data = NodeHelpers.getNodeParameters(properties, { ...rawData }, true, false, null, null) ?? {};
	for (const key of ['oauthTokenData', 'allowedHttpRequestDomains', 'allowedDomains']) {
		if (data[key] === undefined && rawData[key] !== undefined) data[key] = rawData[key];
	}
	const mode = options.mode ?? 'internal';
	const additionalKeys = options.additionalData
		? n8n.core.getAdditionalKeys(options.additionalData, mode, null, { isCredential: true })
		: {};
	const erv = options.expressionResolveValues;
	if (erv) {
		try {
			data = erv.workflow.expression.getParameterValue(
				data,
				erv.runExecutionData,
				erv.runIndex,
				erv.itemIndex,
				erv.node.name,
				erv.connectionInputData,
				mode,
				additionalKeys,
				options.executeData,
				false,
				data,
			);
		} catch (error) {
			error.message += ' [Error resolving credentials]';
			throw error;
		}
	} else if (Object.values(data).some(isExpression)) {
		const workflow = new Workflow({
			nodes: [{ ...MOCK_NODE }],
			connections: {},
			active: false,
			nodeTypes: mockNodeTypes(NodeHelpers),
		});
		data = workflow.expression.getComplexParameterValue(
			{ ...MOCK_NODE },
			data,
			mode,
			additionalKeys,
			undefined,
			undefined,
			data,
		);
	}
	return data;
}

/**
 * ICredentialsHelper for the harness.
 * @param n8n { workflow, core } modules
 * @param credentialTypes from createCredentialTypes()
 * @param store { [credentialType]: data } test credentials (mutable: preAuthentication / OAuth updates land here)
 */
function createCredentialsHelper(n8n, credentialTypes, store) {
	const resolveValue = (value, credentials, workflow, node) => {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		if (!resolved) return '';
		return resolved.toString();
	};

	const storedData = (nodeCredentials, type) => {
		if (!Object.prototype.hasOwnProperty.call(store, type)) {
			const id = nodeCredentials && nodeCredentials.id;
			throw new Error(
				`[engine harness] no test credentials of type "${type}" were given to runWorkflow (node credential id ${JSON.stringify(id)})`,
			);
		}
		return store[type];
	};

	const helper = {
		getParentTypes: (name) => credentialTypes.getParentTypes(name),

		isCredentialUsableByNode(credentialType, nodeType) {
			if (!credentialTypes.has(credentialType)) return true;
			const type = credentialTypes.getByName(credentialType);
			if (!type.restrictToSupportedNodes) return true;
			return credentialTypes.getSupportedNodes(credentialType).includes(nodeType);
		},

		async authenticate(credentials, typeName, incomingRequestOptions, workflow, node) {
			const requestOptions = incomingRequestOptions;
			const type = credentialTypes.getByName(typeName);
			if (!type.authenticate) return requestOptions;
			if (typeof type.authenticate === 'function') {
				return await type.authenticate(credentials, requestOptions);
			}
			if (typeof type.authenticate === 'object') {
				if (!workflow || !node) {
					throw new Error('Workflow and node are required to apply a generic credential authentication');
				}
				if (requestOptions.headers === undefined) requestOptions.headers = {};
				if (type.authenticate.type === 'generic') {
					for (const [slot, entries] of Object.entries(type.authenticate.properties)) {
						for (const [key, value] of Object.entries(entries)) {
							const resolvedKey = resolveValue(key, credentials, workflow, node);
							const resolvedValue = resolveValue(value, credentials, workflow, node);
							if (!requestOptions[slot]) requestOptions[slot] = {};
							requestOptions[slot][resolvedKey] = resolvedValue;
						}
					}
				}
			}
			return requestOptions;
		},

		async preAuthentication(helpers, credentials, typeName, node, credentialsExpired) {
			const type = credentialTypes.getByName(typeName);
			const expirable = type.properties.find(
				(p) => p.type === 'hidden' && p.typeOptions && p.typeOptions.expirable === true,
			);
			if (!expirable || expirable.name === undefined) return undefined;
			if (typeof type.preAuthentication !== 'function') return undefined;
			const testing = node && node.parameters && node.parameters.temp === '' && node.type === 'n8n-nodes-base.noOp';
			if (credentials[expirable.name] === '' || credentialsExpired || testing) {
				const output = await type.preAuthentication.call(helpers, credentials);
				if (!output || output[expirable.name] === undefined) return undefined;
				if (node && node.credentials) {
					if (Object.prototype.hasOwnProperty.call(store, type.name)) {
						store[type.name] = { ...store[type.name], ...output };
					}
					return Object.assign(credentials, output);
				}
			}
			return undefined;
		},

		async runPreAuthentication(helpers, credentials, typeName) {
			const type = credentialTypes.getByName(typeName);
			if (typeof type.preAuthentication !== 'function') return undefined;
			const output = await type.preAuthentication.call(helpers, credentials);
			return output ?? undefined;
		},

		async getCredentials(nodeCredentials, type) {
			const data = storedData(nodeCredentials, type);
			return {
				id: (nodeCredentials && nodeCredentials.id) || null,
				name: (nodeCredentials && nodeCredentials.name) || type,
				type,
				getData: () => ({ ...data }),
				getDataToSave: () => ({ id: nodeCredentials && nodeCredentials.id, name: nodeCredentials && nodeCredentials.name, type, data: '[not encrypted in the harness]' }),
				setData: (newData) => {
					store[type] = { ...newData };
				},
				updateData: (newData, toDelete = []) => {
					const merged = { ...store[type], ...newData };
					for (const key of toDelete) delete merged[key];
					store[type] = merged;
				},
			};
		},

		async getDecrypted(additionalData, nodeCredentials, type, mode, executeData, raw, expressionResolveValues) {
			const data = { ...storedData(nodeCredentials, type) };
			if (raw === true) return data;
			return applyDefaults(n8n, credentialTypes, type, data, {
				additionalData,
				mode,
				executeData,
				expressionResolveValues,
			});
		},

		async updateCredentials(nodeCredentials, type, data) {
			store[type] = { ...data };
		},

		async updateCredentialsOauthTokenData(nodeCredentials, type, data) {
			store[type] = { ...(store[type] ?? {}), oauthTokenData: data.oauthTokenData };
		},

		getCredentialsProperties: (type) => credentialProperties(n8n, credentialTypes, type),

		applyDefaultsAndOverwrites: (additionalData, data, type, mode = 'internal', executeData, expressionResolveValues) =>
			applyDefaults(n8n, credentialTypes, type, data, { additionalData, mode, executeData, expressionResolveValues }),
	};
	// n8n-core only needs the methods; inherit from the abstract class too when it is a class (instanceof checks).
	if (typeof n8n.workflow.ICredentialsHelper === 'function') {
		Object.setPrototypeOf(helper, n8n.workflow.ICredentialsHelper.prototype);
	}
	return helper;
}

/**
 * Replica of n8n's CredentialsTester.testCredentials for a declarative `test` on the credential type.
 * @param n8n { workflow, core }
 * @param opts.credentialTypes, opts.typeName, opts.data (already with defaults applied), opts.additionalData,
 *        opts.noOpType (INodeType of n8n-nodes-base.noOp), opts.onError(error) optional observer
 */
async function runCredentialTest(n8n, opts) {
	const { credentialTypes, typeName, additionalData, noOpType } = opts;
	const { Workflow, NodeHelpers, createEmptyRunExecutionData } = n8n.workflow;
	const { ExecuteContext, RoutingNode } = n8n.core;

	const type = credentialTypes.getByName(typeName);
	if (!type.test) {
		// n8n would next look for a `testedBy` function on the nodes; not replicated here.
		return { status: 'Error', message: 'No testing function found for this credential.' };
	}
	const testRequest = type.test;
	const credentialsDecrypted = { id: 'harness-credential', name: `${typeName} (test)`, type: typeName, data: opts.data };

	const node = {
		id: 'temp',
		parameters: {},
		name: 'Temp-Node',
		type: noOpType.description.name,
		typeVersion: Array.isArray(noOpType.description.version)
			? noOpType.description.version.slice(-1)[0]
			: noOpType.description.version,
		position: [0, 0],
		credentials: { [typeName]: { id: credentialsDecrypted.id, name: credentialsDecrypted.name } },
	};
	const nodeTypeCopy = {
		description: {
			...noOpType.description,
			credentials: [{ name: typeName, required: true }],
			properties: [
				{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: testRequest.request }, default: '' },
			],
		},
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: mockNodeTypes(NodeHelpers, { [nodeTypeCopy.description.name]: nodeTypeCopy }),
	});
	const runExecutionData = createEmptyRunExecutionData();
	const inputData = { main: [[{ json: {} }]] };
	const executeData = { node, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		runExecutionData,
		0,
		[],
		inputData,
		executeData,
		[],
	);
	const routingNode = new RoutingNode(context, nodeTypeCopy, credentialsDecrypted);

	let response;
	try {
		response = await routingNode.runNode();
	} catch (error) {
		if (opts.onError) opts.onError(error);
		if (error.cause && error.cause.response) {
			const statusCode = error.cause.response.status;
			const statusMessage = error.cause.response.statusText;
			for (const rule of testRequest.rules ?? []) {
				if (rule.type === 'responseCode' && statusCode === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
			if (statusCode < 199 || statusCode > 299) {
				return { status: 'Error', message: statusMessage || `Received HTTP status code: ${statusCode}` };
			}
		} else if (error.cause && error.cause.code) {
			return { status: 'Error', message: error.cause.code };
		}
		return { status: 'Error', message: String(error.message) };
	}
	if (opts.onResponse) opts.onResponse(response);
	if (Array.isArray(testRequest.rules)) {
		for (const rule of testRequest.rules) {
			if (rule.type === 'responseSuccessBody') {
				const body = response[0][0].json;
				if (get(body, rule.properties.key) === rule.properties.value) {
					return { status: 'Error', message: rule.properties.message };
				}
			}
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

module.exports = {
	applyDefaults,
	createCredentialTypes,
	createCredentialsHelper,
	credentialProperties,
	runCredentialTest,
	lodashGet: get,
};
