/** Inputs several image operations share, and how they are checked. */

import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { InputChecker } from '../../../legnext/validation';

export const imageJobIdProperty: INodeProperties = {
	displayName: 'Image Job ID',
	name: 'imageJobId',
	type: 'string',
	default: '',
	required: true,
	placeholder: '7d0e8a4c-3b6f-4f1e-9a2d-5c8b1e0f6a3d',
	description:
		'ID (UUID) of a finished Legnext image job with four images, e.g. the jobId output of an Imagine operation',
};

export const imageNumberProperty: INodeProperties = {
	displayName: 'Image Number',
	name: 'imageNumber',
	type: 'number',
	default: 0,
	typeOptions: { minValue: 0, maxValue: 3 },
	description:
		'Which of the job\u2019s four images to use, 0 to 3: the index into the job\u2019s imageUrls',
};

export const remixPromptProperty: INodeProperties = {
	displayName: 'Remix Prompt',
	name: 'remixPrompt',
	type: 'string',
	default: '',
	typeOptions: { rows: 2 },
	description:
		'Optional new prompt to steer the result, up to 8192 characters. Leave empty to keep the original prompt.',
};

/** The image an operation works on: `jobId` and `imageNo` of the request body. */
export function readSourceImage(check: InputChecker): IDataObject {
	return {
		jobId: check.jobId('imageJobId', 'Image Job ID'),
		imageNo: check.resultNumber('imageNumber', 'Image Number'),
	};
}

/** Adds `remixPrompt` to the body when the field is filled in. */
export function addRemixPrompt(check: InputChecker, body: IDataObject): void {
	const remixPrompt = check.text('remixPrompt', 'Remix Prompt');
	if (remixPrompt !== '') body.remixPrompt = check.prompt(remixPrompt, 'Remix Prompt');
}
