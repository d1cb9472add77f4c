#pragma once

#include "models/manager/diagnosticsmodel.h"

#include <QDialog>
#include <QHash>

class DiagnosticsCharts;
class ErrorBanner;
class HealthLight;
class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTableWidget;
class QTabWidget;

// The manager's diagnostics: health lights for the design's five signals
// and the overall status, live charts (5 minutes or an hour), slow queries,
// merged errors, the configuration in force with where each value came
// from, every published process with pool sizing advice, an alert banner,
// and "Save diagnostics" (a JSON bundle and a PNG of the charts). Non-modal;
// every database read goes through the pool (DiagnosticsModel). It can be
// built on its own, e.g. for a screenshot with live data.
class DiagnosticsWindow : public QDialog
{
    Q_OBJECT
public:
    // pool must outlive the window.
    DiagnosticsWindow(ConnectionPool &pool, const ProcessIdentity &self, QWidget *parent = nullptr);
    ~DiagnosticsWindow() override;

    DiagnosticsModel &model() { return *m_model; }
    DiagnosticsCharts *charts() { return m_charts; }
    HealthLight *light(HealthAlerts::Signal signal) const { return m_lights.value(int(signal)); }
    HealthLight *overallLight() const { return m_overall; }
    ErrorBanner *alertBanner() const { return m_banner; }
    int windowSeconds() const;

    // Writes the bundle to jsonPath and the charts to the same name with
    // .png. False with a message on failure.
    bool saveTo(const QString &jsonPath, QString *error = nullptr);
    void refreshNow();

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void refresh();
    void refreshLights();
    void refreshProcesses();
    void refreshConfiguration();
    void refreshSizing();
    void pickSource();
    void chooseAndSave();

    DiagnosticsModel *m_model = nullptr;
    ErrorBanner *m_banner = nullptr;
    QComboBox *m_source = nullptr;
    QComboBox *m_window = nullptr;
    QPushButton *m_save = nullptr;
    QLabel *m_status = nullptr;
    HealthLight *m_overall = nullptr;
    QHash<int, HealthLight *> m_lights;
    QTabWidget *m_tabs = nullptr;
    DiagnosticsCharts *m_charts = nullptr;
    QSortFilterProxyModel *m_slowProxy = nullptr;
    QTableView *m_slowTable = nullptr;
    QSortFilterProxyModel *m_errorProxy = nullptr;
    QTableView *m_errorTable = nullptr;
    QTableWidget *m_processes = nullptr;
    QLabel *m_budget = nullptr;
    QLabel *m_url = nullptr;
    QTableWidget *m_config = nullptr;
};
