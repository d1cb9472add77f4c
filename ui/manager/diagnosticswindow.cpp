#include "ui/manager/diagnosticswindow.h"

#include "ui/common/errorbanner.h"
#include "ui/manager/diagnosticscharts.h"
#include "ui/manager/healthlight.h"

#include <QChartView>
#include <QCloseEvent>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QLoggingCategory>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcDiagnostics, "carwash.ui.diagnostics.window", QtWarningMsg)

namespace {

const QString kAlertSource = QStringLiteral("diagnostics.alert");

QString sourceLabel(const QString &source)
{
    if (source == u"environment")
        return DiagnosticsWindow::tr("environment");
    if (source == u"url")
        return DiagnosticsWindow::tr("URL");
    if (source == u"site file") // /etc/carwash-desk/database.conf
        return DiagnosticsWindow::tr("site file");
    if (source == u"settings")
        return DiagnosticsWindow::tr("saved settings");
    return DiagnosticsWindow::tr("default");
}

QTableView *makeTable(QAbstractItemModel *model, const QString &objectName, const QString &accessibleName,
                      QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setObjectName(objectName);
    view->setAccessibleName(accessibleName);
    view->setModel(model);
    view->setSortingEnabled(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->setWordWrap(false);
    return view;
}

} // namespace

DiagnosticsWindow::DiagnosticsWindow(ConnectionPool &pool, const ProcessIdentity &self, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("diagnosticsWindow"));
    setWindowTitle(tr("Diagnostics"));
    setWindowFlag(Qt::WindowMaximizeButtonHint);
    m_model = new DiagnosticsModel(pool, self, this);

    m_banner = new ErrorBanner(this);
    m_banner->setObjectName(QStringLiteral("diagnosticsAlertBanner"));

    m_source = new QComboBox(this);
    m_source->setObjectName(QStringLiteral("diagnosticsSource"));
    m_source->setAccessibleName(tr("Process"));
    m_source->addItem(tr("This process"), QString());
    m_source->addItem(tr("All processes"), QStringLiteral("*"));
    auto *sourceLabelWidget = new QLabel(tr("&Process:"), this);
    sourceLabelWidget->setBuddy(m_source);
    connect(m_source, &QComboBox::activated, this, &DiagnosticsWindow::pickSource);

    m_window = new QComboBox(this);
    m_window->setObjectName(QStringLiteral("diagnosticsWindowLength"));
    m_window->setAccessibleName(tr("Chart window"));
    m_window->addItem(tr("5 minutes"), 300);
    m_window->addItem(tr("1 hour"), 3600);
    auto *windowLabel = new QLabel(tr("Chart &window:"), this);
    windowLabel->setBuddy(m_window);
    connect(m_window, &QComboBox::currentIndexChanged, this, &DiagnosticsWindow::refresh);

    m_save = new QPushButton(tr("&Save diagnostics…"), this);
    m_save->setObjectName(QStringLiteral("diagnosticsSave"));
    m_save->setAccessibleName(tr("Save diagnostics"));
    m_save->setToolTip(tr("A JSON file with health history, slow queries, errors and configuration (no "
                          "passwords), and a picture of the charts"));
    m_save->setAutoDefault(false);
    connect(m_save, &QPushButton::clicked, this, &DiagnosticsWindow::chooseAndSave);

    auto *close = new QPushButton(tr("&Close"), this);
    close->setObjectName(QStringLiteral("diagnosticsClose"));
    close->setAutoDefault(false);
    connect(close, &QPushButton::clicked, this, &QDialog::close);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("diagnosticsStatus"));

    auto *controls = new QHBoxLayout;
    controls->addWidget(sourceLabelWidget);
    controls->addWidget(m_source, 1);
    controls->addSpacing(fontMetrics().averageCharWidth() * 2);
    controls->addWidget(windowLabel);
    controls->addWidget(m_window);
    controls->addStretch(1);
    controls->addWidget(m_status);
    controls->addWidget(m_save);
    controls->addWidget(close);

    auto *lights = new QHBoxLayout;
    m_overall = new HealthLight(tr("Overall"), this);
    m_overall->setObjectName(QStringLiteral("lightOverall"));
    lights->addWidget(m_overall);
    for (const HealthAlerts::State &s : m_model->alerts().states()) {
        auto *light = new HealthLight(HealthAlerts::title(s.signal), this);
        light->setObjectName(QStringLiteral("light_") + s.name);
        m_lights.insert(int(s.signal), light);
        lights->addWidget(light);
    }

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("diagnosticsTabs"));
    m_charts = new DiagnosticsCharts(this);
    m_tabs->addTab(m_charts, tr("C&harts"));

    m_slowProxy = new QSortFilterProxyModel(this);
    m_slowProxy->setSourceModel(m_model->slowQueries());
    m_slowProxy->setSortRole(SlowQueryModel::SortRole);
    m_slowTable = makeTable(m_slowProxy, QStringLiteral("slowQueryTable"), tr("Slow queries"), this);
    m_slowTable->sortByColumn(SlowQueryModel::WhenColumn, Qt::DescendingOrder);
    m_tabs->addTab(m_slowTable, tr("Slow &queries"));

    m_errorProxy = new QSortFilterProxyModel(this);
    m_errorProxy->setSourceModel(m_model->errors());
    m_errorProxy->setSortRole(MergedErrorsModel::SortRole);
    m_errorTable = makeTable(m_errorProxy, QStringLiteral("errorTable"), tr("Recent errors"), this);
    m_errorTable->sortByColumn(MergedErrorsModel::LastSeenColumn, Qt::DescendingOrder);
    m_tabs->addTab(m_errorTable, tr("&Errors"));

    auto *processPage = new QWidget(this);
    m_processes = new QTableWidget(0, 8, processPage);
    m_processes->setObjectName(QStringLiteral("processTable"));
    m_processes->setAccessibleName(tr("Processes and pool sizing"));
    m_processes->setHorizontalHeaderLabels({tr("Process"), tr("State"), tr("Status"), tr("Jobs/s"),
                                            tr("Mean hold"), tr("In use (λW)"), tr("connection_limit"),
                                            tr("Suggested")});
    m_processes->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_processes->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_processes->verticalHeader()->hide();
    m_processes->horizontalHeader()->setStretchLastSection(true);
    m_budget = new QLabel(processPage);
    m_budget->setObjectName(QStringLiteral("sizingBudget"));
    m_budget->setWordWrap(true);
    auto *processLayout = new QVBoxLayout(processPage);
    processLayout->addWidget(m_processes);
    processLayout->addWidget(m_budget);
    m_tabs->addTab(processPage, tr("Processes && si&zing"));

    auto *configPage = new QWidget(this);
    // Which version this is, for a support call or a site half-way through an upgrade.
    auto *version = new QLabel(tr("CarWash Desk %1").arg(QCoreApplication::applicationVersion()), configPage);
    version->setObjectName(QStringLiteral("productVersion"));
    version->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_url = new QLabel(configPage);
    m_url->setObjectName(QStringLiteral("configUrl"));
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_config = new QTableWidget(0, 3, configPage);
    m_config->setObjectName(QStringLiteral("configTable"));
    m_config->setAccessibleName(tr("Limits in force"));
    m_config->setHorizontalHeaderLabels({tr("Setting"), tr("Value"), tr("Comes from")});
    m_config->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_config->verticalHeader()->hide();
    m_config->horizontalHeader()->setStretchLastSection(true);
    auto *configLayout = new QVBoxLayout(configPage);
    configLayout->addWidget(version);
    configLayout->addWidget(m_url);
    configLayout->addWidget(m_config);
    m_tabs->addTab(configPage, tr("Con&figuration"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(controls);
    layout->addLayout(lights);
    layout->addWidget(m_tabs, 1);

    setTabOrder(m_source, m_window);
    setTabOrder(m_window, m_save);
    setTabOrder(m_save, close);
    setTabOrder(close, m_overall);

    connect(m_model, &DiagnosticsModel::updated, this, &DiagnosticsWindow::refresh);
    connect(m_model, &DiagnosticsModel::processesChanged, this, &DiagnosticsWindow::refreshProcesses);
    connect(m_model, &DiagnosticsModel::sourceChanged, this, &DiagnosticsWindow::refreshNow);
    connect(&m_model->alerts(), &HealthAlerts::alertRaised, this,
            [this](HealthAlerts::Signal, const QString &) { refreshLights(); });
    connect(&m_model->alerts(), &HealthAlerts::alertCleared, this,
            [this](HealthAlerts::Signal) { refreshLights(); });

    const QSize screen
        = fontMetrics().averageCharWidth() * QSize(180, 0) + QSize(0, fontMetrics().height() * 50);
    resize(screen);
    m_model->start();
    refreshConfiguration();
}

DiagnosticsWindow::~DiagnosticsWindow() = default;

int DiagnosticsWindow::windowSeconds() const
{
    return m_window->currentData().toInt();
}

void DiagnosticsWindow::showEvent(QShowEvent *event)
{
    if (!m_model->isRunning())
        m_model->start();
    QDialog::showEvent(event);
}

void DiagnosticsWindow::closeEvent(QCloseEvent *event)
{
    // Nothing sampled for a screen nobody looks at.
    m_model->stop();
    QDialog::closeEvent(event);
}

void DiagnosticsWindow::refreshNow()
{
    refresh();
    refreshProcesses();
    refreshConfiguration();
}

void DiagnosticsWindow::refresh()
{
    refreshLights();
    if (m_tabs->currentWidget() == m_charts || !isVisible())
        m_charts->refresh(m_model->history(), windowSeconds());
    const auto latest = m_model->history().latest();
    QString status;
    if (m_model->source() == DiagnosticsModel::Source::OtherProcess && m_model->selectedIsStale())
        status = tr("%1 has stopped publishing its health (stale).").arg(m_model->sourceTitle());
    else if (latest)
        status
            = tr("Updated %1").arg(QLocale().toString(latest->at.toLocalTime().time(), QLocale::LongFormat));
    else
        status = tr("Waiting for the first measurement…");
    // Below the alerts, not over them: the banner belongs to the signals.
    if (m_model->hasPolled() && m_model->pollError().isError())
        status = tr("%1 Other processes cannot be read: %2").arg(status, m_model->pollError().message());
    m_status->setText(status);
}

void DiagnosticsWindow::refreshLights()
{
    const HealthAlerts &alerts = m_model->alerts();
    for (const HealthAlerts::State &s : alerts.states()) {
        if (HealthLight *light = m_lights.value(int(s.signal)))
            light->setState(s.level, s.alerting, HealthAlerts::valueText(s), HealthAlerts::thresholdText(s));
    }
    m_overall->setStatus(alerts.overall());
    const QStringList active = alerts.activeAlerts();
    if (active.isEmpty())
        m_banner->clear(kAlertSource);
    else
        m_banner->showMessage(kAlertSource, tr("Alert: %1").arg(active.join(QLatin1Char(' '))),
                              tr("The light stays red until the signal has been healthy for %n second(s).",
                                 nullptr, alerts.clearAfterSeconds()),
                              {}, false);
}

void DiagnosticsWindow::refreshProcesses()
{
    // The picker: this process, all, then each published one.
    const QString current = m_source->currentData().toString();
    const QSignalBlocker block(m_source);
    while (m_source->count() > 2)
        m_source->removeItem(2);
    for (const ProcessHealthEntry &e : m_model->processes()) {
        if (e.process == m_model->self())
            continue;
        QString text = DiagnosticsModel::processTitle(e.process);
        if (e.stale)
            text = tr("%1 — stale, last seen %2 s ago").arg(text).arg(qRound(e.ageSeconds));
        m_source->addItem(text, e.process.key());
    }
    const int index = m_source->findData(current);
    if (index >= 0)
        m_source->setCurrentIndex(index);
    else if (m_model->source() == DiagnosticsModel::Source::OtherProcess) {
        // The selected process has been dropped from the list: say so.
        m_source->addItem(tr("%1 — gone").arg(m_model->sourceTitle()), current);
        m_source->setCurrentIndex(m_source->count() - 1);
    }
    refreshSizing();
}

void DiagnosticsWindow::refreshSizing()
{
    const QList<DiagnosticsModel::ProcessAdvice> sizing = m_model->sizing();
    QHash<QString, const ProcessHealthEntry *> byKey;
    for (const ProcessHealthEntry &e : m_model->processes())
        byKey.insert(e.process.key(), &e);
    QList<const ProcessHealthEntry *> staleOnes;
    for (const ProcessHealthEntry &e : m_model->processes()) {
        if (e.stale)
            staleOnes << &e;
    }
    m_processes->setRowCount(int(sizing.size() + staleOnes.size()));
    int row = 0;
    const QLocale locale;
    for (const DiagnosticsModel::ProcessAdvice &a : sizing) {
        const ProcessHealthEntry *e = byKey.value(a.key);
        const QString verdict = a.advice.verdict == PoolSizingAdvice::Verdict::TooSmall ? tr("%1 (raise)")
            : a.advice.verdict == PoolSizingAdvice::Verdict::Oversized ? tr("%1 (could lower)")
                                                                       : tr("%1 (enough)");
        const QStringList cells = {
            a.title,
            e ? tr("publishing") : tr("live"),
            e ? e->snapshot[u"status"].toString() : HealthLight::statusName(m_model->alerts().overall()),
            locale.toString(a.load.arrivalPerSecond, 'f', 1),
            tr("%1 ms").arg(locale.toString(a.load.meanHoldMs, 'f', 1)),
            locale.toString(a.advice.busyConnections, 'f', 2),
            locale.toString(a.advice.current),
            verdict.arg(a.advice.suggested),
        };
        for (int c = 0; c < cells.size(); ++c)
            m_processes->setItem(row, c, new QTableWidgetItem(cells.at(c)));
        ++row;
    }
    for (const ProcessHealthEntry *e : staleOnes) {
        const QStringList cells = {DiagnosticsModel::processTitle(e->process),
                                   tr("stale, last seen %1 s ago").arg(qRound(e->ageSeconds)),
                                   e->snapshot[u"status"].toString(),
                                   QString(),
                                   QString(),
                                   QString(),
                                   QString(),
                                   QString()};
        for (int c = 0; c < cells.size(); ++c)
            m_processes->setItem(row, c, new QTableWidgetItem(cells.at(c)));
        ++row;
    }
    m_processes->resizeColumnsToContents();
    const PoolBudgetAdvice b = m_model->budget();
    if (b.serverAvailable <= 0) {
        m_budget->setText(tr("The server's connection limit is not known yet."));
    } else {
        QString text
            = tr("Pools of the processes above: %1 connections now, %2 suggested; the server allows "
                 "%3 (max_connections %4 minus %5 reserved for superusers), %6 in use by every client.")
                  .arg(b.currentTotal)
                  .arg(b.suggestedTotal)
                  .arg(b.serverAvailable)
                  .arg(m_model->serverBudget().maxConnections)
                  .arg(m_model->serverBudget().superuserReserved)
                  .arg(m_model->serverBudget().inUse);
        if (!b.suggestedFits())
            text += QLatin1Char(' ')
                + tr("The suggested total does not fit: raise max_connections or put PgBouncer in front.");
        else if (!b.currentFits())
            text += QLatin1Char(' ') + tr("The current total does not fit the server.");
        m_budget->setText(text);
    }
}

void DiagnosticsWindow::refreshConfiguration()
{
    const QJsonObject status = m_model->configStatus();
    if (status.isEmpty()) {
        m_url->setText(m_model->source() == DiagnosticsModel::Source::AllProcesses
                           ? tr("Pick one process to see its configuration.")
                           : tr("This process has not published its configuration."));
        m_config->setRowCount(0);
        return;
    }
    m_url->setText(status[u"embedded"].toBool() ? tr("Database: the embedded server on this computer (%1)")
                                                      .arg(status[u"database_url"].toString())
                                                : tr("Database: %1").arg(status[u"database_url"].toString()));
    const QJsonArray settings = status[u"settings"].toArray();
    m_config->setRowCount(int(settings.size()));
    for (int row = 0; row < settings.size(); ++row) {
        const QJsonObject s = settings.at(row).toObject();
        const QString unit = s[u"unit"].toString();
        m_config->setItem(row, 0, new QTableWidgetItem(s[u"name"].toString()));
        m_config->setItem(row, 1,
                          new QTableWidgetItem(unit.isEmpty()
                                                   ? s[u"value"].toString()
                                                   : tr("%1 %2").arg(s[u"value"].toString(), unit)));
        m_config->setItem(row, 2, new QTableWidgetItem(sourceLabel(s[u"source"].toString())));
    }
    m_config->resizeColumnsToContents();
}

void DiagnosticsWindow::pickSource()
{
    const QString key = m_source->currentData().toString();
    if (key.isEmpty())
        m_model->selectThisProcess();
    else if (key == u"*")
        m_model->selectAllProcesses();
    else
        m_model->selectProcess(key);
}

void DiagnosticsWindow::chooseAndSave()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString suggested = QDir(folder).filePath(
        QStringLiteral("carwash-diagnostics-%1.json")
            .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))));
    const QString path
        = QFileDialog::getSaveFileName(this, tr("Save diagnostics"), suggested, tr("Diagnostics (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveTo(path, &error))
        m_banner->showMessage(QStringLiteral("diagnostics.save"), error,
                              tr("Choose a folder you may write to and try again."),
                              [this] { chooseAndSave(); });
    else
        m_banner->clear(QStringLiteral("diagnostics.save"));
}

bool DiagnosticsWindow::saveTo(const QString &jsonPath, QString *error)
{
    const QFileInfo info(jsonPath);
    const QString pngPath = info.dir().filePath(info.completeBaseName() + QStringLiteral(".png"));
    QJsonObject bundle = m_model->exportBundle();
    bundle[QStringLiteral("charts_png")] = QFileInfo(pngPath).fileName();
    QSaveFile file(jsonPath);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(QJsonDocument(bundle).toJson(QJsonDocument::Indented)) < 0 || !file.commit()) {
        if (error)
            *error = tr("The diagnostics could not be saved to %1: %2").arg(jsonPath, file.errorString());
        qCWarning(lcDiagnostics).noquote() << "saving diagnostics failed:" << file.errorString();
        return false;
    }
    // The charts as they are drawn now, whichever tab is showing.
    m_charts->refresh(m_model->history(), windowSeconds());
    if (!m_charts->isVisible())
        m_charts->resize(m_tabs->size());
    const QPixmap picture = m_charts->grab();
    if (!picture.save(pngPath, "PNG")) {
        if (error)
            *error = tr("The chart picture could not be saved to %1.").arg(pngPath);
        return false;
    }
    return true;
}
