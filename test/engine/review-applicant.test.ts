/**
 * Adversarial review, "fraudulent applicant": someone who controls only what they upload or submit (files,
 * their names and bytes, base64 text, links, JSON fields a webhook passes on) tries to pass onboarding with
 * someone else's ID photo, a printout or a photo of a screen. Workflows are the README's (the example chain
 * and the form example, nodes at their defaults); sandbox markers stand for what ARGOS would conclude about a
 * photo (e.g. `spoof: true` on the victim's ID photo: the portrait on a card is not a live face), never for
 * something the applicant could forge.
 *
 * The tests first written as PROOF (an attack succeeding on the code reviewed) now assert the fixed, safe
 * behaviour and say so in their names; HELD tests assert the safe behaviour an attack ran into; KNOWN LIMIT
 * tests assert what the node deliberately still does, with a pointer to where the README says so.
 */
import { fs, http, repoPath } from '../support/builtins';
import type { IDataObject } from 'n8n-workflow';

import { type Sandbox } from '../../sandbox';
import type { EngineRun, WorkflowJson } from '../harness/engine';
import { argosWorkflow, CHAIN, chainWorkflow, errorOf, exampleChain, type FixtureItem, MODES, type Mode, outputsOf, sandboxPerFile, sandboxRunner, sentImages, sha } from './helpers';

const { createServer } = http;
const { readFileSync } = fs;
type Server = import('http').Server;
type AddressInfo = import('net').AddressInfo;

let sb: Sandbox;
const runs: EngineRun[] = [];
sandboxPerFile(runs, (started) => (sb = started));

const run = sandboxRunner(runs, () => sb);

const file = (bytes: Buffer, fileName: string, mimeType = 'image/jpeg') => ({ base64: bytes.toString('base64'), fileName, mimeType });
const facesIn = (collectionId: string) => sb.state().collections.find((c) => c.id === collectionId)!.faces;
const requestsTo = (path: string) => sb.requests().filter((e) => e.path === path);

/** The fraudster's own live selfie; the victim's genuine ID photo (its portrait is no live face: spoof). */
const mallorySelfie = () => sb.sampleImage({ faceKey: 'mallory' });
const victimId = () => sb.sampleImage({ faceKey: 'victim', spoof: true, label: 'victim id card' });
/** The victim's ID photo with one byte after its end-of-image marker: still a complete JPEG, other bytes. */
const victimIdCopy = () => Buffer.concat([victimId(), Buffer.from('\n')]);

// ---------------------------------------------------------------------------------------------------------
// Was PROOF 1 — Image Source → URL: every node downloaded the link again. Now a check keeps what it
// downloaded (`selfie`, `idPhoto`) and a later step carrying that file refuses to download the role again.
// ---------------------------------------------------------------------------------------------------------

/** An image host the applicant runs: the n-th request for a path gets the n-th body (the last one after). */
async function startSwitchingHost(): Promise<{ url: string; serve: (path: string, bodies: Buffer[]) => void; hits: string[]; close: () => Promise<void> }> {
	const bodies = new Map<string, Buffer[]>();
	const counts = new Map<string, number>();
	const hits: string[] = [];
	const server: Server = createServer((req, res) => {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		hits.push(path);
		const list = bodies.get(path);
		if (!list) {
			res.writeHead(404);
			res.end();
			return;
		}
		const n = counts.get(path) ?? 0;
		counts.set(path, n + 1);
		const body = list[Math.min(n, list.length - 1)];
		res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length });
		res.end(body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		serve: (path, list) => bodies.set(path, list),
		hits,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/**
 * The README chain (Liveness → Compare → ID Document → Add, each on the Success of the one before) with every
 * image from a link in the webhook's JSON body, as test/e2e/verify.js sets the checks up
 * (`$json.body.selfieUrl`, `$json.body.idPhotoUrl`); later nodes reach the body through $('Items').
 */
function urlChain(collectionId: string, item: FixtureItem): WorkflowJson {
	const body = (field: string) => `={{ $('Items').item.json.body.${field} }}`;
	const steps: Array<[string, IDataObject]> = [
		[CHAIN[0], { resource: 'faceLiveness', operation: 'check', imageSource: 'url', imageUrl: body('selfieUrl') }],
		[
			CHAIN[1],
			{ resource: 'faceCompare', operation: 'compare', imageSource: 'url', imageUrl: body('selfieUrl'), targetImageSource: 'url', targetImageUrl: body('idPhotoUrl') },
		],
		[CHAIN[2], { resource: 'idDocument', operation: 'checkLiveness', imageSource: 'url', imageUrl: body('idPhotoUrl') }],
		[CHAIN[3], { resource: 'face', operation: 'add', collectionId, userName: body('email'), imageSource: 'url', imageUrl: body('selfieUrl') }],
	];
	return chainWorkflow('URL chain', [item], steps);
}

describe('Image links: a check keeps what it downloaded, and a later step never downloads the same photo again', () => {
	let host: Awaited<ReturnType<typeof startSwitchingHost>>;
	beforeAll(async () => (host = await startSwitchingHost()));
	afterAll(async () => await host.close());

	it('the selfie link serving a live selfie to Liveness, then the victim\'s ID portrait: Liveness keeps what it judged as "selfie", Compare is now Failed with IMAGE_DOWNLOADED_AGAIN (the link is not fetched again), nothing compared, nothing enrolled', async () => {
		const live = mallorySelfie();
		const id = victimId();
		const copy = victimIdCopy();
		// 1st request (Liveness): Mallory's live face. A 2nd (Compare's selfie) would get a copy of the victim's ID photo, a 3rd (Add) Mallory again.
		host.serve('/selfie.jpg', [live, copy, live]);
		host.serve('/id.jpg', [id]);
		const item: FixtureItem = { json: { body: { email: 'victim@example.com', selfieUrl: `${host.url}/selfie.jpg`, idPhotoUrl: `${host.url}/id.jpg` } } };
		const r = await run(urlChain(sb.collections.demo, item));
		expect(r.status).toBe('success');

		// Liveness judged Mallory's face and passed it on as the file "selfie" …
		expect(r.outputs(CHAIN[0])[0]).toHaveLength(1);
		expect(r.outputs(CHAIN[0])[0][0].json).toMatchObject({ passed: true, image: { source: 'url', keptAs: 'selfie' } });
		expect(r.outputs(CHAIN[0])[0][0].binary?.selfie).toBeDefined();
		expect(requestsTo('/modules/liveness').map(sentImages)).toEqual([{ faceImage: sha(live) }]);
		// … so Compare, still set to download the selfie link, refuses to: Failed, nothing compared …
		expect(r.outputs(CHAIN[1])[0]).toEqual([]);
		expect(errorOf(r.outputs(CHAIN[1])[1][0])).toMatchObject({ code: 'IMAGE_DOWNLOADED_AGAIN' });
		expect(requestsTo('/modules/compare')).toEqual([]);
		// … the chain ends there: nobody enrolled, and the selfie link was fetched once.
		expect(r.ranNodes()).not.toContain(CHAIN[3]);
		expect(facesIn(sb.collections.demo)).toEqual([]);
		expect(host.hits.filter((h) => h === '/selfie.jpg')).toEqual(['/selfie.jpg']);
	});

	it('the same host serving the victim\'s ID photo every time: the chain stops at Liveness (what binds the checks is only the link text)', async () => {
		host.serve('/same.jpg', [victimIdCopy()]);
		host.serve('/id2.jpg', [victimId()]);
		const item: FixtureItem = { json: { body: { email: 'victim@example.com', selfieUrl: `${host.url}/same.jpg`, idPhotoUrl: `${host.url}/id2.jpg` } } };
		const r = await run(urlChain(sb.collections.demo, item));
		expect(r.outputs(CHAIN[0])[0]).toEqual([]);
		expect(errorOf(r.outputs(CHAIN[0])[1][0])).toMatchObject({ code: 'LIVENESS_BELOW_THRESHOLD' });
		expect(facesIn(sb.collections.demo)).toEqual([]);
	});
});

// ---------------------------------------------------------------------------------------------------------
// Was PROOF 2 — IMAGE_SAME_FILE compared base64 text, not photos. Now it compares decoded bytes.
// ---------------------------------------------------------------------------------------------------------

const compareBinary = { resource: 'faceCompare', operation: 'compare', binaryPropertyName: 'selfie', targetBinaryPropertyName: 'idPhoto' };

describe('Face Compare\'s "a photo compared with itself" guard', () => {
	// KNOWN LIMIT: IMAGE_SAME_FILE catches identical bytes only; a copy with one byte changed is another file and
	// Face Liveness (first in the chain) is the guard — README "Fail closed" (IMAGE_SAME_FILE: identical bytes) and the HELD chain test below.
	it.each(MODES)('KNOWN LIMIT — the victim\'s ID photo plus one trailing byte as the selfie: Compare alone passes it (%s)', async (mode) => {
		const items: FixtureItem[] = [{ json: {}, binary: { selfie: file(victimIdCopy(), 'selfie.jpg'), idPhoto: file(victimId(), 'id.jpg') } }];
		const r = await run(argosWorkflow(compareBinary, items), mode);
		const { success, failed } = outputsOf(r);
		expect(failed).toEqual([]);
		expect(success[0].json).toMatchObject({ passed: true, decidedBy: 'argos' });
	});

	it('byte-IDENTICAL photos, the second base64 text with different (ignored) padding bits: now Failed with IMAGE_SAME_FILE, nothing sent', async () => {
		// A JSON webhook (the README's case for Image Source → Base64) passes both images as text.
		let bytes = victimId();
		if (bytes.length % 3 === 0) bytes = Buffer.concat([bytes, Buffer.from('\n')]);
		const canonical = bytes.toString('base64');
		const last = canonical.replace(/=+$/, '');
		const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
		// Flip the lowest bit of the last character: those bits are padding and decode to nothing.
		const flipped = alphabet[alphabet.indexOf(last[last.length - 1]) ^ 1];
		const other = last.slice(0, -1) + flipped + canonical.slice(last.length);
		expect(Buffer.from(other, 'base64').equals(bytes)).toBe(true);
		expect(other).not.toBe(canonical);

		const parameters = {
			resource: 'faceCompare',
			operation: 'compare',
			imageSource: 'base64',
			base64Image: '={{ $json.body.selfie }}',
			targetImageSource: 'base64',
			targetBase64Image: '={{ $json.body.idPhoto }}',
		};
		const r = await run(argosWorkflow(parameters, [{ json: { body: { selfie: other, idPhoto: canonical } } }]));
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(errorOf(failed[0])).toMatchObject({ code: 'IMAGE_SAME_FILE' });
		expect(requestsTo('/modules/compare')).toEqual([]);
	});

	it('HELD: the same two photos canonically encoded: IMAGE_SAME_FILE, nothing sent', async () => {
		const b64 = victimId().toString('base64');
		const parameters = {
			resource: 'faceCompare',
			operation: 'compare',
			imageSource: 'base64',
			base64Image: '={{ $json.body.selfie }}',
			targetImageSource: 'base64',
			targetBase64Image: '={{ $json.body.idPhoto }}',
		};
		const r = await run(argosWorkflow(parameters, [{ json: { body: { selfie: `data:image/png;base64,${b64}`, idPhoto: b64.replace(/(.{60})/g, '$1\n') } } }]));
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'IMAGE_SAME_FILE' });
		expect(requestsTo('/modules/compare')).toEqual([]);
	});

	it.each(MODES)('HELD in the README chain: the ID copy as the selfie stops at Liveness, nothing enrolled (%s)', async (mode) => {
		const items: FixtureItem[] = [{ json: { name: 'victim' }, binary: { selfie: file(victimIdCopy(), 'selfie.jpg'), idPhoto: file(victimId(), 'id.jpg') } }];
		const r = await run(exampleChain(items, sb.collections.demo, 'victim'), mode);
		expect(r.outputs(CHAIN[0])[0]).toEqual([]);
		expect(errorOf(r.outputs(CHAIN[0])[1][0])).toMatchObject({ code: 'LIVENESS_BELOW_THRESHOLD' });
		expect(requestsTo('/modules/compare')).toEqual([]);
		expect(facesIn(sb.collections.demo)).toEqual([]);
	});
});

// ---------------------------------------------------------------------------------------------------------
// Was PROOF 3 — Skip If Already Enrolled took a face match for "this applicant was already added". Now only
// a face enrolled under the item's own User Name counts; else ENROLLED_UNDER_ANOTHER_NAME, nothing disclosed.
// ---------------------------------------------------------------------------------------------------------

const FORM = JSON.parse(readFileSync(repoPath('examples/form-onboarding.workflow.json'), 'utf8')) as WorkflowJson;
const formAdd = FORM.nodes.find((n) => n.name === 'Enrol Applicant Face')!.parameters as IDataObject;

describe('Skip If Already Enrolled never answers with another person\'s enrolment', () => {
	/** The form example's Add, as committed, with Skip If Already Enrolled (the README's queue-mode advice). */
	const addWithSkip = (collectionId: string) => ({ ...formAdd, collectionId, options: { skipIfAlreadyEnrolled: true } });
	const formItem = (email: string, selfie: Buffer): FixtureItem => ({ json: { Email: email, submittedAt: 'now', formMode: 'production' }, binary: { Selfie: file(selfie, 'me.jpg') } });

	it.each(['B', 'A'] as const)('ARGOS\'s search matches a live applicant to alice@ (a lookalike, a twin, a false 1:N match): now Failed with ENROLLED_UNDER_ANOTHER_NAME, alice\'s e-mail and faceId nowhere in the output, nothing added (search shape %s)', async (shape) => {
		sb.setConfig({ searchShape: shape });
		const before = facesIn(sb.collections.onboarding).length;
		// faceKey alice: what ARGOS's search answers for this live face, here a match with the seeded alice@example.com.
		const r = await run(argosWorkflow(addWithSkip(sb.collections.onboarding), [formItem('mallory@evil.example', sb.sampleImage({ faceKey: 'alice' }))]));
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(errorOf(failed[0])).toMatchObject({ code: 'ENROLLED_UNDER_ANOTHER_NAME' });
		// No Success item, so the form's ending page ("enrolled for …") is never shown; nothing of alice's leaks.
		expect(JSON.stringify(r.outputs('Argos Faces'))).not.toContain('alice@example.com');
		expect(JSON.stringify(r.outputs('Argos Faces'))).not.toContain('face_0a1b2c3d4e5f6071');
		expect(requestsTo('/modules/faces').filter((e) => e.method === 'POST')).toEqual([]);
		expect(facesIn(sb.collections.onboarding)).toHaveLength(before);
	});

	it('a collection with liveness off: a PRINTOUT of alice\'s photo is now Failed with ENROLLED_UNDER_ANOTHER_NAME, its sender learns neither alice\'s e-mail nor her faceId', async () => {
		const col = sb.collections.noLiveness;
		// Alice enrols herself.
		const enrolAlice = await run(argosWorkflow(addWithSkip(col), [formItem('alice@example.com', sb.sampleImage({ faceKey: 'alice' }))]));
		const aliceFaceId = outputsOf(enrolAlice).success[0].json.faceId;
		// Mallory sends a printout of a photo of alice (spoof), under her own address.
		const r = await run(argosWorkflow(addWithSkip(col), [formItem('mallory@evil.example', sb.sampleImage({ faceKey: 'alice', spoof: true }))]));
		expect(outputsOf(r).success).toEqual([]);
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'ENROLLED_UNDER_ANOTHER_NAME' });
		expect(JSON.stringify(r.outputs('Argos Faces'))).not.toContain('alice@example.com');
		expect(JSON.stringify(r.outputs('Argos Faces'))).not.toContain(String(aliceFaceId));
		expect(facesIn(col).map((f) => f.userName)).toEqual(['alice@example.com']);
	});

	it('HELD: the same printout in the example\'s liveness-on collection: Failed 6035, nothing disclosed', async () => {
		const r = await run(argosWorkflow(addWithSkip(sb.collections.onboarding), [formItem('mallory@evil.example', sb.sampleImage({ faceKey: 'alice', spoof: true }))]));
		expect(outputsOf(r).success).toEqual([]);
		const error = errorOf(outputsOf(r).failed[0]);
		expect(error.code).toBe(6035);
		expect(JSON.stringify(outputsOf(r).failed[0].json)).not.toContain('alice@example.com');
	});
});

// ---------------------------------------------------------------------------------------------------------
// Was PROOF 4 (conditional) — binary mode "combined": JSON that looked like a file was a file. Now a name is
// read only under json._files, and only a file n8n stored there (with an id).
// ---------------------------------------------------------------------------------------------------------

const fakeFile = (bytes: Buffer) => ({ mimeType: 'image/jpeg', fileName: 'x.jpg', data: bytes.toString('base64') });

describe('Combined binary mode: JSON that looks like a file is never a file (an item whose top-level json is the applicant\'s JSON, e.g. a webhook body moved to the root)', () => {
	it('combined mode, Add at its defaults, no file at all, json { data: {mimeType, data} }: now Failed with IMAGE_MISSING, nothing sent', async () => {
		const selfie = sb.sampleImage({ faceKey: 'json-face' });
		const r = await run(argosWorkflow({ operation: 'add', collectionId: sb.collections.demo, userName: 'x' }, [{ json: { data: fakeFile(selfie) } }]), 'combined');
		expect(outputsOf(r).success).toEqual([]);
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'IMAGE_MISSING' });
		expect(sb.requests()).toEqual([]);
		expect(facesIn(sb.collections.demo)).toEqual([]);
	});

	it('combined mode, json { _files: { data: {mimeType, data} } } without any upload (no id n8n gave it): now Failed with IMAGE_MISSING, nothing enrolled', async () => {
		const selfie = sb.sampleImage({ faceKey: 'json-face' });
		const r = await run(argosWorkflow({ operation: 'add', collectionId: sb.collections.demo, userName: 'x' }, [{ json: { _files: { data: fakeFile(selfie) } } }]), 'combined');
		expect(outputsOf(r).success).toEqual([]);
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'IMAGE_MISSING' });
		expect(sb.requests()).toEqual([]);
		expect(facesIn(sb.collections.demo)).toEqual([]);
	});

	it('combined mode, the README chain, json.selfie (live face) beside the uploaded file "selfie" (the victim\'s ID copy): now every node reads the upload, so the chain stops at Liveness (LIVENESS_BELOW_THRESHOLD), nothing compared, nothing enrolled', async () => {
		const live = mallorySelfie();
		const copy = victimIdCopy();
		const id = victimId();
		const items: FixtureItem[] = [{ json: { name: 'victim', selfie: fakeFile(live) }, binary: { selfie: file(copy, 'selfie.jpg'), idPhoto: file(id, 'id.jpg') } }];
		const r = await run(exampleChain(items, sb.collections.demo, 'victim'), 'combined');
		expect(r.outputs(CHAIN[0])[0]).toEqual([]);
		expect(errorOf(r.outputs(CHAIN[0])[1][0])).toMatchObject({ code: 'LIVENESS_BELOW_THRESHOLD' });
		expect(requestsTo('/modules/liveness').map(sentImages)).toEqual([{ faceImage: sha(copy) }]);
		expect(requestsTo('/modules/compare')).toEqual([]);
		expect(requestsTo('/modules/faces')).toEqual([]);
		expect(facesIn(sb.collections.demo)).toEqual([]);
	});

	it('the same, enrolling into a collection with liveness off: now the chain stops at Liveness too, nobody enrolled', async () => {
		const live = mallorySelfie();
		const copy = victimIdCopy();
		const items: FixtureItem[] = [{ json: { name: 'victim', selfie: fakeFile(live) }, binary: { selfie: file(copy, 'selfie.jpg'), idPhoto: file(victimId(), 'id.jpg') } }];
		const r = await run(exampleChain(items, sb.collections.noLiveness, 'victim'), 'combined');
		expect(r.outputs(CHAIN[0])[0]).toEqual([]);
		expect(errorOf(r.outputs(CHAIN[0])[1][0])).toMatchObject({ code: 'LIVENESS_BELOW_THRESHOLD' });
		expect(requestsTo('/modules/liveness').map(sentImages)).toEqual([{ faceImage: sha(copy) }]);
		expect(facesIn(sb.collections.noLiveness)).toEqual([]);
	});

	it.each(['default', 'filesystem'] as Mode[])('HELD in %s mode: the same json look-alikes are never files (IMAGE_MISSING)', async (mode) => {
		const selfie = sb.sampleImage({ faceKey: 'json-face' });
		const r = await run(argosWorkflow({ operation: 'add', collectionId: sb.collections.demo, userName: 'x' }, [{ json: { data: fakeFile(selfie), _files: { data: fakeFile(selfie) } } }]), mode);
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'IMAGE_MISSING' });
		expect(sb.requests()).toEqual([]);
	});

	it.each(MODES)('HELD with a Webhook\'s own json (the applicant\'s JSON under body): body.data / body._files / body.selfie are never files (%s)', async (mode) => {
		const live = mallorySelfie();
		const body = { data: fakeFile(live), selfie: fakeFile(live), _files: { selfie: fakeFile(live), data: fakeFile(live) } };
		const items: FixtureItem[] = [{ json: { headers: {}, params: {}, query: {}, body }, binary: { idPhoto: file(victimId(), 'id.jpg') } }];
		const r = await run(exampleChain(items, sb.collections.demo, 'victim'), mode);
		expect(errorOf(r.outputs(CHAIN[0])[1][0])).toMatchObject({ code: 'IMAGE_MISSING' });
		const add = await run(argosWorkflow({ operation: 'add', collectionId: sb.collections.demo, userName: 'x' }, [{ json: { body } }]), mode);
		expect(errorOf(outputsOf(add).failed[0])).toMatchObject({ code: 'IMAGE_MISSING' });
		expect(sb.requests()).toEqual([]);
	});
});

// ---------------------------------------------------------------------------------------------------------
// HELD — names, counts, empty or corrupt files, Compare's scale
// ---------------------------------------------------------------------------------------------------------

describe('HELD: file names the applicant chooses (a webhook names binaries after its multipart fields)', () => {
	const NEAR = ['selfie ', ' selfie', 'Selfie', 'SELFIE', 'selfie\u200b', 'selfie.', 'selfie[]', '_files'];

	it.each(MODES.flatMap((m) => NEAR.map((n) => [m, n] as [Mode, string])))('%s mode: the victim\'s ID copy under %j beside the ID photo: the README chain stops at Liveness', async (mode, name) => {
		const items: FixtureItem[] = [{ json: { name: 'victim' }, binary: { [name]: file(victimIdCopy(), 'selfie.jpg'), idPhoto: file(victimId(), 'id.jpg') } }];
		const r = await run(exampleChain(items, sb.collections.demo, 'victim'), mode);
		expect(r.status).toBe('success');
		expect(r.outputs(CHAIN[0])[0]).toEqual([]);
		expect(errorOf(r.outputs(CHAIN[0])[1][0])).toMatchObject({ code: 'IMAGE_MISSING' });
		expect(sb.requests()).toEqual([]);
	});

	// Before the combined-mode fix every mode read "_files.selfie" as an alias of "selfie"; now only the combined
	// mode looks under _files (where n8n itself puts files), so elsewhere the name is simply not "selfie".
	it.each(['default', 'filesystem'] as Mode[])('%s mode: a binary literally named "_files.selfie" is not read as "selfie" by any node: the README chain stops at Liveness (IMAGE_MISSING), nothing sent', async (mode) => {
		const live = mallorySelfie();
		const id = victimId();
		const items: FixtureItem[] = [{ json: { name: 'victim' }, binary: { '_files.selfie': file(live, 'a.jpg'), idPhoto: file(id, 'id.jpg') } }];
		const r = await run(exampleChain(items, sb.collections.demo, 'victim'), mode);
		expect(r.outputs(CHAIN[0])[0]).toEqual([]);
		expect(errorOf(r.outputs(CHAIN[0])[1][0])).toMatchObject({ code: 'IMAGE_MISSING' });
		expect(sb.requests()).toEqual([]);
		expect(facesIn(sb.collections.demo)).toEqual([]);
	});

	it.each(MODES)('%s mode: both "selfie" and "_files.selfie" present: every node reads "selfie"', async (mode) => {
		const live = mallorySelfie();
		const items: FixtureItem[] = [
			{ json: { name: 'victim' }, binary: { selfie: file(live, 's.jpg'), '_files.selfie': file(victimIdCopy(), 'c.jpg'), idPhoto: file(victimId(), 'id.jpg') } },
		];
		const r = await run(exampleChain(items, sb.collections.demo, 'victim'), mode);
		expect(errorOf(r.outputs(CHAIN[1])[1][0])).toMatchObject({ code: 'FACES_DO_NOT_MATCH' });
		expect([...requestsTo('/modules/liveness'), ...requestsTo('/modules/compare')].map((e) => Object.values(sentImages(e))[0])).toEqual([sha(live), sha(live)]);
	});
});

describe('HELD: several files, one empty or cut off', () => {
	const cut = (b: Buffer) => b.subarray(0, b.length - 3);

	it.each(MODES)('%s mode, form example (Add at defaults): a live selfie plus an empty file: IMAGE_AMBIGUOUS, nothing sent', async (mode) => {
		const items: FixtureItem[] = [{ json: { Email: 'm@x' }, binary: { Selfie: file(mallorySelfie(), 'a.jpg'), Selfie_1: file(Buffer.alloc(0), 'b.jpg') } }];
		const r = await run(argosWorkflow({ ...formAdd, collectionId: sb.collections.demo }, items), mode);
		expect(errorOf(outputsOf(r).failed[0])).toMatchObject({ code: 'IMAGE_AMBIGUOUS' });
		expect(sb.requests()).toEqual([]);
	});

	it.each(MODES)('%s mode, README chain: an empty or cut-off ID photo stops Compare before anything is compared', async (mode) => {
		for (const bad of [Buffer.alloc(0), cut(victimId())]) {
			sb.clearRequests();
			const items: FixtureItem[] = [{ json: { name: 'victim' }, binary: { selfie: file(mallorySelfie(), 's.jpg'), idPhoto: file(bad, 'id.jpg') } }];
			const r = await run(exampleChain(items, sb.collections.demo, 'victim'), mode);
			expect(r.outputs(CHAIN[1])[0]).toEqual([]);
			expect(['IMAGE_EMPTY', 'IMAGE_CORRUPT']).toContain(errorOf(r.outputs(CHAIN[1])[1][0]).code);
			expect(requestsTo('/modules/compare')).toEqual([]);
		}
	});
});

describe('HELD: Face Compare\'s scale, over every answer the sandbox can give', () => {
	const GRID = (['current', 'old'] as const).flatMap((compareShape) =>
		([1, 100] as const).flatMap((compareOldScale) => [true, false].map((compareConfidences) => ({ compareShape, compareOldScale, compareConfidences }))),
	);

	it.each(GRID)('a stranger\'s live selfie against the victim\'s ID never reaches Success (%j)', async (config) => {
		sb.setConfig(config);
		const strangers = ['mallory', 'm2', 'm3', 'm4', 'm5', 'm6'];
		const items: FixtureItem[] = strangers.map((who) => ({ json: {}, binary: { selfie: file(sb.sampleImage({ faceKey: who }), 's.jpg'), idPhoto: file(victimId(), 'id.jpg') } }));
		const r = await run(argosWorkflow(compareBinary, items));
		const { success, failed } = outputsOf(r);
		expect(success).toEqual([]);
		expect(failed).toHaveLength(strangers.length);
		for (const f of failed) expect(['FACES_DO_NOT_MATCH', 'SIMILARITY_SCALE_UNKNOWN']).toContain(errorOf(f).code);
	});
});
