/**
 * Runs work for item indexes with at most `concurrency` in flight. Results are stored by index by the
 * caller, so output order never depends on which request finishes first; and since each worker loads its
 * image only when it starts, at most `concurrency` encoded images are held at once.
 */
export async function runPool(
	indexes: number[],
	concurrency: number,
	worker: (index: number) => Promise<void>,
	keepGoing: () => boolean = () => true,
): Promise<void> {
	let next = 0;
	const lane = async () => {
		while (next < indexes.length && keepGoing()) await worker(indexes[next++]);
	};
	const lanes = Math.max(1, Math.min(Math.floor(concurrency) || 1, indexes.length));
	await Promise.all(Array.from({ length: lanes }, lane));
}
