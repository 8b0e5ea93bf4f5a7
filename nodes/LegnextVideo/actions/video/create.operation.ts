/** Create video: `POST /api/v1/video-diffusion`, animating an image (from an image job or a URL) or, unconfirmed, text alone. */

import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { creditsFor, describeCredits } from '../../../legnext/credits';
import { InputChecker } from '../../../legnext/validation';
import { submitProperties } from '../descriptions';
import { planSubmit } from '../run';
import type { ItemRun } from '../types';

const properties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		default: 'imageUrl',
		description: 'What the video starts from',
		options: [
			{
				name: 'Image URL',
				value: 'imageUrl',
				description: 'Animate an image from a public http(s) URL',
			},
			{
				name: 'Image Job',
				value: 'imageJob',
				description: 'Animate one of the four images of a finished Legnext image job',
			},
			{
				name: 'Text Only (Not Confirmed by Legnext Docs)',
				value: 'text',
				description:
					'Video from a prompt alone. The API spec mentions it but the current docs do not; it may be refused.',
			},
		],
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/picture.png',
		description: 'Public http(s) URL of the image to animate (the first frame)',
		displayOptions: { show: { source: ['imageUrl'] } },
	},
	{
		displayName: 'Image Job ID',
		name: 'imageJobId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '2cbffb65-10ac-45a2-91d4-19a19a19ab4c',
		description:
			'ID (UUID) of a finished Legnext image job, e.g. the jobId output of an Imagine operation',
		displayOptions: { show: { source: ['imageJob'] } },
	},
	{
		displayName: 'Image Number',
		name: 'imageNumber',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0, maxValue: 3 },
		description: 'Which of the job\u2019s four images to animate, 0 to 3',
		displayOptions: { show: { source: ['imageJob'] } },
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		default: '',
		typeOptions: { rows: 3 },
		placeholder: 'The camera slowly circles the lighthouse as waves crash',
		description:
			'What should happen in the video. Required for Text Only, optional otherwise. Up to 8192 characters including flags.',
	},
	{
		displayName: 'Quality',
		name: 'quality',
		type: 'options',
		default: 0,
		description: 'Resolution of the four 4-second videos (720p costs about 3x the credits)',
		options: [
			{
				name: '480p',
				value: 0,
				description: `About ${describeCredits(creditsFor('video:create', 0))}`,
			},
			{
				name: '720p',
				value: 1,
				description: `About ${describeCredits(creditsFor('video:create', 1))}`,
			},
		],
	},
	{
		displayName: 'Prompt Options',
		name: 'promptOptions',
		type: 'collection',
		placeholder: 'Add Prompt Option',
		default: {},
		description: 'Legnext prompt flags, added to the prompt for you',
		options: [
			{
				displayName: 'Motion',
				name: 'motion',
				type: 'options',
				default: 'low',
				description: 'How much movement the video has (--motion)',
				options: [
					{ name: 'Low', value: 'low' },
					{ name: 'High', value: 'high' },
				],
			},
			{
				displayName: 'Raw',
				name: 'raw',
				type: 'boolean',
				default: true,
				description: 'Whether to follow the prompt more literally, with less styling (--raw)',
			},
			{
				displayName: 'End Frame Image URL',
				name: 'endFrameUrl',
				type: 'string',
				default: '',
				description: 'Public http(s) URL of an image the video should end on (--end)',
			},
		],
	},
	...submitProperties(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['create'] } },
	properties,
);

export function plan(ctx: IExecuteFunctions, itemIndex: number): ItemRun {
	const check = new InputChecker(ctx, itemIndex);
	const source = ctx.getNodeParameter('source', itemIndex) as string;
	const text = check.text('prompt', 'Prompt');
	const flags = promptFlags(ctx, check, itemIndex);
	const quality = check.optionCode('quality', 'Quality', 1);
	const body: IDataObject = { videoType: quality };

	if (source === 'imageJob') {
		body.jobId = check.jobId('imageJobId', 'Image Job ID');
		body.imageNo = check.resultNumber('imageNumber', 'Image Number');
		const prompt = joinPrompt(text, flags);
		if (prompt !== '') body.prompt = check.prompt(prompt, 'Prompt', text, 'the prompt options');
	} else if (source === 'imageUrl') {
		const imageUrl = check.url('imageUrl', 'Image URL', true);
		const added = flags === '' ? 'the Image URL' : 'the Image URL and the prompt options';
		body.prompt = check.prompt(joinPrompt(imageUrl, text, flags), 'Prompt', text, added);
	} else if (source === 'text') {
		if (text === '') check.fail('Prompt', 'is empty', 'Text Only videos need a prompt.');
		body.prompt = check.prompt(joinPrompt(text, flags), 'Prompt', text, 'the prompt options');
	} else {
		check.fail('Source', `must be Image URL, Image Job or Text Only, got "${source}"`);
	}

	return planSubmit(ctx, itemIndex, {
		path: '/api/v1/video-diffusion',
		body,
		creditsNeeded: creditsFor('video:create', quality),
	});
}

function promptFlags(ctx: IExecuteFunctions, check: InputChecker, itemIndex: number): string {
	const options = ctx.getNodeParameter('promptOptions', itemIndex, {}) as IDataObject;
	const flags: string[] = [];
	if (options.motion === 'low' || options.motion === 'high')
		flags.push(`--motion ${options.motion}`);
	else if (options.motion !== undefined) check.fail('Motion', 'must be Low or High');
	if (options.raw === true) flags.push('--raw');
	if (options.endFrameUrl !== undefined) {
		const endFrame = check.text('promptOptions.endFrameUrl', 'End Frame Image URL');
		if (endFrame !== '') {
			check.checkUrl(endFrame, 'End Frame Image URL');
			flags.push(`--end ${endFrame}`);
		}
	}
	return flags.join(' ');
}

function joinPrompt(...parts: string[]): string {
	return parts.filter((part) => part !== '').join(' ');
}
