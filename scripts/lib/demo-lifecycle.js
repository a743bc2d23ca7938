'use strict';
// What every demo script shares: what it started is stopped in reverse order — on success, on failure, on
// Ctrl+C, when stdout is closed (`npm run demo | head`), and after a hard timeout.

/** @param {{ timeoutMs: number }} o */
function demoLifecycle({ timeoutMs }) {
	const cleanups = [];
	let cleaning = null;
	function cleanup() {
		cleaning ??= (async () => {
			for (const fn of cleanups.reverse()) {
				try {
					await fn();
				} catch (error) {
					process.stderr.write(`demo: cleanup step failed: ${error.message}\n`);
				}
			}
		})();
		return cleaning;
	}
	function finish(code) {
		process.exitCode = code;
		return cleanup().then(() => {
			// Everything is closed, so Node exits by itself; this unref'd timer only fires if something still holds it.
			setTimeout(() => {
				process.stderr.write('demo: something kept the process alive after cleanup; exiting anyway\n');
				process.exit(code);
			}, 3000).unref();
		});
	}
	process.stdout.on('error', async (error) => {
		if (error.code !== 'EPIPE') throw error;
		await cleanup();
		process.stderr.write('demo: stdout was closed before the demo finished; stopped\n');
		process.exit(1);
	});
	for (const signal of ['SIGINT', 'SIGTERM']) {
		process.once(signal, async () => {
			process.stderr.write(`\ndemo: ${signal}, stopping the sandbox\n`);
			await cleanup();
			process.exit(130);
		});
	}
	setTimeout(() => {
		process.stderr.write(`demo: FAILED — still running after ${timeoutMs / 1000} s, giving up\n`);
		finish(1);
	}, timeoutMs).unref();
	return { cleanups, cleanup, finish };
}

module.exports = { demoLifecycle };
