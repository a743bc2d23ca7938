import type { IDataObject } from 'n8n-workflow';

/** Operation values double as module names under actions/<resource>/ (`delete` is a reserved word). */
export type OperationName = 'add' | 'search' | 'getAll' | 'deleteFace' | 'check' | 'compare' | 'checkLiveness' | 'read';

/** POST /modules/faces */
export interface AddFaceResponse {
	message?: string;
	faceId?: string;
	metaFaceId?: string;
	option?: IDataObject;
	livenessScore?: number;
}

/** GET /modules/faces — `totalCount` is a string in the new docs and a number in the old ones. */
export interface FaceListResponse {
	message?: string;
	result?: Array<{
		collection_id?: string;
		face_id?: string;
		user_name?: string;
		create_time?: string;
		meta_face_id?: string;
	}>;
	totalCount?: string | number;
}

/** POST /modules/search — ARGOS documents two incompatible shapes; both are accepted. */
export interface SearchResponse {
	message?: string;
	/** Shape A */
	searchId?: string;
	requestName?: string;
	userName?: string;
	option?: IDataObject;
	faceIdList?: string[];
	/** Shape B */
	result?: Array<{ face_id?: string; user_name?: string; similarity_score?: number | string }>;
}

export interface SearchMatch extends IDataObject {
	faceId: string;
	userName?: string;
	similarity?: number;
}

export interface SearchOutput extends IDataObject {
	matched: boolean;
	matches: SearchMatch[];
	bestMatch?: SearchMatch;
	searchId?: string;
	requestName?: string;
	option?: IDataObject;
}

/** An image ready to send. Held only while its request is in flight. */
export interface EncodedImage {
	base64: string;
	bytes: number;
	mimeType: string;
	format: string;
	/** Where the photo came from, for the Success output: which binary, which host, its size and format. */
	summary: IDataObject;
}
