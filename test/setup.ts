// Each test file loads its own nock (jest isolates modules) but Node's http module is shared:
// unhook this file's nock when it ends, or the next file's interceptors never see a request.
import nock from 'nock';

afterAll(() => {
	nock.restore();
});
