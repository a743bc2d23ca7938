/**
 * What the applicant reads (error.applicantMessage): one plain sentence a form ending page or an e-mail can
 * show as is. Shared by every product and the local checks, so the same problem reads the same.
 */
export const APPLICANT = {
	retake:
		'We could not confirm a live face in your selfie: please take a new one facing the camera in even light, without sunglasses or a mask, with your whole face in the frame.',
	smaller: 'Your photo is too large: please send a smaller one, for example a normal phone photo rather than a scan.',
	format:
		'Your file is not a photo we can read: please send a JPEG, PNG or WebP photo (on an iPhone, set Camera → Formats to "Most Compatible").',
	noFace: 'We could not find a face in your photo: please send a clear, well-lit photo of your face.',
	noPortrait:
		'We could not find the portrait on your ID document: please send a sharp photo of the whole document, without glare on the portrait.',
	noFaceInEither:
		'We could not find a face in your selfie or on your ID document: please send a clear selfie and a sharp photo of your ID document.',
	retakeId:
		'We could not accept the photo of your ID document: please photograph the original card again, flat and in even light, with some background around all four edges (not a screen, print or copy).',
	samePerson:
		'Your selfie and the portrait on your ID do not seem to show the same person: please send a clear selfie and a sharp, glare-free photo of your own ID.',
	twoFiles: 'We received the same file twice: please send a selfie and, separately, a photo of your ID document.',
} as const;

/**
 * What an image is for in its operation. The applicant is told about the image they can fix: a selfie
 * problem must never read as a problem with their ID and the other way round.
 */
export type ImageRole = 'selfie' | 'idPortrait' | 'idDocument';

/** How a sentence names the image: as what to send (object) and as what arrived (subject). */
const PHOTO: Record<ImageRole, { object: string; subject: string }> = {
	selfie: { object: 'photo of your face', subject: 'Your selfie' },
	idPortrait: { object: 'photo of your ID document', subject: 'The photo of your ID document' },
	idDocument: { object: 'photo of your ID document', subject: 'The photo of your ID document' },
};

/** Sentences for problems with one image, by local code; the selfie's wording is the default. */
const IMAGE_PROBLEMS: Record<string, (photo: { object: string; subject: string }) => string> = {
	IMAGE_MISSING: (p) => `We did not receive a photo: please attach a ${p.object} and send it again.`,
	IMAGE_AMBIGUOUS: (p) => `We received several files: please send exactly one ${p.object}.`,
	IMAGE_EMPTY: (p) => `${p.subject} arrived empty: please send it again.`,
	IMAGE_CORRUPT: (p) => `${p.subject} did not arrive complete: please send it again.`,
	IMAGE_TOO_LARGE: (p) => `${p.subject} is too large: please send a smaller one, for example a normal phone photo rather than a scan.`,
	IMAGE_UNSUPPORTED_FORMAT: (p) =>
		`${p.subject} is not a file we can read: please send a JPEG, PNG or WebP photo (on an iPhone, set Camera → Formats to "Most Compatible").`,
};

/** The applicant's sentence for an image problem, worded for the image's role; undefined for other codes. */
export function imageApplicantMessage(code: string | number, role: ImageRole = 'selfie'): string | undefined {
	return IMAGE_PROBLEMS[code]?.(PHOTO[role]);
}
