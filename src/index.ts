import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';

import { createActions } from './actions';
import { AutoSave } from './autosave';
import { LiveAnswers } from './live';
import { registerCommands } from './commands';
import { VersionsModel } from './model';
import { VersionsPanel } from './panel';
import { Restorer } from './restore';
import { BranchStatus, HoldsStatus } from './statusbar';
import { INbVersionSettings, IVersionsUI, PLUGIN_ID } from './tokens';

const DEFAULTS: INbVersionSettings = {
  openOnStart: false,
  defaultRestoreMode: 'all',
  autoRefreshSeconds: 0,
  autoSave: false
};

/**
 * The Versions sidebar: model, panel and settings; follows the active notebook.
 */
const panelPlugin: JupyterFrontEndPlugin<IVersionsUI> = {
  id: PLUGIN_ID,
  description: 'Versions sidebar for nbversion.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ILayoutRestorer, ISettingRegistry],
  provides: IVersionsUI,
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    layoutRestorer: ILayoutRestorer | null,
    settingRegistry: ISettingRegistry | null
  ): IVersionsUI => {
    const settings = { ...DEFAULTS };
    const model = new VersionsModel();
    const restorer = new Restorer(model, () => settings.defaultRestoreMode);
    const actions = createActions(app, model, restorer);
    const panel = new VersionsPanel(model, actions, () => restorer.canUndo);
    app.shell.add(panel, 'left', { rank: 850 });
    layoutRestorer?.add(panel, 'nbversion-panel');
    const open = () => app.shell.activateById(panel.id);

    // kernel-side saves store the notebook as open here, not the file last written
    const live = new LiveAnswers();
    tracker.forEach(p => live.watch(p));
    tracker.widgetAdded.connect((_, p) => live.watch(p));

    void model.refreshStatus();
    model.setNotebook(tracker.currentWidget);
    tracker.currentChanged.connect((_, widget) => model.setNotebook(widget));

    // Saves made with the %version magic: refresh once such a cell has run; with
    // autoSave on, after every cell.
    NotebookActions.executed.connect((_, { notebook, cell }) => {
      const source = cell.model.sharedModel.getSource();
      if (source.includes('nbversion') || source.includes('%version')) {
        // the extension may have been loaded by that cell: link to it now
        tracker.forEach(p => p.content === notebook && live.ensure(p));
      }
      if (notebook !== model.notebook?.content) {
        return;
      }
      model.holds.refreshKernelSoon();
      if (cell.model.sharedModel.getSource().includes('%version')) {
        void model.refresh();
      } else if (settings.autoSave) {
        // the kernel saves in the background: pick the version up a little later
        setTimeout(() => void model.refresh(), 2000);
      }
    });

    // off until the settings are loaded, so a saved `true` is the first thing sent
    let settingsLoaded = false;
    const autoSave = new AutoSave(
      tracker,
      () => settingsLoaded && !!settings.autoSave
    );

    let timer: ReturnType<typeof setInterval> | null = null;
    const applySettings = (loaded: ISettingRegistry.ISettings) => {
      const wasOn = settingsLoaded && settings.autoSave;
      Object.assign(settings, loaded.composite as Partial<INbVersionSettings>);
      settingsLoaded = true;
      if (!!settings.autoSave !== !!wasOn) {
        autoSave.apply();
      }
      if (timer) {
        clearInterval(timer);
        timer = null;
      }
      const seconds = Number(settings.autoRefreshSeconds) || 0;
      if (seconds > 0) {
        timer = setInterval(() => {
          if (panel.isVisible && model.path && !model.running) {
            void model.refresh();
          }
        }, seconds * 1000);
      }
    };
    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(loaded => {
          applySettings(loaded);
          loaded.changed.connect(applySettings);
          if (settings.openOnStart) {
            void app.restored.then(open);
          }
        })
        .catch(reason => {
          console.error('nbversion: failed to load settings.', reason);
        });
    }
    return { model, actions, restorer, open };
  }
};

/** Commands, palette items, notebook toolbar button (and the shortcut in the schema). */
const commandsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'nbversion:commands',
  description: 'Commands and toolbar button of nbversion.',
  autoStart: true,
  requires: [IVersionsUI, INotebookTracker],
  optional: [ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    ui: IVersionsUI,
    tracker: INotebookTracker,
    palette: ICommandPalette | null
  ) => registerCommands(app, ui, tracker, palette)
};

/**
 * Status bar item showing the active notebook's current branch.
 *
 * The status bar is optional: Notebook 7 has none (nor an `ILabShell`), and every plugin
 * here needs only tokens Notebook 7 provides, so the sidebar works there too.
 */
const statusBarPlugin: JupyterFrontEndPlugin<void> = {
  id: 'nbversion:statusbar',
  description: 'Current nbversion branch in the status bar.',
  autoStart: true,
  requires: [IVersionsUI],
  optional: [IStatusBar],
  activate: (
    _: JupyterFrontEnd,
    ui: IVersionsUI,
    statusBar: IStatusBar | null
  ) => {
    if (!statusBar) {
      return;
    }
    statusBar.registerStatusItem('nbversion:branch', {
      item: new BranchStatus(ui.model, ui.open),
      align: 'left',
      rank: 5,
      isActive: () => ui.model.path !== null,
      activeStateChanged: ui.model.changed
    });
    statusBar.registerStatusItem('nbversion:holds', {
      item: new HoldsStatus(ui.model, ui.open),
      align: 'left',
      rank: 6,
      isActive: () => ui.model.path !== null,
      activeStateChanged: ui.model.changed
    });
  }
};

export default [panelPlugin, commandsPlugin, statusBarPlugin];
