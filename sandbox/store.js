'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { sha256, sampleImage } = require('./images');

const DEFAULT_SEED_PATH = path.join(__dirname, 'seed.json');

function loadSeed(seedPath) {
	const file = seedPath || DEFAULT_SEED_PATH;
	const seed = JSON.parse(fs.readFileSync(file, 'utf8'));
	if (!Array.isArray(seed.apiKeys) || !Array.isArray(seed.collections)) {
		throw new Error(`${file}: a seed needs "apiKeys" and "collections" arrays`);
	}
	for (const k of seed.apiKeys) {
		if (typeof k.key !== 'string' || !k.key || !['active', 'disabled'].includes(k.status)) {
			throw new Error(`${file}: every apiKeys entry needs a non-empty "key" and status "active" or "disabled"`);
		}
	}
	return seed;
}

function notFound(message) {
	const err = new Error(message);
	err.status = 404;
	return err;
}

const hexId = (prefix) => prefix + crypto.randomBytes(8).toString('hex');
// Same face key -> same metaFaceId: ARGOS describes metaFaceId as the id of the underlying face record.
const metaFaceIdFor = (faceKey) => 'meta_' + sha256('meta:' + faceKey).slice(0, 16);

/** In-memory collections and faces. Every method is synchronous, so concurrent requests cannot interleave. */
class Store {
	constructor(seed) {
		this.collections = new Map();
		this.faceSeq = 0;
		for (const c of seed.collections) {
			this.addCollection(c);
			for (const f of c.faces || []) {
				const image = sampleImage({ format: 'jpeg', faceKey: f.faceKey });
				this.addFace(c.id, {
					faceId: f.faceId,
					userName: f.userName,
					faceKey: f.faceKey,
					imageSha256: sha256(image),
					createdAt: f.createdAt,
				});
			}
		}
	}

	/** Upsert: re-adding an id updates status and liveness and keeps its faces, so test setup can be idempotent. */
	addCollection({ id, status = 'active', liveness = true }) {
		if (typeof id !== 'string' || !id) throw new TypeError('collection id must be a non-empty string');
		if (status !== 'active' && status !== 'deleted') throw new TypeError("collection status must be 'active' or 'deleted'");
		const existing = this.collections.get(id);
		if (existing) {
			existing.status = status;
			existing.liveness = liveness !== false;
			return existing;
		}
		const col = { id, status, liveness: liveness !== false, faces: new Map() };
		this.collections.set(id, col);
		return col;
	}

	getCollection(id) {
		return this.collections.get(id) || null;
	}

	addFace(collectionId, { faceId, userName, faceKey, imageSha256, createdAt }) {
		const col = this.collections.get(collectionId);
		if (!col) throw notFound(`unknown collection ${collectionId}`);
		let id = faceId;
		if (!id) do id = hexId('face_'); while (this.findFace(id));
		const face = {
			faceId: id,
			metaFaceId: metaFaceIdFor(faceKey),
			userName,
			faceKey,
			imageSha256: imageSha256 || null,
			createdAt: createdAt || new Date().toISOString(),
			seq: ++this.faceSeq,
		};
		col.faces.set(id, face);
		return face;
	}

	findFace(faceId) {
		for (const col of this.collections.values()) if (col.faces.has(faceId)) return col.faces.get(faceId);
		return null;
	}

	addFaces(collectionId, count, { userNamePrefix = 'bulk-user-' } = {}) {
		if (!this.collections.has(collectionId)) throw notFound(`unknown collection ${collectionId}`);
		if (!Number.isInteger(count) || count < 0) throw new TypeError('count must be a non-negative integer');
		const created = [];
		const base = this.faceSeq;
		for (let i = 1; i <= count; i++) {
			const n = String(base + i).padStart(4, '0');
			created.push(this.addFace(collectionId, { userName: userNamePrefix + n, faceKey: `bulk-${collectionId}-${base + i}` }));
		}
		return created.map(publicFace);
	}

	snapshot() {
		return [...this.collections.values()].map((c) => ({
			id: c.id,
			status: c.status,
			liveness: c.liveness,
			faces: [...c.faces.values()].map(publicFace),
		}));
	}
}

function publicFace(f) {
	return {
		faceId: f.faceId,
		metaFaceId: f.metaFaceId,
		userName: f.userName,
		createdAt: f.createdAt,
		imageSha256: f.imageSha256,
		faceKey: f.faceKey,
	};
}

module.exports = { Store, loadSeed, DEFAULT_SEED_PATH, hexId, publicFace };
