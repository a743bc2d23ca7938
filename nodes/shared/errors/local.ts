/** Problems found before anything is sent, in this node's own words. */

import { APPLICANT, imageApplicantMessage } from './applicant';

/** 1 MB in the "Max Image Size (MB)" option: a binary megabyte, as n8n and Windows count file sizes. */
export const MEGABYTE = 1048576;

const megabytes = (bytes: number) => (bytes / MEGABYTE).toFixed(1);

/** Why the node did not take another file of the item in place of the missing one. */
const NOT_SUBSTITUTED = {
	default: '',
	typed: ' A name you typed is a requirement: the node never uses another file in its place, so nothing was sent.',
	compare: ' Face Compare never picks a file on its own (a wrong pick could compare a photo with itself): name both files.',
};

/**
 * As an AI-agent tool, one text for every failed download: a status, "connection refused" or a timeout
 * would tell the agent (and whoever steers it) which hosts and ports answer on the server's network.
 */
const DOWNLOAD_FAILED_WITHHELD = {
	message: 'Could not download the image from this link',
	description:
		'As an AI-agent tool the node does not say why a download failed (no HTTP status, connection error or timeout), so its answers cannot be used to map which addresses answer on the n8n server\'s network. Give a public http(s) link to an image that opens in a browser. Workflow owner: run the node with the same link outside the agent to see the cause.',
	retryable: false,
};

export const LOCAL_ERRORS = {
	IMAGE_MISSING: (d: { property: string; available: string[]; parameter?: string; named?: 'typed' | 'compare' }) => ({
		message: `No binary property "${d.property}" on this item`,
		description: d.available.length
			? `This item has binary properties: ${d.available.join(', ')}. Set "${d.parameter ?? 'Input Binary Field'}" to the one that holds the photo.${NOT_SUBSTITUTED[d.named ?? 'default']}`
			: 'This item has no binary data at all. Check that the previous node outputs the photo as a file, or switch "Image Source" to Base64 String or URL.',
		// With no file at all the applicant may simply not have attached one; a wrong name is ours to fix.
		...(d.available.length === 0 && { applicantMessage: imageApplicantMessage('IMAGE_MISSING') }),
	}),
	IMAGE_AMBIGUOUS: (d: { parameter: string; property: string; candidates: string[] }) => ({
		message: `No binary property "${d.property}" on this item, and it holds several files: ${d.candidates.join(', ')}`,
		description: `The node cannot tell which file is the photo, and it never guesses. Set "${d.parameter}" to one of ${d.candidates.join(', ')}, or let the form accept a single file.`,
		applicantMessage: imageApplicantMessage('IMAGE_AMBIGUOUS'),
	}),
	IMAGE_SAME_FILE: (d: { property?: string } = {}) => ({
		message: d.property
			? `The selfie and the ID portrait both name the binary property "${d.property}"`
			: 'The selfie and the ID portrait are the same file (identical bytes)',
		description:
			'Face Compare needs two different photos: the selfie in "Input Binary Field" and the photo of the ID document in "ID Portrait Binary Field". A photo compared with itself always matches, so nothing was sent.',
		// Two upload fields given one file: the applicant can send the right two.
		...(!d.property && { applicantMessage: APPLICANT.twoFiles }),
	}),
	IMAGE_EMPTY: () => ({
		message: 'The image is empty (0 bytes)',
		description: 'The file arrived without content. Check the upload or the previous node.',
		applicantMessage: imageApplicantMessage('IMAGE_EMPTY'),
	}),
	IMAGE_INVALID_BASE64: () => ({
		message: 'The Base64 Image is not valid base64',
		description:
			'Give plain base64 or a data URL such as data:image/jpeg;base64,/9j/… — check the expression in "Base64 Image".',
	}),
	IMAGE_UNSUPPORTED_FORMAT: (d: { detected: string }) => ({
		message: `The file is ${d.detected}, not a JPEG, PNG or WebP photo`,
		description:
			'Ask for the photo as a JPEG, PNG or WebP (phone cameras can save HEIC: choose "Most Compatible" or convert it first). If you are sure ARGOS accepts this format, turn off "Validate Image".',
		applicantMessage: imageApplicantMessage('IMAGE_UNSUPPORTED_FORMAT'),
	}),
	IMAGE_CORRUPT: (d: { format: string; problem: string }) => ({
		message: `The ${d.format} file is incomplete or damaged (${d.problem})`,
		description:
			'The file was probably cut off during upload or download. Ask for it again; nothing was sent to ARGOS. If the file opens fine elsewhere, turn off "Validate Image".',
		applicantMessage: imageApplicantMessage('IMAGE_CORRUPT'),
	}),
	IMAGE_TOO_LARGE: (d: { bytes: number; maxMb: number; stopped?: boolean }) => ({
		message: d.stopped
			? `The image is over the ${d.maxMb} MB limit (download stopped after ${megabytes(d.bytes)} MB)`
			: `The image is ${megabytes(d.bytes)} MB, over the ${d.maxMb} MB limit`,
		description:
			'Make the photo smaller (about 1280 pixels on the long side is plenty) or save it as JPEG at quality 80. The limit is the "Max Image Size (MB)" option (1 MB = 1,048,576 bytes).',
		applicantMessage: imageApplicantMessage('IMAGE_TOO_LARGE'),
	}),
	IMAGE_DOWNLOADED_AGAIN: (d: { kept: string; source: string; label: string }) => ({
		message: `This item already carries the file "${d.kept}"; the link is not downloaded again`,
		description: `A link can serve different bytes each time it is fetched, so every step must judge the same file: the one an earlier check downloaded and kept as "${d.kept}" (or that came with the item). Set "${d.source}" to Binary File and "${d.label}" to "${d.kept}"; download a link only in the first step that uses it.`,
	}),
	IMAGE_URL_INVALID: (d: { reason: string }) => ({
		message: `The Image URL ${d.reason}`,
		description: 'Give a full http:// or https:// address of the photo, e.g. from the form tool\'s file field. Check the expression in "Image URL".',
	}),
	IMAGE_URL_REFUSED: () => ({
		// Never the host or path: the link may come from text planted for the agent to read.
		message: 'The image link points to a private or local network address, which this AI-agent tool may not fetch',
		description:
			'That address was not contacted. As an AI-agent tool the node refuses image links, and redirects, to this machine, private and link-local networks, cloud metadata services and local names (localhost, *.local, *.internal, names without a dot), because what the agent passes can be steered by text it read. Give a public http(s) link to the image. Workflow owner: if the images really are on your own network, turn on "Allow Private Image Hosts" in the node options; and set N8N_SSRF_PROTECTION_ENABLED=true on the n8n server, which also stops public names that resolve to private addresses.',
	}),
	IMAGE_DOWNLOAD_FAILED: (d: { host: string; status?: number; problem?: string; timeoutSeconds?: number } | { causeWithheld: true }) => 'causeWithheld' in d ? DOWNLOAD_FAILED_WITHHELD : ({
		message:
			d.status !== undefined
				? `Could not download the image from ${d.host} (HTTP ${d.status})`
				: d.problem === 'timeout'
					? `Could not download the image from ${d.host} (not complete within ${d.timeoutSeconds ?? 30} s)`
					: `Could not download the image from ${d.host} (${d.problem ?? 'no answer'})`,
		description:
			d.status === 401 || d.status === 403
				? 'The image host refused access. Links from form tools often expire or need to be public: use a fresh or public link, or download the file in a previous node and use Binary File.'
				: d.status === 404 || d.status === 410
					? 'The image host has no file at this address. Check the Image URL; links from form tools can expire.'
					: d.problem?.includes('SSRF')
						? 'This n8n server blocks requests to this address (its SSRF protection, N8N_SSRF_* settings). Use a public image address, or ask the n8n administrator to allow this host.'
						: d.problem === 'timeout'
						? `The image host did not deliver the file within ${d.timeoutSeconds ?? 30} s. Try again, or raise "Timeout (Seconds)" in the node options.`
						: 'The image host could not be reached or failed. Check the Image URL and that this n8n server can reach that host, then try again.',
		retryable: d.status === undefined || d.status === 429 || d.status >= 500,
	}),
	ENROLLED_UNDER_ANOTHER_NAME: (d: { matches: number }) => ({
		message: 'This face is already in the collection under another user name',
		description: `"Skip If Already Enrolled" searched first and ARGOS matched the photo to ${d.matches === 1 ? 'a face' : `${d.matches} faces`} enrolled under another User Name (or one whose name ARGOS did not give). Nothing was added, and the other person's name and faceId are not shown. Check with Get Many whether this is the same person under an old key or a lookalike; enrol them deliberately if it is a different person.`,
	}),
	DELETE_NOT_CONFIRMED: (d: { faceId: string }) => ({
		message: `ARGOS answered "face not found" for ${d.faceId} after an answer was lost, but the deletion could not be confirmed`,
		description:
			'Get Many still lists the face, or could not be read to check. Run the Delete again (it is harmless if the face is gone), and check with Get Many that the face is no longer listed.',
		outcomeUnknown: true,
		retryable: true,
	}),
	TERM_TOO_SHORT: (d: { term: string }) => ({
		message: `"Filter by Face ID" must have at least 5 characters (got ${d.term.length})`,
		description: 'ARGOS matches part of the faceId and needs at least 5 characters. Lengthen it or leave it empty.',
	}),
	PARAMETER_MISSING: (d: { parameter: string }) => ({
		message: `"${d.parameter}" is empty`,
		description: `Fill in "${d.parameter}". If it is an expression, check that it gives a value for this item.`,
	}),
	PARAMETER_INVALID: (d: { parameter: string; expected: string; got: string; itemIndex: number }) => ({
		message: `"${d.parameter}" must be ${d.expected}, but item ${d.itemIndex} gave ${d.got}`,
		description: `Nothing was sent for this item. Fix the value or the expression in "${d.parameter}" so it gives ${d.expected} for every item.`,
	}),
	INVALID_INPUT: (d: { reason: string; description?: string }) => ({
		message: d.reason,
		description: d.description ?? 'Check the node parameters and the expressions they use for this item.',
	}),
	BASE_URL_INVALID: (d: { baseUrl: string; credential?: string; fallback?: string }) => ({
		message: `The Base URL "${d.baseUrl}" is not a valid URL`,
		description: `Open the ${d.credential ?? 'Argos Faces API'} credential and set Base URL to ${d.fallback ?? 'https://idverify-api.argosidentity.com'} (or your sandbox address).`,
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
	LIST_NOT_ENDING: (d: { pages: number; reason: string; narrower?: string }) => ({
		message: `Get Many stopped after ${d.pages} pages: ${d.reason}`,
		description: `ARGOS (or a proxy in front of it) did not page the way its docs say, so the list could not be completed. Use a Limit, or ${d.narrower ?? '"Filter by Face ID"'}, or check the Base URL; if it persists, report it to ARGOS support.`,
	}),
	ENCRYPTED_ANSWER: () => ({
		message: 'ARGOS answered with an encrypted body ({"data": …})',
		description:
			'"Secure Data Transmission" is on for this ID Check project, and this node reads plain JSON only. Turn the option off in the ARGOS dashboard (Project Settings → Security) for the REST API, or use a project without it.',
	}),
	SUBMISSION_NOT_FOUND: (d: { submissionId: string }) => ({
		message: `ARGOS knows no submission "${d.submissionId}"`,
		description: 'Check the Submission ID: copy it from the ARGOS dashboard or from an earlier node (Get Many, the trigger). IDs are case-sensitive.',
	}),
	SUBMISSION_DELETE_NOT_CONFIRMED: (d: { submissionId: string }) => ({
		message: `ARGOS answered "not found" for ${d.submissionId} after an answer was lost, but the deletion could not be confirmed`,
		description:
			'Get still shows the submission with its personal data, or could not be read to check. Run the Delete again (it is harmless if the submission is gone) and check it with Get.',
		outcomeUnknown: true,
		retryable: true,
	}),
	NOT_FOR_AI_AGENTS: (d: { operation: string }) => ({
		message: `${d.operation} is not available to an AI agent`,
		description:
			'Approving, rejecting, changing or erasing an ID Check submission decides who passes identity verification: an instruction hidden in a document or a chat message could steer an agent to do it. Run this operation in a regular workflow step, after your own checks; an agent may use Get, Get Many and Find Duplicates.',
	}),
	NOTHING_TO_UPDATE: () => ({
		message: 'Nothing to update: no new status and no field',
		description: 'Choose a new status or add at least one field under "Fields to Update". Nothing was sent.',
	}),
	SUBMISSION_IMAGE_UNREADABLE: (d: { type: string; problem: string }) => ({
		message: `ARGOS's ${d.type} image could not be read: ${d.problem}`,
		description: 'ARGOS (or a proxy in front of it) answered the image request with something that is not a JPEG or PNG photo. Try again; if it persists, turn off "Download Images" and report it to ARGOS support.',
		retryable: true,
	}),
};
