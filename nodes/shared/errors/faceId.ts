/**
 * Face ID's errorCodes (6010–6040). ARGOS's generations of docs disagree (see shared/argos-face-api.md):
 * delete has three code lists and search two, so operation-specific meanings override the shared one.
 */
import { APPLICANT } from './applicant';
import type { CodeEntry, ErrorText } from './types';

const FIX_COLLECTION_ID =
	'Fill in Collection ID with the ID shown in your ARGOS dashboard (Face ID → Collections).';
const COLLECTION_NOT_FOUND: ErrorText = {
	message: 'Collection not found',
	description:
		'No collection has this ID. Copy the Collection ID again from the ARGOS dashboard (IDs are case-sensitive, no spaces).',
};
const COLLECTION_DELETED: ErrorText = {
	message: 'This collection was deleted',
	description:
		'The collection exists but has been deleted in ARGOS. Choose an active collection in the dashboard and update Collection ID.',
};
const LIVENESS_FAILED: ErrorText = {
	message: 'The selfie failed the liveness check',
	description:
		'ARGOS judged that this photo does not show a live person (for example a photo of a screen or a print, or too dark or blurred). Ask the person to retake the selfie: face the camera, even light, no sunglasses or mask, the whole face in the frame.',
	applicantMessage: APPLICANT.retake,
};
export const IMAGE_TOO_LARGE_API: ErrorText = {
	message: 'The image is too large for ARGOS',
	description:
		'Make the photo smaller (about 1280 pixels on the long side is plenty) or save it as JPEG at quality 80, then try again.',
	applicantMessage: APPLICANT.smaller,
};
const IMAGE_FORMAT_API: ErrorText = {
	message: 'ARGOS could not read this image',
	description:
		'Send a JPEG, PNG or WebP photo; if ARGOS refuses a WebP, convert it to JPEG (Face ID does not list its formats; other ARGOS APIs name JPEG and PNG, Face Liveness also WebP). If the image is given as text, it must be plain base64 or a data URL; try the other "Send Image As" setting if your ARGOS account expects it.',
	applicantMessage: APPLICANT.format,
};
const GENERIC_FAILURE = (what: string): ErrorText => ({
	message: `ARGOS could not ${what}`,
	description:
		'ARGOS gave no reason. Try again in a few minutes; if it keeps failing, contact ARGOS support with the time of the request.',
	retryable: true,
});
const FACE_NOT_FOUND: ErrorText = {
	message: 'Face not found in this collection',
	description:
		'The face may already have been deleted, or it belongs to another collection. Check Face ID and Collection ID (Get Many lists the faces of a collection).',
};
const COLLECTION_ID_REQUIRED: ErrorText = { message: 'Collection ID is missing', description: FIX_COLLECTION_ID };
const FACE_ID_REQUIRED: ErrorText = {
	message: 'Face ID is missing',
	description: 'Fill in Face ID with a faceId returned by Add or Get Many.',
};

/** Every documented ARGOS Face ID errorCode (6010–6040, all doc generations). */
export const FACE_ID_ERRORS: Record<number, CodeEntry> = {
	6010: { ...COLLECTION_ID_REQUIRED },
	6011: {
		message: 'ARGOS did not receive a usable face image',
		description:
			'ARGOS documents this code both as "WorkspaceId is required" and as "face image missing". Check that the image reaches the node (Input Binary Field, Base64 Image or Image URL) and that the API key belongs to a Face ID workspace.',
	},
	6012: {
		...GENERIC_FAILURE('add the face'),
		byOperation: { deleteFace: GENERIC_FAILURE('delete the face') },
	},
	6013: { ...COLLECTION_NOT_FOUND },
	6014: { ...COLLECTION_DELETED },
	6015: { ...LIVENESS_FAILED },
	6016: { ...IMAGE_TOO_LARGE_API },
	6017: { ...IMAGE_FORMAT_API },
	6018: { ...COLLECTION_ID_REQUIRED },
	6019: { ...FACE_ID_REQUIRED },
	6020: { ...COLLECTION_DELETED },
	6021: { ...FACE_NOT_FOUND },
	6022: { ...FACE_NOT_FOUND },
	6023: GENERIC_FAILURE('delete the face'),
	6024: { ...COLLECTION_ID_REQUIRED },
	6025: {
		message: 'The Face ID filter is too short',
		description: 'Use at least 5 characters of the faceId in "Filter by Face ID", or leave it empty.',
	},
	6026: {
		message: 'ARGOS rejected the page number',
		description: 'This points to a bug in the Argos Faces node; please report it with the workflow.',
	},
	6027: { ...COLLECTION_NOT_FOUND },
	6028: { ...COLLECTION_DELETED },
	6029: GENERIC_FAILURE('list the faces'),
	// 6030–6034 mean different things on search (EN docs) and on delete (KO docs).
	6030: { ...COLLECTION_ID_REQUIRED },
	6031: {
		message: 'Request Name is missing',
		description: 'Fill in Request Name: any label for this search, such as the applicant ID.',
		byOperation: { deleteFace: FACE_ID_REQUIRED },
	},
	6032: {
		message: 'ARGOS did not receive a valid face image',
		description:
			'Check that the image reaches the node (Input Binary Field, Base64 Image or Image URL) and is a clear JPEG, PNG or WebP photo of one face.',
		applicantMessage: APPLICANT.noFace,
		byOperation: { deleteFace: COLLECTION_NOT_FOUND },
	},
	6033: { ...COLLECTION_NOT_FOUND, byOperation: { deleteFace: COLLECTION_DELETED } },
	6034: { ...COLLECTION_DELETED, byOperation: { deleteFace: GENERIC_FAILURE('delete the face') } },
	// The KO search page lists 6035–6038 with other meanings; ARGOS's own message is kept beside ours.
	6035: { ...LIVENESS_FAILED },
	6036: { ...IMAGE_TOO_LARGE_API },
	6037: { ...IMAGE_FORMAT_API },
	6038: GENERIC_FAILURE('search the collection'),
	6039: {
		message: 'ARGOS received no API key',
		description:
			'Open the Argos Faces API credential and fill in the API Key from your ARGOS dashboard.',
	},
	6040: {
		message: 'ARGOS rejected the API key',
		description:
			'Copy the API key again from the ARGOS dashboard and check that it is active. If your ARGOS account uses an IP allow-list, add the IP address of this n8n server.',
	},
};
