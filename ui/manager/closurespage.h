#pragma once

#include "db/calendar/closure.h"
#include "ui/manager/sitesetuppage.h"

#include <QDateTime>

#include <functional>

class QDateEdit;
class QLineEdit;
class QMessageBox;
class QPushButton;
class QTreeWidget;

// The "Closures" tab: the days the site is shut (holidays), past ones
// greyed, with Add (a date range and a reason) and Remove (after a
// confirmation). Past and today are the site's, in its time zone
// (site.timezone, loaded with the list), never this computer's.
class ClosuresPage : public SiteSetupPage
{
    Q_OBJECT
public:
    ClosuresPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
                 QWidget *parent = nullptr);

    void reload();
    void add();
    // Asks first; the box is returned (open, non-modal for the event loop)
    // so tests can answer it. nullptr when nothing is selected.
    QMessageBox *removeSelected();
    QList<Closure> closures() const { return m_closures; }
    // The site's today at the last load (invalid before).
    QDate siteToday() const { return m_today; }
    // Where "now" comes from; the system clock unless a test sets another.
    void setClock(std::function<QDateTime()> clock);

Q_SIGNALS:
    void loaded();

private:
    void display(const QList<Closure> &closures);
    void remove(const Closure &closure);

    QTreeWidget *m_list = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QLineEdit *m_reason = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_remove = nullptr;
    QList<Closure> m_closures;
    QDate m_today;
    QDate m_offered; // what the date fields were last set to, until someone changes them
    std::function<QDateTime()> m_now = [] { return QDateTime::currentDateTimeUtc(); };
};
