import { LabIcon } from '@jupyterlab/ui-components';

/** The nbversion mark: a notebook page with a branch of versions. */
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M6 2h9l5 5v13a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm8 1.5V8h4.5L14 3.5z" fill-opacity="0.35"/>
    <circle cx="9" cy="11" r="1.8"/>
    <circle cx="9" cy="18" r="1.8"/>
    <circle cx="15" cy="14" r="1.8"/>
    <path d="M8.3 12.5h1.4v4h-1.4zM9.6 11.9l4.4 1.6-.5 1.3-4.4-1.6z"/>
  </g>
</svg>`;

export const nbversionIcon = new LabIcon({
  name: 'nbversion:icon',
  svgstr: svg
});
