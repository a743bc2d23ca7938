/** Types for legacyRequest.js: n8n's deprecated request helper, for tests that must prove what it does. */
import type { IExecuteFunctions } from 'n8n-workflow';

type Legacy = IExecuteFunctions['helpers']['requestWithAuthentication'];

/** `ctx.helpers.requestWithAuthentication.call(ctx, credentialsType, options)`. */
export declare function requestWithAuthentication(ctx: IExecuteFunctions, ...args: Parameters<Legacy>): ReturnType<Legacy>;
