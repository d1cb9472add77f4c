#pragma once

#include "db/firstrun/firstrun.h"

#include <QUuid>
#include <QWizard>

class ConnectionPool;
class ErrorBanner;
class FirstRunPage;
class HoursFirstRunPage;
class ManagerFirstRunPage;
class MenuFirstRunPage;
class ReadyFirstRunPage;
class SettingsFirstRunPage;

// The desk's first run on a site with nobody on the staff list: the car
// wash's name and time zone, currency and tax, opening hours, the first
// manager's name and PIN, and a starter wash menu or the demo's. Each page
// checks its answers before Next without the database; Finish writes them
// all through the pool in one transaction (FirstRun::apply), the GUI
// thread never waiting. Shown inside the desk window (a page, not a
// dialog), keyboard only if need be (Enter is Next). GUI thread only.
class FirstRunWizard : public QWizard
{
    Q_OBJECT
public:
    FirstRunWizard(ConnectionPool &pool, ErrorBanner &banner, QWidget *parent = nullptr);

    // Every page's answers as they stand.
    FirstRunPlan plan() const;
    bool isBusy() const;

    // Escape (QDialog's reject) does nothing: there is nothing to go back to
    // on a site without staff, and the page must not vanish.
    void reject() override { }

    SettingsFirstRunPage *sitePage() const { return m_site; }
    SettingsFirstRunPage *moneyPage() const { return m_money; }
    HoursFirstRunPage *hoursPage() const { return m_hours; }
    ManagerFirstRunPage *managerPage() const { return m_manager; }
    MenuFirstRunPage *menuPage() const { return m_menu; }
    ReadyFirstRunPage *readyPage() const { return m_ready; }

Q_SIGNALS:
    // Written: manager is the new manager, to sign in as.
    void setUp(const StaffMember &manager);
    // Another desk set the site up first; nothing was written here.
    void alreadySetUp();

protected:
    void initializePage(int id) override;

private:
    void submit();
    // Shows refused fields on their page and goes back to the first such.
    void showRefused(const QList<FieldError> &errors);

    ConnectionPool &m_pool;
    ErrorBanner &m_banner;
    SettingsFirstRunPage *m_site = nullptr;
    SettingsFirstRunPage *m_money = nullptr;
    HoursFirstRunPage *m_hours = nullptr;
    ManagerFirstRunPage *m_manager = nullptr;
    MenuFirstRunPage *m_menu = nullptr;
    ReadyFirstRunPage *m_ready = nullptr;
    QList<FirstRunPage *> m_pages;
    // The same for every Finish and Retry of this wizard (FirstRunPlan::setupKey).
    const QString m_setupKey = QUuid::createUuid().toString(QUuid::WithoutBraces);
};
