// The e2e harness's pure parts, which the e2e tests rely on without checking: the workbench URL's payload (what
// makes code-server load the extension and its tests), console formatting, and colour conversion.
import { strict as assert } from 'node:assert';
import { formatConsole } from '../e2e/harness';
import { rgbToHex } from '../e2e/workbench/driver';
import { workbenchUrl } from '../../scripts/vscode/server';

describe('the e2e harness', () => {
  it('builds the workbench URL with the payload test-electron would pass as flags', () => {
    const url = new URL(workbenchUrl('http://127.0.0.1:4242', '/repo/examples', { extensionDevelopmentPath: '/repo', extensionTestsPath: '/repo/dist/e2e-suite/index.js' }));
    assert.equal(url.origin, 'http://127.0.0.1:4242');
    assert.equal(url.searchParams.get('folder'), '/repo/examples');
    assert.deepEqual(JSON.parse(url.searchParams.get('payload')!), [
      ['extensionDevelopmentPath', 'vscode-remote://127.0.0.1:4242/repo'],
      ['extensionTestsPath', 'vscode-remote://127.0.0.1:4242/repo/dist/e2e-suite/index.js'],
    ]);
  });

  it('formats the extension host console as the workbench forwards it', () => {
    assert.equal(formatConsole(['%c INFO', 'color: #33f', '  %d passing (%s)', 7, '4s']), ' INFO   7 passing (4s)');
    assert.equal(formatConsole(['100%% done', { a: 1 }]), '100% done {"a":1}');
    assert.equal(formatConsole(['%o', { a: 1 }]), '{"a":1}');
  });

  it('converts computed colours to the theme\'s #RRGGBB', () => {
    assert.equal(rgbToHex('rgb(86, 156, 214)'), '#569CD6');
    assert.equal(rgbToHex('rgba(0, 0, 0, 0.5)'), '#000000');
    assert.throws(() => rgbToHex('red'), /not an rgb\(\) colour/);
  });
});
