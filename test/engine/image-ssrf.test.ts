/**
 * n8n's SSRF protection is off by default (N8N_SSRF_PROTECTION_ENABLED); when an administrator turns it
 * on, it applies to image downloads as to any request n8n makes, because the download goes through n8n's
 * own httpRequest helper. Its own jest file: the setting is read once, when n8n-core is first loaded.
 */
import type { IDataObject } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import * as engine from '../harness/engine';
import { process } from '../support/builtins';
import { argosWorkflow, errorOf, outputsOf } from './helpers';
import { startImageHost, type ImageHost } from './imageServer';

let sb: Sandbox;
let host: ImageHost;

beforeAll(async () => {
	// Before the harness loads n8n-core (lazily, on the first run of this file).
	process.env.N8N_SSRF_PROTECTION_ENABLED = 'true';
	sb = await startSandbox({ port: 0 });
	host = await startImageHost();
});
afterAll(async () => {
	delete process.env.N8N_SSRF_PROTECTION_ENABLED;
	await host.close();
	await sb.close();
	await engine.shutdown();
});

it('with SSRF protection on, a loopback image URL is blocked by n8n before any byte is fetched', async () => {
	const parameters: IDataObject = {
		operation: 'add',
		collectionId: sb.collections.demo,
		userName: 'n',
		imageSource: 'url',
		imageUrl: `${host.url}/face.jpg`,
	};
	const r = await engine.runWorkflow(argosWorkflow(parameters, [{ json: {} }]), { credentials: { argosFacesApi: { apiKey: sb.apiKey, baseUrl: sb.url } } });
	const error = errorOf(outputsOf(r).failed[0]);
	expect(error).toMatchObject({ code: 'IMAGE_DOWNLOAD_FAILED', message: `Could not download the image from ${host.url.slice(7)} (blocked by n8n's SSRF protection)` });
	expect(error.description).toMatch(/SSRF protection/);
	expect(host.requests).toEqual([]);
	expect(sb.requests()).toEqual([]);
	expect(r.serialized).not.toContain(sb.apiKey);
});
