import type { IDataObject } from 'n8n-workflow';

import { ID_CHECK_CREDENTIAL } from '../shared/errors';
import { ID_CHECK_LOST_ANSWER, idCheckError } from '../shared/errors/idCheck';
import type { Product } from '../shared/transport';

/** ARGOS ID Check REST v3: its own host and project key, and errors that are sentences. */
export const ID_CHECK: Product = {
	credentialType: 'argosIdCheckApi',
	credentialName: ID_CHECK_CREDENTIAL,
	defaultBaseUrl: 'https://rest-api.argosidentity.com',
	pathPrefix: /\/v3$/,
	errorFrom: (_operation: string, httpStatus: number, body: IDataObject | undefined) => idCheckError(httpStatus, body),
	lostAnswer: ID_CHECK_LOST_ANSWER,
};
