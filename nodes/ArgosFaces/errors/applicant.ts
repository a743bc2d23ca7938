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
	retakeId:
		'We could not accept the photo of your ID document: please photograph the original card again, flat and in even light, with some background around all four edges (not a screen, print or copy).',
	samePerson:
		'Your selfie and the portrait on your ID do not seem to show the same person: please send a clear selfie and a sharp, glare-free photo of your own ID.',
} as const;
