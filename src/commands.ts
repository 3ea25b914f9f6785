/**
 * Commands, palette entries and the notebook toolbar button of the Versions UI.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { CommandToolbarButton } from '@jupyterlab/ui-components';
import { DisposableDelegate } from '@lumino/disposable';

import { nbversionIcon } from './icons';
import { openRuns } from './runsview';
import { CommandIDs, IVersionsUI } from './tokens';

export function registerCommands(
  app: JupyterFrontEnd,
  ui: IVersionsUI,
  tracker: INotebookTracker,
  palette: ICommandPalette | null
): void {
  const { commands } = app;
  const hasNotebook = () => tracker.currentWidget !== null;

  commands.addCommand(CommandIDs.openPanel, {
    label: 'Show Versions Panel',
    caption: 'Open the nbversion Versions sidebar',
    icon: nbversionIcon,
    execute: () => ui.open()
  });
  commands.addCommand(CommandIDs.refreshStatus, {
    label: 'Refresh Versions Panel',
    execute: () => ui.actions.refresh()
  });
  commands.addCommand(CommandIDs.save, {
    label: args => (args.toolbar ? 'Version' : 'Save Version'),
    caption: 'Save version: snapshot the notebook and its kernel state',
    icon: args => (args.toolbar ? nbversionIcon : undefined),
    isEnabled: hasNotebook,
    execute: args => {
      ui.model.setNotebook(tracker.currentWidget);
      ui.actions.save(typeof args.message === 'string' ? args.message : '');
    }
  });
  commands.addCommand(CommandIDs.undoRestore, {
    label: 'Undo Version Restore',
    isEnabled: () => ui.restorer.canUndo,
    execute: () => ui.actions.undoRestore()
  });
  commands.addCommand(CommandIDs.compare, {
    label: 'Compare Selected Versions',
    isEnabled: () => ui.model.selected.length === 2,
    execute: () => ui.actions.compare()
  });

  commands.addCommand(CommandIDs.openRuns, {
    label: 'Open Runs',
    caption:
      'Open the Runs tab: every version of the notebook with its params and metrics',
    icon: nbversionIcon,
    isEnabled: () => ui.model.path !== null,
    execute: () => {
      const path = ui.model.path;
      if (path) {
        openRuns(app, ui, path);
      }
    }
  });

  if (palette) {
    const category = 'Versions';
    for (const command of [
      CommandIDs.openPanel,
      CommandIDs.refreshStatus,
      CommandIDs.save,
      CommandIDs.undoRestore,
      CommandIDs.compare,
      CommandIDs.openRuns
    ]) {
      palette.addItem({ command, category });
    }
  }

  app.docRegistry.addWidgetExtension('Notebook', {
    createNew: (panel: NotebookPanel) => {
      const button = new CommandToolbarButton({
        commands,
        id: CommandIDs.save,
        args: { toolbar: true },
        label: 'Version'
      });
      button.addClass('jp-nbversion-toolbar-save');
      panel.toolbar.insertItem(10, 'nbversion-save', button);
      return new DisposableDelegate(() => button.dispose());
    }
  });
}
