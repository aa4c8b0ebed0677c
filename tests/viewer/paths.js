// Where the viewer's modules are, for the tests' imports.
export const JS = new URL('../../src/VisionFlow.Server/Viewer/wwwroot/js/', import.meta.url);
export const WWWROOT = new URL('../../src/VisionFlow.Server/Viewer/wwwroot/', import.meta.url);
