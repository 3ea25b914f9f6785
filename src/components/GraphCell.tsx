import * as React from 'react';

import { IGraphRow } from '../graph';

/** Theme colours cycled by lane, as `git log --graph` does: neighbours differ. */
const COLORS = [
  'var(--jp-brand-color1)',
  'var(--jp-warn-color1)',
  'var(--jp-success-color1)',
  'var(--jp-error-color1)',
  'var(--jp-accent-color1)',
  'var(--jp-brand-color3)'
];

/** The colour of a lane. */
export function laneStroke(lane: number): string {
  return COLORS[lane % COLORS.length];
}

/** Width of one lane in pixels. */
export const LANE_WIDTH = 12;
const PAD = 2;
/** How far below the node a line bends into its lane (px). */
const BEND = 12;

/** Horizontal centre of a lane. */
function x(lane: number): number {
  return PAD + lane * LANE_WIDTH + LANE_WIDTH / 2;
}

/** Pixel width of a graph column of `lanes` lanes. */
export function graphPixels(lanes: number): number {
  return PAD * 2 + lanes * LANE_WIDTH;
}

/**
 * One row of the history graph as SVG: lines through the row, lines from children
 * ending at the node, the node, and lines down to the parents (a join's second
 * parent is marked `data-edge="join"`). The SVG fills its row's height, so rows of
 * any height (an expanded sidebar row) keep the lines joined.
 */
export const GraphCell = React.memo(
  (props: {
    row: IGraphRow;
    /** Lanes of the whole column (fixed width, so rows line up). */
    lanes: number;
    /** Vertical position of the node (px from the row's top). */
    nodeY: number;
    /** Branch of the version (named in the node's tooltip). */
    branch: string | null;
    /** An undo point: drawn hollow and dimmed. */
    undo?: boolean;
    className?: string;
  }): JSX.Element => {
    const { row, nodeY } = props;
    const nx = x(row.lane);
    const joins = row.out.filter(e => e.join).length;
    return (
      <svg
        className={`jp-nbversion-graph ${props.className ?? ''}`}
        width={graphPixels(props.lanes)}
        data-testid="nbversion-graph"
        data-lane={row.lane}
        aria-hidden="true"
        focusable="false"
      >
        {row.through.map(l => (
          <line
            key={`t${l.lane}`}
            x1={x(l.lane)}
            y1={0}
            x2={x(l.lane)}
            y2="100%"
            stroke={laneStroke(l.lane)}
            data-edge="through"
            data-lane={l.lane}
          />
        ))}
        {row.into.map(l =>
          l.lane === row.lane ? (
            <line
              key={`i${l.lane}`}
              x1={nx}
              y1={0}
              x2={nx}
              y2={nodeY}
              stroke={laneStroke(l.lane)}
              data-edge="into"
              data-lane={l.lane}
            />
          ) : (
            <path
              key={`i${l.lane}`}
              d={`M ${x(l.lane)} 0 C ${x(l.lane)} ${nodeY * 0.7} ${nx} ${nodeY * 0.3} ${nx} ${nodeY}`}
              stroke={laneStroke(l.lane)}
              data-edge="into"
              data-lane={l.lane}
            />
          )
        )}
        {row.out.map(e => (
          <g
            key={`o${e.lane}`}
            stroke={laneStroke(e.lane)}
            data-edge={e.join ? 'join' : 'parent'}
            data-lane={e.lane}
            data-parent={e.parent}
          >
            {e.lane !== row.lane && (
              <path
                d={`M ${nx} ${nodeY} C ${nx} ${nodeY + BEND * 0.7} ${x(e.lane)} ${nodeY + BEND * 0.3} ${x(e.lane)} ${nodeY + BEND}`}
              />
            )}
            <line
              x1={x(e.lane)}
              y1={e.lane === row.lane ? nodeY : nodeY + BEND}
              x2={x(e.lane)}
              y2="100%"
            />
          </g>
        ))}
        <circle
          className={`jp-nbversion-graph-node${props.undo ? ' jp-mod-undo' : ''}${
            joins ? ' jp-mod-join' : ''
          }`}
          cx={nx}
          cy={nodeY}
          r={joins ? 4.5 : 3.5}
          stroke={laneStroke(row.lane)}
          fill={props.undo ? 'var(--jp-layout-color1)' : laneStroke(row.lane)}
          data-testid="nbversion-graph-node"
        >
          <title>
            {joins
              ? `Join of ${row.out.length} histories`
              : `On ${props.branch ?? 'no branch'}`}
          </title>
        </circle>
      </svg>
    );
  }
);
