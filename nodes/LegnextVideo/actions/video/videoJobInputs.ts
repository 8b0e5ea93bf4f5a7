/** The inputs extend and upscale share (which video of which video job) and their reader. */

import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { InputChecker } from '../../../legnext/validation';

export const videoJobIdProperty: INodeProperties = {
	displayName: 'Video Job ID',
	name: 'videoJobId',
	type: 'string',
	default: '',
	required: true,
	placeholder: '2cbffb65-10ac-45a2-91d4-19a19a19ab4c',
	description: 'ID (UUID) of a finished Legnext video job, e.g. the jobId output of Create Video',
};

export const videoNumberProperty: INodeProperties = {
	displayName: 'Video Number',
	name: 'videoNumber',
	type: 'number',
	default: 0,
	typeOptions: { minValue: 0, maxValue: 3 },
	description: 'Which of the job\u2019s four videos to use, 0 to 3',
};

/** The video an operation works on: `jobId` and `videoNo` of the request body. */
export function readSourceVideo(check: InputChecker): IDataObject {
	return {
		jobId: check.jobId('videoJobId', 'Video Job ID'),
		videoNo: check.resultNumber('videoNumber', 'Video Number'),
	};
}
