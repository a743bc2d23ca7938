import { needsNextPage, PAGE_SIZE } from '../../nodes/ArgosFaces/actions/face/getAll.operation';
import { normaliseSearch } from '../../nodes/ArgosFaces/actions/face/search.operation';

describe('search response shapes', () => {
	it('shape B (result[] with scores) becomes matches sorted best first', () => {
		const out = normaliseSearch({
			message: 'Search completed successfully',
			result: [
				{ face_id: 'face_2', user_name: 'Bo', similarity_score: 81.5 },
				{ face_id: 'face_1', user_name: 'Ann', similarity_score: '99.2' as unknown as number },
			],
		});
		expect(out).toEqual({
			matched: true,
			matches: [
				{ faceId: 'face_1', userName: 'Ann', similarity: 99.2 },
				{ faceId: 'face_2', userName: 'Bo', similarity: 81.5 },
			],
			bestMatch: { faceId: 'face_1', userName: 'Ann', similarity: 99.2 },
		});
	});

	it('shape A (faceIdList[] of ids) keeps searchId, requestName and option', () => {
		const option = { option_liveness: true, liveNess_threshold: 50, liveNessScore: 88, policy_similarity: 80 };
		const out = normaliseSearch({ message: 'success', searchId: 's_1', requestName: 'probe', option, faceIdList: ['face_9'] });
		expect(out).toEqual({
			matched: true,
			matches: [{ faceId: 'face_9' }],
			bestMatch: { faceId: 'face_9' },
			searchId: 's_1',
			requestName: 'probe',
			option,
		});
	});

	it('an empty list in either shape is matched: false', () => {
		for (const body of [{ result: [] }, { faceIdList: [], searchId: 'x', userName: 'old-docs' }]) {
			const out = normaliseSearch(body);
			expect(out.matched).toBe(false);
			expect(out.matches).toEqual([]);
			expect(out.bestMatch).toBeUndefined();
		}
		expect(normaliseSearch({ faceIdList: [], searchId: 'x', userName: 'old-docs' }).requestName).toBe('old-docs');
	});

	it('a missing or unreadable list is not "no match": it is INVALID_RESPONSE (read as no match, Skip If Already Enrolled would enrol again)', () => {
		const bodies = [{ message: 'ok' }, { searchId: 'x', userName: 'old-docs' }, { result: null }, { result: { face_id: 'f' } }, { faceIdList: 'face_1,face_2' }, { result: [{ user_name: 'no id' }] }];
		for (const body of bodies) expect(() => normaliseSearch(body as never)).toThrow(expect.objectContaining({ info: expect.objectContaining({ code: 'INVALID_RESPONSE' }) }));
	});
});

describe('Get Many pagination stop rule', () => {
	it('pages of 50 until a short or empty page, totalCount, or the limit', () => {
		expect(PAGE_SIZE).toBe(50);
		expect(needsNextPage({ page: 1, pageItems: 50, collected: 50 })).toBe(true);
		expect(needsNextPage({ page: 1, pageItems: 49, collected: 49 })).toBe(false);
		expect(needsNextPage({ page: 3, pageItems: 0, collected: 100 })).toBe(false);
		expect(needsNextPage({ page: 2, pageItems: 50, collected: 100, totalCount: 100 })).toBe(false);
		expect(needsNextPage({ page: 2, pageItems: 50, collected: 100, totalCount: 120 })).toBe(true);
		expect(needsNextPage({ page: 2, pageItems: 50, collected: 100, limit: 70 })).toBe(false);
		expect(needsNextPage({ page: 1, pageItems: 50, collected: 50, limit: 70 })).toBe(true);
	});
});
