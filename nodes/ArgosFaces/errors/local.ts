/** Problems found before anything is sent, in this node's own words. */

export const LOCAL_ERRORS = {
	IMAGE_MISSING: (d: { property: string; available: string[] }) => ({
		message: `No binary property "${d.property}" on this item`,
		description: d.available.length
			? `This item has binary properties: ${d.available.join(', ')}. Set "Input Binary Field" to the one that holds the photo.`
			: 'This item has no binary data at all. Check that the previous node outputs the photo as a file, or switch "Image Source" to Base64 String.',
	}),
	IMAGE_EMPTY: () => ({
		message: 'The image is empty (0 bytes)',
		description: 'The file arrived without content. Check the upload or the previous node.',
	}),
	IMAGE_INVALID_BASE64: () => ({
		message: 'The Base64 Image is not valid base64',
		description:
			'Give plain base64 or a data URL such as data:image/jpeg;base64,/9j/… — check the expression in "Base64 Image".',
	}),
	IMAGE_UNSUPPORTED_FORMAT: (d: { detected: string }) => ({
		message: `The file is ${d.detected}, not a JPEG, PNG or WebP photo`,
		description:
			'Ask for the selfie as a JPEG or PNG (phone cameras can save HEIC: choose "Most Compatible" or convert it first). If you are sure ARGOS accepts this format, turn off "Validate Image".',
	}),
	IMAGE_TOO_LARGE: (d: { bytes: number; maxMb: number }) => ({
		message: `The image is ${(d.bytes / 1048576).toFixed(1)} MB, over the ${d.maxMb} MB limit`,
		description:
			'Make the photo smaller (about 1280 pixels on the long side is plenty) or save it as JPEG at quality 80. The limit is the "Max Image Size (MB)" option.',
	}),
	TERM_TOO_SHORT: (d: { term: string }) => ({
		message: `"Filter by Face ID" must have at least 5 characters (got ${d.term.length})`,
		description: 'ARGOS matches part of the faceId and needs at least 5 characters. Lengthen it or leave it empty.',
	}),
	PARAMETER_MISSING: (d: { parameter: string }) => ({
		message: `"${d.parameter}" is empty`,
		description: `Fill in "${d.parameter}". If it is an expression, check that it gives a value for this item.`,
	}),
	INVALID_INPUT: (d: { reason: string; description?: string }) => ({
		message: d.reason,
		description: d.description ?? 'Check the node parameters and the expressions they use for this item.',
	}),
	BASE_URL_INVALID: (d: { baseUrl: string }) => ({
		message: `The Base URL "${d.baseUrl}" is not a valid URL`,
		description:
			'Open the Argos Faces API credential and set Base URL to https://idverify-api.argosidentity.com (or your sandbox address).',
	}),
	BASE_URL_INSECURE: (d: { baseUrl: string }) => ({
		message: `The Base URL "${d.baseUrl}" uses plain http:// to a host that is not this machine`,
		description:
			'The API key would travel unencrypted, so nothing was sent. Use https:// (plain http:// is only allowed for localhost, e.g. the local sandbox).',
	}),
	CANCELLED: () => ({
		message: 'The execution was cancelled before this item finished',
		description: 'Run the workflow again for this item.',
	}),
	LIST_NOT_ENDING: (d: { pages: number; reason: string }) => ({
		message: `Get Many stopped after ${d.pages} pages: ${d.reason}`,
		description:
			'ARGOS (or a proxy in front of it) did not page the way its docs say, so the list could not be completed. Use a Limit, or "Filter by Face ID", or check the Base URL; if it persists, report it to ARGOS support.',
	}),
};
