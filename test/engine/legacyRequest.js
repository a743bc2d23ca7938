'use strict';
/**
 * n8n's deprecated `this.helpers.requestWithAuthentication` (request-library options: `uri`, `json`), which
 * n8n's own HTTP Request node still calls when it reuses a credential. Tests that prove what a credential
 * does through that helper call it from here: `n8n-node lint` rejects the call in a `.ts` file, as it should
 * in the node. Types: legacyRequest.d.ts.
 */
exports.requestWithAuthentication = (ctx, credentialsType, options) =>
	ctx.helpers.requestWithAuthentication.call(ctx, credentialsType, options);
