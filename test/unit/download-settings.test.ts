/**
 * The one reader of the download parameters, shared by the Video node (per item) and by webhook calls (the
 * Trigger, pause mode's resume): every value is checked before anything is sent or downloaded.
 */
import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { NO_DOWNLOAD, readDownloadSettings } from '../../nodes/legnext/downloadParameters';
import { InputChecker } from '../../nodes/legnext/validation';

const node = { name: 'Legnext Video', type: 'n8n-nodes-legnext-video.legnextVideo' };

/** An execute context whose parameters are `parameters` for every item. */
function executeContext(parameters: Record<string, unknown>): IExecuteFunctions {
	return {
		getNode: () => node,
		getNodeParameter: (name: string, _itemIndex: number, fallback: unknown) =>
			name in parameters ? parameters[name] : fallback,
	} as unknown as IExecuteFunctions;
}

/** A webhook context: its getNodeParameter takes no item index. */
function webhookContext(parameters: Record<string, unknown>): IWebhookFunctions {
	return {
		getNode: () => node,
		getBodyData: () => ({}),
		getNodeParameter: (name: string, fallback: unknown) =>
			name in parameters ? parameters[name] : fallback,
	} as unknown as IWebhookFunctions;
}

describe('readDownloadSettings', () => {
	it('refuses an unknown mode, naming the field and the item (it used to download everything)', () => {
		const check = new InputChecker(executeContext({ download: 'everything' }), 2);
		expect(() => readDownloadSettings(check)).toThrow(
			'Download Result Files must be one of "none", "one", "all", "grid", "allAndGrid", got "everything" (item 2)',
		);
	});

	it('checks the result number and the field name of a download', () => {
		const settings = readDownloadSettings(
			new InputChecker(
				executeContext({ download: 'one', downloadNumber: 2, binaryPropertyName: 'video' }),
				0,
			),
		);
		expect(settings).toEqual({ mode: 'one', resultNumber: 2, binaryProperty: 'video' });
		const outOfRange = new InputChecker(
			executeContext({ download: 'one', downloadNumber: 4, binaryPropertyName: 'data' }),
			1,
		);
		expect(() => readDownloadSettings(outOfRange)).toThrow(
			/^Result to Download must be a whole number from 0 to 3, got 4 \(item 1\)/,
		);
	});

	it('reads a webhook call the same way, as item 0', () => {
		const check = new InputChecker(
			webhookContext({ download: 'all', binaryPropertyName: 'file' }),
			0,
		);
		expect(readDownloadSettings(check)).toEqual({
			mode: 'all',
			resultNumber: 0,
			binaryProperty: 'file',
		});
		const reserved = new InputChecker(
			webhookContext({ download: 'all', binaryPropertyName: '__proto__' }),
			0,
		);
		expect(() => readDownloadSettings(reserved)).toThrow(
			/^Put Output File in Field must not be a reserved name/,
		);
	});

	it('checks nothing more when nothing is downloaded', () => {
		const check = new InputChecker(
			executeContext({ download: 'none', binaryPropertyName: '__proto__' }),
			0,
		);
		expect(readDownloadSettings(check)).toBe(NO_DOWNLOAD);
	});
});
