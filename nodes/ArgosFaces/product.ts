import type { IDataObject } from 'n8n-workflow';

import { FACE_LOST_ANSWER, FACES_CREDENTIAL, fromApiResponse } from '../shared/errors';
import type { OperationName } from '../shared/helpers/interfaces';
import { DEFAULT_BASE_URL, type Product } from '../shared/transport';

/** Face ID, Face Liveness, Face Compare, ID Liveness and ID OCR: one host, one key, one numeric code table. */
export const FACES: Product = {
	credentialType: 'argosFacesApi',
	credentialName: FACES_CREDENTIAL,
	defaultBaseUrl: DEFAULT_BASE_URL,
	pathPrefix: /\/modules$/,
	errorFrom: (operation: string, httpStatus: number, body: IDataObject | undefined) => fromApiResponse(operation as OperationName, httpStatus, body),
	lostAnswer: FACE_LOST_ANSWER,
};
