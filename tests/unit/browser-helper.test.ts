/** The one allowed skip of the browser tests: a machine without Chromium, and then they say why. */
describe('describeInBrowser', () => {
  afterEach(() => {
    jest.resetModules();
    jest.restoreAllMocks();
  });

  const load = (chromiumPath: string | undefined) => {
    jest.doMock('../../scripts/lib', () => ({ findChromium: () => chromiumPath }));
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { describeInBrowser } = require('../helpers/browser') as typeof import('../helpers/browser');
    return { describeInBrowser, warn };
  };

  test('is describe.skip, with a warning naming Chromium, when Chromium is missing', () => {
    const { describeInBrowser, warn } = load(undefined);
    expect(describeInBrowser).toBe(describe.skip);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Chromium not found'));
  });

  test('is the plain describe, without a warning, when Chromium is there', () => {
    const { describeInBrowser, warn } = load('/usr/bin/chromium');
    expect(describeInBrowser).toBe(describe);
    expect(warn).not.toHaveBeenCalled();
  });
});
