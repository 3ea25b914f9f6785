import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { nbversionIcon } from './icons';
import { VersionsModel } from './model';
import { VersionsPanel } from './panel';
import { CommandIDs, PLUGIN_ID } from './tokens';

/**
 * The Versions sidebar: registers the panel, its commands and palette entries.
 */
const panelPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Versions sidebar for nbversion.',
  autoStart: true,
  optional: [ICommandPalette, ILayoutRestorer, ISettingRegistry, ILabShell],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null
  ) => {
    const model = new VersionsModel();
    const panel = new VersionsPanel(model);
    app.shell.add(panel, 'left', { rank: 850 });
    restorer?.add(panel, 'nbversion-panel');
    void model.refresh();

    app.commands.addCommand(CommandIDs.openPanel, {
      label: 'Show Versions Panel',
      caption: 'Open the nbversion Versions sidebar',
      icon: nbversionIcon,
      execute: () => app.shell.activateById(panel.id)
    });
    app.commands.addCommand(CommandIDs.refreshStatus, {
      label: 'Refresh Versions Panel',
      execute: () => model.refresh()
    });
    if (palette) {
      const category = 'Versions';
      palette.addItem({ command: CommandIDs.openPanel, category });
      palette.addItem({ command: CommandIDs.refreshStatus, category });
    }

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          if (settings.get('openOnStart').composite as boolean) {
            void app.restored.then(() => app.shell.activateById(panel.id));
          }
        })
        .catch(reason => {
          console.error('nbversion: failed to load settings.', reason);
        });
    }
  }
};

export default [panelPlugin];
