/** The download parameters, the same in the Video and Trigger nodes, and their one reader. */

import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import type { InputChecker } from './validation';

/** `grid` and `allAndGrid` are offered by image operations whose jobs make a 2x2 grid. */
type DownloadMode = 'none' | 'one' | 'all' | 'grid' | 'allAndGrid';

const DOWNLOAD_MODES: readonly DownloadMode[] = ['none', 'one', 'all', 'grid', 'allAndGrid'];

export interface DownloadSettings {
	mode: DownloadMode;
	/** Which result to fetch in mode `one` (0-3). */
	resultNumber: number;
	binaryProperty: string;
}

/** No files: Wait for Completion is off, or the job has text results only. */
export const NO_DOWNLOAD: DownloadSettings = {
	mode: 'none',
	resultNumber: 0,
	binaryProperty: 'data',
};

/**
 * The download choices, the same in the Video and Trigger nodes; `show` adds conditions (e.g. only when waiting).
 * `gridImages` is for image operations whose jobs make a 2x2 grid plus its four images: it adds the grid choices.
 */
export function downloadProperties(
	show: IDisplayOptions['show'] = {},
	kind: 'results' | 'gridImages' = 'results',
): INodeProperties[] {
	const grid = kind === 'gridImages';
	const download: INodeProperties = grid
		? {
				displayName: 'Download Result Files',
				name: 'download',
				type: 'options',
				default: 'all',
				description:
					'Whether to download the finished images as binary files for the next nodes: the 2x2 grid, the four separate images, or both',
				options: [
					{
						name: 'All Images',
						value: 'all',
						description: 'Download the four images as separate files',
					},
					{
						name: 'All Images and Grid',
						value: 'allAndGrid',
						description: 'Download the four images and the grid',
					},
					{
						name: 'Grid',
						value: 'grid',
						description: 'Download the 2x2 grid of the four images as one file',
					},
					{ name: 'None', value: 'none', description: 'Only return the image URLs' },
					{
						name: 'One Image',
						value: 'one',
						description: 'Download one of the four images, chosen by number',
					},
				],
				displayOptions: { show: { ...show } },
			}
		: {
				displayName: 'Download Result Files',
				name: 'download',
				type: 'options',
				default: 'one',
				description:
					'Whether to download the finished videos (or images) as binary files for the next nodes',
				options: [
					{ name: 'None', value: 'none', description: 'Only return the result URLs' },
					{ name: 'One', value: 'one', description: 'Download one result, chosen by number' },
					{ name: 'All', value: 'all', description: 'Download every result of the job' },
				],
				displayOptions: { show: { ...show } },
			};
	return [
		download,
		{
			displayName: 'Result to Download',
			name: 'downloadNumber',
			type: 'options',
			default: 0,
			// Legnext's app numbers a job's four results 1 to 4; the API (and an expression here) counts 0 to 3.
			options: [1, 2, 3, 4].map((n) => ({
				name: `${grid ? 'Image' : 'Result'} ${n}${n === 1 ? ' (First)' : ''}`,
				value: n - 1,
			})),
			description: `Which of the job's four ${grid ? 'images' : 'results'} to download, counted from 1 as in Legnext's app. An expression gives 0 to 3 (0 is the first). A job with a single result always gives that one.`,
			displayOptions: { show: { ...show, download: ['one'] } },
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			description: grid
				? 'Name of the binary field for the file. With "All Images", files go to &lt;name&gt;_0 to &lt;name&gt;_3, and the grid (with "All Images and Grid") to &lt;name&gt;_grid.'
				: 'Name of the binary field for the file. With "All", files go to &lt;name&gt;_0, &lt;name&gt;_1, and so on.',
			displayOptions: {
				show: { ...show, download: grid ? ['one', 'all', 'grid', 'allAndGrid'] : ['one', 'all'] },
			},
		},
	];
}

/**
 * Reads and checks the download choices of one item (a webhook call reads item 0). An unknown mode, result
 * number or field name fails here, naming the field and the item, before anything is sent or downloaded.
 */
export function readDownloadSettings(check: InputChecker): DownloadSettings {
	const mode = check.option('download', 'Download Result Files', DOWNLOAD_MODES);
	if (mode === 'none') return NO_DOWNLOAD;
	return {
		mode,
		binaryProperty: check.binaryFieldName('binaryPropertyName', 'Put Output File in Field'),
		resultNumber: mode === 'one' ? check.resultNumber('downloadNumber', 'Result to Download') : 0,
	};
}
